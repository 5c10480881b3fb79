"""What clerks write, declared as data: header words per canonical column, enum values.

A header is recognised in three tiers (etl.headers scores them):

1. exact: the header's key (etl.text.header_key) equals one of the column's
   aliases in etl/specs.py: score ``EXACT``;
2. stem: the same after ``stem`` drops a clerk's prefix (所属村 → 村) and a
   trailing 号 / 号码 / 数 / 名称 (身份证号码 → 身份证): score ``STEM``;
3. role: a ``Role`` below, a pattern over the stemmed key with words that
   rule it out (a name is "…姓名" or "…人", but not "联系人"): its own score.
   A role keyed ``"kind.column"`` holds in that kind only (a budget table's
   合计 column is its amount; a roster's 合计 is not).  A role scored above
   ``EXACT`` (``OUTRANKS``) is consulted even for a header that is an exact alias:
   it says which of two headers the kind is about when a form has both (a property
   register's 产权人 beside the 人员 the 核对 asked about).

The best-scoring column wins; two columns of the file at the same best score
for one canonical column are reported as ambiguous, never guessed.  To teach
the loader a new header word, add an alias to the column in etl/specs.py
(exact) or a ``Role`` here (a family of headers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EXACT = 100
STEM = 90
# A form that names the person the row is about beside others it also names: 享受人 beside 户主 on a
# roster, 产权人 beside the 人员 a 核对 asked about.
OUTRANKS = 105
# A plain 姓名 beside 户主姓名 (both exact aliases): the row's own person, the head named for the household
# (a 学生资助 export: the student, then the head).  Below OUTRANKS: never over the 享受人 a form names.
PLAIN_NAME = 102
# 享受人员姓名 beside 户主姓名 (gistone-dibao-xiangshou-daoru: the member who receives 低保): the member, as
# 享受人 is; but beside a plain 姓名 (yikatong-yidong-duochong: the person whose cards the list is about,
# with the ID number) it is another person named on the row.
MEMBER = 101

# Words a clerk puts before the header proper (所属村, 享受人员姓名, 补贴对象姓名); 归属 is 所属 written
# otherwise (归属乡镇 / 归属行政村 / 归属组: a 扶贫 补助 import template).
PREFIXES = ("补贴对象", "补助对象", "救助对象", "发放对象", "所属", "所在", "归属", "享受", "领取")
# Words after it that do not change its meaning, with the shortest stem that may remain
# (人数 stays 人数: 人 alone says nothing).
SUFFIXES = (("号码", 2), ("名称", 1), ("号", 2), ("数", 2))
# A count of people or households keeps its 数: 员工人数 (a 企业信息 form, tests/realfiles
# landcirculation-qiye-xinxi) is a head count, never the 员工人 a name's role (…人) would take, nor is
# 种粮大户数 a grower or 受益人数 the person entitled; nor 贫困村数 the 贫困村 a fund goes to.  (…人次 has no 数
# to lose.)
COUNTS = ("人数", "户数", "村数")

# Headers that carry no data (a running number): not loaded, not reported as unused.
IGNORED_HEADERS = ("序号", "序", "行号", "no", "no.", "编号序号")


@dataclass(frozen=True)
class Role:
    """A family of headers for one canonical column: ``pattern`` matches, ``unless`` rules out."""

    pattern: str
    score: int
    unless: str = ""

    def matches(self, key: str, stemmed: str = "") -> bool:
        """The header's key or its stem fits the pattern, and neither holds a word that rules it out
        (收款账户名称 stems to 收款账户, but it is still an account's name)."""
        keys = (key, stemmed) if stemmed else (key,)
        return any(re.search(self.pattern, k) for k in keys) and not (
            self.unless and any(re.search(self.unless, k) for k in keys)
        )


# A level's opinion, date or signature on an application (社区审批意见, 街道审批时间) is no place.
_NOT_A_PLACE = "审批|审核|意见|时间|日期|签字|签章|盖章|经办|负责人|电话"

# People who sign, fill in or vouch for a form are not the person paid.
# Nor the dead or missing a family is consoled for (死者(失踪)姓名 beside 户主姓名: a 救灾 system's list of
# consolation paid); a deaths register names them by its own headers (死者姓名, 逝者姓名).
_NOT_THE_PERSON = "联系|电话|手机|代理|经办|负责|审核|复核|填报|制表|监护|法人|法定|证明|担保|审批|批准|录入|开户|单位|身份|证件|代领|代办|签字|签名|签章|死者|失踪|遇难"

# Headers that are a column only when every value is one of its enum's (etl/validate.py
# ``_not_its_values``): an operation's type is the 发放状态 where the operation recorded is the payment's
# (a 养老补贴 system's 操作类型 = 发放 / 未发放 for the month: yanglao-butie-fafang-jilu), not where it is an
# operation log's (新增 / 修改 / 删除) or the entitlement's (暂停 / 注销): such a column is not loaded.
VALUES_DECIDE: dict[str, str] = {"card_status": r"^操作类型$"}

ROLES: dict[str, tuple[Role, ...]] = {
    "name": (
        Role(r"姓名$", 80, _NOT_THE_PERSON),
        Role(r"^户主", 75, _NOT_THE_PERSON + "|关系|账|卡"),
        Role(r"..人$", 60, _NOT_THE_PERSON + "|收款单位|责任|介绍|推荐"),
        Role(r"^(补贴|补助|救助|享受|受益)对象$", 70),
        # 种粮大户, 种植大户, 养殖大户: a roster of large growers names the grower by the column's title.
        Role(r"..大户$", 65, _NOT_THE_PERSON),
        # 客户名称 (a bank's list), 农户名称, 申请人名称: the stem is the payee itself; not 收款单位 (a firm).
        # 车主: the owner paid for a vehicle scrapped (huangbiaoche-taotai-butie-shouli).
        Role(r"^(客户|农户|申请人|收款人|领款人|持卡人|车主)$", 65),
        # 户名 / 账户名 / 开户名: the account holder, as a bank's 代发 file and a village's roster name the
        # person paid (liangzhong-butie-huming-mingxi); below 姓名 and 户主姓名 when the form has those too.
        Role(r"^(户名|账户名|开户名)$", 65),
        # 受助人 / 受助对象 (a 社会救助 plan's 救助方案明细: 受助人/单位名称, the person or unit aided); not a
        # count of them, their kind or their phone.
        Role(r"^受助(人|对象)(/单位)?(姓名|名称)?$", 65),
        # 享受人 / 受益人: the person entitled.  Beside 户主姓名 and 收款人姓名 (a 一卡通 roster names the head,
        # the account holder and the entitled person: bosi-ykt-huamingce-daochu) the row is the entitled
        # person's: the old person's 高龄津贴 must stop when the old person dies (paid_after_death goes by
        # this ID), and two old people of one household are not one head paid twice (duplicate_payment).
        Role(r"^(享受|受益)人(姓名)?$", OUTRANKS),
        Role(r"^(享受|受益)人员(姓名)?$", MEMBER),
        Role(r"^姓名$", PLAIN_NAME),
    ),
    "id_number": (
        # Not another certificate's number: 退役证件号 is a discharge certificate's (cam-tuiyi-shibing-daoru).
        Role(
            r"^身份证|证件号|公民身份|身份号",
            80,
            "类型|种类|有效期|地址|退役证|军官证|士兵证|残疾证|学生证|工作证|驾驶证",
        ),
        # The person's number named with who the person is (伤残身份证号, 参战人员身份证号, 60岁退役士兵身份证号:
        # A1500/cam's 优抚 templates); below 户主身份证号, never another person's (a spouse, an agent, a member);
        # a note (…（村编号或个人身份证号码）) is left to the values (etl.bycontent.NOTED).
        Role(
            r"^[^(]{2,}身份证",  # in the header, not in a note in brackets after it
            65,
            "类型|种类|有效期|地址|户名|代领|代办|监护|联系|经办|配偶|家属|成员|亲属|父|母|子女|法人|法定|代理"
            "|收款|领款",  # the payee beside the person (fupin-buzhu-daoru-muban): as before, not taken
        ),
        # 户主身份证号 (minzheng-tekun-jiating-chaxun): the person paid is the household head; below 身份证号
        # when both are there.  Not an account holder's, an agent's or a guardian's number.
        Role(
            r"^(户主|本人|申请人|领取人|持卡人|补贴对象|救助对象)身份证",
            70,
            "类型|种类|有效期|地址|户名|代领|代办|监护|联系|经办|配偶",
        ),
        # The entitled person's number: above the head's (户主身份证号), as their names are.
        Role(r"^(享受人员?|受益人|享受对象)(的)?(身份证|公民身份|证件号)", OUTRANKS),
    ),
    # 乡镇, 街道, 镇, 乡(镇), 镇名; not 镇办核实… (jeecg-shuangjidao-youxian-zoufang), a sentence that starts with 镇.
    # 所属街 (minzheng-tekun-jiating-chaxun) stems to 街: a 街道 written short.
    "township": (
        # Not a step of an approval named by its level (街道审批意见, 街道审批时间: linshi-jiuzhu-chaxun-daochu).
        # Not the place's code beside its name (街道(乡镇)编码 / 街道(乡镇)名称: a 直达 system's 到人到户
        # template, zhida-daorendaohu-fafang-mingxi-muban): the 名称 is the place, the 编码 ties with nothing.
        Role(
            r"乡镇|街道|^[乡镇街](名|别|区|\(.*\))?$",
            60,
            "城乡|乡村|村|编码|代码|" + _NOT_A_PLACE,
        ),
        # 行政区域, 所属区域, 项目隶属区域: below a county's own forms the area named is the township.
        Role(r"(行政|隶属|所在|所属)区域$|^区域$", 50, "代码|编码|id$|省|市|县"),
    ),
    # 所属社 / 社区: a 社区 is the town's village (居委会); 社 alone is its short form.
    "village": (
        Role(
            r"村",
            60,
            "小组|组$|村民$|人口|户数|村级|干部|城乡|乡村|农村|编码|代码|" + _NOT_A_PLACE,
        ),
        Role(r"社区|^社$|居委会", 60, "社区服务|人口|户数|干部|保险|社保|" + _NOT_A_PLACE),
    ),
    "village_group": (Role(r"(小组|组别)$|^组", 60, "班组|组织"),),
    # 农户代码 (zjffqd-caizheng-buzhu-fafang-qingce): the 一卡通 system's household code.
    # 用户编号 / 客户号 (ruoyi-shebao-butie-fafang-jilu): the paying system's own code for the payee.
    "household_no": (
        Role(r"^(农户|家庭|户|用户|客户)(编|代)?(号|码|编码)", 60, "账|卡|户主"),
        # 户口本号 / 户口簿号 (bf-pinkunhu-butie-duifu): the 户号 printed on the household's hukou book.
        Role(r"^户口(本|簿)(编|代)?(号|码|编码)?$", 60),
        # 低保证号 / 低保证编号 / 保障证号 (qitian-cun-dibao-butie-huizong): 低保 is granted per household, one
        # 最低生活保障证 to a household, so its number is the household's.  Not the 低保 person's 证件号码
        # (the ID number), not a 证 whose holder is one person (救助证: a 特困 供养证, a 医疗救助证).
        Role(
            r"^(城市|农村|城乡|城镇)?(低保|最低生活保障|保障)证书?编?(号|码|编码)", 60, "证件|身份"
        ),
    ),
    # Not an area a 登记清册 takes away (采用排除法排除的面积, 核减面积): that is no quantity paid on.
    "quantity": (
        Role(
            r"面积|亩|人数|月数|头数|数量",
            60,
            # nor the goods given in kind beside the cash (救助物品数量: a 救助方案明细)
            "金额|标准|单价|^每|排除|扣除|核减|剔除|不予|减少|物品|实物|物资",
        ),
        # 应享受补贴面积, 计补面积 (dili-butie-*-dengji-qingce): the area the subsidy is paid on, beside the
        # area it is reckoned from (补贴依据面积, 土地确权耕地面积) and the area taken away.
        Role(r"(补贴|补助|计补)面积$", 70, "排除|扣除|核减|剔除|不予|减少"),
    ),
    # 每亩补贴, 每人每月补助: an amount per unit is the standard, not a quantity.
    "standard_yuan": (
        # not a vehicle's 排放标准 (huangbiaoche-taotai-butie-shouli) nor a 执行标准 of a product
        Role(r"标准|单价", 70, "金额|日期|排放|执行|技术|质量"),
        Role(r"^每(亩|人|户|头|月|年)", 70, "日期|人数|面积"),
        # 单台补贴额, 每台补贴 (a 农机购置补贴 公示): the subsidy per machine; not its price (单台销售价格).
        Role(r"^(单台|每台|单套|每套|单件|每件)(补贴|补助)", 70, "价格|售价|数量"),
    ),
    # 核准救助金额 beside 实际发放金额 (cams-yingji-shenghuo-fafang-mingce): what was approved is what was due.
    "amount_due_yuan": (
        Role(
            r"^应发|^应付|^应补|^(核准|核定|审定|批准)(的)?(救助|补助|补贴)?金额",
            90,
            "日期|时间|人|标准",
        ),
    ),
    "amount_yuan": (
        Role(r"^实发|^实付|^实补|^实际(发放|支付|补助|补贴|救助|领取)", 95, "日期|时间|人|标准"),
        # Not what the household pays or owes itself (农户自负金额, 种子应收金额: liangzhong-butie-huming-mingxi).
        # Nor the value put on goods given in kind (救助物品折价金额 beside 救助资金现金金额: a 救助方案明细).
        # Nor another payment's (其他救助金额 beside 救助金额: a 医疗救助 一站式结算 report).
        Role(r"金额", 60, "应发|应付|应补|标准|合计|总额|大写|应收|自负|自付|自筹|缴|折价|其他"),
        # 种子补贴金额, 困难补助金额, 资助金额: the subsidy or aid, beside the other money a form lists (营养餐金额).
        Role(
            r"(补贴|补助|救助|奖补|资助)金额$", 70, "应发|应付|应补|应收|标准|合计|总额|大写|其他"
        ),
        # 补贴资金（元）, 补助资金, 救助金: the money paid on the row, written without 金额.  核准救助资金 (a
        # 过渡生活救助 list: the cash approved and paid beside grain and clothes given in kind) as 核准救助金额;
        # 抚慰金数额 (the consolation paid to a disaster victim's family) as 抚慰金; not its 标准.
        Role(r"^(核准|核定|批准)?(补贴|补助|救助|奖补|发放|抚慰|慰问)(资金|款|金)(数额|额)?$", 60),
        # 发放合计, 实发合计, 发放总额: what the row was paid, summed over its parts (保障金 + 分类施保金 …).
        # 资金发放总额 (a 孤儿基本生活费 发放详情: 当月发放金额 + 补发放金额 = 资金发放总额) the same.
        Role(r"^(资金)?(发放|实发|实付|支付)(合计|总额|总计)$", 90),
        # 发放资金总额 (a 优抚 export: 省标准 × 发放月数 = 发放金额, then 护理费 … 补发金额, and the total paid):
        # the total over the 发放金额 that is its base, though that is written as the amount is.
        Role(r"^(发放|实发|实付|支付)资金(总额|总计)$", OUTRANKS),
        # 补发合计, 补发总额 (a 低保 补发 list exported as csv, cam-dibao-bufa-mingxi-csv): what a back-pay
        # list pays the household; below 发放合计 when a roster has both.
        Role(r"^补发(合计|总额|总计)$", 65),
        # 总补贴额, 补助额 (a 农机购置补贴 公示: 单台补贴额 × 购买数量 = 总补贴额): the subsidy paid, written
        # 额 for 金额; not the amount per machine (单台…), nor a ceiling (补贴额度).
        Role(r"^总?(补贴|补助|救助|奖补)额$", 65),
    ),
    # 兑付时间 (bf-pinkunhu-butie-duifu): the day the subsidy was cashed out to the household.  结算时间 /
    # 结算日期 (a 医疗救助 import and export): the day the hospital bill was settled, the relief paid with it.
    # 领款时间 / 领取日期 (a village's signed 低保 汇总表, qitian-cun-dibao-butie-huizong): the day the
    # household took the money, beside its 领款人签字; not the signature itself.
    "paid_on": (
        Role(r"(发放|到账|支付|拨付|兑付|结算).*(日期|时间)", 70),
        Role(r"^(领款|领取)(日期|时间)$", 70),
        # 受助日期 (a 救助方案明细): the day the aid was received; 救助日期 (a 医疗救助 一站式结算 report) the
        # day it was settled and paid; not the day it was applied for (救助申请日期).
        Role(r"^(受助|救助)(日期|时间)$", 70),
    ),
    # 拨款时间, 付款日期 (a 拨款 record list): the day the money left the treasury, as 拨出日期 says; not the
    # day it was asked for or planned.
    "disbursed_on": (
        Role(r"^(实际)?(拨出|拨付|拨款|支付|付款|划拨)(日期|时间)$", 70, "申请|计划|审批|审核"),
    ),
    # 银行帐号 (minzheng-tekun-jiating-chaxun): 帐 is the older form of 账, still typed.
    # Not 收款账户名称 / 银行账户名称 (zhida-huiqi-limin-daorendaohu): the account's name is a person's name.
    "bank_account": (
        Role(r"[账帐]号|卡号|存折|[账帐]户", 70, "开户行|户名|银行名称|网点|名称|姓名"),
    ),
    # The payment's or the card's state, and only where the header says so (a bare 状态 is an alias, its
    # values then decide: OtherStates): 发放状态, 支付状态, 一卡通状态, a bank's 回执状态, a relief bill's
    # 报销状态 or 处理状态 (jiuzhu-baoxiao-jiuzhen-jilu-daochu: 未报销 / 已报销 / 已退回, the processing of the
    # bill the relief is paid with); and a case's or a record's (救助状态, 办理状态, 业务状态), read so that
    # its values decide (CASE_STATES, ENTITLEMENT_STATES: a case still 审批中 is asked about, never loaded
    # as paid).  Not the person's (参保状态, 退休状态: ruoyi-simc-zhengdi-shebao-butie; 优抚对象状态: the
    # state of a 优抚 entitlement, tests/realfiles cam-shangcan-renyuan-daoru), nor a report's (提交状态 /
    # 上报状态: a 救灾 system's case lists).
    "card_status": (
        Role(
            r"^(一卡通|社保卡|银行卡|卡|资金|补贴|补助)?"
            r"(发放|支付|兑付|到账|拨付|付款|打卡|代发|回执|报销|处理|救助|办理|业务)?(卡)?状态$",
            50,
        ),
        Role(VALUES_DECIDE["card_status"], 50),
    ),
    # Not 项目审批代码 (px-shenqingku-xiangmu-daochu): an approval number, not a fund.
    # 专项编码 (zhida-zhuanxiang-zijin-mulu): a 专项资金's code as the 直达 system names it.
    # Not 关联项目编号 (bangfu-zijin-daoru-muban): a 关联… column names another record, not the row's fund.
    "fund_code": (
        # 专项资金目录编码 beside 项目编码 (zhida-zhuanxiang-xiada-dengji-zhuizong): the catalogue's code is
        # the fund's; the project's is the project's.
        Role(r"^(专项)?资金目录(编码|代码|编号)$", OUTRANKS),
        Role(r"(资金|项目|专项).*(编码|代码|编号)", 70, "审批|备案|核准|信用|统一|关联"),
    ),
    # 专项资金目录名称 (zhida-zhuanxiang-xiada-dengji-zhuizong): the catalogue's name of the fund.
    "fund_name": (Role(r"^(专项)?资金目录名称$", 70),),
    # A project list's 项目编号 is the project's own number (jxstar-xiangmu-lixiang), not its fund's code.
    "projects.fund_code": (
        Role(r"(资金|专项).*(编码|代码|编号)", 70, "审批|备案|核准|信用|统一|关联"),
    ),
    # A voucher table's bare 编号 is the voucher's (shenji-zhifu-pingzheng-mingxi): each row is one; and
    # the 供应商 a treasury pays is the payee.
    "disbursements.voucher_no": (Role(r"^(编号|单号)$", 60),),
    # 收款方账户名称 (a payment data export, huiqi-limin-zhifu-shuju-guanlian): 收款账户名称 with the 方 of
    # 收款方 / 付款方; not the payer's (付款方账户名称), nor the payee's bank or account number.
    "disbursements.payee": (
        Role(r"^(供应商|收款单位|收款方)(名称|全称)?$", 70),
        Role(r"^收款(方|人|单位)?账户(名称|全称)$", 70),
    ),
    # 企业名称 (a template of subsidies paid to enterprises, fb-qiye-butie-fafang-mingxi-muban): the
    # enterprise is the payee where the form names no person; beside 姓名 it is an employer, below it.
    "payments.name": (Role(r"^(企业|公司)(名称|全称)$", 55),),
    # A catalogue's bare 编号 / 编码 is the fund's own: each row of a fund catalogue is a fund.
    "funds.fund_code": (Role(r"^(编号|编码|代码)$", 60),),
    # 资金类型, 项目类型: a catalogue's category written 类型 for 类别 (bangfu-zijin-daoru-muban).
    "funds.category": (Role(r"^(资金|项目)?(类型|类别|分类)$", 65),),
    # 项目实施单位 (jeeplus-queren-ji-bokuan), 承建单位, 施工单位, 中标单位.
    # 项目业主单位 (px-shenqingku-xiangmu-daochu): the owner that carries the project out.
    "contractor": (Role(r"(实施|承建|施工|中标|承包|业主)(单位|企业|方)$", 70),),
    # 开始年份 beside 结束年份 (zhida-zhuanxiang-zijin-mulu): a fund set up for several years is the year it
    # starts; the year it ends is no year of its own.
    # Not a year of the person's life (入学年份, 出生年份, 参加工作年份: a school's aid table beside its
    # 发放年份): the fund's year is the year paid for.
    "year": (
        Role(r"年度|年份", 70, "月|结束|截止|终止|到期|入学|出生|毕业|入伍|参加工作|入职|退休"),
    ),
    # 补贴年月, 发放年月 (ruoyi-simc-zhengdi-shebao-butie): the month paid for; not 出生年月.
    # 学期 (a 教育资助 export: 2024年秋季学期): the term a student's aid is for; not a count of terms
    # (学期数) nor the day a term starts (开学日期, 入学时间).
    "period": (
        Role(r"期间|月份|批次|^(补贴|补助|发放|支付|享受|所属)年月$", 60),
        Role(r"^(资助|补助|发放|所属)?学期$", 60, "数$"),
    ),
    # 省级主管部门 above 编入部门预算 (an amount put into departments' budgets, not a department).
    "department": (
        # 主管部门 beside 预算单位 (zhida-zhuanxiang-zijin-mulu): both are aliases, and the department a fund
        # or a budget belongs to is the one in charge, not a budget unit under it.
        Role(r"^主管部门(名称)?$", OUTRANKS),
        Role(r"主管部门$", 70, "代码|编码"),
        # Not 部门支出经济分类 (zhida-zhuanxiang-xiada-dengji-zhuizong): a classification, not a department.
        Role(r"部门|预算单位", 60, "代码|编码|编入|预算$|经费|金额|分类|科目"),
    ),
    # A named staff roll counts each person against the quota of the agency holding the 编制: its 编制单位
    # outranks the 工作单位 the person works at (借调, 集团化办学: jiaozhigong-huamingce-daochu).
    "staff.agency_name": (
        Role(r"^编制(所在|所属)?单位(名称)?$", OUTRANKS),
        # A personnel system's export (ruoyi-sysuser-shiye-vo) names where each person works 部门, and
        # has no 单位 column; below every 单位 a roll may also have.
        Role(r"^(所在|所属)?部门(名称)?$", 50),
    ),
    # 现职级 / 现任职级 / 职务级别: the post as a personnel system writes it; not the date it was taken
    # (任现职级时间), nor a professional title (职称).
    "staff.post": (
        # 职位 (an HR system's 员工花名册, tests/realfiles ruihr-yuangong-huamingce): the position held.
        Role(
            r"^(现|现任|担任)?(职级|职务|岗位|职位)(名称|等级|级别)?$",
            60,
            "时间|日期|年限|代码|编码",
        ),
        # 岗位职务 beside 岗位 (jiaozhigong-huamingce-csv-daochu: 教师 / 教研组长 beside 专业技术岗位): the post
        # held, not its category.
        Role(r"^(岗位|现任)(职务|职级)$", OUTRANKS),
        # 职位名称 / 职务 beside 职级 (a POI user import, tests/realfiles kiteehub-yonghu-xinxi-daoru): the
        # position held, above the grade; 职级 alone is still the post.
        Role(r"^(职位|职务)(名称)?$", 65, "时间|日期|年限|代码|编码"),
    ),
    # An agency list (sifating-jigou-bianzhi: 名称, 简称, 上级单位, 编制数): the bare 名称 / 全称 is the
    # agency's, and its 上级单位 the department it comes under.
    "agencies.agency_name": (Role(r"^(名称|全称)$", 60),),
    # A school's or hospital's own code, type and count on its 编制 ledger (xuexiao-bianzhi-taizhang,
    # bianzhi-renyuan-taizhang-daoru): 学校编号, 机构编码, 学校类型; 实有在编(人数) is the staff on the roll,
    # not 实有控制数 (员额 outside the 编制).
    "agencies.agency_code": (Role(r"^(机构|单位|学校|医院)(编码|编号|代码)$", 70),),
    "agencies.agency_type": (Role(r"^(机构|单位|学校|医院)(类型|类别|性质)$", 70),),
    "agencies.actual_reported": (Role(r"^实有在编(人数|数)?$", 70),),
    "agencies.department": (Role(r"^上级(单位|部门|机构)(名称)?$", 60),),
    "agency_name": (
        # 组织名称 (an HR system's user import: the organisation the person belongs to)
        Role(r"(单位|机构).*(名称|全称)$|^(所在|所属)?组织(名称|全称)$", 70),
        Role(r"^(学校|医院|幼儿园)(名称|全称)$", 70),
        # 用人机构 / 用人单位 (a 选调 list, xuandiao-jiaoliu-yongren-jigou): the agency that takes the staff,
        # whose quota the row gives; not the 选调机构 that runs the selection.
        Role(r"^用人(单位|机构)(名称|全称)?$", 70),
        # 调入单位, 所在单位, 用人单位: an agency named by what it is to the row; not a unit that
        # lends, pays, fills in or builds.
        Role(
            r"..单位$",
            55,
            "借调|调出|原|收款|付款|填报|制表|实施|承建|施工|主管|上级|预算|代码|编码",
        ),
    ),
    # 聘用日期, 录用时间, 入编日期, 调入时间: when the person was taken on (jeecg-edusport-jiaolianyuan).
    # 本县入编时间 (jiaozhigong-huamingce-csv-daochu): the same, qualified by where.
    "hired_on": (
        Role(
            r"^(本县|本市|本区|本单位|首次)?(聘用|录用|入编|入职|调入|进入本?单位|从业)(日期|时间)$",
            70,
        ),
    ),
    # 编制状态 (在编), 工作状态, 在岗状态: a staff roll's status column however it is qualified
    # (jiaozhigong-huamingce-daochu); STAFF_STATUS reads 在编 / 在岗 as 在职.
    # 员工状态 / 职工状态 / 当前状态 (HR systems' 花名册 exports, tests/realfiles): the person's state in the unit.
    "staff.status": (Role(r"^(人员|在职|在编|编制|在岗|工作|员工|职工|当前)状态$", 60),),
    # A wage sheet's 本月实付工资 / 工资实发合计 is what was paid; 应付工资 what was due (tests/realfiles: a Mac
    # Excel and an Excel wage sheet).  Not a date, and not a tax or a fund deducted from it.
    # A company's sheet (tests/realfiles wangmiao-gongzibiao: 税前工资 = the sum of the pay's parts, then the
    # insurance, 个税, and 税后实发 = what is left): the pay after tax is what was paid, the pay before it
    # what was due; not a deduction named by the tax (税前扣除, 税后扣款).  Below 应发 / 实发: beside 应付工资
    # (tests/realfiles autosendsalary-gongzibiao: 应付工资, 社保, 公积金, 税前工资, 个税 … 本月实付工资) 税前工资 is
    # the taxable pay left after the insurance, not what was due.
    "payroll.net_yuan": (
        Role(r"实发|实付", 70, "应发|应付|日期|时间|税|公积金|社保|标准"),
        Role(r"^税后(实发|实付)?(工资|薪酬|薪资|收入|金额|合计)?$", 65),
    ),
    "payroll.gross_yuan": (
        Role(r"应发|应付", 70, "实发|实付|日期|时间|税|公积金|社保|标准"),
        Role(r"^税前(应发|应付)?(工资|薪酬|薪资|收入|金额|合计)?$", 65),
    ),
    "staffing_type": (Role(r"编制(类型|性质|类别)|人员(类别|身份)", 70),),
    # 编制总数 / 核定编制总数: the quota however it is totalled (gaoxiao-bianzhi-he-pai-wai); not 空编数.
    "quota": (Role(r"^(核定)?编制(总数|总额|数|人数)?$|^(核定)?编制总$", 60),),
    # A project's 总投资 is its amount; its 计划开始时间 / 开工时间 its start (px-shenqingku-xiangmu-daochu).
    "projects.amount_yuan": (
        # 投资额（万元） (a retrofit project list): the same as 投资金额; not what is done so far (已完成投资额).
        Role(r"^总投资|^投资(总额|金额)|^投资额$", 65),
        # 计划投入资金 (daye-xianjie-zijin-xiangmu-jihua): what a project notice plans to put in; not what
        # has already been spent, nor the project's own (自筹) share.
        Role(r"^(计划|拟|预计)?(投入|安排)(资金|金额)$", 65, "已|累计|自筹"),
        # 本次下达(万), 本次拨付: what this batch of the fund puts to the project, beside its total investment
        # by source (zhongyang-yusuannei-touzi-xiangmu), as an allocation table's 本次 column is.
        Role(r"^本次(下达|拨付|安排|分配)", 70, "日期|时间|文号|单位|比例"),
    ),
    "start_on": (Role(r"(开工|开始|启动).*(日期|时间)$", 60, "结束|竣工|完工|申报"),),
    # 审批状态, 实施状态, 建设进度: where the project stands.
    "projects.status": (Role(r"状态$|进度$|进展$", 50, "进度状态|拨付|支付"),),
    # 项目名称 is a budget line's item; 科目名称 / 经济科目 / 功能科目 the subject it is booked to.
    "budgets.item": (
        Role(r"^项目(名称)?$", 70),
        Role(r"科目(名称)?$", 65, "编码|代码"),
    ),
    # A budget table's 合计 / 小计 column is the line's amount (人员经费 + 公用经费 beside it).
    "budgets.amount_yuan": (
        Role(r"^(合计|小计|总计|预算合计)$", 55),
        # 本年预算数, 2016年预算数 (guilin-sifaju-sangong-tongji): this year's budget; not last year's.
        Role(r"^(本年|本年度|当年|\d{4}年度?)预算(数|金额)?$", 70),
        # 正常预算金额 beside 调增金额 / 调减金额 (shenji-bumen-yusuan-tiaozheng-zhanbi): the budget as passed,
        # before what adjusts it; 年初预算 the same.
        Role(r"^(正常|年初|批复|核定)预算(数|金额)?$", 70),
    ),
    # 资金性质, 预算类别, 项目资金性质: which budget a line is in (一般公共预算, 基本支出 …).
    "budgets.category": (Role(r"(资金|经费|支出|预算)(性质|类别|分类|类型)$", 65),),
    # 2020年分配结果, 分配数, 下达数, 安排数: the amount a catalogue or allocation table gives a fund.
    "funds.budget_yuan": (
        Role(r"分配(结果|数|金额)$|(下达|安排|分配)(资金|数)$", 65, "待分|已办|编入"),
    ),
    # Allocation tables (资金分配 / 指标下达, issue 14): 项目资金名称, 用款单位名称, 指标下达金额, 下达文件日期.
    "allocations.fund_name": (Role(r"资金(项目)?名称$|^资金项目$", 70, "本级|上级|处室|科目"),),
    "allocations.recipient": (
        Role(
            r"^(预算|用款|下达|分配|接收)?单位(名称)?$|^(区市|区县|县区|乡镇|街道)",
            55,
            "主管|处室|填报|统计|编制|代码|编码|金额|资金",
        ),
        # 村名 / 行政村: a notice that puts a fund to villages (wenling-heimei-xiangcun-bofu-xiangdan);
        # not 村级… or 村民… (an amount or a count written under the village's name).  贫困村 / 帮扶村: the
        # village a 扶贫 统计表 puts its 帮扶资金 to (tests/realfiles fupin-bangfu-zijin-tongji), not the
        # 帮扶单位 that helps it.
        Role(r"^(行政|贫困|重点|帮扶|扶贫|脱贫|对口)?村(名|名称|委会)?$", 55),
        # 车辆生产企业, 车企, 申报企业: a fund allocated to enterprises (新能源汽车推广应用补助, issue 14's
        # htsys-xinnengyuan-qingsuan-shenhe and htsys-huatong-cheliang-butie); not the enterprise's code,
        # type or address, nor a count of enterprises.
        Role(r"企业(名称)?$|^车企$", 55, "代码|编码|类型|性质|地址|个数|家数|数量"),
        # 使用部门 / 用款部门: the department the money is put to (quota-yusuan-zhibiao-xiada), above the
        # department in charge a bare 部门 names.
        Role(r"^(使用|用款|用资)(部门|单位)(名称)?$", 65),
    ),
    "allocations.amount_yuan": (
        Role(
            r"^(分配|下达|指标|安排)(金额|资金|数|额)|(分配|下达|安排)(金额|资金|数)$|^(合计|小计|总计)$",
            65,
            # not what was issued so far nor what is left (累计下达金额, 指标剩余金额: quota-yusuan-zhibiao-xiada)
            # nor what is not yet released (未下达金额 beside 已下达金额: a transfer-payment release,
            # fb-zhuanyi-zhifu-yusuan-xiada)
            "待分|已办|编入|日期|文号|单位|累计|剩余|未",
        ),
        # 已投入帮扶资金 (a 扶贫 统计表, tests/realfiles fupin-bangfu-zijin-tongji): what was put into the
        # village; not what was planned (规划投入资金), nor the group of its sources (已投入帮扶资金构成).
        Role(r"^(已|实际)投入(帮扶|扶贫)?(资金|金额)$", 65),
        # 本次拨付补助资金, 本次下达: this batch's allocation, beside the approved total and the
        # cumulative entitlement of a multi-batch fund (wenling-heimei-xiangcun-bofu-xiangdan).
        Role(r"^本次(拨付|下达|分配|安排)", 70, "日期|时间|文号|单位|比例"),
        # What is granted, beside what was applied for: 应清算补助资金 (what a producer is settled), 核定补助
        # 资金, 审定金额; 总申报补贴 beside the city's and district's shares of it.  Not a 标准 (per unit),
        # nor what the enterprise itself asked (企业申请…).
        Role(
            r"^(应|核定|审定|核拨)(清算|拨付|分配|下达)?(的)?(补助|补贴)?(资金|金额|额)$|批复(金额|资金|数|额)$"
            r"|^总(申报|核定|清算|分配|下达)?(补贴|补助)(资金|金额|额)?$",
            65,
            "标准|申请|日期|文号|单位|比例|累计|剩余|总额",
        ),
    ),
    "allocations.doc_no": (Role(r"文号$|文件号$", 60, "上级"),),
    "allocations.allocated_on": (Role(r"(下达|分配|发文|文件)(日期|时间)$", 70),),
    # 支出项目 / 预算项目 (a 单位指标 import list, danwei-zhibiao-daoru-liebiao): the project the quota is for;
    # not its code.
    "allocations.project_name": (Role(r"^(支出|预算)项目(名称)?$", 65),),
    # Registers (issue 16) as other systems export them.  登记时间 / 登记或交易时间: when a vehicle or a
    # property was registered (cam-hedui-cheliang-xinxi, cam-hedui-fangguan-xinxi); not a check's date,
    # nor a mortgage's or a seizure's registration, nor a cancellation.
    "registered_on": (
        Role(
            r"^(初次|首次|注册)?登记.{0,3}(日期|时间)$|^登簿(日期|时间)$",
            65,
            "核对|注销|抵押|查封|预告|异议|变更",
        ),
    ),
    # 车辆用途: the use a vehicle is registered for (营运 / 非营运), as the 核对 system writes 使用性质.
    "vehicles.vehicle_use": (Role(r"(使用性质|用途)$", 65),),
    # A property register's person is the owner (产权人 / 权利人), beside the 人员 a 核对 asked about
    # (cam-hedui-fangguan-xinxi): the register answers who owns the property.
    "properties.name": (Role(r"^(产权|权利|所有权|房屋所有权?)人(姓名|名称)?$", OUTRANKS),),
    "properties.id_number": (
        Role(r"^(产权|权利|所有权|房屋所有权?)人(的)?(身份证|公民身份|证件号)", OUTRANKS),
    ),
    # 不动产权证号（明）, 房屋所有权证号: the certificate, however the system qualifies it; not the unit's number.
    "properties.cert_no": (
        Role(r"不动产权证|产权证|房产证|房屋所有权证|土地(使用)?证", 65, "单元|流水|抵押|预告"),
    ),
    # 房屋建筑面积(㎡) (a 核对 answer's 房管 tab, hedui-fankui-fangguan-mingxi): the area with its unit, which
    # header_key writes m2; not a price per area nor a part of it (套内, 分摊).
    "properties.area_m2": (
        Role(r"^(房屋|房产|住房|不动产)?建筑面积", 65, "单价|价格|金额|套内|分摊|公摊|土地"),
    ),
    # 房屋坐落位置, 房屋位置: where the property lies, as 坐落 says; not a code or an area.
    "properties.location": (
        Role(r"坐落|^(房屋|房产|不动产)(位置|地址)$", 65, "面积|代码|编码|单元号"),
    ),
    # 注册号: the registration number a business had before the 统一社会信用代码 (2015); it stands for the
    # credit code when the register has no credit code column, and gives way to one that has
    # (wangge-shanghu-xinxi lists both).
    "businesses.credit_code": (Role(r"^(工商)?注册号(码)?$|^(工商)?注册$", 80),),
    # 商户名称 / 商户类型: a grid's or a market's word for a business (个体工商户, 企业).
    # 公司名称 / 企业全称 (a 土地流转 system's 企业信息 form, tests/realfiles landcirculation-qiye-xinxi).
    "businesses.business_name": (
        Role(r"^(商户|店铺|门店|商铺|经营户)(名称)?$", 65),
        Role(r"^(公司|企业)(名称|全称)$", 65),
    ),
    "businesses.business_type": (Role(r"^(商户|经营户|主体)(类型|类别)$", 65),),
    # 签发机构 of a 死亡医学证明, 报告单位 of a death report card: the body the record comes from.
    # 殡仪馆名称 / 火化单位 (a 核对 answer's 殡葬 tab, hedui-fankui-binzang-mingxi): the funeral home that
    # reported the death; not its address or phone.
    # 去世日期 / 去世时间 (a funeral system's 火化数据 export, the 待办理去世 lists of a civil-affairs system):
    # the date of death, as 死亡日期; not why or where (去世原因, 去世地点).
    "deaths.died_on": (Role(r"^(去世|逝世|亡故)(日期|时间)$", 70),),
    "deaths.source": (
        Role(r"(签发|出具|报告|填报|上报)(机构|单位|医院)$", 65),
        Role(r"^(殡仪馆|火化场|火化单位|殡葬服务机构)(名称|全称)?$", 65),
    ),
}

# Columns that take only the roles declared for their kind: an allocation's amount is what a table
# allocates (分配金额, 下达资金, 合计), never a roster's 发放金额 — else a payment roster whose
# name columns tie would be taken for an allocation table under ``auto``.
OWN_ROLES_ONLY = frozenset({"allocations.amount_yuan", "projects.fund_code"})


def roles(kind: str, column: str) -> tuple[Role, ...]:
    """The roles of ``column`` in every kind, then those declared for it in ``kind`` only (``"kind.column"``)."""
    own = ROLES.get(f"{kind}.{column}", ())
    return own if f"{kind}.{column}" in OWN_ROLES_ONLY else ROLES.get(column, ()) + own


def stem(key: str) -> str:
    """``key`` without a clerk's prefix and without a trailing 号 / 号码 / 数 / 名称 (a count, …人数 /
    …户数, keeps its 数)."""
    for prefix in PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix) :]
            break
    if key.endswith(COUNTS):
        return key
    for suffix, shortest in SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= shortest:
            key = key[: -len(suffix)]
            break
    return key


# --- enum values ---------------------------------------------------------------

# Written forms compared without spaces, brackets or case (到人（户） is 到人户).
ENUM_NOISE = r"[\s()（）\[\]【】〔〕<>《》]"


def enum_key(text: str) -> str:
    """The form an enum value is compared in (the SQL in etl.clean does the same)."""
    return re.sub(ENUM_NOISE, "", text).lower()


@dataclass(frozen=True)
class OtherStates:
    """The values another thing's state takes under the same header: a column holding only these is that
    other thing, not the enum (a 民政 or 残联 list's 状态 = 享受中 is the entitlement's, not the payment's).

    ``in_force``: states under which the row is what the kind expects (the entitlement holds: the list is
    paid as it stands); ``ended``: states that say it is not (已失效, 停保), which a clerk must look at;
    ``ended_zh`` / ``ended_en`` say so in the question about a column that has some."""

    what_zh: str
    what_en: str
    in_force: frozenset[str]
    ended: frozenset[str]
    ended_zh: str = "其中有的已不再享受"
    ended_en: str = "some have ended"

    def of(self, keys: set[str]) -> str:
        """ "in_force" when every key is a state in force, "mixed" when every key is one of the states
        and some has ended, "" when any is not one of them."""
        in_force = {enum_key(v) for v in self.in_force}
        if keys and keys <= in_force:
            return "in_force"
        if keys and keys <= in_force | {enum_key(v) for v in self.ended}:
            return "mixed"
        return ""


# The state of an entitlement (低保, 特困, 残疾人两项补贴) as 民政 and 残联 systems export it under 状态:
# canlian-liangxiang-butie-daoru writes 享受中, cbo-dibao-fuwu-mingdan 正常 / 已失效; or of the record in
# the system (业务状态 = 正常: huangbiaoche-taotai-butie-shouli).
ENTITLEMENT_STATES = OtherStates(
    "享受资格或记录的状态",
    "the state of an entitlement or a record",
    frozenset({"享受中", "正在享受", "正常享受", "享受", "在享", "正常", "在保", "有效", "在册"}),
    frozenset(
        {
            "已失效",
            "失效",
            "无效",
            "停保",
            "已停保",
            "停止享受",
            "暂停",
            "暂停享受",
            "注销",
            "已注销",
            "取消",
            "已取消",
            "退出",
            "已退出",
            "死亡",
        }
    ),
)


# The state of a check on the record (抽查, 审核, 审批) that a 民政 system shows under 状态: a 低保 system's
# spot-check queue writes 待抽查 / 已抽查 / 驳回 (sldb-shehuihua-jiuzhu-xinxi).  A check after the grant
# (抽查) or one passed leaves the row paid as it stands; one not yet passed or failed (待审核, 驳回) does not
# say the row was paid, so it is asked about.
REVIEW_STATES = OtherStates(
    "审核或抽查的状态",
    "the state of a review or spot check",
    frozenset(
        {
            "待抽查",
            "抽查中",
            "已抽查",
            "抽查通过",
            "已审核",
            "审核通过",
            "已审批",
            "审批通过",
            "已复核",
            "复核通过",
        }
    ),
    frozenset(
        {
            "待审核",
            "审核中",
            "未审核",
            "待审批",
            "审批中",
            "待复核",
            "驳回",
            "已驳回",
            "审核不通过",
            "审批不通过",
            "抽查不通过",
            "不通过",
            "未通过",
        }
    ),
    "其中有的尚未通过或未通过审核",
    "some have not passed the review",
)


# The state of a case (救助, 申请) as a 民政 system lists its cases under 救助状态 / 办理状态: a temporary-aid
# query writes 审批中 / 已救助 (linshi-jiuzhu-chaxun-daochu).  A case closed with the aid given leaves the
# row paid as it stands; one still being decided, refused or withdrawn does not, so it is asked about.
CASE_STATES = OtherStates(
    "救助或申请的办理状态",
    "the state of an aid case or application",
    frozenset({"已救助", "已办结", "办结", "已结案", "结案", "已完成"}),
    frozenset(
        {
            "审批中",
            "办理中",
            "受理中",
            "待受理",
            "已受理",
            "未救助",
            "不予救助",
            "不予受理",
            "撤销",
            "已撤销",
            "终止",
            "已终止",
        }
    ),
    "其中有的尚未办结或未予救助",
    "some are not closed or were refused",
)


@dataclass(frozen=True)
class Enum:
    """An enum column's vocabulary: ``values`` written form -> stored form; ``accepted`` names them in messages;
    ``other``: other things' states a column under the same header may hold instead."""

    values: dict[str, str]
    accepted: tuple[str, ...]
    other: tuple[OtherStates, ...] = ()

    def other_states(self, keys: set[str]) -> tuple[OtherStates | None, str]:
        """The other thing whose states ``keys`` all are, and ``OtherStates.of``'s verdict ("in_force",
        "mixed"); (None, "") when they are none's."""
        for other in self.other:
            verdict = other.of(keys)
            if verdict:
                return other, verdict
        return None, ""


# 一卡通 (one-card) payment status as it appears in bank return files.
CARD_STATUS = Enum(
    {
        "待发放": "待发放",
        "未发放": "待发放",
        "发放中": "发放中",
        "已发放": "已发放",
        "发放成功": "已发放",
        "成功": "已发放",
        "已到账": "已发放",
        "到账": "已发放",
        "退回": "退回",
        "已退回": "退回",
        "发放失败": "退回",
        "失败": "退回",
        # A 一卡通 system's 支付状态 (bosi-ykt-huamingce-daochu): 已申请 when the roster is filled in.
        "已申请": "待发放",
        "待支付": "待发放",
        "未支付": "待发放",
        "已支付": "已发放",
        "支付成功": "已发放",
        "支付失败": "退回",
        # A township upload app's 错误清单 (butie-shangsong-cuowu-qingdan): the payment the fiscal platform
        # or the bank sent back.
        "平台退回": "退回",
        "银行退回": "退回",
        "被退回": "退回",
        # 兑付: a subsidy cashed out to the household (a 农机购置补贴 公示's 状态 = 已兑付), the word of the
        # 兑付时间 a roster pays on; 报销: medical relief paid as a hospital bill's reimbursement (a 救助报销
        # export's 处理状态 = 已报销 / 未报销).  A claim filed (已申报) or still under review is neither.
        "已兑付": "已发放",
        "兑付成功": "已发放",
        "待兑付": "待发放",
        "未兑付": "待发放",
        "兑付失败": "退回",
        "已报销": "已发放",
        "待报销": "待发放",
        "未报销": "待发放",
        # 发放: the operation a 养老补贴 system records for a month paid (操作类型 = 发放 beside 未发放,
        # yanglao-butie-fafang-jilu); its 暂停 / 停止发放 / 注销 are the entitlement's, not a payment state.
        "发放": "已发放",
    },
    ("待发放", "发放中", "已发放", "退回"),
    (ENTITLEMENT_STATES, REVIEW_STATES, CASE_STATES),
)

# 发放对象: the seed report writes 到人(户); clerks write 到人到户, 到户到人, 个人, 农户.
PAYS_TO = Enum(
    {
        "到人": "persons",
        "到户": "persons",
        "到人(户)": "persons",
        "到人户": "persons",
        "到户(人)": "persons",
        "到人到户": "persons",
        "到户到人": "persons",
        "到人、到户": "persons",
        "到人/到户": "persons",
        "个人": "persons",
        "农户": "persons",
        "个人和农户": "persons",
        "persons": "persons",
        "到项目": "projects",
        "项目": "projects",
        "到单位": "projects",
        "projects": "projects",
    },
    ("到人", "到户", "到项目"),
)

# 编制类型, including the official form's 其他编制 (kept as its own type, not dropped).
STAFFING_TYPES = Enum(
    {
        "行政": "行政",
        "行政编制": "行政",
        "参公": "事业(参公)",
        "事业(参公)": "事业(参公)",
        "参照公务员法管理事业": "事业(参公)",
        "参公事业": "事业(参公)",
        "事业": "事业(其他)",
        "事业(其他)": "事业(其他)",
        "事业编制": "事业(其他)",
        "工勤": "工勤",
        "工勤编制": "工勤",
        "其他": "其他",
        "其他编制": "其他",
        "事业(非参公)": "事业(其他)",
        "非参公事业": "事业(其他)",
        "其他事业": "事业(其他)",
        "参照公务员法管理": "事业(参公)",
        # 人员身份 as a budget platform's roll writes it (fb-renyuan-jiben-xinxi-weihu): the 编制 the person
        # holds.  Not 编外长聘人员 (hired outside the 编制) nor 遗属: they hold none.
        "公务员": "行政",
        "参照公务员法管理人员": "事业(参公)",
        "事业管理人员": "事业(其他)",
        "事业专业技术人员": "事业(其他)",
        "机关技术工人": "工勤",
        "机关普通工人": "工勤",
        "事业工人": "工勤",
    },
    ("行政", "事业(参公)", "事业(其他)", "工勤", "其他"),
)

STAFF_STATUS = Enum(
    {
        "在职": "在职",
        # 正常: a personnel system's state of a person on its roll (rosten-renyuan-guanli-liebiao).
        "正常": "在职",
        "在岗": "在职",
        "在编": "在职",
        "退休": "退休",
        "已退休": "退休",
        "死亡": "死亡",
        "已故": "死亡",
        "离职": "离职",
        "调出": "离职",
        "辞职": "离职",
    },
    ("在职", "退休", "死亡", "离职"),
)

# The wide 编制 form's group headers: 行政编制数 is 行政 once these words are taken out.
GROUP_NOISE = ("编制数", "编制", "人数", "数")

# --- means-tested funds (issue 16) ------------------------------------------------

# 是否经济状况核查: a fund catalogue may say which funds are means-tested (paid after a check of the
# family's income and property).  A blank cell, or a catalogue without the column, is "not said".
MEANS_TESTED = Enum(
    {
        "是": "是",
        "否": "否",
        "需核查": "是",
        "需要": "是",
        "不需核查": "否",
        "不需要": "否",
        "y": "是",
        "n": "否",
        "yes": "是",
        "no": "否",
        "√": "是",
        "×": "否",
    },
    ("是", "否"),
)

# Funds that are means-tested when the catalogue does not say: the 社会救助暂行办法 (国务院令第649号)
# assistance paid after a check of the family's income and property: 最低生活保障, 特困人员供养
# (五保), 临时救助, 医疗救助, 教育救助, 住房救助.  Matched on the fund's name (a part of it).
MEANS_TESTED_FUNDS = (
    "最低生活保障",
    "低保",
    "特困",
    "五保",
    "临时救助",
    "医疗救助",
    "教育救助",
    "住房救助",
)
# A village notice's 公示期 in days: the fund catalogue's 公示天数 and a batch's (etl.batches).
NOTICE_DAYS_RANGE = (1, 365)

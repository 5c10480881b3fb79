"""What clerks write, declared as data: header words per canonical column, enum values.

A header is recognised in three tiers (etl.headers scores them):

1. exact: the header's key (etl.text.header_key) equals one of the column's
   aliases in etl/specs.py: score ``EXACT``;
2. stem: the same after ``stem`` drops a clerk's prefix (所属村 → 村) and a
   trailing 号 / 号码 / 数 / 名称 (身份证号码 → 身份证): score ``STEM``;
3. role: a ``Role`` below, a pattern over the stemmed key with words that
   rule it out (a name is "…姓名" or "…人", but not "联系人"): its own score.

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

# Words a clerk puts before the header proper (所属村, 享受人员姓名, 补贴对象姓名).
PREFIXES = ("补贴对象", "补助对象", "救助对象", "发放对象", "所属", "所在", "享受", "领取")
# Words after it that do not change its meaning, with the shortest stem that may remain
# (人数 stays 人数: 人 alone says nothing).
SUFFIXES = (("号码", 2), ("名称", 1), ("号", 2), ("数", 2))

# Headers that carry no data (a running number): not loaded, not reported as unused.
IGNORED_HEADERS = ("序号", "序", "行号", "no", "no.", "编号序号")


@dataclass(frozen=True)
class Role:
    """A family of headers for one canonical column: ``pattern`` matches, ``unless`` rules out."""

    pattern: str
    score: int
    unless: str = ""

    def matches(self, key: str) -> bool:
        return bool(re.search(self.pattern, key)) and not (
            self.unless and re.search(self.unless, key)
        )


# People who sign, fill in or vouch for a form are not the person paid.
_NOT_THE_PERSON = "联系|电话|手机|代理|经办|负责|审核|复核|填报|制表|监护|法人|法定|证明|担保|审批|批准|录入|开户|单位|身份|证件|代领|代办|签字|签名|签章"

ROLES: dict[str, tuple[Role, ...]] = {
    "name": (
        Role(r"姓名$", 80, _NOT_THE_PERSON),
        Role(r"^户主", 75, _NOT_THE_PERSON + "|关系|账|卡"),
        Role(r"..人$", 60, _NOT_THE_PERSON + "|收款单位|责任|介绍|推荐"),
        Role(r"^(补贴|补助|救助|享受|受益)对象$", 70),
        # 种粮大户, 种植大户, 养殖大户: a roster of large growers names the grower by the column's title.
        Role(r"..大户$", 65, _NOT_THE_PERSON),
    ),
    "id_number": (
        Role(r"^身份证|证件号|公民身份|身份号", 80, "类型|种类|有效期|地址"),
        # 户主身份证号 (minzheng-tekun-jiating-chaxun): the person paid is the household head; below 身份证号
        # when both are there.  Not an account holder's, an agent's or a guardian's number.
        Role(
            r"^(户主|本人|申请人|领取人|持卡人|补贴对象|救助对象)身份证",
            70,
            "类型|种类|有效期|地址|户名|代领|代办|监护|联系|经办|配偶",
        ),
    ),
    # 乡镇, 街道, 镇, 乡(镇), 镇名; not 镇办核实… (jeecg-shuangjidao-youxian-zoufang), a sentence that starts with 镇.
    "township": (Role(r"乡镇|街道|^[乡镇](名|别|区|\(.*\))?$", 60, "城乡|乡村|村"),),
    "village": (Role(r"村", 60, "小组|组$|村民$|人口|户数|村级|干部|城乡|乡村|农村"),),
    "village_group": (Role(r"(小组|组别)$|^组", 60, "班组|组织"),),
    # 农户代码 (zjffqd-caizheng-buzhu-fafang-qingce): the 一卡通 system's household code.
    "household_no": (Role(r"^(农户|家庭|户)(编|代)?(号|码|编码)", 60, "账|卡|户主"),),
    "quantity": (Role(r"面积|亩|人数|月数|头数|数量", 60, "金额|标准|单价|^每"),),
    # 每亩补贴, 每人每月补助: an amount per unit is the standard, not a quantity.
    "standard_yuan": (
        Role(r"标准|单价", 70, "金额|日期"),
        Role(r"^每(亩|人|户|头|月|年)", 70, "日期|人数|面积"),
    ),
    "amount_due_yuan": (Role(r"^应发|^应付|^应补", 90, "日期|时间|人|标准"),),
    "amount_yuan": (
        Role(r"^实发|^实付|^实补", 95, "日期|时间|人|标准"),
        Role(r"金额", 60, "应发|应付|应补|标准|合计|总额|大写"),
        # 补贴资金（元）, 补助资金, 救助金: the money paid on the row, written without 金额.
        Role(r"^(补贴|补助|救助|奖补|发放)(资金|款|金)$", 60),
    ),
    "paid_on": (Role(r"(发放|到账|支付|拨付).*(日期|时间)", 70),),
    # 银行帐号 (minzheng-tekun-jiating-chaxun): 帐 is the older form of 账, still typed.
    "bank_account": (Role(r"[账帐]号|卡号|存折|[账帐]户", 70, "开户行|户名|银行名称|网点"),),
    "card_status": (Role(r"状态", 50),),
    # Not 项目审批代码 (px-shenqingku-xiangmu-daochu): an approval number, not a fund.
    "fund_code": (Role(r"(资金|项目).*(编码|代码|编号)", 70, "审批|备案|核准|信用|统一"),),
    # 项目实施单位 (jeeplus-queren-ji-bokuan), 承建单位, 施工单位, 中标单位.
    "contractor": (Role(r"(实施|承建|施工|中标|承包)(单位|企业|方)$", 70),),
    "year": (Role(r"年度|年份", 70, "月"),),
    "period": (Role(r"期间|月份|批次", 60),),
    "department": (Role(r"部门|预算单位", 60, "代码|编码"),),
    "agency_name": (Role(r"(单位|机构).*名称$", 70),),
    "staffing_type": (Role(r"编制(类型|性质|类别)|人员(类别|身份)", 70),),
    "quota": (Role(r"^(核定)?编制(数|人数)?$", 60),),
}


def stem(key: str) -> str:
    """``key`` without a clerk's prefix and without a trailing 号 / 号码 / 数 / 名称."""
    for prefix in PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix) :]
            break
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
class Enum:
    """An enum column's vocabulary: ``values`` written form -> stored form; ``accepted`` names them in messages."""

    values: dict[str, str]
    accepted: tuple[str, ...]


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
    },
    ("待发放", "发放中", "已发放", "退回"),
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
    },
    ("行政", "事业(参公)", "事业(其他)", "工勤", "其他"),
)

STAFF_STATUS = Enum(
    {
        "在职": "在职",
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

# A village notice's 公示期 in days: the fund catalogue's 公示天数 and a batch's (etl.batches).
NOTICE_DAYS_RANGE = (1, 365)

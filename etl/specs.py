"""Declared specs for every dataset kind finance staff upload (DESIGN.md §4).

Each kind is data: its canonical columns, the Chinese headers each is known
by, the type the cleaner parses it as, and whether it is required.  One
generic reader and one validator serve every kind; adding a kind is adding a
spec here (``register``): its table and views (etl/kinds.py), open data (the
columns declared ``public``), the lake export, the upload template, the CLI's
choice and docs/kinds.md follow from it.

The aliases here are the exact tier of header matching; the families of
headers clerks write around them (所属村子, 种粮大户姓名) and the enum
vocabularies are declared in etl/vocabulary.py.
"""

from __future__ import annotations

from etl import vocabulary
from etl.spectypes import Column, OpenData, Spec, WideGroup

# Enum vocabularies live in etl.vocabulary; these dicts (written -> stored) are kept for their readers.
CARD_STATUS = vocabulary.CARD_STATUS.values
PAYS_TO = vocabulary.PAYS_TO.values
STAFFING_TYPES = vocabulary.STAFFING_TYPES.values
STAFF_STATUS = vocabulary.STAFF_STATUS.values

_ID = ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "身份号码")
_NAME = ("姓名", "户主姓名", "户主", "领取人姓名", "人员姓名")
_FUND_CODE = ("资金编码", "资金代码", "项目编码", "专项资金编码")
_YEAR = ("年度", "年份", "资金年度")
_TOWNSHIP = ("乡镇", "镇(区)", "乡镇(街道)", "镇", "乡(镇)", "所属乡镇")
_VILLAGE = ("村", "村(社区)", "村委会", "行政村", "村名")
_DEPARTMENT = ("主管部门", "部门", "预算单位", "单位", "部门名称")


SPECS: dict[str, Spec] = {}


def register(spec: Spec) -> Spec:
    """Declare a kind: its table, views, open data, lake export, template and CLI choice follow from it.

    The table and views are made when a store is next opened (etl.kinds.ensure).
    """
    if spec.kind in SPECS and SPECS[spec.kind] != spec:
        raise ValueError(f"kind {spec.kind!r} is declared twice")
    SPECS[spec.kind] = spec
    return spec


def unregister(kind: str) -> None:
    """Forget a kind declared by a test (its table, if made, stays in that store)."""
    SPECS.pop(kind, None)


_add = register


_add(
    Spec(
        "funds",
        "专项资金目录",
        "Special funds",
        "funds",
        (
            Column("fund_code", _FUND_CODE, "code", True, example="F2024001", public=True),
            Column(
                "fund_name",
                ("资金名称", "专项资金名称", "项目名称"),
                "text",
                True,
                example="耕地地力保护补贴",
                public=True,
            ),
            Column(
                "category",
                ("资金类别", "类别", "资金性质"),
                "text",
                False,
                example="农业",
                public=True,
            ),
            Column("department", _DEPARTMENT, "text", True, example="县农业农村局", public=True),
            Column(
                "level",
                ("资金级次", "级次", "资金来源"),
                "text",
                False,
                example="中央",
                public=True,
                # 资金来源 is the level on a county's catalogue, the giver (部队, 捐赠) on a 帮扶 system's
                # (bangfu-zijin-daoru-muban)
                looks_like=(
                    r"中央|国家|省|市|州|盟|县|区|旗|乡|镇|本级|地方",
                    "中央、省级、市级、县级、乡级",
                ),
            ),
            Column("year", _YEAR, "year", True, example="2024", public=True),
            Column(
                "budget_yuan",
                ("预算金额", "资金总额", "金额", "预算数"),
                "amount",
                False,
                example="1,234,500.00",
                public=True,
                # A provincial 直达 system's 专项资金 list names each fund with no amount (issue 14): it
                # loads, its funds' budget shows “未公布”, and every total over budgets says how many it
                # lacks.  A file with the column must fill it in every row.
                required_if_present=True,
                absent_zh="本表无预算金额：{n} 项资金的预算显示为“未公布”，不参与预算与拨付、发放的比较",
                absent_en="this file has no budget amount (预算金额): its {n} funds show their budget as"
                " “not published” and take no part in comparing budgets with what was disbursed or paid",
            ),
            Column(
                "pays_to",
                ("发放对象", "补助对象", "到人到项目", "资金去向"),
                "enum",
                True,
                enum=vocabulary.PAYS_TO,
                example="到人",
                public=True,
            ),
            Column(
                "standard_yuan",
                ("补助标准", "发放标准", "标准"),
                "amount",
                False,
                example="105.00",
                public=True,
            ),
            Column("ceiling_yuan", ("最高限额", "上限", "封顶金额"), "amount", False),
            Column(
                "policy_basis",
                ("政策依据", "文件依据", "依据"),
                "text",
                False,
                example="财农〔2024〕1号",
                public=True,
            ),
            # Which funds are means-tested (issue 16): the relief_* checks look at their payments.  A blank
            # or absent column leaves it to the names in vocabulary.MEANS_TESTED_FUNDS (docs/registers.md).
            Column(
                "means_tested",
                (
                    "是否经济状况核查",
                    "经济状况核查",
                    "是否家庭经济状况核对",
                    "家庭经济状况核对",
                    "是否需经济状况核对",
                    "是否社会救助",
                    "社会救助资金",
                    "是否困难群众救助资金",
                ),
                "enum",
                False,
                enum=vocabulary.MEANS_TESTED,
                example="是",
                check=False,
            ),
            Column(
                "notice_days",
                ("公示天数", "公示期", "公示期限", "公示时间", "公示期天数"),
                "int",
                False,
                example="7",
            ),
        ),
        open_data=OpenData(
            "year DESC, fund_code",
            {
                "year": "int",
                "department": "text",
                "category": "text",
                "pays_to": "text",
                "fund_code": "text",
            },
            column_order=(
                "fund_code",
                "fund_name",
                "year",
                "department",
                "category",
                "level",
                "pays_to",
                "budget_yuan",
                "standard_yuan",
                "policy_basis",
            ),
            total="budget_yuan",
            group_by="department",
        ),
        year_from="year",
    )
)

_add(
    Spec(
        "disbursements",
        "资金拨付",
        "Disbursements",
        "disbursements",
        (
            Column(
                "voucher_no",
                ("凭证号", "拨款凭证号", "凭证编号", "支付凭证号"),
                "code",
                True,
                example="PZ2024-0001",
                public=True,
            ),
            Column("fund_code", _FUND_CODE, "code", True, example="F2024001", public=True),
            Column(
                "payee",
                ("收款单位", "收款人", "拨付对象", "收款方", "收款账户名称"),
                "text",
                True,
                example="城关镇财政所",
                public=True,
            ),
            Column(
                "amount_yuan",
                ("拨付金额", "金额", "拨款金额"),
                "amount",
                True,
                example="50,000.00",
                public=True,
            ),
            Column(
                "approved_on",
                ("审核签字日期", "审核日期", "签字日期", "审批日期"),
                "date",
                False,
                example="2024-03-01",
                public=True,
                # The 直达资金 system's 支付凭证 export has 支付时间 and no approval date (issue 14):
                # such a file loads, and every check that measures from approval leaves it out, saying so.
                required_if_present=True,
                absent_zh="本表无审核签字日期：{n} 张凭证不计入拨付时长、滞留等按审核日期计算的检查",
                absent_en="this file has no approval date (审核签字日期): its {n} vouchers are left out of"
                " the disbursement delay, stuck money and other checks measured from approval",
                needed_without="disbursed_on",
            ),
            Column(
                "disbursed_on",
                # 支付时间: the 直达资金 system's voucher export (支付凭证), when the money left
                ("拨出日期", "拨付日期", "拨款日期", "支付时间", "支付日期"),
                "date",
                False,
                example="2024-03-04",
                public=True,
            ),
            Column(
                "is_by_progress",
                ("按进度拨付", "按项目进度", "按进度"),
                "flag",
                False,
                example="否",
                public=True,
            ),
            Column("reason", ("特殊原因", "原因", "备注"), "text", False),
        ),
        open_data=OpenData(
            "fund_code, approved_on, voucher_no",
            {"fund_code": "text"},
            total="amount_yuan",
            group_by="fund_code",
        ),
        year_from="approved_on",
        year_else="disbursed_on",
    )
)

_add(
    Spec(
        "payments",
        "补贴发放清册",
        "Payments to persons and households",
        "payments",
        (
            Column("fund_code", _FUND_CODE, "code", True, example="F2024001", public=True),
            Column("year", _YEAR, "year", True, example="2024", public=True),
            Column(
                "period",
                ("期间", "发放期间", "月份", "发放月份", "批次"),
                "text",
                False,
                example="2024-03",
                public=True,
            ),
            Column("township", _TOWNSHIP, "text", True, example="城关镇", public=True),
            Column(
                "village",
                _VILLAGE,
                "text",
                False,
                example="东风村",
                public=True,
                # A township-level roster (被征地农民社保补贴) names only the 行政区域 (issue 14): it loads,
                # its payments count in the township's totals and in no village's notice (公示).  A
                # file with the column (or an address it is read from) must fill it in every row.
                required_if_present=True,
                absent_zh="本表无村：{n} 条发放只计入乡镇，不列入任何村的公示",
                absent_en="this file has no village (村): its {n} payments count only for their township"
                " and are in no village's public notice",
            ),
            Column(
                "village_group",
                ("组", "村民小组", "小组", "组别", "村民组"),
                "text",
                False,
                example="3组",
                public=True,
            ),
            Column("name", _NAME, "text", True, example="张三", public=True),
            Column(
                "id_number",
                _ID,
                "id_number",
                False,
                example="110105194912310021",
                # Real rosters without the column (issue 14): a 登记清册 the household signs, an 扶贫 兑付
                # grid, the 直达资金 惠企利民 export.  Such a file loads; where the money went stands
                # without IDs, and every check that matches people by ID leaves its rows out, saying so.
                # No other column stands in for it: two of the four real forms name a household by name
                # and village alone (no 户号, no account), and a 户号 or an account is not a person.
                required_if_present=True,
                absent_zh="本表无身份证号：{n} 条发放不能按身份证号查询，也不参与按身份证号的核对"
                "（重复发放、死亡人员、财政供养人员等）",
                absent_en="this file has no ID number column (身份证号): its {n} payments cannot be looked"
                " up by ID number and take no part in the checks that match people by ID number (paid"
                " twice, after death, public staff …)",
            ),
            Column("household_no", ("户号", "户编号", "家庭编号"), "code", False, example="H0001"),
            Column(
                "quantity",
                (
                    "数量",
                    "补贴数量",
                    "面积",
                    "补贴面积",
                    "计税面积",
                    "人数",
                    "享受人数",
                    "月数",
                    "发放月数",
                    "补贴月数",
                    "头数",
                    "补贴头数",
                ),
                "decimal",
                False,
                example="8.5",
                public=True,
            ),
            Column(
                "standard_yuan",
                ("补助标准", "发放标准", "标准"),
                "amount",
                False,
                example="105.00",
                public=True,
            ),
            # 应发 (due) beside 实发 (paid): the paid one is the amount; 应发 alone stands in for it.
            Column(
                "amount_due_yuan",
                ("应发金额", "应发数", "应发"),
                "amount",
                False,
                stored=False,
                stands_in_for="amount_yuan",
            ),
            Column(
                "amount_yuan",
                ("发放金额", "补贴金额", "金额", "应发金额", "实发金额"),
                "amount",
                True,
                example="892.50",
                public=True,
            ),
            Column(
                "paid_on",
                ("发放日期", "发放时间", "到账日期"),
                "date",
                False,
                example="2024-03-15",
                public=True,
            ),
            # 一卡通号 / 一折通号: the subsidy card (layouts dili-butie-duifu-qingce, bf-pinkunhu-butie-duifu).
            Column(
                "bank_account",
                (
                    "银行账号",
                    "一卡通账号",
                    "账号",
                    "卡号",
                    "存折号",
                    "一卡通号",
                    "一折通号",
                    "一卡通",
                    "一折通",
                ),
                "code",
                False,
                personal=True,
            ),
            Column(
                "card_status",
                ("发放状态", "一卡通状态", "状态"),
                "enum",
                False,
                enum=vocabulary.CARD_STATUS,
                example="已发放",
                public=True,
            ),
            Column("voucher_no", ("凭证号", "拨款凭证号", "凭证编号", "支付凭证号"), "code", False),
        ),
        # The village notice (公示): names masked, no ID, bank or household numbers (etl/sql/005_public.sql).
        open_data=OpenData(
            "fund_code, year, township, village, village_group, batch_id, row_no",
            {"year": "int", "fund_code": "text", "township": "text", "village": "text"},
            title_zh="补贴发放公示",
            title_en="Payments to persons and households (village notices)",
            source="public_notice_rows",
            masked=("name",),
            total="amount_yuan",
            group_by="township",
        ),
        year_from="year",
        lookup_key=True,
    )
)

_add(
    Spec(
        "projects",
        "项目资金",
        "Projects",
        "projects",
        (
            Column("fund_code", _FUND_CODE, "code", True, example="F2024040", public=True),
            Column(
                "project_name",
                ("项目名称", "工程名称"),
                "text",
                True,
                example="东风村道路硬化",
                public=True,
            ),
            Column("township", _TOWNSHIP, "text", False, example="城关镇", public=True),
            Column("village", _VILLAGE, "text", False, example="东风村", public=True),
            Column(
                "contractor",
                ("实施单位", "承建单位", "施工单位", "项目单位"),
                "text",
                False,
                public=True,
            ),
            Column(
                "amount_yuan",
                ("项目金额", "金额", "资金金额", "补助金额"),
                "amount",
                True,
                example="200,000.00",
                public=True,
            ),
            Column(
                "start_on",
                ("开工日期", "开工时间", "开始日期"),
                "date",
                False,
                example="2024-04-01",
                public=True,
            ),
            Column(
                "status", ("项目状态", "进度", "状态"), "text", False, example="在建", public=True
            ),
        ),
        open_data=OpenData(
            "fund_code, township, village, project_name",
            {"fund_code": "text", "township": "text", "status": "text"},
            labels={"status": ("项目状态", "Status")},
            total="amount_yuan",
            group_by="township",
        ),
    )
)

_add(
    Spec(
        "budgets",
        "部门预算",
        "Department budgets",
        "budgets",
        (
            Column("department", _DEPARTMENT, "text", True, example="县教育局", public=True),
            Column("year", _YEAR, "year", True, example="2024", public=True),
            Column(
                "category",
                ("支出类别", "预算类别", "类别"),
                "text",
                True,
                example="基本支出",
                public=True,
            ),
            Column(
                "item",
                # 项目名称: a project budget's line is the project (xiangmu-yusuan-daoru-muban), above
                # the 功能科目名称 it is booked to.
                ("科目名称", "项目", "明细", "功能科目", "项目名称"),
                "text",
                False,
                example="公务接待费",
                public=True,
            ),
            Column(
                "amount_yuan",
                ("预算金额", "金额", "预算数"),
                "amount",
                True,
                example="12,000.00",
                public=True,
            ),
        ),
        open_data=OpenData(
            "year DESC, department, category, item",
            {"year": "int", "department": "text", "category": "text"},
            labels={"department": ("部门", "Department"), "category": ("支出类别", "Category")},
            total="amount_yuan",
            group_by="department",
        ),
        year_from="year",
    )
)

_add(
    Spec(
        "agencies",
        "机构编制",
        "Agencies and staffing quotas",
        "agencies",
        (
            Column(
                "agency_code",
                ("单位代码", "机构代码", "单位编码", "统一社会信用代码"),
                "code",
                False,
                example="A001",
                public=True,
            ),
            Column(
                "agency_name",
                ("单位名称", "机构名称", "单位"),
                "text",
                True,
                example="县财政局",
                public=True,
            ),
            Column(
                "agency_type",
                ("单位类型", "机构类型", "单位性质"),
                "text",
                False,
                example="行政",
                public=True,
            ),
            Column("department", ("主管部门", "上级部门"), "text", False, public=True),
            Column(
                "staffing_type",
                ("编制类型", "编制性质"),
                "enum",
                True,
                enum=vocabulary.STAFFING_TYPES,
                example="行政",
                public=True,
                check=False,
            ),
            Column("quota", ("编制数", "核定编制", "编制"), "int", True, example="20", public=True),
            Column(
                "actual_reported",
                ("实有人数", "实有", "在编人数"),
                "int",
                False,
                example="18",
                public=True,
            ),
        ),
        wide=WideGroup(
            group_column="staffing_type",
            groups={
                "行政": "行政",
                "行政编制": "行政",
                "事业(参公)": "事业(参公)",
                "参公": "事业(参公)",
                "事业(其他)": "事业(其他)",
                "事业": "事业(其他)",
                "工勤": "工勤",
                "工勤编制": "工勤",
                "其他": "其他",
                "其他编制": "其他",
                # The 编制 office's form as OA systems print it (layouts ganbu-gedanwei-bianzhi-peibei-jsp,
                # oa-gedanwei-bianzhi-peibei-antd): 事业编制数(非参公), 参照公务员法管理事业编制数, 其他事业编制数.
                "事业(非参公)": "事业(其他)",
                "非参公事业": "事业(其他)",
                "其他事业": "事业(其他)",
                "参照公务员法管理事业": "事业(参公)",
                "参照公务员法管理": "事业(参公)",
            },
            measures={
                # 应配人数 / 实配人数: the same two layouts' words for the quota and the staff it has.
                "quota": ("编制数", "核定编制", "应配人数", "应配", "核定数"),
                "actual_reported": ("实有人数", "实有", "实配人数", "实配"),
                "over": ("超配", "超编"),
                "under": ("缺配", "空编"),
            },
            noise=vocabulary.GROUP_NOISE,
        ),
        open_data=OpenData(
            "department, agency_name, staffing_type",
            {"department": "text", "agency_name": "text"},
            total="quota",
            group_by="staffing_type",
        ),
    )
)

_add(
    Spec(
        "staff",
        "编制实名制",
        "Named staff roll",
        "staff",
        (
            Column(
                "agency_code",
                ("单位代码", "机构代码", "单位编码"),
                "code",
                False,
                example="A001",
                public=True,
            ),
            # 工作单位 / 现任职务: the 干部任免审批表's words, as personnel systems export them
            # (ruoyi-archives-user-info; 现职务: ruoyi-sysuser-tongjiju-ganbu).
            Column(
                "agency_name",
                ("单位名称", "机构名称", "所在单位", "工作单位"),
                "text",
                True,
                example="县财政局",
                public=True,
            ),
            Column("name", _NAME, "text", True, example="李四", public=True),
            Column(
                "id_number",
                _ID,
                "id_number",
                False,
                example="110105197003070033",
                # A real 事业 personnel export without the column (issue 14: ruoyi-sysuser-shiye-vo).  The
                # roll's public value stands without IDs (staffing against quota, the named roll); every
                # check that matches staff by ID leaves its rows out, saying so.  No other column stands
                # in: the row already names its agency and person, and the form's 出生年月 / 性别 are not
                # a person's identity (the store takes both from the ID number only).
                required_if_present=True,
                absent_zh="本表无身份证号：{n} 名人员不参与按身份证号的核对（吃空饷、财政供养人员领取救助等）",
                absent_en="this file has no ID number column (身份证号): its {n} staff take no part in the"
                " checks that match people by ID number (ghost staff, public staff on relief …)",
            ),
            # 人员类别 is known by its role (etl/vocabulary.py), below 编制类型: a roll with both
            # (ruoyi-sysuser-tongjiju-ganbu) has 编制类型 as the 编制类型.
            Column(
                "staffing_type",
                ("编制类型", "编制性质"),
                "enum",
                True,
                enum=vocabulary.STAFFING_TYPES,
                example="行政",
                public=True,
                check=False,
            ),
            Column(
                "post",
                ("职务", "岗位", "职务(岗位)", "现任职务", "现职务"),
                "text",
                False,
                example="科员",
                public=True,
            ),
            Column(
                "hired_on",
                ("入编时间", "参加工作时间", "入职日期", "进入单位时间"),
                "date",
                False,
                example="1995-08-01",
            ),
            Column(
                "status",
                ("人员状态", "状态", "在职状态"),
                "enum",
                False,
                enum=vocabulary.STAFF_STATUS,
                example="在职",
                check=False,
            ),
        ),
        # The real-name roll as published: serving staff only (etl/sql/005_public.sql).
        open_data=OpenData(
            "agency_name, staffing_type, batch_id, row_no",
            {"agency_name": "text"},
            source="public_staff_roll",
            column_order=("agency_code", "agency_name", "name", "post", "staffing_type"),
            group_by="agency_name",
        ),
        lookup_key=True,
    )
)

# 资金分配 / 指标下达 (issue 14): a fund's money split over units or townships before any voucher, as a
# finance bureau's 指标下达 table, a province's 专项资金分解 or a 低保 分级统计 writes it.  One row: one fund
# to one recipient.  A table that names its funds by name (中央直达资金名称) and has no code column gets
# each row's code from the store's catalogue by year and name (etl.filevalues: ``fund_lookup``); a
# table for one fund takes it chosen at upload.  The split by level of government (中央 / 省级 / 市级 /
# 县级) is not stored: the row's total (合计 / 小计 / 总计, or 金额) is the allocation, which is what the
# inspectors' check and the public "where it went" compare with the money disbursed; the levels are
# named in the report as columns not imported (docs/allocations.md says why).
_add(
    Spec(
        "allocations",
        "资金分配",
        "Allocations",
        "allocations",
        (
            Column("fund_code", _FUND_CODE, "code", True, example="F2024001", public=True),
            Column(
                "fund_name",
                ("资金名称", "专项资金名称", "中央直达资金名称", "直达资金名称", "资金项目名称"),
                "text",
                False,
                example="耕地地力保护补贴",
                public=True,
            ),
            Column("year", _YEAR, "year", True, example="2024", public=True),
            Column(
                "recipient",
                (
                    "分配单位",
                    "预算单位",
                    "单位名称",
                    "单位",
                    "用款单位",
                    "下达单位",
                    "区市",
                    "区市财政名称",
                    "乡镇",
                    "乡镇(街道)",
                    "所属乡镇",
                ),
                "text",
                True,
                example="城关镇财政所",
                public=True,
            ),
            # 合计 / 小计 / 总计 and 项目 are known by role (etl.vocabulary), below a budget table's own words.
            Column("project_name", ("项目名称",), "text", False, public=True),
            Column(
                "department",
                ("主管部门", "省级主管部门", "部门", "部门名称"),
                "text",
                False,
                example="县农业农村局",
                public=True,
            ),
            Column(
                "doc_no",
                ("指标文号", "下达文号", "文号", "本级文号", "分配文号"),
                "text",
                False,
                example="清财农〔2024〕3号",
                public=True,
            ),
            Column(
                "allocated_on",
                ("下达日期", "分配日期", "指标下达日期", "文件日期"),
                "date",
                False,
                example="2024-02-20",
                public=True,
            ),
            Column(
                "amount_yuan",
                (
                    "分配金额",
                    "下达资金",
                    "下达金额",
                    "指标金额",
                    "金额",
                    "分配资金",
                    "可分解合计",
                    "预算金额",
                    "财政补助资金小计",
                ),
                "amount",
                True,
                example="120,000.00",
                public=True,
            ),
        ),
        open_data=OpenData(
            "year DESC, fund_code, recipient",
            {"year": "int", "fund_code": "text", "recipient": "text"},
            title_zh="资金分配（指标下达）",
            title_en="Allocations of funds",
            total="amount_yuan",
            group_by="fund_code",
        ),
        year_from="year",
    )
)

# --- registers from other departments (issue 16): for matching only, never public -------------

# 死亡、火化、殡葬登记: civil affairs, public security and funeral homes.  Headers as their systems
# export them: 公安 户籍注销 (姓名, 公民身份号码, 死亡日期), 卫健 死亡医学证明 (死者姓名, 身份证件号码,
# 死亡日期), 殡葬 MZ/T 141-2019 逝者信息 (逝者姓名, 证件号码, 死亡时间, 火化时间).
_add(
    Spec(
        "deaths",
        "死亡火化登记",
        "Deaths and cremations (register)",
        "deaths",
        (
            Column(
                "name",
                ("姓名", "死者姓名", "逝者姓名", "死亡人员姓名", "亡者姓名"),
                "text",
                True,
                example="王五",
            ),
            Column(
                "id_number",
                (
                    "身份证号",
                    "公民身份号码",
                    "身份证号码",
                    "身份证件号码",
                    "证件号码",
                    "死者身份证号",
                    "逝者身份证号",
                    "逝者证件号码",
                ),
                "id_number",
                True,
                example="110105194912310021",
            ),
            # A funeral home's roll has both dates; the cremation date stands in when there is no other.
            Column(
                "cremated_on",
                ("火化日期", "火化时间"),
                "date",
                False,
                stored=False,
                stands_in_for="died_on",
            ),
            Column(
                "died_on",
                ("死亡日期", "死亡时间", "宣告死亡日期", "死亡日期(年月日)"),
                "date",
                True,
                example="2024-03-05",
            ),
            Column(
                "source",
                ("数据来源", "信息来源", "来源", "来源单位", "登记单位"),
                "text",
                False,
                example="县殡仪馆",
            ),
        ),
        register=True,
        lookup_key=True,
        year_from="died_on",
        uploaders=("inspector", "admin"),
    )
)

# 财政供养人员工资发放: salaries paid from the budget, as the treasury's 工资统发 system exports them
# (单位名称, 姓名, 身份证号, 工资月份 / 发放年月, 应发工资 / 应发合计, 实发工资 / 实发合计).
_add(
    Spec(
        "payroll",
        "财政供养人员工资发放",
        "Salaries paid from the budget (register)",
        "payroll",
        (
            Column("agency_code", ("单位代码", "单位编码", "预算单位代码"), "code", False),
            Column(
                "agency_name",
                ("单位名称", "发放单位", "预算单位", "工作单位", "所在单位"),
                "text",
                True,
                example="县财政局",
            ),
            Column("name", ("姓名", "人员姓名", "职工姓名"), "text", True, example="李四"),
            Column(
                "id_number",
                ("身份证号", "身份证号码", "公民身份号码", "证件号码"),
                "id_number",
                True,
                example="110105197003070033",
            ),
            Column(
                "month",
                ("工资月份", "发放月份", "发放年月", "工资所属期", "所属期", "月份"),
                "month",
                True,
                example="2024-03",
            ),
            Column(
                "gross_yuan",
                ("应发工资", "应发合计", "应发金额", "应发数"),
                "amount",
                False,
                example="6,215.00",
            ),
            Column(
                "net_yuan",
                ("实发工资", "实发合计", "实发金额", "实发数"),
                "amount",
                True,
                example="4,980.35",
            ),
        ),
        register=True,
        lookup_key=True,
        year_from="month",
        uploaders=("inspector", "admin"),
    )
)

# 机动车登记: the traffic police's vehicle register (公安交管 机动车登记信息, GA 329 / the 机动车登记
# 证书's fields) as its systems export it: 机动车所有人 / 所有人, 身份证明号码, 号牌号码 (号牌种类, beside
# 车辆类型 in most exports, is not read: it would make the vehicle type ambiguous),
# 车辆类型, 使用性质, 初次登记日期 / 注册登记日期, 机动车状态 (A 正常, E 注销, M 强制注销 …), 注销日期.
_add(
    Spec(
        "vehicles",
        "机动车登记",
        "Motor vehicle registrations (register)",
        "vehicles",
        (
            Column(
                "name",
                ("所有人", "机动车所有人", "所有人姓名", "车主", "车主姓名", "姓名"),
                "text",
                True,
                example="王五",
            ),
            Column(
                "id_number",
                (
                    "身份证明号码",
                    "所有人身份证明号码",
                    "身份证号",
                    "身份证号码",
                    "公民身份号码",
                    "证件号码",
                    "车主身份证号",
                ),
                "id_number",
                True,
                example="110105194912310021",
            ),
            Column(
                "plate_no",
                ("号牌号码", "车牌号码", "车牌号", "号牌", "车牌"),
                "code",
                True,
                example="豫A12345",
            ),
            Column(
                "vehicle_type",
                ("车辆类型", "车型", "车辆类别"),
                "text",
                True,
                example="小型普通客车",
            ),
            Column("vehicle_use", ("使用性质", "车辆使用性质"), "text", False, example="非营运"),
            Column(
                "registered_on",
                ("初次登记日期", "注册登记日期", "初登日期", "登记日期", "注册日期"),
                "date",
                True,
                example="2021-06-18",
            ),
            Column(
                "vehicle_status",
                ("机动车状态", "车辆状态", "状态"),
                "text",
                False,
                example="正常",
            ),
            Column(
                "cancelled_on",
                ("注销日期", "注销时间", "强制注销日期"),
                "date",
                False,
                example="2024-08-01",
            ),
        ),
        register=True,
        lookup_key=True,
        year_from="registered_on",
        uploaders=("inspector", "admin"),
    )
)

# 市场主体登记: the market regulator's register of businesses (企业 and 个体工商户) as 国家企业信用信息
# 公示系统 and the 登记注册 system export it: 企业名称 / 字号名称, 统一社会信用代码, 法定代表人 / 经营者
# / 负责人 and 证件号码, 市场主体类型 / 企业类型 / 组成形式, 注册资本 / 资金数额 (often 万元), 成立日期,
# 注销日期, 吊销日期, 登记状态 (存续, 在业, 注销, 吊销).
_add(
    Spec(
        "businesses",
        "市场主体登记",
        "Business registrations (register)",
        "businesses",
        (
            Column(
                "business_name",
                ("企业名称", "市场主体名称", "字号名称", "个体工商户名称", "名称", "主体名称"),
                "text",
                False,
                example="清溪县王五农资店",
            ),
            Column(
                "credit_code",
                ("统一社会信用代码", "信用代码", "统一代码"),
                "code",
                False,
                example="92410100MA4X0001XX",
            ),
            Column(
                "name",
                (
                    "法定代表人",
                    "经营者",
                    "法定代表人(负责人)",
                    "法定代表人姓名",
                    "经营者姓名",
                    "负责人",
                    "投资人",
                ),
                "text",
                True,
                example="王五",
            ),
            Column(
                "id_number",
                (
                    "证件号码",
                    "法定代表人证件号码",
                    "经营者证件号码",
                    "经营者身份证号",
                    "身份证号",
                    "身份证号码",
                    "身份证件号码",
                ),
                "id_number",
                True,
                example="110105194912310021",
            ),
            Column(
                "business_type",
                ("市场主体类型", "企业类型", "主体类型", "类型", "组成形式", "企业类别"),
                "text",
                False,
                example="个体工商户",
            ),
            Column(
                "capital_yuan",
                ("注册资本", "注册资金", "资金数额", "出资额", "注册资本(金)"),
                "amount",
                False,
                example="100,000.00",
            ),
            Column(
                "founded_on",
                ("成立日期", "注册日期", "核准设立日期", "开业日期", "成立时间"),
                "date",
                True,
                example="2019-04-02",
            ),
            Column("cancelled_on", ("注销日期", "注销时间"), "date", False, example=""),
            Column("revoked_on", ("吊销日期", "吊销时间"), "date", False, example=""),
            Column(
                "business_status",
                ("登记状态", "经营状态", "企业状态", "状态"),
                "text",
                False,
                example="存续",
            ),
        ),
        register=True,
        lookup_key=True,
        year_from="founded_on",
        uploaders=("inspector", "admin"),
    )
)

# 不动产登记: the real-estate register (不动产登记簿, 自然资源部 不动产登记数据库标准) as a county's
# 不动产登记中心 exports it: 权利人, 证件号码 / 权利人证件号, 不动产权证号, 坐落, 用途 / 规划用途,
# 建筑面积 / 面积(㎡), 登记日期 / 登簿日期, 注销日期.
_add(
    Spec(
        "properties",
        "不动产登记",
        "Real-estate registrations (register)",
        "properties",
        (
            Column(
                "name",
                ("权利人", "权利人名称", "权利人姓名", "产权人", "所有权人", "房屋所有权人"),
                "text",
                True,
                example="王五",
            ),
            Column(
                "id_number",
                (
                    "证件号码",
                    "权利人证件号码",
                    "权利人证件号",
                    "证件号",
                    "身份证号",
                    "身份证号码",
                    "产权人身份证号",
                ),
                "id_number",
                True,
                example="110105194912310021",
            ),
            Column(
                "cert_no",
                ("不动产权证号", "不动产权证书号", "不动产权证书号码", "产权证号", "房产证号"),
                "code",
                False,
                example="豫(2021)清溪县不动产权第0001234号",
            ),
            Column(
                "location",
                ("坐落", "房屋坐落", "不动产坐落", "坐落地址", "房屋地址"),
                "text",
                False,
                example="城关镇建设路12号3单元402室",
            ),
            Column(
                "property_use",
                ("用途", "规划用途", "房屋用途", "设计用途"),
                "text",
                False,
                example="住宅",
            ),
            Column(
                "area_m2",
                (
                    "建筑面积",
                    "面积",
                    "房屋建筑面积",
                    "建筑面积(平方米)",
                    "建筑面积(㎡)",
                    "建筑面积(m2)",
                ),
                "decimal",
                True,
                example="98.56",
            ),
            Column(
                "registered_on",
                ("登记日期", "登簿日期", "登记时间", "登簿时间", "发证日期"),
                "date",
                True,
                example="2020-11-05",
            ),
            Column("cancelled_on", ("注销日期", "注销登记日期"), "date", False, example=""),
        ),
        register=True,
        lookup_key=True,
        year_from="registered_on",
        uploaders=("inspector", "admin"),
    )
)

KINDS = tuple(SPECS)

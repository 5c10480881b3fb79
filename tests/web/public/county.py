"""A small published county for the public-page tests, built from real spreadsheets.

    ids = build_county(load, store, tmp_path)   # with the tests' `load` and `store` fixtures

Everything is published except two payment batches: one loaded and never
published, one published and then retracted.  Their rows must never show.
"""

from __future__ import annotations

from pathlib import Path

from etl import batches as transitions
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, make_id, write_xlsx

ID_KEY = b"test-key-0123456789abcdef0123456"  # the `hasher` fixture's key

# The resident who looks up, a member of the same household, a neighbour with
# the same household number in another village, and someone whose payment came back.
RESIDENT = {"name": "张三", "id": make_id("420102", "19560304", 11)}
SPOUSE = {"name": "李小静", "id": make_id("420102", "19580812", 12, "f")}
NAMESAKE = {"name": "王五", "id": make_id("420102", "19700101", 13)}
RETURNED = {"name": "欧阳小平", "id": make_id("420102", "19621111", 14)}
MULTI_READING = {"name": "单田芳", "id": make_id("420102", "19400101", 15)}  # 单: d, s or c
UNPUBLISHED_ONLY = {"name": "赵六", "id": make_id("420102", "19810101", 16)}

PAY = [
    "资金编码",
    "年度",
    "期间",
    "乡镇",
    "村",
    "组",
    "姓名",
    "身份证号",
    "户号",
    "面积",
    "补助标准",
    "发放金额",
    "发放日期",
    "发放状态",
    "银行账号",
]


def pay(
    person,
    fund="F001",
    year="2024",
    period="2024-03",
    village="东风村",
    household="H0001",
    qty="8.5",
    standard="105",
    amount="892.50",
    paid="2024-03-15",
    status="已发放",
    township="城关镇",
):
    return [
        fund,
        year,
        period,
        township,
        village,
        "3组",
        person["name"],
        person["id"],
        household,
        qty,
        standard,
        amount,
        paid,
        status,
        "6228480012345678901",
    ]


def _publish(load, store, path: Path, publish: bool = True):
    result = load(path)
    assert result.status == "loaded", result.as_json()
    if publish:
        transitions.publish(store, result.batch, actor="reviewer")
    return result.batch


def build_county(load, store, tmp_path: Path) -> dict:
    """Load and publish the small county; returns the batch ids by name."""
    batches = {}
    funds = [
        *FUNDS_ROWS,
        ["F004", '=HYPERLINK("http://x")', "县民政局", "2023", "120,000.00", "到人", "50"],
    ]
    batches["funds"] = _publish(
        load, store, write_xlsx(tmp_path / "funds.xlsx", [FUNDS_HEADER, *funds])
    )
    payments = [
        pay(RESIDENT),
        pay(RESIDENT, period="2024-09", paid="2024-09-20", amount="892.51"),
        pay(
            SPOUSE,
            fund="F002",
            period="2024-04",
            qty="2",
            standard="300",
            amount="600.00",
            paid="2024-04-10",
        ),
        pay(NAMESAKE, village="红旗村", amount="105.00", qty="1"),
        pay(
            RETURNED, household="H0002", amount="210.00", qty="2", status="退回", paid="2024-03-16"
        ),
        pay(MULTI_READING, household="H0003", amount="315.00", qty="3"),
        pay(
            RESIDENT,
            fund="F004",
            year="2023",
            period="2023-12",
            qty="1",
            standard="50",
            amount="50.00",
            paid="2023-12-20",
        ),
    ]
    batches["payments"] = _publish(
        load,
        store,
        write_xlsx(tmp_path / "payments.xlsx", [["2024年补贴发放清册"], PAY, *payments]),
    )
    unpublished = [
        pay(RESIDENT, period="2024-06", amount="777.77", paid="2024-06-15"),
        pay(UNPUBLISHED_ONLY, household="H0009"),
    ]
    batches["unpublished"] = _publish(
        load, store, write_xlsx(tmp_path / "unpublished.xlsx", [PAY, *unpublished]), publish=False
    )
    retracted = [
        pay(RESIDENT, period="2024-07", amount="666.66", paid="2024-07-15"),
        pay(UNPUBLISHED_ONLY, household="H0009", period="2024-07"),
    ]
    batches["retracted"] = _publish(
        load, store, write_xlsx(tmp_path / "retracted.xlsx", [PAY, *retracted])
    )
    transitions.retract(store, batches["retracted"], actor="reviewer")
    projects = [
        ["资金编码", "项目名称", "乡镇", "村", "实施单位", "项目金额", "开工日期", "项目状态"],
        [
            "F003",
            "东风村道路硬化",
            "城关镇",
            "东风村",
            "县路桥公司",
            "200,000.00",
            "2024-04-01",
            "在建",
        ],
        ["F003", "红旗村桥梁", "城关镇", "红旗村", "@SUM(1+1)", "150,000.50", "2024-05-01", "完工"],
    ]
    batches["projects"] = _publish(load, store, write_xlsx(tmp_path / "projects.xlsx", projects))
    disbursements = [
        ["凭证号", "资金编码", "收款单位", "拨付金额", "审核签字日期", "拨出日期"],
        ["PZ1", "F001", "城关镇财政所", "500,000.00", "2024-03-01", "2024-03-04"],
        ["PZ2", "F003", "县路桥公司", "100,000.00", "2024-04-01", "2024-04-20"],
    ]
    batches["disbursements"] = _publish(
        load, store, write_xlsx(tmp_path / "disb.xlsx", disbursements)
    )
    budgets = [
        ["部门", "年度", "支出类别", "科目名称", "预算金额"],
        ["县财政局", "2024", "基本支出", "工资福利支出", "3,000,000.00"],
        ["县财政局", "2024", "项目支出", "财政信息化建设", "500,000.00"],
        ["县财政局", "2024", "三公经费", "公务接待费", "12,000.00"],
        ["县财政局", "2024", "三公经费", "公务用车购置及运行费", "30,000.00"],
        ["县民政局", "2024", "基本支出", "工资福利支出", "1,500,000.00"],
        ["县民政局", "2024", "三公经费", "因公出国(境)费", "0.00"],
    ]
    batches["budgets"] = _publish(load, store, write_xlsx(tmp_path / "budgets.xlsx", budgets))
    agencies = [
        ["单位代码", "单位名称", "单位类型", "主管部门", "编制类型", "编制数", "实有人数"],
        ["A001", "县财政局", "行政", "县财政局", "行政", "2", "3"],
        ["A002", "县国库支付中心", "事业", "县财政局", "事业(其他)", "3", "1"],
    ]
    batches["agencies"] = _publish(load, store, write_xlsx(tmp_path / "agencies.xlsx", agencies))
    staff = [
        ["单位代码", "单位名称", "姓名", "身份证号", "编制类型", "职务", "人员状态"],
        ["A001", "县财政局", "刘一", make_id("420102", "19750101", 21), "行政", "局长", "在职"],
        ["A001", "县财政局", "陈二", make_id("420102", "19800101", 22), "行政", "科员", "在职"],
        ["A001", "县财政局", "周三", make_id("420102", "19850101", 23), "行政", "科员", "在职"],
        ["A001", "县财政局", "吴退", make_id("420102", "19500101", 24), "行政", "科员", "退休"],
        [
            "A002",
            "县国库支付中心",
            "郑四",
            make_id("420102", "19900101", 25),
            "事业(其他)",
            "主任",
            "在职",
        ],
    ]
    batches["staff"] = _publish(load, store, write_xlsx(tmp_path / "staff.xlsx", staff))
    return batches


ALL_IDS = [p["id"] for p in (RESIDENT, SPOUSE, NAMESAKE, RETURNED, MULTI_READING, UNPUBLISHED_ONLY)]


def county_config(db_path: Path, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test",
        "DATABASE": str(db_path),
        "ID_HASH_KEY": ID_KEY,
        "FINANCE_OFFICE_PHONE": "0710-1234567",
        **extra,
    }

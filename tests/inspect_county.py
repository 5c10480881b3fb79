"""A tiny hand-made county where every discrepancy check's findings are known.

Loaded through the real loader from spreadsheets made here.  ``EXPECTED``
says, per check, which records it must find (by voucher, person name or
agency) and nothing else.  As of 2024-12-31.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.sheets import make_id, write_xlsx

AS_OF = dt.date(2024, 12, 31)

FUNDS = [
    ["资金编码", "资金名称", "主管部门", "年度", "预算金额", "发放对象", "补助标准", "最高限额"],
    ["F001", "耕地地力保护补贴", "县农业农村局", "2024", "1,000,000.00", "到人", "105", "5000"],
    ["F002", "城乡居民最低生活保障", "县民政局", "2024", "500,000.00", "到人", "300", ""],
    ["F003", "村道硬化", "县交通运输局", "2024", "2,000,000.00", "到项目", "", ""],
]

DISBURSEMENTS = [
    [
        "凭证号",
        "资金编码",
        "收款单位",
        "拨付金额",
        "审核签字日期",
        "拨出日期",
        "按进度拨付",
        "特殊原因",
    ],
    ["V1", "F001", "城关镇财政所", "7612.50", "2024-03-01", "2024-03-04", "否", ""],  # 3 days
    [
        "V2",
        "F001",
        "城关镇财政所",
        "310.00",
        "2024-03-01",
        "2024-03-08",
        "否",
        "",
    ],  # 7 days; 城关镇 F001 100 short
    [
        "V3",
        "F002",
        "城关镇财政所",
        "900.00",
        "2024-03-01",
        "2024-03-20",
        "否",
        "",
    ],  # 19 days, unexplained
    [
        "V4",
        "F003",
        "石桥镇建筑公司",
        "50000.00",
        "2024-03-01",
        "2024-03-25",
        "是",
        "",
    ],  # by progress
    [
        "V5",
        "F002",
        "石桥镇财政所",
        "300.00",
        "2024-03-01",
        "2024-03-25",
        "否",
        "年底清算",
    ],  # reason
    ["V6", "F001", "石桥镇财政所", "8000.00", "2024-10-01", "", "否", ""],  # approved, stuck
    ["V7", "F001", "石桥镇财政所", "8000.00", "2024-12-20", "", "否", ""],  # approved, recent
    [
        "V8",
        "F002",
        "河口镇财政所",
        "6000.00",
        "2024-05-01",
        "2024-05-02",
        "否",
        "",
    ],  # disbursed, never paid
    [
        "V9",
        "F001",
        "石桥镇财政所",
        "700.00",
        "2024-12-10",
        "2024-12-11",
        "否",
        "",
    ],  # disbursed, recent
    [
        "V10",
        "F001",
        "花园乡财政所",
        "420.00",
        "2024-03-01",
        "2024-03-02",
        "否",
        "",
    ],  # paid twice there
]

PAY_HEADER = [
    "资金编码",
    "年度",
    "期间",
    "乡镇",
    "村",
    "姓名",
    "身份证号",
    "面积",
    "补助标准",
    "发放金额",
    "发放日期",
    "发放状态",
    "凭证号",
]

# People: (name, birth, sex); IDs are made from these.
PEOPLE = {
    "甲一": ("19700101", "m"),
    "乙二": ("19710202", "f"),
    "丙三": ("19720303", "m"),
    "丁四": ("19800404", "m"),
    "戊五": ("19810505", "f"),
    "己六": ("19820606", "m"),
    "庚七": ("19830707", "f"),
    "辛八": ("19840808", "m"),
    "壬九": ("19850909", "m"),
    "孙十": ("19900101", "m"),
    "周十一": ("19910202", "m"),
    "吴十二": ("19600315", "m"),
    "郑十三": ("19641215", "m"),
    "王十四": ("19650115", "m"),
    "冯十五": ("19790606", "f"),
    "陈十六": ("19730601", "f"),
    "褚十七": ("19730601", "f"),
    "卫十八": ("19860101", "m"),
}


def id_of(name: str) -> str:
    birth, sex = PEOPLE[name]
    return make_id(birth=birth, seq=list(PEOPLE).index(name) + 1, sex=sex)


def pay(
    name,
    fund,
    qty,
    std,
    amount,
    paid,
    status="已发放",
    voucher="",
    township="城关镇",
    village="东风村",
    period="2024-03",
):
    return [
        fund,
        "2024",
        period,
        township,
        village,
        name,
        id_of(name),
        qty,
        std,
        amount,
        paid,
        status,
        voucher,
    ]


PAYMENTS_1 = [
    PAY_HEADER,
    pay("甲一", "F001", "8.5", "105", "892.50", "2024-03-15", voucher="V1"),
    pay("乙二", "F001", "10", "105", "1050.00", "2024-03-15", voucher="V1"),
    pay(
        "丙三", "F001", "2", "105", "210.00", "2024-05-20", voucher="V2"
    ),  # 73 days after disbursement
    pay("丁四", "F002", "1", "300", "300.00", "2024-03-25", voucher="V3"),  # on the staff roll
    pay("戊五", "F002", "1", "300", "600.00", "2024-03-25", voucher="V3"),  # off the standard
    pay(
        "己六", "F002", "1", "300", "300.00", "2024-04-01", township="石桥镇", village="石桥村"
    ),  # no voucher: V5
    pay(
        "庚七", "F001", "3", "105", "315.00", "2024-03-15", status="退回"
    ),  # returned, never paid again
    pay(
        "辛八", "F001", "4", "105", "420.00", "2024-03-15", status="退回"
    ),  # returned, paid again (batch 2)
    pay(
        "壬九", "F001", "50", "105", "5250.00", "2024-03-15", voucher="V1"
    ),  # above the 5,000 ceiling
    pay("卫十八", "F001", "4", "105", "420.00", "2024-03-15", township="花园乡", village="花园村"),
]

PAYMENTS_2 = [
    PAY_HEADER,
    pay(
        "卫十八", "F001", "4", "105", "420.00", "2024-04-10", township="花园乡", village="花园村"
    ),  # again
    pay("辛八", "F001", "4", "105", "420.00", "2024-04-01", voucher="V1"),
]

AGENCIES = [
    ["单位代码", "单位名称", "主管部门", "编制类型", "编制数", "实有人数"],
    ["A001", "县财政局", "县财政局", "行政", "2", "2"],
    ["A002", "县民政局", "县民政局", "行政", "6", "5"],
    ["A002", "县民政局", "县民政局", "工勤", "1", "1"],
]

STAFF = [
    ["单位代码", "单位名称", "姓名", "身份证号", "编制类型", "职务", "人员状态"],
    ["A001", "县财政局", "丁四", id_of("丁四"), "行政", "科员", "在职"],  # draws 低保
    ["A001", "县财政局", "孙十", id_of("孙十"), "行政", "科员", "在职"],
    [
        "A001",
        "县财政局",
        "周十一",
        id_of("周十一"),
        "行政",
        "科员",
        "在职",
    ],  # 3 on a quota of 2; also A002
    ["A002", "县民政局", "周十一", id_of("周十一"), "行政", "科员", "在职"],
    ["A002", "县民政局", "冯十五", id_of("冯十五"), "行政", "科员", "死亡"],
    ["A002", "县民政局", "吴十二", id_of("吴十二"), "行政", "科员", "在职"],  # 64
    ["A002", "县民政局", "郑十三", id_of("郑十三"), "行政", "科员", "在职"],  # 60 on 2024-12-15
    [
        "A002",
        "县民政局",
        "王十四",
        id_of("王十四"),
        "行政",
        "科员",
        "在职",
    ],  # 60 on 2025-01-15, retires 2025-02-15
    [
        "A002",
        "县民政局",
        "陈十六",
        id_of("陈十六"),
        "工勤",
        "驾驶员",
        "在职",
    ],  # a woman worker of 51: retires at 50
    [
        "",
        "县民政局",
        "褚十七",
        id_of("褚十七"),
        "行政",
        "科员",
        "在职",
    ],  # a woman cadre of 51; no agency code
]

# What each check must find in this county as of AS_OF, and nothing else.
EXPECTED = {
    "disbursement_delay": {"V3"},
    "payout_delay": {"V2"},
    "stuck_approval": {"V6"},
    "stuck_payout": {"V8"},
    "allocation_shortfall": {"城关镇"},
    "allocation_excess": {"花园乡"},
    # allocation tables (issue 14): this county has none; tests/test_allocations.py plants their cases
    "allocation_not_disbursed": set(),
    "disbursed_beyond_allocation": set(),
    "duplicate_payment": {"卫十八"},
    "off_standard": {"戊五"},
    "over_ceiling": {"壬九"},
    "returned_unpaid": {"庚七"},
    "staff_on_relief": {"丁四"},
    "over_quota": {"县财政局"},
    "two_rolls": {"周十一"},
    "past_retirement": {"吴十二", "郑十三", "陈十六"},
    "inactive_on_roll": {"冯十五"},
    "paid_after_death": set(),  # no death register here: tests/test_deaths.py plants its cases
    "death_name_differs": set(),
    "payroll_not_on_roll": set(),  # no payroll here: tests/test_payroll.py plants its cases
    "payroll_after_death": set(),  # nor these: tests/test_inspect_synthetic.py finds their cases
    "roll_not_on_payroll": set(),
    "payroll_two_agencies": set(),
    "relief_vehicle_owner": set(),  # no registers here: tests/test_relief_registers.py plants them
    "relief_business_owner": set(),
    "relief_property_owner": set(),
    "register_name_differs": set(),
    "late_publication": {"3-payments.xlsx"},  # PAYMENTS_2, published 2024-06-28
    "overdue_replies": set(),  # no messages here: tests/web/test_messages_check.py plants them
    "overdue_rectification": set(),  # no flags here: tests/web/test_flag_answers.py plants them
}


def finding_name(check, row) -> str:
    """The voucher, person, agency or file a finding is about (as EXPECTED names it)."""
    for column in ("voucher_no", "name", "agency_name", "file_name", "township"):
        if column in row:
            return str(row[column])
    raise KeyError(check.label)


def build(load, store, folder: Path) -> dict[str, int]:
    """Load the county into ``store``; return the batch of each file."""
    files = [
        ("funds", FUNDS),
        ("disbursements", DISBURSEMENTS),
        ("payments", PAYMENTS_1),
        ("payments", PAYMENTS_2),
        ("agencies", AGENCIES),
        ("staff", STAFF),
    ]
    batches = {}
    for i, (kind, rows) in enumerate(files):
        result = load(
            write_xlsx(folder / f"{i}-{kind}.xlsx", rows), kind, publish=True, reviewer="reviewer"
        )
        assert result.status == "loaded", result.as_json()
        batches[f"{i}-{kind}"] = result.batch
    # Publication dates as a reviewer would have set them in 2024.
    published = {"2-payments": "2024-04-10 09:00:00", "3-payments": "2024-06-28 09:00:00"}
    for name, when in published.items():
        store.execute(
            "UPDATE batches SET published_at = ? WHERE batch_id = ?", [when, batches[name]]
        )
    store.execute(
        "UPDATE batches SET published_at = TIMESTAMP '2024-03-01 09:00:00' WHERE published_at > TIMESTAMP '2024-12-31'"
    )
    return batches

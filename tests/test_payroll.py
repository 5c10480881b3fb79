"""The payroll register (财政供养人员工资发放) and the check payroll_not_on_roll (issue 16)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fundquery.inspect import CHECKS, Params, run
from tests.sheets import make_id, write_csv, write_xlsx

PARAMS = Params(as_of=dt.date(2024, 12, 31))
LI = make_id(birth="19700307", seq=601)
QIAN = make_id(birth="19980101", seq=602, sex="f")
SUN = make_id(birth="19850505", seq=603)
ZHAO = make_id(birth="19900909", seq=604)

STAFF = [
    ["单位名称", "姓名", "身份证号", "编制类型", "职务", "入编时间", "人员状态"],
    ["县财政局", "李四", LI, "行政", "科员", "1995-08-01", "在职"],
    ["县财政局", "钱新", QIAN, "行政", "科员", "2024-03-18", "在职"],  # joined in March
    ["县教育局", "孙调", SUN, "事业(其他)", "教师", "2010-09-01", "在职"],  # another agency's
]
# The treasury's 工资统发 export: 发放年月 in Chinese, 应发合计 and 实发合计.
PAYROLL_HEADER = ["序号", "单位名称", "姓名", "公民身份号码", "发放年月", "应发合计", "实发合计"]
PAYROLL = [
    [1, "县财政局", "李四", LI, "2024年3月", "6,215.00", "4,980.35"],
    [2, "县财政局", "钱新", QIAN, "2024年3月", "4,100.00", "3,300.00"],  # the month of joining
    [3, "县财政局", "孙调", SUN, "2024年3月", "5,000.00", "4,000.00"],  # on another agency's roll
    [4, "县财政局", "赵鬼", ZHAO, "2024年2月", "5,500.00", "4,400.00"],  # on no roll
    [5, "县财政局", "赵鬼", ZHAO, "2024年3月", "5,500.00", "4,400.00"],
    [6, "县财政局", "钱新", QIAN, "2024年2月", "4,100.00", "3,300.00"],  # before joining
]


@pytest.fixture
def with_payroll(store, load, tmp_path):
    assert load(write_xlsx(tmp_path / "staff.xlsx", STAFF), "staff").status == "loaded"
    result = load(write_csv(tmp_path / "payroll.csv", [PAYROLL_HEADER, *PAYROLL], "gbk"), "payroll")
    assert result.status == "loaded", result.as_json()
    return store


def test_the_treasury_export_loads_with_its_months(with_payroll):
    rows = with_payroll.execute(
        "SELECT name, month, net_yuan FROM live_payroll ORDER BY row_no LIMIT 2"
    ).fetchall()
    assert rows == [
        ("李四", dt.date(2024, 3, 1), Decimal("4980.35")),
        ("钱新", dt.date(2024, 3, 1), Decimal("3300.00")),
    ]


def test_a_month_that_is_not_one_is_refused_naming_row_column_and_value(load, store, tmp_path):
    bad = [PAYROLL_HEADER, [1, "县财政局", "李四", LI, "2024年13月", "6,215.00", "4,980.35"]]
    result = load(write_xlsx(tmp_path / "bad.xlsx", bad), "payroll")
    assert result.status == "rejected"
    (error,) = [f for f in result.report.findings if f.severity == "error"]
    assert (error.row, error.column, error.value, error.rule) == (
        2,
        "发放年月",
        "2024年13月",
        "month_invalid",
    )
    assert "2024-03" in error.expected
    assert store.execute("SELECT count(*) FROM payroll").fetchone() == (0,)


def test_payroll_not_on_roll_finds_the_ghost_and_the_transfer_not_the_new_hire(with_payroll):
    rows = run(with_payroll, CHECKS["payroll_not_on_roll"], PARAMS).rows
    # ordered by agency and person (the keyed hash), then month
    assert sorted((r["name"], r["month"], r["net_yuan"]) for r in rows) == [
        ("孙调", "2024-03", Decimal("4000.00")),
        ("赵鬼", "2024-02", Decimal("4400.00")),
        ("赵鬼", "2024-03", Decimal("4400.00")),
        ("钱新", "2024-02", Decimal("3300.00")),
    ]
    assert ("钱新", "2024-03") not in {(r["name"], r["month"]) for r in rows}

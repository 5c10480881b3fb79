"""The deaths register (死亡火化登记) and the check paid_after_death (issue 16).

Payments and deaths are written as spreadsheets here, in the registers' own header variants,
and loaded through the same reader, rules and load as every kind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from fundquery.inspect import CHECKS, Params, run
from fundquery.queries.datasets import DATASETS
from tests.plans import aggregates, profile
from tests.sheets import (
    FUNDS_HEADER,
    FUNDS_ROWS,
    PAY_HEADER,
    make_id,
    pay_row,
    write_csv,
    write_xlsx,
)

PARAMS = Params(as_of=dt.date(2024, 12, 31))

DEAD = make_id(birth="19400203", seq=501)  # died 2024-03-10
NAMESAKE = make_id(birth="19450607", seq=502)  # another 李老汉, alive
LATE = make_id(birth="19380101", seq=503)  # died 2024-09-20, after every payment
TYPO = make_id(birth="19500505", seq=504)  # in the register under another name


def _payments(tmp_path):
    rows = [
        # paid for March on 03-15, died 03-10: inside the month of death, not a finding
        pay_row(1, "李老汉", period="2024-03", paid="2024-03-15", id_number=DEAD),
        # paid on 04-15 and 05-15 after dying on 03-10: both are findings
        pay_row(2, "李老汉", period="2024-04", paid="2024-04-15", id_number=DEAD),
        pay_row(3, "李老汉", period="2024-05", paid="2024-05-15", id_number=DEAD),
        # returned to the finance office: reached nobody
        pay_row(4, "李老汉", period="2024-06", paid="2024-06-15", id_number=DEAD, status="退回"),
        # the namesake with another ID, paid all year
        pay_row(5, "李老汉", period="2024-05", paid="2024-05-15", id_number=NAMESAKE),
        # died after the last payment
        pay_row(6, "赵大娘", period="2024-05", paid="2024-05-15", id_number=LATE),
        # same ID as a register row whose name differs
        pay_row(7, "孙小明", period="2024-05", paid="2024-05-15", id_number=TYPO),
    ]
    return write_xlsx(tmp_path / "payments.xlsx", [PAY_HEADER, *rows])


def _deaths(tmp_path):
    # a funeral home's roll: 逝者姓名, 证件号码, 死亡时间 and 火化时间 (MZ/T 141-2019), GBK csv
    header = ["序号", "逝者姓名", "性别", "证件号码", "死亡时间", "火化时间", "数据来源"]
    rows = [
        ["1", "李老汉", "男", DEAD, "2024年3月10日", "2024年3月12日", "县殡仪馆"],
        ["2", "赵大娘", "女", LATE, "2024/9/20", "2024/9/22", "县殡仪馆"],
        ["3", "孙晓明", "男", TYPO, "2024-02-01", "2024-02-03", "县殡仪馆"],
    ]
    return write_csv(tmp_path / "deaths.csv", [["2024年火化登记"], header, *rows], "gbk")


@pytest.fixture
def with_deaths(store, load, tmp_path):
    assert load(write_xlsx(tmp_path / "funds.xlsx", [FUNDS_HEADER, *FUNDS_ROWS])).status == "loaded"
    assert load(_payments(tmp_path), "payments").status == "loaded"
    result = load(_deaths(tmp_path), "deaths")
    assert result.status == "loaded", result.as_json()
    return store


def test_a_funeral_homes_roll_loads_with_its_own_headers(with_deaths):
    rows = with_deaths.execute(
        "SELECT name, id_masked, died_on, source FROM live_deaths ORDER BY row_no"
    ).fetchall()
    assert rows == [
        ("李老汉", DEAD[:6] + "********" + DEAD[-4:], dt.date(2024, 3, 10), "县殡仪馆"),
        ("赵大娘", LATE[:6] + "********" + LATE[-4:], dt.date(2024, 9, 20), "县殡仪馆"),
        ("孙晓明", TYPO[:6] + "********" + TYPO[-4:], dt.date(2024, 2, 1), "县殡仪馆"),
    ]


def test_the_cremation_date_stands_in_when_there_is_no_date_of_death(load, store, tmp_path):
    header = ["姓名", "公民身份号码", "火化日期", "信息来源"]
    path = write_xlsx(
        tmp_path / "cremations.xlsx", [header, ["王五", DEAD, "2024-03-12", "殡仪馆"]]
    )
    assert load(path, "deaths").status == "loaded"
    assert store.execute("SELECT died_on FROM live_deaths").fetchall() == [(dt.date(2024, 3, 12),)]


def test_a_death_register_row_without_a_date_is_refused_and_nothing_stored(load, store, tmp_path):
    header = ["死者姓名", "身份证件号码", "死亡日期"]
    path = write_xlsx(tmp_path / "bad.xlsx", [header, ["王五", DEAD, "不详"]])
    result = load(path, "deaths")
    assert result.status == "rejected"
    (error,) = [f for f in result.report.findings if f.severity == "error"]
    assert error.row == 2 and error.value == "不详" and "死亡日期" in error.column, error
    assert store.execute("SELECT count(*) FROM deaths").fetchone() == (0,)


def test_paid_after_death_finds_every_payment_after_the_month_and_no_decoy(with_deaths):
    result = run(with_deaths, CHECKS["paid_after_death"], PARAMS)
    found = [
        (r["name"], r["period"], str(r["paid_on"]), r["amount_yuan"], r["days_after"])
        for r in result.rows
    ]
    # died 2024-03-10, the month ends 03-31: 04-15 is 15 days after, 05-15 is 45
    assert found == [
        ("李老汉", "2024-04", "2024-04-15", Decimal("892.50"), 15),
        ("李老汉", "2024-05", "2024-05-15", Decimal("892.50"), 45),
    ]
    assert {r["id_hash"] for r in result.rows} == {result.rows[0]["id_hash"]}


def test_two_registers_of_one_death_give_the_earliest_date_and_both_sources(
    with_deaths, load, tmp_path
):
    # The police station registered 李老汉's death a day earlier than the funeral home did.
    header = ["姓名", "公民身份号码", "死亡日期", "信息来源"]
    rows = [["李老汉", DEAD, "2024-03-09", "县公安局派出所"]]
    assert load(write_xlsx(tmp_path / "police.xlsx", [header, *rows]), "deaths").status == "loaded"
    rows = run(with_deaths, CHECKS["paid_after_death"], PARAMS).rows
    assert [(r["period"], r["died_on"], r["source"]) for r in rows] == [
        ("2024-04", dt.date(2024, 3, 9), "县公安局派出所、县殡仪馆"),  # 公 U+516C before 殡 U+6BA1
        ("2024-05", dt.date(2024, 3, 9), "县公安局派出所、县殡仪馆"),
    ]


def test_paid_after_death_lists_sources_for_the_people_it_finds_only(with_deaths, tmp_path):
    """A county's death register holds everyone who died, mostly people never paid: a sorted list
    of sources for each of them (1 M in bench/inspect_bench.py) took a third of the check's time.
    Here three deaths, one of them a payee paid after it: at most one group may build a list."""
    rows, operators = profile(with_deaths, "paid_after_death", PARAMS, tmp_path)
    assert len(rows) == 2
    groups = [g for op in operators for g in aggregates(op)]
    assert any("min(" in text for text, _ in groups), groups  # the format is as read
    assert [g for g in groups if "list(" in g[0] and g[1] > 1] == []


def test_the_grace_is_a_parameter(with_deaths):
    params = dataclasses.replace(PARAMS, death_grace_days=31)
    rows = run(with_deaths, CHECKS["paid_after_death"], params).rows
    assert [r["period"] for r in rows] == ["2024-05"]


def test_same_id_another_name_is_a_data_quality_list_not_a_finding(with_deaths):
    rows = run(with_deaths, CHECKS["death_name_differs"], PARAMS).rows
    assert [(r["name"], r["payee_name"], r["payment_count"]) for r in rows] == [
        ("孙晓明", "孙小明", 1)
    ]
    assert "孙小明" not in {
        r["name"] for r in run(with_deaths, CHECKS["paid_after_death"], PARAMS).rows
    }


def test_same_id_another_name_on_the_payroll_is_on_the_same_list(with_deaths, load, tmp_path):
    """A death row with a salaried person's ID under another name is listed beside the payees' (issue
    16); a salaried person whose name the register has is not (payroll_after_death asks about them)."""
    clerk = make_id(
        birth="19700303", seq=505
    )  # on the payroll as 钱小红, in the register as 钱晓红
    same = make_id(birth="19650404", seq=506)  # 周大 on both: not a data-quality case
    header = ["单位代码", "单位名称", "姓名", "身份证号码", "工资月份", "应发工资", "实发工资"]
    salaries = [
        ["001", "县财政局", "钱小红", clerk, f"2024年{m:02d}月", "6,000.00", "4,800.00"]
        for m in (1, 2, 3)
    ] + [["001", "县财政局", "周大", same, "2024年01月", "5,000.00", "4,000.00"]]
    assert (
        load(write_csv(tmp_path / "payroll.csv", [header, *salaries], "gbk"), "payroll").status
        == "loaded"
    )
    header = ["姓名", "公民身份号码", "死亡日期", "信息来源"]
    deaths = [["钱晓红", clerk, "2024-04-01", "县公安局"], ["周大", same, "2024-02-01", "县公安局"]]
    assert (
        load(write_xlsx(tmp_path / "police.xlsx", [header, *deaths]), "deaths").status == "loaded"
    )
    rows = run(with_deaths, CHECKS["death_name_differs"], PARAMS).rows
    assert [
        (
            r["name"],
            r["payee_name"],
            r["payroll_name"],
            r["salary_count"],
            r["net_yuan"],
            r["last_salary_month"],
        )
        for r in rows
    ] == [
        ("孙晓明", "孙小明", None, None, None, None),
        ("钱晓红", None, "钱小红", 3, Decimal("14400.00"), "2024-03"),
    ]


def test_the_register_is_never_public(with_deaths):
    views = {
        r[0]
        for r in with_deaths.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert "live_deaths" in views and "public_deaths" not in views
    assert "deaths" not in DATASETS


def test_a_correction_of_a_register_holds_back_the_batch_it_replaces(with_deaths, load, tmp_path):
    """A declared kind's live view follows live_batches, as the seven kinds of the migrations do."""
    old = with_deaths.execute("SELECT max(batch_id) FROM batches WHERE kind = 'deaths'").fetchone()[
        0
    ]
    header = ["序号", "逝者姓名", "性别", "证件号码", "死亡时间", "火化时间", "数据来源"]
    fixed = write_csv(
        tmp_path / "deaths-fixed.csv",
        [header, ["1", "李老汉", "男", DEAD, "2024年3月10日", "2024年3月12日", "县殡仪馆"]],
        "gbk",
    )
    new = load(fixed, "deaths", replaces=old).batch
    assert new is not None
    batches = [
        r[0] for r in with_deaths.execute("SELECT DISTINCT batch_id FROM live_deaths").fetchall()
    ]
    assert batches == [new]  # the correction waiting for review, not both

"""The payroll checks (issue 16): roll_not_on_payroll, payroll_not_on_roll, payroll_two_agencies, exactly and cheaply.

The first two compare the 编制实名制 roll with the treasury's payroll (10 M salary rows at the
issue's scale); the third looks for one person paid by two agencies in one month.  The first
two's meaning is written out once more here, in Python, from the checks' descriptions; rolls and
payrolls are loaded through the real loader from spreadsheets made in
the test, and each check must return exactly the rows the Python definition gives: a few
hand-worked cases (one salary written twice in a month hiding a month not paid, an agency
matched by its code under another name, hiring in the middle of the year), then generated ones.

The last test looks at what DuckDB holds while it runs each: nothing may be the size of the
payroll (a table of every (roll row, month), of every salary matched to the roll, or a group per
person and month: the shapes that took 5.9 s, 2.5 s and 1.8 s at 10 M payroll rows, and 2.9 GiB
for the first), only tables the size of the roll; and two_rolls, over the roll alone, builds its
lists of agencies for the people it finds only.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.idnum import Hasher
from etl.load import load_file
from etl.store import connect
from fundquery.inspect import CHECKS, Params, run
from tests.plans import aggregates, held_rows, profile
from tests.sheets import make_id, write_csv

PARAMS = Params(as_of=dt.date(2024, 12, 31))
KEY = b"roll-payroll-key-0123456789abcdef"
STAFF_HEADER = ["单位代码", "单位名称", "姓名", "身份证号", "编制类型", "入编时间", "人员状态"]
PAYROLL_HEADER = ["单位代码", "单位名称", "姓名", "身份证号码", "工资月份", "应发工资", "实发工资"]

# Agencies as (code, name); the payroll may write the same code under another name.
FINANCE = ("001", "县财政局")
FINANCE_OTHER_NAME = ("001", "县财政局（本级）")
EDUCATION = ("002", "县教育局")
NO_CODE = (None, "县档案馆")


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str


PEOPLE = [Person(f"职工{k}", make_id(birth="19800101", seq=k)) for k in range(1, 9)]


@dataclass(frozen=True)
class RollRow:
    agency: tuple[str | None, str]
    person: Person
    hired_on: dt.date | None = None
    status: str | None = "在职"


@dataclass(frozen=True)
class Salary:
    agency: tuple[str | None, str]
    person: Person
    month: int  # of 2024


def _last_day(month: int) -> dt.date:
    return dt.date(2024, month, calendar.monthrange(2024, month)[1])


def _same_agency(roll: tuple[str | None, str], paid_by: tuple[str | None, str]) -> bool:
    """The checks' agency match: the same name, or the same code where the roll row has one."""
    return roll[1] == paid_by[1] or (roll[0] is not None and roll[0] == paid_by[0])


def _hired_by(row: RollRow, month: int) -> bool:
    return row.hired_on is None or row.hired_on <= _last_day(month)


def expected_roll_not_on_payroll(roll: list[RollRow], payroll: list[Salary]) -> set[tuple]:
    """(roll row, month): serving, the agency paid someone that month, hired by then, and not this person."""
    found = set()
    for n, row in enumerate(roll, 2):  # the roll's row numbers: the header is row 1
        if row.status not in (None, "在职"):
            continue
        covered = {s.month for s in payroll if _same_agency(row.agency, s.agency)}
        salaried = {
            s.month
            for s in payroll
            if s.person == row.person and _same_agency(row.agency, s.agency)
        }
        found |= {
            (n, row.person.name, f"2024-{m:02d}") for m in covered - salaried if _hired_by(row, m)
        }
    return found


def expected_payroll_not_on_roll(roll: list[RollRow], payroll: list[Salary]) -> set[tuple]:
    """A salary with no roll row (any status) of its person in its agency, hired by its month."""
    return {
        (n, s.person.name, f"2024-{s.month:02d}")
        for n, s in enumerate(payroll, 2)
        if not any(
            r.person == s.person and _same_agency(r.agency, s.agency) and _hired_by(r, s.month)
            for r in roll
        )
    }


def load_roll_and_payroll(folder: Path, roll: list[RollRow], payroll: list[Salary]):
    """A fresh store with the roll and the payroll loaded from a GBK csv each, as the offices send them."""
    folder.mkdir(parents=True, exist_ok=True)
    con = connect(folder / "store.duckdb")
    staff_rows = [
        [r.agency[0], r.agency[1], r.person.name, r.person.id_number, "行政"]
        + [r.hired_on.isoformat() if r.hired_on else None, r.status]
        for r in roll
    ]
    salary_rows = [
        [s.agency[0], s.agency[1], s.person.name, s.person.id_number, f"2024年{s.month:02d}月"]
        + ["6,000.00", "4,800.00"]
        for s in payroll
    ]
    files = [
        (write_csv(folder / "staff.csv", [STAFF_HEADER, *staff_rows], "gbk"), "staff"),
        (write_csv(folder / "payroll.csv", [PAYROLL_HEADER, *salary_rows], "gbk"), "payroll"),
    ]
    for (path, kind), rows in zip(files, (staff_rows, salary_rows), strict=True):
        if not rows:  # an empty file is refused: nothing to load
            continue
        result = load_file(
            con,
            path,
            kind,
            hasher=Hasher(KEY),
            uploaded_by="tester",
            archive_dir=folder / "uploads",
        )
        assert result.status == "loaded", result.as_json()
    return con


def found_roll(con) -> set[tuple]:
    rows = run(con, CHECKS["roll_not_on_payroll"], PARAMS).rows
    return {(r["row_no"], r["name"], r["month"]) for r in rows}


def found_payroll(con) -> set[tuple]:
    rows = run(con, CHECKS["payroll_not_on_roll"], PARAMS).rows
    return {(r["row_no"], r["name"], r["month"]) for r in rows}


A, B, C, D = PEOPLE[:4]
HAND_ROLL = [
    RollRow(FINANCE, A),  # paid January and March only, January written twice (back pay)
    RollRow(FINANCE, B),  # paid every month, under the agency's other name with the same code
    RollRow(FINANCE, C, hired_on=dt.date(2024, 2, 20)),  # hired in February: paid from March
    RollRow(NO_CODE, D),  # paid nothing at all by the archive, which paid A in March
    RollRow(EDUCATION, D, status="调出"),  # left: never expected, yet on the roll for its salaries
]
HAND_PAYROLL = [
    Salary(FINANCE, A, 1),
    Salary(FINANCE, A, 1),
    Salary(FINANCE, A, 3),
    Salary(FINANCE_OTHER_NAME, B, 1),
    Salary(FINANCE_OTHER_NAME, B, 2),
    Salary(FINANCE_OTHER_NAME, B, 3),
    Salary(FINANCE, C, 3),
    Salary(NO_CODE, A, 3),  # a salary from an agency whose roll lacks A
    Salary(EDUCATION, D, 2),  # the roll row of D there is not serving, but it is a roll row
]


def test_hand_worked_roll_not_on_payroll(tmp_path):
    con = load_roll_and_payroll(tmp_path, HAND_ROLL, HAND_PAYROLL)
    # The finance bureau paid someone in January to March (under either name: one code).
    # A: three salary rows, as many as the bureau's three months, yet February is missing.
    # C: hired 2024-02-20, so February is expected (hired during the month), and not paid.
    # D: the archive paid someone only in March.  B: every month, under the other name.
    want = {(2, "职工1", "2024-02"), (4, "职工3", "2024-02"), (5, "职工4", "2024-03")}
    assert expected_roll_not_on_payroll(HAND_ROLL, HAND_PAYROLL) == want
    assert found_roll(con) == want
    con.close()


def test_hand_worked_payroll_not_on_roll(tmp_path):
    con = load_roll_and_payroll(tmp_path, HAND_ROLL, HAND_PAYROLL)
    # Only A's salary from the archive (row 9 of the payroll file): D's from the education bureau is
    # on a roll row that is not serving, which payroll_not_on_roll does not ask about.
    want = {(9, "职工1", "2024-03")}
    assert expected_payroll_not_on_roll(HAND_ROLL, HAND_PAYROLL) == want
    assert found_payroll(con) == want
    con.close()


def test_the_earliest_hiring_of_two_roll_rows_counts_for_a_salary(tmp_path):
    roll = [
        RollRow(FINANCE, A, hired_on=dt.date(2024, 5, 1)),
        RollRow(FINANCE, A, hired_on=dt.date(2024, 3, 31)),
        RollRow(EDUCATION, B, hired_on=dt.date(2024, 4, 1)),
    ]
    payroll = [Salary(FINANCE, A, m) for m in (2, 3, 4, 5)] + [Salary(EDUCATION, B, 3)]
    con = load_roll_and_payroll(tmp_path, roll, payroll)
    # February is before either hiring; March is the second row's month; B's March is before April.
    want = {(2, "职工1", "2024-02"), (6, "职工2", "2024-03")}
    assert expected_payroll_not_on_roll(roll, payroll) == want
    assert found_payroll(con) == want
    # The first row (hired in May) is expected from May only, and paid then; the second from March.
    assert found_roll(con) == expected_roll_not_on_payroll(roll, payroll) == set()
    con.close()


def test_payroll_two_agencies_is_one_month_paid_twice_not_a_transfer(tmp_path):
    payroll = [
        *(Salary(FINANCE, A, m) for m in (1, 2, 3)),
        *(Salary(EDUCATION, A, m) for m in (4, 5)),  # moved to the education bureau in April
        Salary(FINANCE, B, 3),
        Salary(EDUCATION, B, 3),  # paid by both in March
        Salary(FINANCE, C, 3),
        Salary(FINANCE, C, 3),  # twice by one agency: not two agencies
    ]
    con = load_roll_and_payroll(tmp_path, [], payroll)
    rows = run(con, CHECKS["payroll_two_agencies"], PARAMS).rows
    assert [
        (r["name"], r["month"], r["agencies"], r["agency_count"], r["salary_count"], r["net_yuan"])
        for r in rows
    ] == [("职工2", "2024-03", "县教育局、县财政局", 2, 2, Decimal("9600.00"))]
    con.close()


AGENCIES = [FINANCE, FINANCE_OTHER_NAME, EDUCATION, NO_CODE]
HIRED = [None, dt.date(2024, 1, 1), dt.date(2024, 3, 15), dt.date(2024, 4, 30), dt.date(2025, 1, 1)]
roll_rows = st.builds(
    RollRow,
    st.sampled_from(AGENCIES),
    st.sampled_from(PEOPLE[:5]),
    st.sampled_from(HIRED),
    st.sampled_from(["在职", None, "离职"]),
)
salaries = st.builds(
    Salary, st.sampled_from(AGENCIES), st.sampled_from(PEOPLE[:5]), st.integers(1, 5)
)
_counter = itertools.count()


@given(st.lists(roll_rows, max_size=8), st.lists(salaries, max_size=24))
def test_both_checks_are_their_definitions_on_generated_rolls_and_payrolls(tmp_path, roll, payroll):
    con = load_roll_and_payroll(tmp_path / f"example-{next(_counter)}", roll, payroll)
    try:
        assert found_roll(con) == expected_roll_not_on_payroll(roll, payroll)
        assert found_payroll(con) == expected_payroll_not_on_roll(roll, payroll)
    finally:
        con.close()


# The scale of the last test: 600 roll rows in 6 agencies, paid 12 months (7,200 salaries but 3).
AGENCY_COUNT, STAFF_PER_AGENCY, MONTHS = 6, 100, 12


@pytest.fixture(scope="module")
def staffed_county(tmp_path_factory):
    """600 roll rows in 6 agencies paid 12 months, but one member of staff not from October."""
    people = [
        Person(f"职工{a}-{k}", make_id(birth=f"1980{a + 1:02d}01", seq=k))
        for a in range(AGENCY_COUNT)
        for k in range(STAFF_PER_AGENCY)
    ]
    agencies = [(f"{a:03d}", f"单位{a}") for a in range(AGENCY_COUNT)]
    roll = [RollRow(agencies[k // STAFF_PER_AGENCY], p) for k, p in enumerate(people)]
    payroll = [
        Salary(r.agency, r.person, m)
        for m in range(1, MONTHS + 1)
        for r in roll
        if not (r.person == people[7] and m > 9)
    ]
    con = load_roll_and_payroll(tmp_path_factory.mktemp("staffed"), roll, payroll)
    yield con, roll, payroll
    con.close()


@pytest.mark.parametrize(
    ("label", "want"),
    [("roll_not_on_payroll", 3), ("payroll_not_on_roll", 0), ("payroll_two_agencies", 0)],
)
def test_a_check_holds_nothing_the_size_of_the_payroll(staffed_county, tmp_path, label, want):
    con, roll, payroll = staffed_county
    rows, operators = profile(con, label, PARAMS, tmp_path)
    assert len(rows) == want
    held = [h for op in operators for h in held_rows(op)]
    # 7,197 salaries, 600 roll rows: a table of every salary matched to the roll, of every
    # (roll row, month) or of every (person, month) would hold thousands.
    staff = len(roll)
    assert len(payroll) > 10 * staff
    assert max(n for _, n in held) <= staff, sorted(held, key=lambda h: -h[1])


def test_two_rolls_builds_its_lists_for_the_people_it_finds_only(staffed_county, tmp_path):
    """two_rolls lists each finding's agencies; building those lists for every member of staff took
    most of its time.  Nobody here is on two rolls: no group may build a list."""
    rows, operators = profile(staffed_county[0], "two_rolls", PARAMS, tmp_path)
    assert rows == []
    groups = [g for op in operators for g in aggregates(op)]
    assert any("min(" in text for text, _ in groups), groups  # the format is as read
    assert [g for g in groups if "list(" in g[0] and g[1] > 0] == []

"""Issue 14: a staff roll (编制实名制) without an ID number column gets in (migration 027).

A roll without the 身份证号 column loads with ONE warning; a roll that has the column must still fill
it in every row.  Staffing against quota and the roll as published stand without IDs; every check that
matches staff by the ID hash leaves the ID-less staff out and says how many (“另有 N 名人员无身份证号，
未计入”), and no two NULL hashes ever meet as one person.  Real files, a real store; every count below is
worked out by hand from the rows written here.
"""

from __future__ import annotations

import datetime as dt

import pytest

from etl.idnum import lookup_key
from fundquery.inspect import CHECKS, Params, person, run
from fundquery.inspect.export import result_json
from tests.conftest import snapshot
from tests.sheets import PAY_HEADER, make_id, pay_row, write_xlsx

AS_OF = dt.date(2024, 12, 31)
PARAMS = Params(as_of=AS_OF)
SAID = "另有 {n} 名人员无身份证号，未计入"

STAFF_HEADER = [
    "单位代码",
    "单位名称",
    "姓名",
    "身份证号",
    "编制类型",
    "职务",
    "入编时间",
    "人员状态",
]
IDLESS_STAFF_HEADER = [h for h in STAFF_HEADER if h != "身份证号"]
PAYROLL_HEADER = ["单位代码", "单位名称", "姓名", "身份证号码", "工资月份", "应发工资", "实发工资"]

ZHANG, LI, WANG_PAID, ZHAO = (make_id(birth="19800101", seq=k) for k in (1, 2, 3, 4))
# fmt: off
ID_STAFF = [
    # 张伟 at the finance bureau, paid in March
    ["001", "县财政局", "张伟", ZHANG, "行政", "科员", "2010-08-01", "在职"],
    # 李娜 at the education bureau, paid in March, and drawing 低保 (F002) under her ID
    ["002", "县教育局", "李娜", LI, "事业", "教师", "2012-09-01", "在职"],
]
IDLESS_STAFF = [
    # 王芳 and 陈静: serving in two agencies; a NULL hash would make them one person on two rolls
    ["001", "县财政局", "王芳", "行政", "科员", "2015-03-01", "在职"],
    ["002", "县教育局", "陈静", "事业", "教师", "2016-09-01", "在职"],
    # 杨帆: serving at the finance bureau, no salary under any ID matches him
    ["001", "县财政局", "杨帆", "行政", "办事员", "2018-07-01", "在职"],
    # 刘洋: retired but still on the roll (inactive_on_roll: by status, not by person)
    ["002", "县教育局", "刘洋", "事业", "教师", "1990-09-01", "退休"],
]
PAYROLL = [
    ["001", "县财政局", "张伟", ZHANG, "2024-03", "6,000.00", "5,000.00"],
    ["002", "县教育局", "李娜", LI, "2024-03", "5,500.00", "4,600.00"],
    # 王芳's salary under her ID: on the roll by name only, so not judged
    ["001", "县财政局", "王芳", WANG_PAID, "2024-03", "5,200.00", "4,300.00"],
    # 赵强: on no roll, by ID or by name: the one ghost
    ["001", "县财政局", "赵强", ZHAO, "2024-03", "5,100.00", "4,200.00"],
]
# fmt: on
ON_ROLL = 3  # 王芳, 陈静, 杨帆 (刘洋 is retired)
ANY = 4


def idless_roll(tmp_path, rows=IDLESS_STAFF, name="idless-staff.xlsx"):
    return write_xlsx(tmp_path / name, [["2024年事业单位人员名册"], IDLESS_STAFF_HEADER, *rows])


@pytest.fixture
def county(funds_loaded, load, store, tmp_path):
    """The fund catalogue, a roll with IDs and one without, a payroll and a 低保 payment (live)."""
    files = (
        (write_xlsx(tmp_path / "staff.xlsx", [STAFF_HEADER, *ID_STAFF]), "staff"),
        (idless_roll(tmp_path), "staff"),
        (write_xlsx(tmp_path / "payroll.xlsx", [PAYROLL_HEADER, *PAYROLL]), "payroll"),
        (
            write_xlsx(
                tmp_path / "relief.xlsx",
                [
                    PAY_HEADER,
                    pay_row(
                        1,
                        "李娜",
                        fund="F002",
                        id_number=LI,
                        area="1",
                        standard="300",
                        amount="300.00",
                    ),
                ],
            ),
            "payments",
        ),
    )
    for path, kind in files:
        result = load(path, kind)
        assert result.status == "loaded", result.as_json()["errors"]
    return store


def test_a_roll_without_the_id_column_loads_with_one_warning(load, store, tmp_path):
    result = load(idless_roll(tmp_path), "staff")
    assert result.status == "loaded", result.as_json()["errors"]
    (absent,) = [f for f in result.report.findings if f.rule == "column_absent"]
    assert absent.severity == "warning" and absent.column == "身份证号"
    assert absent.message.startswith(
        "本表无身份证号：4 名人员不参与按身份证号的核对（吃空饷、财政供养人员领取救助等）"
    ), absent.message
    assert [f.rule for f in result.report.findings if f.severity == "error"] == []
    rows = store.execute(
        "SELECT name, id_hash, id_masked, sex, birth_date, id_key FROM staff ORDER BY row_no"
    ).fetchall()
    assert rows == [(r[2], None, None, None, None, None) for r in IDLESS_STAFF]
    # a roll that has the column must still fill it in every row, and changes nothing when it does not
    before = snapshot(store)
    rows = [ID_STAFF[0], ["002", "县教育局", "陈静", "", "事业", "教师", "2016-09-01", "在职"]]
    result = load(write_xlsx(tmp_path / "gap.xlsx", [STAFF_HEADER, *rows]), "staff")
    assert result.status != "loaded"
    (error,) = [f for f in result.report.findings if f.severity == "error"]
    assert (error.rule, error.row, error.column) == ("value_required", 3, "身份证号")
    assert snapshot(store) == before


# check -> (findings, ID-less rows left out by kind), worked out from the rows above.
EXPECTED = {
    # 王芳 and 陈静 (no ID) are two people, not one on two rolls; nobody with an ID is on two rolls
    "two_rolls": (0, (ON_ROLL,)),
    # every serving roll row with an ID was paid in March; the ID-less ones cannot be matched
    "roll_not_on_payroll": (0, (ON_ROLL,)),
    # 赵强 only; 王芳's salary is to a name the finance bureau's roll holds without an ID
    "payroll_not_on_roll": (1, (ANY, 1)),
    # 李娜's 低保; no relief payment lacks an ID, every ID-less member of staff is unseen
    "staff_on_relief": (1, (0, ANY)),
    # nobody born in 1980 is past retirement; the ID-less have no birth date to read
    "past_retirement": (0, (ON_ROLL,)),
}


@pytest.mark.parametrize("label", sorted(EXPECTED))
def test_a_check_by_person_leaves_the_idless_staff_out_and_counts_them(county, label):
    found, parts = EXPECTED[label]
    result = run(county, CHECKS[label], PARAMS)
    assert len(result.rows) == found, result.rows
    assert result.left_out_parts == parts
    assert result.left_out == sum(parts)
    assert SAID.format(n=parts[0] or parts[-1]) in result.left_out_text("zh")
    exported = result_json(result, "en")
    assert exported["left_out"] == sum(parts)
    assert (
        f"{parts[0] or parts[-1]} more staff have no ID number and are not counted"
        in (exported["left_out_text"])
    )
    assert all(r.get("id_hash") is not None for r in result.rows), result.rows


def test_payroll_not_on_roll_names_the_ghost_and_says_what_it_did_not_judge(county):
    result = run(county, CHECKS["payroll_not_on_roll"], PARAMS)
    assert [r["name"] for r in result.rows] == ["赵强"]
    assert result.left_out_text("zh") == (
        "另有 4 名人员无身份证号，未计入；另有 1 笔工资的领取人在本单位名册上有同名而无身份证号的人员，未计入"
    )


def test_checks_not_by_person_keep_the_idless_staff(county):
    over = {
        (r["agency_name"], r["staffing_type"]): r["on_roll"]
        for r in run(county, CHECKS["over_quota"], PARAMS).rows
    }
    # no quota loaded: each agency's serving staff, ID-less included (刘洋 is retired)
    assert over == {("县财政局", "行政"): 3, ("县教育局", "事业(其他)"): 2}
    inactive = run(county, CHECKS["inactive_on_roll"], PARAMS)
    assert [(r["name"], r["id_masked"]) for r in inactive.rows] == [("刘洋", None)]
    assert inactive.left_out is None


DEATHS_HEADER = ["姓名", "公民身份号码", "死亡日期", "数据来源"]


def test_a_person_record_reads_staff_and_registers_by_key_and_shows_no_stranger(
    county, load, hasher, tmp_path
):
    """Staff and every register are looked up by the 60-bit key (etl/sql/027_staff_id_key.sql), as
    payments are: a stranger planted under 张伟's key, in the roll and in the deaths register, is never
    his (the key's index: tests/test_lookup_key.py)."""
    deaths = write_xlsx(
        tmp_path / "deaths.xlsx", [DEATHS_HEADER, ["张伟", ZHANG, "2024-06-01", "殡仪馆"]]
    )
    assert load(deaths, "deaths").status == "loaded"
    own = hasher(ZHANG)
    stranger = own[:15] + ("0" if own[15] != "0" else "1") + own[16:]
    assert lookup_key(stranger) == lookup_key(own)
    for table, columns, values in (
        ("staff", "agency_name, name, staffing_type", "'县档案馆', '钱多多', '行政'"),
        ("deaths", "name, died_on", "'钱多多', DATE '2020-01-01'"),
    ):
        county.execute(
            f"INSERT INTO {table} (batch_id, row_no, {columns}, id_hash, id_masked, id_key)"  # noqa: S608
            f" SELECT batch_id, 9999, {values}, ?, 'x', ? FROM {table} WHERE id_hash = ? LIMIT 1",
            [stranger, lookup_key(own), own],
        )
        assert county.execute(
            f"SELECT count(DISTINCT id_hash) FROM {table} WHERE id_key = ?",  # noqa: S608
            [lookup_key(own)],
        ).fetchone() == (2,)
    record = person.full_record(county, own)
    assert [(r["name"], r["agency_name"]) for r in record["staff"]] == [("张伟", "县财政局")]
    registered = {r["kind"]: r["rows"] for r in person.register_rows(county, own)}
    assert {k: [r["name"] for r in rows] for k, rows in registered.items()} == {
        "deaths": ["张伟"],
        "payroll": ["张伟"],
    }
    assert "id_key" not in registered["deaths"][0]
    overview = person.overview(county, own)
    assert (overview["staff_count"], overview["agencies"]) == (1, "县财政局")

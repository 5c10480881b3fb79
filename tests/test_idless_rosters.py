"""Issue 14: payment rosters without an ID number column (登记清册, the 直达资金 惠企利民 export …) get in.

A file without the 身份证号 column loads with ONE warning; a file that has the column must still fill it
in every row.  Where the money went stands without IDs (fund, township, village, household; the
notice); every check that matches people by the ID hash leaves the ID-less rows out and says how many
(“另有 N 条发放无身份证号，未计入”), and no two NULL hashes ever meet as one "person".  The checks that
do not go by person keep them.  Real files, a real store; every count below is worked out by hand
from the rows written here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fundquery.inspect import CHECKS, Filters, Params, run, samples
from fundquery.inspect.export import result_json
from fundquery.queries import resident as resident_sql
from tests.conftest import snapshot
from tests.sheets import PAY_HEADER, make_id, pay_row, write_xlsx

AS_OF = dt.date(2024, 12, 31)
PARAMS = Params(as_of=AS_OF)
SAID = "另有 {n} 条发放无身份证号，未计入"

# Our own roster's header without 身份证号 (the 登记清册 and the 直达资金 export have none).
IDLESS_HEADER = [h for h in PAY_HEADER if h != "身份证号"]
# 序号 资金编码 年度 期间 乡镇 村 组 姓名 户号 面积 补助标准 发放金额 发放日期 发放状态
# fmt: off
IDLESS_ROWS = [
    # 王五: of 张三's household (H0101, 城关镇 东风村: tests/sheets.pay_row's place)
    ["1", "F001", "2024", "2024-03", "城关镇", "东风村", "3组", "王五", "H0101", "8.5", "105", "892.50", "2024-03-15", "已发放"],
    # 赵六: another household, the same fund and period: a NULL hash must not make 王五 and 赵六 one person
    ["2", "F001", "2024", "2024-03", "城关镇", "东风村", "3组", "赵六", "H0202", "8.5", "105", "892.50", "2024-03-15", "已发放"],
    # 孙七: 低保 (F002, 城乡居民最低生活保障: means-tested, and a relief fund), in 石桥镇
    ["3", "F002", "2024", "2024-03", "石桥镇", "西河村", "1组", "孙七", "H0303", "1", "300", "300.00", "2024-03-20", "已发放"],
    # 周八: 10 亩 × 105 = 1,050.00, paid 1,000.00: off the standard, which needs no person
    ["4", "F001", "2024", "2024-03", "城关镇", "东风村", "3组", "周八", "H0404", "10", "105", "1,000.00", "2024-03-15", "已发放"],
    # 吴九: returned by the bank on 2024-03-15, 291 days before the as-of date
    ["5", "F001", "2024", "2024-03", "城关镇", "东风村", "3组", "吴九", "H0505", "8.5", "105", "892.50", "2024-03-15", "退回"],
]
# fmt: on
ZHANG = make_id(seq=1)
# A roster with ID numbers beside it: 张三 paid twice for F001 2024-03, the one real double.
ID_ROWS = [
    pay_row(1, "张三", id_number=ZHANG, household="H0101"),
    pay_row(2, "张三", id_number=ZHANG, household="H0101"),
    pay_row(3, "李四", period="2024-04", paid="2024-04-15"),
]


def idless_file(tmp_path, rows=IDLESS_ROWS, name="idless.xlsx"):
    return write_xlsx(tmp_path / name, [["2024年补贴发放登记清册"], IDLESS_HEADER, *rows])


def _counts(result) -> dict[str, int]:
    found: dict[str, int] = {}
    for f in result.report.findings:
        found[f.rule] = found.get(f.rule, 0) + 1
    return found


@pytest.fixture
def county(funds_loaded, load, store, tmp_path):
    """The fund catalogue, a roster with IDs and an ID-less one, loaded (live)."""
    with_ids = load(write_xlsx(tmp_path / "ids.xlsx", [PAY_HEADER, *ID_ROWS]), "payments")
    assert with_ids.status == "loaded", with_ids.as_json()["errors"]
    idless = load(idless_file(tmp_path), "payments")
    assert idless.status == "loaded", idless.as_json()["errors"]
    return store


def test_a_roster_without_the_id_column_loads_with_one_warning(funds_loaded, load, store, tmp_path):
    result = load(idless_file(tmp_path), "payments")
    assert result.status == "loaded", result.as_json()["errors"]
    (absent,) = [f for f in result.report.findings if f.rule == "column_absent"]
    assert absent.severity == "warning" and absent.column == "身份证号"
    assert absent.message == (
        "本表无身份证号：5 条发放不能按身份证号查询，也不参与按身份证号的核对"
        "（重复发放、死亡人员、财政供养人员等）"
    )
    assert "no ID number column" in absent.message_en and "its 5 payments" in absent.message_en
    # one warning for the file, not one per row; and today's warning for 周八's 1,000.00 ≠ 10 × 105
    assert _counts(result) == {"column_absent": 1, "amount_mismatch": 1}
    stored = store.execute(
        "SELECT name, household_no, id_hash, id_masked, sex, birth_date, amount_yuan FROM payments"
        " WHERE batch_id = ? ORDER BY row_no",
        [result.batch],
    ).fetchall()
    assert stored == [
        ("王五", "H0101", None, None, None, None, Decimal("892.50")),
        ("赵六", "H0202", None, None, None, None, Decimal("892.50")),
        ("孙七", "H0303", None, None, None, None, Decimal("300.00")),
        ("周八", "H0404", None, None, None, None, Decimal("1000.00")),
        ("吴九", "H0505", None, None, None, None, Decimal("892.50")),
    ]


def test_the_column_decides_an_empty_id_cell_is_a_row_error_only_where_the_file_has_it(
    funds_loaded, load, store, tmp_path
):
    """Required if present: with the column, row 3's empty cell is that row's error and nothing is
    stored; the same payments in a file without the column load (with the one warning)."""
    rows = [pay_row(1, "张三", id_number=ZHANG), pay_row(2, "王五")]
    rows[1][PAY_HEADER.index("身份证号")] = ""
    before = snapshot(store)
    rejected = load(write_xlsx(tmp_path / "with.xlsx", [PAY_HEADER, *rows]), "payments")
    assert rejected.status == "rejected"
    (error,) = rejected.report.errors
    assert (error.rule, error.row, error.column) == ("value_required", 3, "身份证号")
    assert not any(f.rule == "column_absent" for f in rejected.report.findings)
    assert snapshot(store) == before

    cut = PAY_HEADER.index("身份证号")
    without = [[c for i, c in enumerate(r) if i != cut] for r in [PAY_HEADER, *rows]]
    loaded = load(write_xlsx(tmp_path / "without.xlsx", without), "payments")
    assert loaded.status == "loaded", loaded.as_json()["errors"]
    assert _counts(loaded) == {"column_absent": 1}


# Each check that matches people by the ID hash, and the ID-less rows it leaves out, by hand (IDLESS_ROWS):
# rows 1-4 reached someone (row 5 was returned); row 3 alone is of the 低保 fund F002.
LEFT_OUT = {
    "duplicate_payment": 4,  # not returned: 王五, 赵六, 孙七, 周八
    "paid_after_death": 4,  # paid and not returned
    "death_name_differs": 5,  # every ID-less payment: none can be compared with a death
    "relief_vehicle_owner": 1,  # 孙七
    "relief_business_owner": 1,
    "relief_property_owner": 1,
    "register_name_differs": 1,
    "staff_on_relief": 1,
}


@pytest.mark.parametrize("label", sorted(LEFT_OUT))
def test_a_check_by_person_leaves_the_idless_payments_out_and_counts_them(county, label):
    result = run(county, CHECKS[label], PARAMS)
    assert result.left_out == LEFT_OUT[label]
    assert result.left_out_text("zh") == SAID.format(n=LEFT_OUT[label])
    exported = result_json(result, "en")  # the JSON export and `fundquery report --json`
    assert exported["left_out"] == LEFT_OUT[label]
    assert (
        exported["left_out_text"]
        == f"{LEFT_OUT[label]} more payments have no ID number and are not counted"
    )
    assert all(r.get("id_masked") is not None for r in result.rows), result.rows


def test_null_hashes_never_meet_as_one_person(county):
    """王五, 赵六 and 周八 (F001, 2024-03, no ID): grouped by a NULL hash they would be one person paid
    three times.  The one double is 张三's, found by his ID."""
    result = run(county, CHECKS["duplicate_payment"], PARAMS)
    assert [(r["name"], r["times_paid"], r["excess_yuan"]) for r in result.rows] == [
        ("张三", 2, Decimal("892.50"))
    ]


def test_the_left_out_count_follows_the_checks_filters(county):
    check = CHECKS["duplicate_payment"]
    assert run(county, check, PARAMS, Filters(fund_code="F001")).left_out == 3  # 王五 赵六 周八
    assert run(county, check, PARAMS, Filters(township="石桥镇")).left_out == 1  # 孙七
    assert run(county, check, PARAMS, Filters(department="县民政局")).left_out == 1  # F002's
    assert run(county, check, PARAMS, Filters(year=2023)).left_out == 0
    relief = CHECKS["staff_on_relief"]  # filters: year, township
    assert run(county, relief, PARAMS, Filters(township="城关镇")).left_out == 0


def test_a_check_that_needs_no_person_keeps_the_idless_rows(county):
    """off_standard: 周八's 10 亩 × 105 = 1,050.00 against 1,000.00 paid, found with no ID at all."""
    result = run(county, CHECKS["off_standard"], PARAMS)
    assert [
        (r["name"], r["id_masked"], r["expected_yuan"], r["difference_yuan"]) for r in result.rows
    ] == [("周八", None, Decimal("1050.00"), Decimal("-50.00"))]
    assert result.left_out is None


def test_the_field_check_draw_has_nobody_to_draw_and_says_how_many(county):
    """Candidates are people (one per ID hash): 张三 and 李四; the scope's payments with no ID number are
    counted beside them — all five, or F001's four (王五, 赵六, 周八, 吴九)."""
    whole = samples.get(county, samples.draw(county, samples.Scope(), size=5, seed=7, actor="t"))
    assert (whole["candidate_count"], whole["member_count"], whole["idless_count"]) == (2, 2, 5)
    f001 = samples.get(
        county, samples.draw(county, samples.Scope(fund_code="F001"), size=1, seed=7, actor="t")
    )
    assert (f001["candidate_count"], f001["idless_count"]) == (2, 4)
    names = [m["name"] for m in samples.members(county, whole["sample_id"])]
    assert sorted(names) == ["张三", "李四"]


def test_the_lookups_decoy_is_never_an_idless_payment(funds_loaded, load, store, tmp_path, hasher):
    """A failed resident lookup reads a decoy person's rows (issue 15: the same work either way); a
    payment with no ID number is nobody to read, even when its roster was published first."""
    for path in (idless_file(tmp_path), write_xlsx(tmp_path / "ids.xlsx", [PAY_HEADER, *ID_ROWS])):
        result = load(path, "payments", publish=True, reviewer="reviewer")
        assert result.status == "loaded", result.as_json()["errors"]
    published = resident_sql.published_batches(store)["payments"]
    decoy = resident_sql.decoy_hash(store, str(tmp_path / "decoy-test"), published)
    assert decoy in {hasher(ZHANG), hasher(ID_ROWS[2][PAY_HEADER.index("身份证号")])}


# returned_unpaid matches an ID-less payment by household number and name (the 户号 of a 登记清册).
UNMATCHED = "另有 {n} 条退回的发放既无身份证号也无户号，无从查到是否已重发，未计入"


def test_an_idless_return_not_paid_again_is_found_by_its_household(county):
    """吴九 (H0505, no ID) was returned on 2024-03-15 and never paid again: 291 days on 2024-12-31."""
    result = run(county, CHECKS["returned_unpaid"], PARAMS)
    assert [(r["name"], r["id_masked"], r["days_since"]) for r in result.rows] == [
        ("吴九", None, 291)
    ]
    assert result.left_out == 0 and result.left_out_text("zh") == ""
    # 2024-03-15 + 30 days: on 2024-04-13 the return is 29 days old, not yet the check's
    assert not run(county, CHECKS["returned_unpaid"], Params(as_of=dt.date(2024, 4, 13))).rows


def _paid_again(rows, tmp_path, load, name="again.xlsx"):
    loaded = load(idless_file(tmp_path, rows, name), "payments")
    assert loaded.status == "loaded", loaded.as_json()["errors"]


def test_an_idless_return_paid_again_to_the_same_household_and_name_is_not_found(
    county, load, tmp_path
):
    """吴九 paid again in April for March: the return is settled.  A payment to another name of the
    household (H0505 吴十) or to 吴九 of another fund or period does not settle it."""
    row = IDLESS_ROWS[4]
    _paid_again(
        [
            row[:7] + ["吴十"] + row[8:12] + ["2024-04-10", "已发放"],
            row[:1] + ["F002"] + row[2:12] + ["2024-04-10", "已发放"],
            row[:3] + ["2024-04"] + row[4:12] + ["2024-04-10", "已发放"],
        ],
        tmp_path,
        load,
        "others.xlsx",
    )
    assert [r["name"] for r in run(county, CHECKS["returned_unpaid"], PARAMS).rows] == ["吴九"]
    _paid_again([row[:12] + ["2024-04-10", "已发放"]], tmp_path, load)
    assert run(county, CHECKS["returned_unpaid"], PARAMS).rows == []


def test_an_idless_return_without_a_household_number_is_left_out_and_counted(
    funds_loaded, load, store, tmp_path
):
    """A 登记清册 with neither 身份证号 nor 户号: its returned payment cannot be matched, and is counted
    under the check's filters (fund F001 here)."""
    at = IDLESS_HEADER.index("户号")
    header = IDLESS_HEADER[:at] + IDLESS_HEADER[at + 1 :]
    rows = [r[:at] + r[at + 1 :] for r in IDLESS_ROWS]
    loaded = load(write_xlsx(tmp_path / "nohh.xlsx", [header, *rows]), "payments")
    assert loaded.status == "loaded", loaded.as_json()["errors"]
    result = run(store, CHECKS["returned_unpaid"], PARAMS)
    assert result.rows == [] and result.left_out == 1
    assert result.left_out_text("zh") == UNMATCHED.format(n=1)
    assert run(store, CHECKS["returned_unpaid"], PARAMS, Filters(fund_code="F002")).left_out == 0

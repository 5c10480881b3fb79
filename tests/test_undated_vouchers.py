"""Issue 14: disbursement vouchers with no approval date (the 直达资金 system's 支付凭证) get in, honestly.

A file without the 审核签字日期 column loads with ONE warning naming it; a file that has the column must
still fill it in every row; every figure measured from approval leaves such vouchers out and says how
many (the delay buckets, disbursement_delay, stuck_approval, the public annual report), while the checks
measured from the disbursement keep them, under the year they were disbursed.  Real files, a real store.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb

from etl import store as etl_store
from fundquery.inspect import CHECKS, Filters, Params, run
from fundquery.inspect.checks.delays import distribution
from fundquery.queries.annual import speed_table
from tests.conftest import snapshot
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, write_xlsx

AS_OF = dt.date(2024, 12, 31)
PARAMS = Params(as_of=AS_OF)

# The voucher export as the 直达资金 system writes it (tests/layouts/disbursements/zhida-zhifu-pingzheng.json):
# 支付时间 is when the money left; no approval date.  Fund codes of tests/sheets.FUNDS_ROWS.
ZHIDA_HEADER = ["支付凭证号", "资金编码", "收款账户名称", "金额(元)", "支付时间"]
ZHIDA_ROWS = [
    ["ZF2024001", "F001", "城关镇财政所", "1,000.00", "2024-03-05 10:12:00"],
    ["ZF2024002", "F002", "城关镇财政所", "2,500.00", "2024-04-01 09:00:00"],
    ["ZF2024003", "F002", "石桥镇财政所", "300.00", "2024-06-20 15:30:00"],
]
# The same county's own vouchers, with approval dates: 2 days (≤3) and 20 days (>10, unexplained).
DATED_HEADER = ["凭证号", "资金编码", "收款单位", "拨付金额", "审核签字日期", "拨出日期"]
DATED_ROWS = [
    ["PZ1", "F001", "城关镇财政所", "700.00", "2024-03-01", "2024-03-03"],
    ["PZ2", "F002", "石桥镇财政所", "900.00", "2024-03-01", "2024-03-21"],
]


def _zhida(tmp_path, rows=ZHIDA_ROWS, name="zhida.xlsx"):
    return write_xlsx(tmp_path / name, [ZHIDA_HEADER, *rows])


def _counts(result) -> dict[str, int]:
    found: dict[str, int] = {}
    for f in result.report.findings:
        found[f.rule] = found.get(f.rule, 0) + 1
    return found


def test_a_voucher_file_without_the_approval_date_loads_with_one_warning(
    funds_loaded, load, store, tmp_path
):
    result = load(_zhida(tmp_path), "disbursements")
    assert result.status == "loaded", result.as_json()["errors"]
    # one warning for the file, naming the column and how many vouchers it leaves out; not one per row
    (absent,) = [f for f in result.report.findings if f.rule == "column_absent"]
    assert absent.severity == "warning" and absent.column == "审核签字日期"
    assert (
        absent.message == "本表无审核签字日期：3 张凭证不计入拨付时长、滞留等按审核日期计算的检查"
    )
    assert "no approval date" in absent.message_en and "3 vouchers" in absent.message_en
    assert _counts(result) == {"column_absent": 1}
    stored = store.execute(
        "SELECT voucher_no, approved_on, disbursed_on, payee, amount_yuan FROM disbursements ORDER BY 1"
    ).fetchall()
    assert stored == [
        ("ZF2024001", None, dt.date(2024, 3, 5), "城关镇财政所", Decimal("1000.00")),
        ("ZF2024002", None, dt.date(2024, 4, 1), "城关镇财政所", Decimal("2500.00")),
        ("ZF2024003", None, dt.date(2024, 6, 20), "石桥镇财政所", Decimal("300.00")),
    ]


def test_the_column_decides_an_empty_approval_date_is_a_row_error_only_where_the_file_has_it(
    funds_loaded, load, store, tmp_path
):
    """Required if present: with the column, row 3's empty cell is that row's error and nothing is
    stored; the same vouchers in a file without the column load (with the one warning)."""
    with_column = write_xlsx(
        tmp_path / "with.xlsx",
        [
            DATED_HEADER,
            ["PZ1", "F001", "城关镇财政所", "700.00", "2024-03-01", "2024-03-03"],
            ["PZ2", "F002", "石桥镇财政所", "900.00", "", "2024-03-21"],
        ],
    )
    before = snapshot(store)
    rejected = load(with_column, "disbursements")
    assert rejected.status == "rejected"
    (error,) = rejected.report.errors
    assert (error.rule, error.row, error.column) == ("value_required", 3, "审核签字日期")
    assert error.message == "“审核签字日期”不能为空"
    assert not any(f.rule == "column_absent" for f in rejected.report.findings)
    assert snapshot(store) == before

    without = write_xlsx(
        tmp_path / "without.xlsx",
        [
            ["凭证号", "资金编码", "收款单位", "拨付金额", "拨出日期"],
            ["PZ1", "F001", "城关镇财政所", "700.00", "2024-03-03"],
            ["PZ2", "F002", "石桥镇财政所", "900.00", "2024-03-21"],
        ],
    )
    loaded = load(without, "disbursements")
    assert loaded.status == "loaded", loaded.as_json()["errors"]
    assert _counts(loaded) == {"column_absent": 1}


def test_without_the_approval_date_a_voucher_with_no_disbursement_date_is_the_row_error(
    funds_loaded, load, store, tmp_path
):
    """A voucher with neither date says nothing about any delay: the file without the column needs 支付时间."""
    rows = [ZHIDA_ROWS[0], ["ZF2024009", "F001", "城关镇财政所", "50.00", ""]]
    before = snapshot(store)
    result = load(_zhida(tmp_path, rows), "disbursements")
    assert result.status == "rejected"
    (error,) = result.report.errors
    assert (error.rule, error.row, error.column) == ("value_required_without", 3, "支付时间")
    assert error.message == "“支付时间”不能为空：本表没有“审核签字日期”列，每张凭证须有“支付时间”"
    assert snapshot(store) == before


def _county(load, tmp_path) -> None:
    """The fund catalogue, dated vouchers and a 直达资金 export, loaded and published."""
    for kind, path in (
        (
            "funds",
            write_xlsx(
                tmp_path / "funds.xlsx", [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS]
            ),
        ),
        ("disbursements", write_xlsx(tmp_path / "dated.xlsx", [DATED_HEADER, *DATED_ROWS])),
        ("disbursements", _zhida(tmp_path)),
    ):
        result = load(path, kind, publish=True, reviewer="reviewer")
        assert result.status == "loaded", result.as_json()["errors"]


def test_the_delay_report_leaves_undated_vouchers_out_and_says_how_many(load, store, tmp_path):
    _county(load, tmp_path)
    (total,) = distribution(store, PARAMS, Filters())
    # PZ1 2 days, PZ2 20 days; the three 直达 vouchers in no bucket (not in ≤3 days), counted apart
    assert total["buckets"] == [1, 0, 1] and total["total"] == 2
    assert total["percentages"] == [Decimal("50.00"), Decimal("0.00"), Decimal("50.00")]
    assert total["undated"] == 3 and total["undated_yuan"] == Decimal("3800.00")
    by_fund = {e["group"].split()[0]: e for e in distribution(store, PARAMS, Filters(), by="fund")}
    assert (by_fund["F001"]["undated"], by_fund["F002"]["undated"]) == (1, 2)
    # a year filter counts them under the year they were disbursed
    (in_2024,) = distribution(store, PARAMS, Filters(year=2024))
    assert in_2024["undated"] == 3
    assert distribution(store, PARAMS, Filters(year=2023)) == []

    late = run(store, CHECKS["disbursement_delay"], PARAMS)
    assert [r["voucher_no"] for r in late.rows] == ["PZ2"]
    assert late.left_out == 3
    assert late.left_out_text("zh") == "另有 3 张凭证无审核日期，未计入"
    assert run(store, CHECKS["disbursement_delay"], PARAMS, Filters(fund_code="F001")).left_out == 1

    # the public annual report's speed table: the same two vouchers, the three said apart
    speed = speed_table(store, 2024, AS_OF)
    assert speed["counts"] == [1, 0, 1] and speed["total"] == 2 and speed["undated"] == 3


def test_checks_measured_from_the_disbursement_keep_undated_vouchers_under_its_year(
    load, store, tmp_path
):
    """No household was paid: stuck_payout finds every voucher to a 财政所 of a fund paid to persons,
    the 直达 ones under the year they were disbursed; stuck_approval has none to leave out (each
    undated voucher was disbursed), and says nothing."""
    _county(load, tmp_path)
    stuck = run(store, CHECKS["stuck_payout"], PARAMS).rows
    assert {(r["voucher_no"], r["year"]) for r in stuck} == {
        ("PZ1", 2024),
        ("PZ2", 2024),
        ("ZF2024001", 2024),
        ("ZF2024002", 2024),
        ("ZF2024003", 2024),
    }
    approval = run(store, CHECKS["stuck_approval"], PARAMS)
    assert approval.rows == [] and approval.left_out == 0 and approval.left_out_text("zh") == ""
    # as of a day before ZF2024003 left the treasury it is neither disbursed nor approved: left out, said
    early = run(store, CHECKS["stuck_approval"], Params(as_of=dt.date(2024, 6, 1)))
    assert early.left_out == 1


def test_migration_024_keeps_the_vouchers_and_lets_the_approval_date_be_empty(tmp_path):
    """A store made before 024 (approved_on NOT NULL) keeps its rows and views through the rebuild."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    before_024 = [m for m in etl_store.migrations() if m[0] < 24]
    etl_store.migrate(con, before_024)
    con.execute(
        "INSERT INTO batches (kind, file_name, sha256, uploaded_by, row_count, status)"
        " VALUES ('disbursements', 'v.xlsx', 'x', 'tester', 1, 'published')"
    )
    con.execute(
        "INSERT INTO disbursements VALUES (1, 2, 'PZ1', 'F001', '城关镇财政所', 700.00,"
        " DATE '2024-03-01', DATE '2024-03-03', false, NULL)"
    )
    assert (
        con.execute(
            "SELECT is_nullable FROM information_schema.columns"
            " WHERE table_name = 'disbursements' AND column_name = 'approved_on'"
        ).fetchone()[0]
        == "NO"
    )
    con.close()
    con = etl_store.connect(path)
    try:
        assert con.execute(
            "SELECT is_nullable FROM information_schema.columns"
            " WHERE table_name = 'disbursements' AND column_name = 'approved_on'"
        ).fetchone() == ("YES",)
        assert con.execute(
            "SELECT voucher_no, approved_on, amount_yuan FROM public_disbursements"
        ).fetchall() == [("PZ1", dt.date(2024, 3, 1), Decimal("700.00"))]
        assert con.execute("SELECT count(*) FROM live_disbursements").fetchone() == (1,)
        con.execute(
            "INSERT INTO disbursements VALUES (1, 3, 'ZF1', 'F001', '城关镇财政所', 1.00,"
            " NULL, DATE '2024-03-05', false, NULL)"
        )
        assert con.execute("SELECT count(*) FROM public_disbursements").fetchone() == (2,)
    finally:
        con.close()

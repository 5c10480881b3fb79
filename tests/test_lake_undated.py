"""Issue 14 in the lake: a voucher with no approval date goes under the year it was disbursed, and the
checks over the lake leave it out (and count it) exactly as in the store, on DuckDB and on Spark.

A small county, set up and loaded through the real loader: its own dated vouchers and a 直达资金
voucher export without 审核签字日期 (one of its vouchers disbursed in the next year), exported to a lake.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from fundquery.inspect import CHECKS, Filters, Params, run
from fundquery.inspect.checks.delays import distribution
from fundquery.lake.duck import open_lake
from tests.published import published_lake
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS
from tests.test_lake import bag
from tests.test_undated_vouchers import DATED_HEADER, DATED_ROWS, ZHIDA_HEADER, ZHIDA_ROWS

COUNTY = "410455"
PARAMS = Params(as_of=dt.date(2025, 3, 31), payout_limit_days=5)
# The checks that read a disbursement's approval date or year.
DISBURSEMENT_CHECKS = (
    "disbursement_delay",
    "payout_delay",
    "stuck_approval",
    "stuck_payout",
    "allocation_shortfall",
    "allocation_excess",
)
NEXT_YEAR = ["ZF2025001", "F001", "石桥镇财政所", "400.00", "2025-01-06 08:30:00"]


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """(store, lake folder) of the small county."""
    root = tmp_path_factory.mktemp("undated")
    files = (
        ("funds", [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS]),
        ("disbursements", [DATED_HEADER, *DATED_ROWS]),
        ("disbursements", [ZHIDA_HEADER, *ZHIDA_ROWS, NEXT_YEAR]),
    )
    con = published_lake(root, COUNTY, "戊县", files)
    yield con, root / "lake"
    con.close()


def test_an_undated_voucher_is_partitioned_by_the_year_it_was_disbursed(county):
    con, lake = county
    manifest = json.loads((lake / "manifest.json").read_text(encoding="utf-8"))
    rows = {
        p["year"]: p["rows"]
        for p in manifest["partitions"]
        if p["table"] == "disbursements" and p["county_code"] == COUNTY
    }
    # 2024: PZ1, PZ2 (approved in 2024) and ZF2024001-3 (disbursed in 2024); 2025: ZF2025001 alone
    assert rows == {2024: 5, 2025: 1}
    assert (
        sum(rows.values()) == con.execute("SELECT count(*) FROM public_disbursements").fetchone()[0]
    )
    duck = open_lake(lake)
    try:
        assert duck.execute(
            "SELECT voucher_no, approved_on, disbursed_on FROM live_disbursements WHERE approved_on IS NULL"
            " ORDER BY voucher_no"
        ).fetchall()[-1] == ("ZF2025001", None, dt.date(2025, 1, 6))
    finally:
        duck.close()


def _same(result_a, result_b) -> None:
    assert bag(result_a.rows) == bag(result_b.rows), result_a.check.label
    assert result_a.left_out == result_b.left_out, result_a.check.label


def test_the_lake_leaves_out_what_the_store_leaves_out_on_duckdb_and_spark(county):
    con, lake = county
    duck = open_lake(lake)
    from fundquery.lake.spark import SparkLake, session

    spark = session("local[1]", shuffle_partitions=2, driver_memory="1g", app="fundquery-undated")
    try:
        spark_lake = SparkLake(spark, lake)
        for label in DISBURSEMENT_CHECKS:
            in_store = run(con, CHECKS[label], PARAMS)
            _same(run(duck, CHECKS[label], PARAMS), in_store)
            _same(spark_lake.run(CHECKS[label], PARAMS), in_store)
        delay = run(con, CHECKS["disbursement_delay"], PARAMS)
        assert delay.left_out == 4 and [r["voucher_no"] for r in delay.rows] == ["PZ2"]
        for filters in (Filters(), Filters(year=2025)):
            want = distribution(con, PARAMS, filters)
            assert distribution(duck, PARAMS, filters) == want
            assert distribution(spark_lake, PARAMS, filters) == want
        (next_year,) = distribution(con, PARAMS, Filters(year=2025))
        assert (next_year["total"], next_year["undated"]) == (0, 1)
    finally:
        spark.stop()
        duck.close()

"""Issue 14 in the lake: payments with no ID number are exported, and every check that matches people by
the ID hash leaves them out (and counts them) over the lake exactly as in the store, on DuckDB and Spark.

The county of tests/test_idless_rosters.py (a roster with IDs and one without the column), loaded
through the real loader, published and exported to a lake.
"""

from __future__ import annotations

import datetime as dt

import pytest

from fundquery.inspect import CHECKS, Filters, Params, run
from fundquery.lake.duck import open_lake
from tests.published import published_lake
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, PAY_HEADER
from tests.test_idless_rosters import ID_ROWS, IDLESS_HEADER, IDLESS_ROWS, LEFT_OUT
from tests.test_lake import bag

COUNTY = "410456"
PARAMS = Params(as_of=dt.date(2024, 12, 31))
# The checks that match people by the ID hash, two that do not (they keep the ID-less rows), and
# returned_unpaid, which matches the ID-less ones by household number (it finds 吴九, leaves none out).
CHECKED = (*sorted(LEFT_OUT), "off_standard", "over_ceiling", "returned_unpaid")
EXPECTED_LEFT_OUT = {**LEFT_OUT, "returned_unpaid": 0}


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """(store, lake folder) of the small county."""
    root = tmp_path_factory.mktemp("idless")
    files = (
        ("funds", [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS]),
        ("payments", [PAY_HEADER, *ID_ROWS]),
        ("payments", [IDLESS_HEADER, *IDLESS_ROWS]),
    )
    con = published_lake(root, COUNTY, "己县", files)
    yield con, root / "lake"
    con.close()


def _same(result_a, result_b) -> None:
    assert bag(result_a.rows) == bag(result_b.rows), result_a.check.label
    assert result_a.left_out == result_b.left_out, result_a.check.label


def test_the_lake_leaves_out_what_the_store_leaves_out_on_duckdb_and_spark(county):
    con, lake = county
    duck = open_lake(lake)
    from fundquery.lake.spark import SparkLake, session

    spark = session("local[1]", shuffle_partitions=2, driver_memory="1g", app="fundquery-idless")
    try:
        assert duck.execute(
            "SELECT count(*) FROM live_payments WHERE id_hash IS NULL"
        ).fetchone() == (len(IDLESS_ROWS),)
        spark_lake = SparkLake(spark, lake)
        for label in CHECKED:
            in_store = run(con, CHECKS[label], PARAMS)
            assert in_store.left_out == EXPECTED_LEFT_OUT.get(label), label
            _same(run(duck, CHECKS[label], PARAMS), in_store)
            _same(spark_lake.run(CHECKS[label], PARAMS), in_store)
        # under a filter too: F001's ID-less payments not returned are 王五, 赵六, 周八
        f001 = Filters(fund_code="F001")
        in_store = run(con, CHECKS["duplicate_payment"], PARAMS, f001)
        assert in_store.left_out == 3
        _same(spark_lake.run(CHECKS["duplicate_payment"], PARAMS, f001), in_store)
        _same(run(duck, CHECKS["duplicate_payment"], PARAMS, f001), in_store)
        returned = spark_lake.run(CHECKS["returned_unpaid"], PARAMS)
        assert [r["name"] for r in returned.rows] == ["吴九"]
    finally:
        spark.stop()
        duck.close()

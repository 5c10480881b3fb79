"""Issue 14 in the lake: staff with no ID number are exported, and every check that matches staff by the ID
hash leaves them out (and counts them) over the lake exactly as in the store, on DuckDB and Spark.

The county of tests/test_idless_staff.py (a roll with IDs, one without the column, a payroll and a 低保
payment), loaded through the real loader, published and exported to a lake.
"""

from __future__ import annotations

import datetime as dt

import pytest

from fundquery.inspect import CHECKS, Filters, Params, run
from fundquery.lake.duck import open_lake
from tests.published import published_lake
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, PAY_HEADER, pay_row
from tests.test_idless_staff import (
    EXPECTED,
    ID_STAFF,
    IDLESS_STAFF,
    IDLESS_STAFF_HEADER,
    LI,
    PAYROLL,
    PAYROLL_HEADER,
    STAFF_HEADER,
)
from tests.test_lake import bag

COUNTY = "410457"
PARAMS = Params(as_of=dt.date(2024, 12, 31))
# The checks that match staff by the ID hash, and two that do not (they keep the ID-less rows).
CHECKED = (*sorted(EXPECTED), "over_quota", "inactive_on_roll")


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """(store, lake folder) of the small county."""
    root = tmp_path_factory.mktemp("idless-staff")
    relief = pay_row(
        1, "李娜", fund="F002", id_number=LI, area="1", standard="300", amount="300.00"
    )
    files = (
        ("funds", [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS]),
        ("staff", [STAFF_HEADER, *ID_STAFF]),
        ("staff", [["2024年事业单位人员名册"], IDLESS_STAFF_HEADER, *IDLESS_STAFF]),
        ("payroll", [PAYROLL_HEADER, *PAYROLL]),
        ("payments", [PAY_HEADER, relief]),
    )
    con = published_lake(root, COUNTY, "庚县", files)
    yield con, root / "lake"
    con.close()


def _same(result_a, result_b) -> None:
    assert bag(result_a.rows) == bag(result_b.rows), result_a.check.label
    assert result_a.left_out_parts == result_b.left_out_parts, result_a.check.label


def test_the_lake_leaves_out_the_staff_the_store_leaves_out_on_duckdb_and_spark(county):
    con, lake = county
    duck = open_lake(lake)
    from fundquery.lake.spark import SparkLake, session

    spark = session(
        "local[1]", shuffle_partitions=2, driver_memory="1g", app="fundquery-idless-staff"
    )
    try:
        assert duck.execute("SELECT count(*) FROM live_staff WHERE id_hash IS NULL").fetchone() == (
            len(IDLESS_STAFF),
        )
        spark_lake = SparkLake(spark, lake)
        for label in CHECKED:
            in_store = run(con, CHECKS[label], PARAMS)
            if label in EXPECTED:
                assert in_store.left_out_parts == EXPECTED[label][1], label
            _same(run(duck, CHECKS[label], PARAMS), in_store)
            _same(spark_lake.run(CHECKS[label], PARAMS), in_store)
        # under a year filter the salaries narrow (2023: none) and the staff, who have no year, do not
        before = Filters(year=2023)
        in_store = run(con, CHECKS["payroll_not_on_roll"], PARAMS, before)
        assert (in_store.rows, in_store.left_out_parts) == ([], (4, 0))
        _same(spark_lake.run(CHECKS["payroll_not_on_roll"], PARAMS, before), in_store)
        _same(run(duck, CHECKS["payroll_not_on_roll"], PARAMS, before), in_store)
    finally:
        spark.stop()
        duck.close()

"""A province's lake: many counties' published data as Parquet, read by DuckDB or Spark (issue 7).

Layout (Hive partitioning, one folder per table)::

    LAKE/manifest.json                       tables, row counts, schema version, sha256 of every file
    LAKE/payments/county_code=411524/year=2024/data_0.parquet
    LAKE/agencies/county_code=411524/data_0.parquet          (tables without a year)
    LAKE/calendar/holiday_days.parquet       the national working-day calendar (not per county)

Each county exports its own store (``fundquery export-lake``, export.py) and
rewrites only its own partitions.  ``duck.py`` opens the lake in DuckDB under
the view names the inspectors' checks use; ``spark.py`` does the same in
Spark and runs each check's SQL translated by sqlglot (translate.py).
"""

from __future__ import annotations

from dataclasses import dataclass

MANIFEST = "manifest.json"
FORMAT = "fundquery-lake"
CALENDAR_DIR = "calendar"


@dataclass(frozen=True)
class LakeTable:
    name: str  # the lake folder; the checks read it as live_<name> (and public_<name>)
    source: str  # the store view it is exported from: published batches only
    year: str | None  # SQL for the year partition, or None: partitioned by county only


TABLES: tuple[LakeTable, ...] = (
    LakeTable("batches", "public_batches", None),
    LakeTable("funds", "public_funds", "year"),
    LakeTable("disbursements", "public_disbursements", "CAST(year(approved_on) AS INTEGER)"),
    LakeTable("payments", "public_payments", "year"),
    LakeTable("projects", "public_projects", None),
    LakeTable("budgets", "public_budgets", "year"),
    LakeTable("agencies", "public_agencies", None),
    LakeTable("staff", "public_staff", None),
    # the handling facts of residents' messages, no sender, phone or text (etl/sql/009_message_views.sql)
    LakeTable("messages", "live_messages", "CAST(year(received_at) AS INTEGER)"),
    # inspectors' flags and their deadlines, no figures (etl/sql/019_flag_answers.sql)
    LakeTable("flags", "live_flags", "CAST(year(created_at) AS INTEGER)"),
)

# The working-day calendar (fundquery.calendar.workdays): national, one copy in the lake.
CALENDAR_TABLES = ("holiday_years", "holiday_days")
CALENDAR_COLUMNS = {
    "holiday_years": (("year", "INTEGER"), ("source", "VARCHAR")),
    "holiday_days": (
        ("day", "DATE"),
        ("is_workday", "BOOLEAN"),
        ("name", "VARCHAR"),
        ("source", "VARCHAR"),
    ),
}

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

from etl.specs import SPECS
from etl.spectypes import Spec

MANIFEST = "manifest.json"
FORMAT = "fundquery-lake"
CALENDAR_DIR = "calendar"


@dataclass(frozen=True)
class LakeTable:
    name: str  # the lake folder; the checks read it as live_<name> (and public_<name>)
    source: str  # the store view it is exported from: published batches only
    year: str | None  # SQL for the year partition, or None: partitioned by county only


def kind_table(spec: Spec) -> LakeTable:
    """A declared kind's lake table: its published rows (a register's live ones: it is never published)."""
    year = None
    if spec.year_from:
        col = spec.column(spec.year_from)
        year = col.name if col.type in ("year", "int") else f"CAST(year({col.name}) AS INTEGER)"
        if spec.year_else:  # a voucher with no approval date goes under the year it was disbursed
            year = f"CAST(year(coalesce({col.name}, {spec.year_else})) AS INTEGER)"
    prefix = "live_" if spec.register or spec.open_data is None else "public_"
    return LakeTable(spec.table, f"{prefix}{spec.table}", year)


def tables() -> tuple[LakeTable, ...]:
    """Every lake table: the batches, one per declared kind (etl/specs.py), the messages' facts."""
    return (
        LakeTable("batches", "public_batches", None),
        *(kind_table(s) for s in SPECS.values()),
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

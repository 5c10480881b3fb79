"""The inspectors' catalogue on Apache Spark over a lake.

Temporary views with the checks' names are made over the files the manifest
lists, with the store's column types (money stays DECIMAL(18,2), the
partition columns are read as text and cast, never guessed).  Each check's
SQL is the DuckDB SQL of the catalogue, translated by sqlglot
(fundquery.lake.translate); settings are passed as Spark's named parameters.
A local session (``local[N]``) is for tests and one machine; a province
points ``master`` at its cluster or runs the same code on a managed Spark
service (docs/lake.md).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fundquery.inspect.catalogue import (
    Check,
    Filters,
    Params,
    Result,
    bind,
    filtered_sql,
    left_out_counts,
    left_out_sql,
)
from fundquery.lake import CALENDAR_COLUMNS, CALENDAR_TABLES, tables
from fundquery.lake.duck import read_manifest, table_files
from fundquery.lake.translate import Untranslatable, to_spark

_SIMPLE = {
    "VARCHAR": "string",
    "INTEGER": "int",
    "BIGINT": "bigint",
    "SMALLINT": "smallint",
    "DATE": "date",
    "BOOLEAN": "boolean",
    "DOUBLE": "double",
    "JSON": "string",
    # DuckDB's TIMESTAMP has no time zone: Spark's TIMESTAMP_NTZ is the same thing.
    "TIMESTAMP": "timestamp_ntz",
}


class SparkRunError(RuntimeError):
    """A check Spark could not run (the message names the check)."""


def spark_type(duckdb_type: str) -> str:
    """The Spark SQL type for a DuckDB column type of the store."""
    decimal = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", duckdb_type)
    if decimal:
        return f"decimal({decimal[1]},{decimal[2]})"
    if duckdb_type not in _SIMPLE:
        raise ValueError(f"no Spark type for the store's {duckdb_type}")
    return _SIMPLE[duckdb_type]


def session(
    master: str = "local[2]",
    shuffle_partitions: int = 4,
    driver_memory: str = "1g",
    app: str = "fundquery",
):
    """A Spark session for the catalogue (small defaults: one machine, a few counties)."""
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.driver.memory", driver_memory)
        .config("spark.ui.enabled", "false")
        # county_code '000123' is text; the folder names are never guessed into numbers.
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


class SparkLake:
    """A lake registered in a Spark session under the checks' view names."""

    def __init__(self, spark, lake: str | Path):
        self.spark, self.lake = spark, Path(lake)
        self.manifest = read_manifest(self.lake)
        for t in tables():
            if t.name in self.manifest["tables"]:
                self._register(t.name)
        for name in CALENDAR_TABLES:
            self._register_calendar(name)

    def _typed(self, frame, columns: list[list[str]]):
        from pyspark.sql import functions as F

        return frame.select(*[F.col(f"`{n}`").cast(spark_type(t)).alias(n) for n, t in columns])

    def _empty(self, columns: list[list[str]]):
        ddl = ", ".join(f"`{n}` {spark_type(t)}" for n, t in columns)
        return self.spark.createDataFrame([], ddl)

    def _register(self, table: str) -> None:
        columns = self.manifest["tables"][table]["columns"]
        files = table_files(self.lake, self.manifest, table)
        if files:
            frame = self.spark.read.option("basePath", (self.lake / table).as_posix()).parquet(
                *files
            )
            frame = self._typed(frame, columns)
        else:
            frame = self._empty(columns)
        for prefix in ("live_", "public_"):
            frame.createOrReplaceTempView(f"{prefix}{table}")

    def _register_calendar(self, name: str) -> None:
        entry = self.manifest["calendar"].get(name)
        columns = CALENDAR_COLUMNS[name]
        if entry:
            frame = self._typed(
                self.spark.read.parquet(
                    *[(self.lake / f["path"]).as_posix() for f in entry["files"]]
                ),
                columns,
            )
        else:
            frame = self._empty(columns)
        frame.createOrReplaceTempView(name)

    def query(
        self, sql: str, values: dict[str, Any], label: str = "query"
    ) -> tuple[list[str], list[tuple]]:
        """Run DuckDB-dialect ``sql`` with ``$name`` values on Spark: (column names, rows)."""
        spark_sql = to_spark(sql, label)
        try:
            frame = self.spark.sql(spark_sql, args=values)
            rows = frame.collect()
        except Exception as exc:  # pyspark's AnalysisException and friends: say which check
            if isinstance(exc, Untranslatable):
                raise
            first = _first_line(exc)
            raise SparkRunError(f"Spark could not run check {label}: {first}") from exc
        return frame.columns, [tuple(r) for r in rows]

    def run(
        self, check: Check, params: Params | None = None, filters: Filters | None = None
    ) -> Result:
        """Every offending row of ``check`` on Spark, as dicts like fundquery.inspect.run gives."""
        params, filters = params or Params(), filters or Filters()
        sql, values = filtered_sql(check, filters)
        values = bind(sql, {**params.sql_values(), **values})
        names, rows = self.query(sql, values, check.label)
        wanted = check.fields
        dicts = [dict(zip(names, row, strict=True)) for row in rows]
        left = None
        if check.left_out is not None:
            left = left_out_counts(
                self.query(*left_out_sql(check, params, filters), check.label)[1][0]
            )
        return Result(check, [{k: r[k] for k in wanted} for r in dicts], params, filters, left)


def _first_line(exc: Exception) -> str:
    """The line of a Spark error that says what went wrong (a Java error's own message, not py4j's wrapper)."""
    java = getattr(exc, "java_exception", None)
    text = str(java.toString()) if java is not None else str(exc)
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__

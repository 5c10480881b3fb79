"""DuckDB over a lake: the checks' view names over the Parquet files, so the catalogue runs unchanged.

``open_lake(DIR)`` gives an in-memory DuckDB connection where ``live_payments``
(and ``public_payments``, ``live_batches`` …, the holiday calendar) read the
files the manifest lists, with the store's own column names and types: the
partition columns come back typed as the manifest says (``county_code`` stays
text: '000123' must not become 123), and a column only in the folder names
(the disbursements' year) is left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from fundquery.lake import CALENDAR_COLUMNS, CALENDAR_TABLES, tables
from fundquery.lake.export import load_manifest

_PARTITION_TYPES = {"county_code": "VARCHAR", "year": "INTEGER"}


class LakeError(RuntimeError):
    """The folder is not a lake, or is missing a file its manifest lists."""


def read_manifest(lake: str | Path) -> dict[str, Any]:
    lake = Path(lake)
    if not (lake / "manifest.json").exists():
        raise LakeError(
            f"{lake} 没有 manifest.json：不是由 `fundquery export-lake` 写出的数据湖。"
            f" / {lake} has no manifest.json: not a lake written by `fundquery export-lake`."
        )
    return load_manifest(lake)


def table_files(lake: Path, manifest: dict[str, Any], table: str) -> list[str]:
    """The files of ``table`` the manifest vouches for (a consistent snapshot, whatever else is in the folder)."""
    files = [
        lake / f["path"] for p in manifest["partitions"] if p["table"] == table for f in p["files"]
    ]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        raise LakeError(
            f"数据湖缺少清单中列出的文件 / the lake lacks files its manifest lists: {missing[:3]}"
        )
    return [f.as_posix() for f in files]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _empty(columns: list[list[str]]) -> str:
    cols = ", ".join(f'CAST(NULL AS {typ}) AS "{name}"' for name, typ in columns)
    return f"SELECT {cols} WHERE false"  # noqa: S608 (names and types from the manifest)


def table_sql(lake: Path, manifest: dict[str, Any], table: str) -> str:
    """A SELECT with the store's columns over the table's Parquet files."""
    entry = manifest["tables"][table]
    columns = entry["columns"]
    files = table_files(lake, manifest, table)
    if not files:
        return _empty(columns)
    hive = ", ".join(f"'{c}': '{_PARTITION_TYPES[c]}'" for c in entry["partition_by"])
    source = (
        f"read_parquet([{', '.join(_quote(f) for f in files)}], hive_partitioning = true, "
        f"hive_types = {{{hive}}})"
    )
    cols = ", ".join(f'CAST("{name}" AS {typ}) AS "{name}"' for name, typ in columns)
    return f"SELECT {cols} FROM {source}"  # noqa: S608 (names, types and paths from the manifest)


def attach_lake(con: duckdb.DuckDBPyConnection, lake: str | Path) -> dict[str, Any]:
    """Create the checks' views over the lake in ``con``; return the manifest."""
    lake = Path(lake)
    manifest = read_manifest(lake)
    for t in tables():
        if t.name not in manifest["tables"]:
            continue
        sql = table_sql(lake, manifest, t.name)
        for prefix in ("live_", "public_"):
            con.execute(f"CREATE OR REPLACE VIEW {prefix}{t.name} AS {sql}")
    for name in CALENDAR_TABLES:
        entry = manifest["calendar"].get(name)
        if entry:
            files = ", ".join(_quote((lake / f["path"]).as_posix()) for f in entry["files"])
            con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet([{files}])")  # noqa: S608 (manifest paths)
        else:
            cols = CALENDAR_COLUMNS[name]
            con.execute(f"CREATE OR REPLACE VIEW {name} AS {_empty(cols)}")
    return manifest


def open_lake(lake: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection over the lake, with the views the checks read."""
    con = duckdb.connect()
    attach_lake(con, lake)
    return con

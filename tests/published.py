"""A small county's files, loaded through the real loader and published (the fixtures of issue 14's tests:
tests/test_lake_undated.py, tests/test_lake_idless.py and the undated, idless and optional browser tests)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.county import set_county
from etl.idnum import Hasher
from etl.load import load_file
from etl.store import connect
from fundquery.lake.export import export_lake
from tests.sheets import write_xlsx


def publish_files(
    con: duckdb.DuckDBPyConnection, root: Path, files: tuple[tuple[str, list], ...], hasher: Hasher
) -> None:
    """Each (kind, rows) written as ``root/<i>.xlsx``, loaded and published; every one must load."""
    for i, (kind, rows) in enumerate(files):
        result = load_file(
            con,
            write_xlsx(root / f"{i}.xlsx", rows),
            kind,
            hasher=hasher,
            uploaded_by="test",
            archive_dir=root / "uploads",
            publish=True,
            reviewer="reviewer",
        )
        assert result.status == "loaded", result.as_json()["errors"]


def published_lake(
    root: Path, county_code: str, county_name: str, files: tuple[tuple[str, list], ...]
) -> duckdb.DuckDBPyConnection:
    """The store ``root/store.duckdb`` of one county with ``files`` published (publish_files), exported
    to ``root/lake``.  Returns the open store."""
    con = connect(root / "store.duckdb")
    set_county(con, county_code, county_name, "test")
    publish_files(con, root, files, Hasher(f"county-{county_code}-key-0123456789abcdef".encode()))
    export_lake(con, root / "lake")
    return con

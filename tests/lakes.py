"""A small county's store, loaded through the real loader and published, exported to a lake (tests of the
lake beside the store: tests/test_lake_undated.py, tests/test_lake_idless.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.county import set_county
from etl.idnum import Hasher
from etl.load import load_file
from etl.store import connect
from fundquery.lake.export import export_lake
from tests.sheets import write_xlsx


def published_lake(
    root: Path, county_code: str, county_name: str, files: tuple[tuple[str, list], ...]
) -> duckdb.DuckDBPyConnection:
    """The store ``root/store.duckdb`` of one county: each (kind, rows) written as an xlsx, loaded and
    published; the store exported to ``root/lake``.  Returns the open store."""
    con = connect(root / "store.duckdb")
    set_county(con, county_code, county_name, "test")
    for i, (kind, rows) in enumerate(files):
        result = load_file(
            con,
            write_xlsx(root / f"{i}.xlsx", rows),
            kind,
            hasher=Hasher(f"county-{county_code}-key-0123456789abcdef".encode()),
            uploaded_by="test",
            archive_dir=root / "uploads",
            publish=True,
            reviewer="reviewer",
        )
        assert result.status == "loaded", result.as_json()["errors"]
    export_lake(con, root / "lake")
    return con

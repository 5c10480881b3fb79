"""How much memory DuckDB holds, by its own tags (buffer pool: base tables, hash tables, ...)."""

from __future__ import annotations

import duckdb


def duckdb_memory(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Bytes DuckDB's buffer manager holds in memory, per tag (only the tags holding any)."""
    rows = con.execute(
        "SELECT tag, memory_usage_bytes FROM duckdb_memory() WHERE memory_usage_bytes > 0"
    ).fetchall()
    return dict(rows)

"""How a query module runs one statement: on the connection it is given, rows back as dicts."""

from __future__ import annotations

from typing import Any

import duckdb


def fetch(
    con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None
) -> list[dict[str, Any]]:
    """Run one parameterised statement on ``con`` and return its rows as dicts."""
    cursor = con.execute(sql, params or [])
    if cursor.description is None:
        return []
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def values(
    con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None
) -> list[Any]:
    """Run one statement on ``con`` and return the first column of its rows (a filter's choices)."""
    return [row[0] for row in con.execute(sql, params or []).fetchall()]

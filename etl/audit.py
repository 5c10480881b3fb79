"""The audit log's one writer: append-only lines of who did what (never updated, never deleted)."""

from __future__ import annotations

import datetime as dt
import json

import duckdb


def audit(
    con: duckdb.DuckDBPyConnection, actor: str, action: str, target: str | None = None, **detail
) -> None:
    """Append one line to the audit log (never updated, never deleted)."""
    con.execute(
        "INSERT INTO audit_log (actor, action, target, detail) VALUES (?, ?, ?, ?)",
        [actor, action, target, _detail(detail)],
    )


def _detail(detail: dict) -> str:
    return json.dumps(detail, ensure_ascii=False, default=str)


def line(
    logged_at: dt.datetime, actor: str, action: str, target: str | None = None, **detail
) -> list:
    """One audit line stamped with the time it happened, for ``audit_lines``."""
    return [logged_at, actor, action, target, _detail(detail)]


def audit_lines(con: duckdb.DuckDBPyConnection, lines: list[list]) -> None:
    """Append lines made by ``line``, each with its own time (the resident lookups' queue writes them so)."""
    con.executemany(
        "INSERT INTO audit_log (logged_at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
        lines,
    )

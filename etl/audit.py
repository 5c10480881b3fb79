"""The audit log's one writer: append-only lines of who did what (never updated, never deleted)."""

from __future__ import annotations

import json

import duckdb


def audit(
    con: duckdb.DuckDBPyConnection, actor: str, action: str, target: str | None = None, **detail
) -> None:
    """Append one line to the audit log (never updated, never deleted)."""
    con.execute(
        "INSERT INTO audit_log (actor, action, target, detail) VALUES (?, ?, ?, ?)",
        [actor, action, target, json.dumps(detail, ensure_ascii=False, default=str)],
    )

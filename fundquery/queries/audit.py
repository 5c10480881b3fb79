"""The audit log for administrators: filter, page, export.  Read-only: rows are only ever inserted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb

from fundquery.queries.sql import fetch, values

PAGE_ROWS = 100
EXPORT_ROWS = 200_000


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    target: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def where(self) -> tuple[str, list[Any]]:
        """SQL conditions and their parameters (values always as parameters)."""
        conditions = (
            ("actor = ?", self.actor),
            ("action = ?", self.action),
            ("contains(coalesce(target, ''), ?)", self.target),
            ("logged_at >= ?", self.date_from),
            ("logged_at < ?", self.date_to and self.date_to + dt.timedelta(days=1)),
        )
        given = [(sql, value) for sql, value in conditions if value]
        return " AND ".join(["true", *(sql for sql, _ in given)]), [value for _, value in given]


def entries(
    con: duckdb.DuckDBPyConnection, flt: AuditFilter, page: int = 1, limit: int = PAGE_ROWS
) -> tuple[list[dict[str, Any]], int]:
    """One page of matching entries, newest first, and the total count."""
    where, params = flt.where()
    total = fetch(con, f"SELECT count(*) AS n FROM audit_log WHERE {where}", params)[0]["n"]  # noqa: S608
    rows = fetch(
        con,
        f"SELECT audit_id, logged_at, actor, action, target, CAST(detail AS VARCHAR) AS detail"  # noqa: S608
        f" FROM audit_log WHERE {where} ORDER BY audit_id DESC LIMIT ? OFFSET ?",
        [*params, limit, (page - 1) * limit],
    )
    return rows, total


def actions(con: duckdb.DuckDBPyConnection) -> list[str]:
    return values(con, "SELECT DISTINCT action FROM audit_log ORDER BY action")

"""Response metrics, computed from the message rows (DESIGN.md §5: no figure is typed in).

A message counts as answered once its reply is published (the sender can
see it); on time when it was published on or before its deadline.  Time to
answer runs from receipt to publication, in days.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb

from fundquery.messages import store

# Grouping expressions, whitelisted (never from a request).
GROUPS = {
    "department": "coalesce(department, '（未登记）')",
    "month": "strftime(received_at, '%Y-%m')",
    "type": "message_type",
}


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    row["response_rate"] = _rate(row["answered"], row["received"])
    row["on_time_rate"] = _rate(row["on_time"], row["answered"])
    if row["median_days"] is not None:
        row["median_days"] = Decimal(str(row["median_days"])).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )
    return row


def table(
    con: duckdb.DuckDBPyConnection, by: str, today, year: int | None = None
) -> list[dict[str, Any]]:
    """One row per department, month or type."""
    return [_finish(r) for r in store.metrics(con, GROUPS[by], today, year)]


def totals(con: duckdb.DuckDBPyConnection, today, year: int | None = None) -> dict[str, Any]:
    """The same figures over every message."""
    found = store.metrics(con, "'all'", today, year)
    if not found:
        return _finish(
            {
                "label": "all",
                "received": 0,
                "answered": 0,
                "on_time": 0,
                "overdue": 0,
                "median_days": None,
            }
        )
    return _finish(found[0])


def years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return store.years(con)

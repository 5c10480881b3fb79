"""Response metrics, computed from the message rows (DESIGN.md §5: no figure is typed in).

A message counts as answered once its reply is published (the sender can
see it); on time when it was published on or before its deadline.  Time to
answer runs from receipt to publication, in days.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb

from fundquery.messages.store import rows

# Grouping expressions, whitelisted (never from a request).
GROUPS = {
    "department": "coalesce(department, '（未登记）')",
    "month": "strftime(received_at, '%Y-%m')",
    "type": "message_type",
}

_SQL = """
SELECT {group} AS label,
       count(*) AS received,
       count(*) FILTER (WHERE status = 'published') AS answered,
       count(*) FILTER (WHERE status = 'published' AND CAST(published_at AS DATE) <= deadline_on) AS on_time,
       count(*) FILTER (WHERE status <> 'published' AND deadline_on < $today) AS overdue,
       median(epoch(published_at - received_at) / 86400.0) FILTER (WHERE status = 'published') AS median_days
FROM messages
{where}
GROUP BY ALL
ORDER BY label
"""


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    row["response_rate"] = _rate(row["answered"], row["received"])
    row["on_time_rate"] = _rate(row["on_time"], row["answered"])
    if row["median_days"] is not None:
        row["median_days"] = Decimal(str(row["median_days"])).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return row


def table(con: duckdb.DuckDBPyConnection, by: str, today, year: int | None = None) -> list[dict[str, Any]]:
    """One row per department, month or type."""
    where = "WHERE year(received_at) = $year" if year else ""
    sql = _SQL.format(group=GROUPS[by], where=where)
    params = {"today": today, **({"year": year} if year else {})}
    return [_finish(r) for r in rows(con.execute(sql, params))]


def totals(con: duckdb.DuckDBPyConnection, today, year: int | None = None) -> dict[str, Any]:
    """The same figures over every message."""
    where = "WHERE year(received_at) = $year" if year else ""
    sql = _SQL.format(group="'all'", where=where)
    params = {"today": today, **({"year": year} if year else {})}
    found = rows(con.execute(sql, params))
    if not found:
        return _finish({"label": "all", "received": 0, "answered": 0, "on_time": 0, "overdue": 0,
                        "median_days": None})
    return _finish(found[0])


def years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [r[0] for r in con.execute("SELECT DISTINCT year(received_at) FROM messages ORDER BY 1 DESC").fetchall()]

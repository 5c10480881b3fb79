"""Batches for staff and the command line: a finance office's own list, every batch, the review queue.

Changing a batch (publish, reject, withdraw, retract) is ``etl.batches``'s.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import duckdb

from etl.attempts import recent
from etl.specs import SPECS
from fundquery.queries.sql import fetch

BATCH_COLUMNS = """
b.batch_id, b.kind, b.file_name, b.status, b.row_count, b.uploaded_by, b.uploaded_at, b.office,
b.replaces, b.takes_place_of, b.published_at, b.published_by, b.changed_at,
(SELECT max(n.batch_id) FROM batches n WHERE n.replaces = b.batch_id) AS replaced_by,
(SELECT r.office FROM batch_reviews r WHERE r.batch_id = b.batch_id AND r.action = 'publish'
  ORDER BY r.review_id DESC LIMIT 1) AS published_office,
(SELECT max(n.batch_id) FROM batches n WHERE (n.replaces = b.batch_id OR n.takes_place_of = b.batch_id)
  AND n.status IN ('loaded', 'published')) AS corrected_by,
b.batch_id IN (SELECT batch_id FROM held_back_batches) AS is_held_back,
r.actor AS rejected_by, r.office AS rejected_office, r.note AS reject_reason, r.acted_at AS rejected_at
"""

# The reviewer's rejection of a batch (at most one: a rejected batch is never reviewed again).
_REJECTION = (
    " LEFT JOIN batch_reviews r ON r.batch_id = b.batch_id AND r.action = 'reject'"
    " AND b.status = 'rejected'"
)


def office_batches(
    con: duckdb.DuckDBPyConnection, username: str, office: str | None
) -> list[dict[str, Any]]:
    """Batches of the user's office (or their own uploads when they have no office), newest first."""
    return fetch(
        con,
        f"SELECT {BATCH_COLUMNS} FROM batches b{_REJECTION}"  # noqa: S608
        " WHERE (? IS NOT NULL AND b.office = ?) OR b.uploaded_by = ? ORDER BY b.batch_id DESC",
        [office, office, username],
    )


def office_attempts(
    con: duckdb.DuckDBPyConnection, username: str, office: str | None
) -> list[dict[str, Any]]:
    """Loads of the user's office (or their own) that stored nothing: interrupted or failed (issue 8)."""
    return recent(con, username=username, office=office)


def every_batch(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every batch, oldest first, as the command line lists it."""
    return fetch(
        con,
        "SELECT b.batch_id AS batch, b.kind, b.file_name AS file, b.status, b.row_count AS rows,"  # noqa: S608
        " b.uploaded_by, strftime(b.uploaded_at, '%Y-%m-%d %H:%M') AS uploaded_at, b.replaces,"
        f" r.note AS reject_reason FROM batches b{_REJECTION} ORDER BY b.batch_id",
    )


def batch(con: duckdb.DuckDBPyConnection, batch_id: int) -> dict[str, Any] | None:
    rows = fetch(
        con,
        f"SELECT {BATCH_COLUMNS} FROM batches b{_REJECTION} WHERE b.batch_id = ?",  # noqa: S608
        [batch_id],
    )
    return rows[0] if rows else None


def in_scope(row: dict[str, Any], username: str, office: str | None) -> bool:
    """Whether a finance user may act on the batch: their office's, or their own upload."""
    return row["uploaded_by"] == username or (office is not None and row["office"] == office)


def is_replaceable(row: dict[str, Any]) -> bool:
    """Whether a correction may replace the batch (etl.batches.replaceable says why not)."""
    return row["status"] in ("loaded", "published", "rejected") and row["corrected_by"] is None


def review_queue(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict[str, Any]]]:
    """Loaded batches waiting for review (less those a waiting correction replaces), and published ones."""
    rows = fetch(
        con,
        f"SELECT {BATCH_COLUMNS} FROM batches b{_REJECTION}"  # noqa: S608
        " WHERE b.status IN ('loaded', 'published') ORDER BY b.batch_id DESC",
    )
    return {
        "waiting": [r for r in rows if r["status"] == "loaded" and not r["is_held_back"]],
        "published": [r for r in rows if r["status"] == "published"],
    }


def reviews(con: duckdb.DuckDBPyConnection, batch_id: int) -> list[dict[str, Any]]:
    return fetch(
        con,
        "SELECT action, actor, office, note, acted_at FROM batch_reviews WHERE batch_id = ? ORDER BY review_id",
        [batch_id],
    )


# --- what the public will see ---------------------------------------------------


# Per kind, from its spec: the columns shown publicly (names masked by the public notices' own
# rule, the mask_name macro of etl/sql/005_public.sql), the amount column and what the totals
# group by.  A kind without public columns (a register) has none.
def public_view(kind: str) -> tuple[str, str | None, str] | None:
    spec = SPECS[kind]
    od = spec.open_data
    if od is None or not spec.public_columns:
        return None
    columns = ", ".join(
        f"mask_name({c.name}) AS {c.name}" if c.name in od.masked else c.name
        for c in spec.public_columns
    )
    return columns, od.total, od.group_by or spec.public_columns[0].name


class _PublicView(Mapping[str, tuple[str, str | None, str]]):
    """``PUBLIC_VIEW[kind]``: public_view(kind) for every kind that has one, read when asked."""

    def __getitem__(self, kind: str) -> tuple[str, str | None, str]:
        found = public_view(kind) if kind in SPECS else None
        if found is None:
            raise KeyError(kind)
        return found

    def __iter__(self) -> Iterator[str]:
        return (k for k in SPECS if public_view(k) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


PUBLIC_VIEW: Mapping[str, tuple[str, str | None, str]] = _PublicView()
SAMPLE_ROWS = 15


def public_preview(con: duckdb.DuckDBPyConnection, batch_id: int, kind: str) -> dict[str, Any]:
    """A sample of rows as the public pages will show them, and totals by one column."""
    table = SPECS[kind].table
    if kind not in PUBLIC_VIEW:  # a register: the public sees none of it
        sql = f"SELECT count(*) AS row_count FROM {table} WHERE batch_id = ?"  # noqa: S608
        count = fetch(con, sql, [batch_id])
        return {"sample": [], "totals": {**count[0], "amount": None}, "group_by": "", "groups": []}
    columns, amount, group = PUBLIC_VIEW[kind]
    sample = fetch(
        con,
        f"SELECT {columns} FROM {table} WHERE batch_id = ? ORDER BY row_no LIMIT {SAMPLE_ROWS}",  # noqa: S608
        [batch_id],
    )
    total = f"sum({amount})" if amount else "NULL"
    totals = fetch(
        con,
        f"SELECT count(*) AS row_count, {total} AS amount FROM {table} WHERE batch_id = ?",  # noqa: S608
        [batch_id],
    )[0]
    groups = fetch(
        con,
        f"SELECT {group} AS label, count(*) AS row_count, {total} AS amount FROM {table}"  # noqa: S608
        f" WHERE batch_id = ? GROUP BY ALL ORDER BY row_count DESC, label LIMIT 30",
        [batch_id],
    )
    return {"sample": sample, "totals": totals, "group_by": group, "groups": groups}


# Per kind, the date a payment was made: the 20-working-day rule counts from it.
PAYMENT_DATE = {"payments": "paid_on", "disbursements": "disbursed_on"}


def payment_dates(
    con: duckdb.DuckDBPyConnection, batch_id: int, kind: str
) -> dict[str, Any] | None:
    """Earliest and latest payment date in the batch, or None for kinds without one."""
    column = PAYMENT_DATE.get(kind)
    if column is None:
        return None
    table = SPECS[kind].table
    return fetch(
        con,
        f"SELECT min({column}) AS first_paid_on, max({column}) AS last_paid_on, count({column}) AS dated_rows"  # noqa: S608
        f" FROM {table} WHERE batch_id = ?",
        [batch_id],
    )[0]


def in_village_notices(con: duckdb.DuckDBPyConnection, batch_id: int) -> bool:
    """Whether any payment of the batch names its village (a township-level roster is in no notice)."""
    row = con.execute(
        "SELECT EXISTS (SELECT 1 FROM payments WHERE batch_id = ? AND village IS NOT NULL)",
        [batch_id],
    ).fetchone()
    return bool(row[0])


def notice_days(con: duckdb.DuckDBPyConnection, batch_id: int) -> int | None:
    """The 公示天数 chosen for a batch at upload or publication (None: not chosen)."""
    row = con.execute("SELECT notice_days FROM batches WHERE batch_id = ?", [batch_id]).fetchone()
    return row[0] if row else None

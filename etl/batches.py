"""Batch transitions, the one place that changes a batch's status: load, replace, publish, withdraw, retract.

The CLI and the web both call these, so the rules hold on both paths:
publishing (保密审查) names a reviewer who did not upload the batch, and
publishing and withdrawing each write the batch, a row in ``batch_reviews``
(who, from which office, why) and an audit line in one transaction.  A load
(and the superseding of the batch it replaces) runs inside the load's own
transaction (``etl.load``).  No Flask here.
"""

from __future__ import annotations

import duckdb

from etl.audit import audit
from etl.transaction import transaction

# Who publishes what ``fundquery demo`` (and ``load --publish``) loads: a reviewer of its own, never the uploader.
DEMO_REVIEWER = "demo-reviewer"


class BatchError(ValueError):
    """A batch operation that cannot be done (unknown batch, wrong status or kind)."""


class ReviewError(BatchError):
    """A publication step that is not allowed; ``str()`` is a sentence for a person."""


def live(con: duckdb.DuckDBPyConnection, batch_id: int) -> tuple[str, str]:
    """(kind, status) of a batch that is loaded or published; BatchError otherwise."""
    row = con.execute("SELECT kind, status FROM batches WHERE batch_id = ?", [batch_id]).fetchone()
    if row is None:
        raise BatchError(f"批次 {batch_id} 不存在。/ Batch {batch_id} does not exist.")
    if row[1] not in ("loaded", "published"):
        raise BatchError(
            f"批次 {batch_id} 的状态是“{row[1]}”，不能再操作。/ Batch {batch_id} is {row[1]}."
        )
    return row


def held_by(con: duckdb.DuckDBPyConnection, sha256: str) -> int | None:
    """The live batch that already holds a file with this digest, if any."""
    row = con.execute(
        "SELECT batch_id FROM batches WHERE sha256 = ? AND status IN ('loaded', 'published') ORDER BY batch_id LIMIT 1",
        [sha256],
    ).fetchone()
    return row[0] if row else None


def record_load(
    con: duckdb.DuckDBPyConnection,
    *,
    kind: str,
    file_name: str,
    sha256: str,
    uploaded_by: str,
    office: str | None,
    row_count: int,
    replaces: int | None,
    published: bool,
) -> int:
    """A new loaded batch (superseding ``replaces``) and its audit line; the caller holds the transaction."""
    if replaces is not None:
        con.execute(
            "UPDATE batches SET status = 'superseded', changed_at = current_timestamp WHERE batch_id = ?",
            [replaces],
        )
    batch_id = con.execute(
        "INSERT INTO batches (kind, file_name, sha256, uploaded_by, office, row_count, status, replaces)"
        " VALUES (?, ?, ?, ?, ?, ?, 'loaded', ?) RETURNING batch_id",
        [kind, file_name, sha256, uploaded_by, office, row_count, replaces],
    ).fetchone()[0]
    audit(
        con,
        uploaded_by,
        "load",
        f"batch:{batch_id}",
        kind=kind,
        file=file_name,
        sha256=sha256,
        rows=row_count,
        replaces=replaces,
        published=published,
    )
    return batch_id


def _review(
    con: duckdb.DuckDBPyConnection,
    batch_id: int,
    action: str,
    actor: str,
    office: str | None,
    note: str | None,
) -> None:
    """Check and write one review step (publish or withdraw); the caller holds the transaction."""
    rows = con.execute(
        "SELECT status, uploaded_by FROM batches WHERE batch_id = ?", [batch_id]
    ).fetchall()
    if not rows:
        raise ReviewError(f"批次 {batch_id} 不存在。")
    status, uploaded_by = rows[0]
    if action == "publish":
        if status != "loaded":
            raise ReviewError(
                f"批次 {batch_id} 的状态是“{status}”，只有已导入、未公开的批次可以公开。"
            )
        if uploaded_by == actor:
            raise ReviewError(f"批次 {batch_id} 是您本人上传的，须由另一位审核人员审核公开。")
        con.execute(
            "UPDATE batches SET status = 'published', published_at = current_timestamp, published_by = ?,"
            " changed_at = current_timestamp WHERE batch_id = ?",
            [actor, batch_id],
        )
    else:
        if status != "published":
            raise ReviewError(f"批次 {batch_id} 没有公开，无需撤回公开。")
        con.execute(
            "UPDATE batches SET status = 'loaded', published_at = NULL, published_by = NULL,"
            " changed_at = current_timestamp WHERE batch_id = ?",
            [batch_id],
        )
    con.execute(
        "INSERT INTO batch_reviews (batch_id, action, actor, office, note) VALUES (?, ?, ?, ?, ?)",
        [batch_id, action, actor, office, note or None],
    )
    audit(
        con, actor, action, f"batch:{batch_id}", office=office, note=note or None, previous=status
    )


def publish_loaded(
    con: duckdb.DuckDBPyConnection,
    batch_id: int,
    *,
    actor: str,
    office: str | None = None,
    note: str | None = None,
) -> None:
    """``publish`` inside a transaction the caller holds (a load that publishes at once)."""
    _review(con, batch_id, "publish", actor, office, note)


def publish(
    con: duckdb.DuckDBPyConnection,
    batch_id: int,
    *,
    actor: str,
    office: str | None = None,
    note: str | None = None,
) -> None:
    """Make a loaded batch public, by a reviewer who did not upload it."""
    with transaction(con):
        _review(con, batch_id, "publish", actor, office, note)


def withdraw(
    con: duckdb.DuckDBPyConnection, batch_id: int, *, actor: str, office: str | None, note: str
) -> None:
    """Take a published batch off the public pages; it stays loaded for staff and inspectors."""
    with transaction(con):
        _review(con, batch_id, "withdraw", actor, office, note)


def retract(con: duckdb.DuckDBPyConnection, batch_id: int, *, actor: str) -> None:
    """Take a live batch out of every page and report (its rows stay, for history)."""
    _kind, status = live(con, batch_id)
    with transaction(con):
        con.execute(
            "UPDATE batches SET status = 'retracted', changed_at = current_timestamp WHERE batch_id = ?",
            [batch_id],
        )
        audit(con, actor, "retract", f"batch:{batch_id}", previous=status)

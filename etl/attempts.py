"""Load attempts: a visible trace of every load, even one cut short.

A batch is written in one transaction, so after a crash it is in the store
entirely or not at all; what would be missing is any sign that a load was
under way.  So each load first records an attempt ('loading') in its own
transaction, notes each stage it reaches, and ends it in the batch's own
transaction ('loaded') or afterwards ('rejected', 'failed').  Only one
process may hold the store read-write (DESIGN.md §7), so an attempt still
'loading' when a process opens the store belongs to a process that died:
``recover`` marks it 'interrupted'.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading

import duckdb

from etl.audit import audit
from etl.transaction import transaction

_lock = threading.Lock()
_in_flight: set[int] = set()  # attempt ids this process is loading now
_owner = f"{os.getpid()}-{secrets.token_hex(4)}"


def _new_owner() -> None:
    """A forked child is another process: it owns none of its parent's loads."""
    global _owner
    _owner = f"{os.getpid()}-{secrets.token_hex(4)}"
    _in_flight.clear()


os.register_at_fork(after_in_child=_new_owner)


def start(
    con: duckdb.DuckDBPyConnection,
    *,
    sha256: str,
    file_name: str,
    kind: str,
    uploaded_by: str,
    office: str | None,
) -> int:
    """Record a load under way (committed at once); return its id."""
    attempt_id = con.execute(
        "INSERT INTO load_attempts (sha256, file_name, kind, uploaded_by, office, stage, status, owner)"
        " VALUES (?, ?, ?, ?, ?, 'read', 'loading', ?) RETURNING attempt_id",
        [sha256, file_name, kind, uploaded_by, office, _owner],
    ).fetchone()[0]
    with _lock:
        _in_flight.add(attempt_id)
    return attempt_id


def stage(
    con: duckdb.DuckDBPyConnection, attempt_id: int, name: str, kind: str | None = None
) -> None:
    """Note how far the load got (and the kind, once the file is read)."""
    con.execute(
        "UPDATE load_attempts SET stage = ?, kind = coalesce(?, kind) WHERE attempt_id = ?",
        [name, kind, attempt_id],
    )


def loaded(con: duckdb.DuckDBPyConnection, attempt_id: int, batch_id: int) -> None:
    """Inside the batch's transaction: the attempt ends with the batch."""
    con.execute(
        "UPDATE load_attempts SET status = 'loaded', batch_id = ?, ended_at = current_timestamp"
        " WHERE attempt_id = ?",
        [batch_id, attempt_id],
    )


def finish(
    con: duckdb.DuckDBPyConnection, attempt_id: int, status: str, message: str | None = None
) -> None:
    """End an attempt that stored nothing ('rejected' or 'failed'); best effort when the store itself failed."""
    with _lock:
        _in_flight.discard(attempt_id)
    if status == "loaded":
        return
    # When the store itself cannot be written (disk full, read-only) the attempt
    # stays 'loading', and the next process to open the store marks it interrupted.
    with contextlib.suppress(duckdb.Error):
        con.execute(
            "UPDATE load_attempts SET status = ?, message = ?, ended_at = current_timestamp"
            " WHERE attempt_id = ? AND status = 'loading'",
            [status, message, attempt_id],
        )


def recover(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Mark 'interrupted' every attempt left 'loading' by a process that is gone; return their ids."""
    with _lock:
        mine = sorted(_in_flight)
    rows = con.execute(
        "SELECT attempt_id FROM load_attempts WHERE status = 'loading'"
        " AND NOT (owner = ? AND list_contains(?::INTEGER[], attempt_id))",
        [_owner, mine],
    ).fetchall()
    ids = [r[0] for r in rows]
    if not ids:
        return []
    with transaction(con):
        con.execute(
            "UPDATE load_attempts SET status = 'interrupted', ended_at = current_timestamp,"
            " message = '导入过程中断（进程被终止或服务器停机），没有存入任何数据。请重新导入该文件。'"
            " WHERE list_contains(?::INTEGER[], attempt_id)",
            [ids],
        )
        for attempt_id in ids:
            audit(con, "system", "load_interrupted", f"attempt:{attempt_id}")
    return ids


def recent(
    con: duckdb.DuckDBPyConnection,
    *,
    username: str | None = None,
    office: str | None = None,
    limit: int = 50,
) -> list[dict]:
    """Loads under way, and those that stored nothing (interrupted, failed) and were not loaded since."""
    cursor = con.execute(
        "SELECT a.attempt_id, a.sha256, a.file_name, a.kind, a.uploaded_by, a.office, a.stage, a.status,"
        " a.started_at, a.ended_at, a.message FROM load_attempts a"
        " WHERE a.status IN ('loading', 'interrupted', 'failed')"
        " AND NOT EXISTS (SELECT 1 FROM batches b WHERE b.sha256 = a.sha256 AND b.uploaded_at > a.started_at)"
        " AND (? IS NULL OR a.uploaded_by = ? OR (? IS NOT NULL AND a.office = ?))"
        " ORDER BY a.attempt_id DESC LIMIT ?",
        [username, username, office, office, limit],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

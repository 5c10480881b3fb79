"""Batch transitions, the one place that changes a batch's status: load, replace, publish, reject,
withdraw, retract.

The CLI and the web both call these, so the rules hold on both paths:
publishing and rejecting (保密审查) name a reviewer who did not upload the batch,
and publishing, rejecting and withdrawing each write the batch, a row in
``batch_reviews`` (who, from which office, why) and an audit line in one
transaction.  A load runs inside the load's own transaction (``etl.load``).

A correction (a batch that ``replaces`` another) waits for review like any
batch: the batch it replaces stays as it was, public if it was, until the
correction is published, which supersedes it in the same transaction.  A
rejected or retracted correction leaves it untouched.  While the correction
waits, staff and inspectors see the correction (``live_*`` leaves out what
``held_back_batches`` holds back), the public the old batch (``public_*``).
``takes_place_of`` names the batch that stays up meanwhile (the one replaced,
or for the correction of a rejected correction, the one that was to replace).
No Flask here.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from etl.audit import audit
from etl.transaction import transaction
from etl.vocabulary import NOTICE_DAYS_RANGE

# Who publishes what ``fundquery demo`` loads: a reviewer of its own, never the uploader.  Only the
# demo names it (through etl.load); the CLI's reviewer must be a reviewer account (reviewer_office).
DEMO_REVIEWER = "demo-reviewer"


# Who may give a publication date that is not today: the demo (its payment files carry the dates a
# county's offices would have published them on) and an administrator back-filling history.
BACKDATE_ROLE = "admin"


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


def _successor(con: duckdb.DuckDBPyConnection, batch_id: int) -> tuple[int, str] | None:
    """The correction of ``batch_id`` that is waiting for review or published, if any."""
    return con.execute(
        "SELECT batch_id, status FROM batches WHERE replaces = ? AND status IN ('loaded', 'published')"
        " ORDER BY batch_id DESC LIMIT 1",
        [batch_id],
    ).fetchone()


def replaceable(con: duckdb.DuckDBPyConnection, batch_id: int) -> tuple[str, int | None]:
    """(kind, the live batch a correction of ``batch_id`` takes the place of) or BatchError.

    A loaded, published or rejected batch may be corrected, once at a time.  The
    correction takes the place of the batch itself or, for a rejected one, of the
    batch that one was to replace, if that is still up.
    """
    row = con.execute(
        "SELECT kind, status, takes_place_of FROM batches WHERE batch_id = ?", [batch_id]
    ).fetchone()
    if row is None:
        raise BatchError(f"批次 {batch_id} 不存在。/ Batch {batch_id} does not exist.")
    kind, status, earlier = row
    if status not in ("loaded", "published", "rejected"):
        raise BatchError(
            f"批次 {batch_id} 的状态是“{status}”，不能再替换。/ Batch {batch_id} is {status}."
        )
    target = batch_id if status != "rejected" else _up(con, earlier)
    successor = _successor(con, batch_id)
    waiting = _waiting_correction(con, target) if target is not None else None
    if successor is not None or waiting is not None:
        newer, newer_status = successor or (waiting, "loaded")
        state = "已公开" if newer_status == "published" else "正在等待审核"
        raise BatchError(
            f"批次 {batch_id} 已由批次 {newer} 更正，批次 {newer} {state}；如需再改，请替换批次 {newer}。"
            f" / Batch {batch_id} is already corrected by batch {newer} ({newer_status}): replace {newer}."
        )
    return kind, target


def _up(con: duckdb.DuckDBPyConnection, batch_id: int | None) -> int | None:
    """``batch_id`` if it is loaded or published, else None."""
    if batch_id is None:
        return None
    row = con.execute("SELECT status FROM batches WHERE batch_id = ?", [batch_id]).fetchone()
    return batch_id if row and row[0] in ("loaded", "published") else None


def _waiting_correction(con: duckdb.DuckDBPyConnection, batch_id: int) -> int | None:
    """The correction waiting for review that holds ``batch_id`` back, if any."""
    return con.execute(
        "SELECT max(batch_id) FROM batches WHERE takes_place_of = ? AND status = 'loaded'",
        [batch_id],
    ).fetchone()[0]


def _supersede(con: duckdb.DuckDBPyConnection, batch_id: int) -> list[int]:
    """Take down what a published correction takes the place of; the caller holds the transaction.

    A loaded batch taken down was itself a correction waiting for review, so the
    batch it held back goes down too; a published one's predecessors went down
    when it was published.
    """
    superseded = []
    target = con.execute(
        "SELECT takes_place_of FROM batches WHERE batch_id = ?", [batch_id]
    ).fetchone()[0]
    while target is not None:
        status, earlier = con.execute(
            "SELECT status, takes_place_of FROM batches WHERE batch_id = ?", [target]
        ).fetchone()
        if status not in ("loaded", "published"):
            break
        con.execute(
            "UPDATE batches SET status = 'superseded', changed_at = current_timestamp WHERE batch_id = ?",
            [target],
        )
        superseded.append(target)
        if status == "published":
            break
        target = earlier
    return superseded


def reviewer_office(con: duckdb.DuckDBPyConnection, username: str) -> str | None:
    """The office of an active account holding the reviewer role; ReviewError otherwise.

    The web's sign-in and role check ensure this; the command line has no
    sign-in, so ``publish``, ``reject`` and ``load --publish`` ask here, and a
    made-up or mistyped name cannot stand in the publication record.
    """
    row = con.execute(
        "SELECT u.office, u.is_active,"
        " EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.user_id AND r.role = 'reviewer')"
        " FROM users u WHERE u.username = ?",
        [username],
    ).fetchone()
    if row is None:
        raise ReviewError(
            f"没有名为“{username}”的用户：公开和退回须写明一位审核人员的用户名"
            f"（fundquery user add NAME --role reviewer）。/ No user {username}: name a reviewer's account."
        )
    office, is_active, is_reviewer = row
    if not is_active:
        raise ReviewError(
            f"用户“{username}”已停用，不能审核公开。/ User {username} is disabled and cannot review."
        )
    if not is_reviewer:
        raise ReviewError(
            f"用户“{username}”没有审核人员（reviewer）角色，不能审核公开。"
            f" / User {username} does not hold the reviewer role."
        )
    return office


def parse_notice_days(value: object) -> int | None:
    """A batch's 公示天数 as chosen at upload or publication (None: not chosen); BatchError naming
    the value when it is not a whole number of days in NOTICE_DAYS_RANGE."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    low, high = NOTICE_DAYS_RANGE
    text = str(value).strip()
    days = int(text) if text.isascii() and text.isdigit() else None
    if days is None or not low <= days <= high:
        raise BatchError(
            f"公示天数“{text}”无效：应为 {low} 至 {high} 的整数天数，如 7。"
            f" / Notice days “{text}”: expected a whole number of days from {low} to {high}, such as 7."
        )
    return days


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
    notice_days: int | None = None,
) -> int:
    """A new loaded batch and its audit line; the caller holds the transaction.

    A correction (``replaces``) leaves the batch it replaces as it is until it is itself published.
    """
    target = None
    if replaces is not None:  # checked again inside the transaction: no second correction slips in
        _kind, target = replaceable(con, replaces)
    batch_id = con.execute(
        "INSERT INTO batches (kind, file_name, sha256, uploaded_by, office, row_count, status, replaces,"
        " takes_place_of, notice_days) VALUES (?, ?, ?, ?, ?, ?, 'loaded', ?, ?, ?) RETURNING batch_id",
        [kind, file_name, sha256, uploaded_by, office, row_count, replaces, target, notice_days],
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
        notice_days=notice_days,
    )
    return batch_id


def check_published_on(
    con: duckdb.DuckDBPyConnection, actor: str, published_on: dt.date, today: dt.date | None = None
) -> None:
    """ReviewError unless ``actor`` may publish as of ``published_on``: the demo's reviewer or an
    active administrator, and a day not after today (history is back-filled, the future is not)."""
    today = today or dt.date.today()
    if published_on > today:
        raise ReviewError(
            f"公开日期 {published_on.isoformat()} 晚于今天（{today.isoformat()}），不能预先登记公开。"
            f" / The publication date {published_on.isoformat()} is after today ({today.isoformat()})."
        )
    if actor == DEMO_REVIEWER:
        return
    is_admin = con.execute(
        "SELECT count(*) FROM users u JOIN user_roles r USING (user_id)"
        " WHERE u.username = ? AND u.is_active AND r.role = ?",
        [actor, BACKDATE_ROLE],
    ).fetchone()[0]
    if not is_admin:
        raise ReviewError(
            f"只有管理员补录历史公开记录时才能指定公开日期；用户“{actor}”不是管理员。"
            f" / Only an administrator back-filling history may give a publication date;"
            f" {actor} is not an administrator."
        )


def _review(
    con: duckdb.DuckDBPyConnection,
    batch_id: int,
    action: str,
    actor: str,
    office: str | None,
    note: str | None,
    published_on: dt.date | None = None,
    days: int | None = None,
) -> None:
    """Check and write one review step (publish, reject or withdraw); the caller holds the transaction.

    ``published_on`` (publish only) is the day the batch counts as published, when that is not today
    (``check_published_on`` says who may give one); the audit line keeps the real time beside it.
    ``days`` (publish only): the 公示天数 the reviewer chose, replacing the one chosen at upload.
    """
    rows = con.execute(
        "SELECT status, uploaded_by FROM batches WHERE batch_id = ?", [batch_id]
    ).fetchall()
    if not rows:
        raise ReviewError(f"批次 {batch_id} 不存在。/ Batch {batch_id} does not exist.")
    status, uploaded_by = rows[0]
    detail = {}
    if action == "publish":
        if status != "loaded":
            raise ReviewError(
                f"批次 {batch_id} 的状态是“{status}”，只有已导入、未公开的批次可以公开。"
            )
        if uploaded_by == actor:
            raise ReviewError(f"批次 {batch_id} 是您本人上传的，须由另一位审核人员审核公开。")
        waiting = _waiting_correction(con, batch_id)
        if waiting is not None:
            raise ReviewError(
                f"批次 {batch_id} 已由批次 {waiting} 更正，不能再公开；请审核批次 {waiting}。"
                f" / Batch {batch_id} is corrected by batch {waiting}: review batch {waiting}."
            )
        if published_on is not None:
            check_published_on(con, actor, published_on)
            detail["published_on"] = published_on.isoformat()
        con.execute(
            "UPDATE batches SET status = 'published', published_at = current_timestamp, published_by = ?,"
            " changed_at = current_timestamp WHERE batch_id = ?",
            [actor, batch_id],
        )
        if (
            published_on is not None
        ):  # the day it counts as published; changed_at keeps the real time
            con.execute(
                "UPDATE batches SET published_at = CAST(? AS TIMESTAMP) WHERE batch_id = ?",
                [published_on, batch_id],
            )
        if days is not None:
            con.execute("UPDATE batches SET notice_days = ? WHERE batch_id = ?", [days, batch_id])
            detail["notice_days"] = days
        detail["superseded"] = _supersede(con, batch_id)
    elif action == "reject":
        if status != "loaded":
            raise ReviewError(
                f"批次 {batch_id} 的状态是“{status}”，只有已导入、待审核的批次可以退回。"
                f" / Only a batch waiting for review can be rejected."
            )
        if uploaded_by == actor:
            raise ReviewError(
                f"批次 {batch_id} 是您本人上传的，须由另一位审核人员审核；本人可在“我的批次”中撤回。"
                f" / You uploaded batch {batch_id}: another reviewer reviews it (you may retract it)."
            )
        if not (note or "").strip():
            raise ReviewError(
                "请写明退回原因，上传人会看到它。/ Give the reason: the uploader sees it."
            )
        con.execute(
            "UPDATE batches SET status = 'rejected', changed_at = current_timestamp WHERE batch_id = ?",
            [batch_id],
        )
        _hand_over(con, batch_id)
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
        con,
        actor,
        action,
        f"batch:{batch_id}",
        office=office,
        note=note or None,
        previous=status,
        **detail,
    )


def publish_loaded(
    con: duckdb.DuckDBPyConnection,
    batch_id: int,
    *,
    actor: str,
    office: str | None = None,
    note: str | None = None,
    published_on: dt.date | None = None,
) -> None:
    """``publish`` inside a transaction the caller holds (a load that publishes at once)."""
    _review(con, batch_id, "publish", actor, office, note, published_on)


def publish(
    con: duckdb.DuckDBPyConnection,
    batch_id: int,
    *,
    actor: str,
    office: str | None = None,
    note: str | None = None,
    published_on: dt.date | None = None,
    days: int | None = None,
) -> None:
    """Make a loaded batch public, by a reviewer who did not upload it; a correction takes the old one down.

    ``published_on``: the day it counts as published, for the demo and an administrator back-filling
    history (never a day after today); the audit line is stamped with the real time all the same.
    ``days``: the notice's 公示天数 (``parse_notice_days`` checks a value typed by a person).
    """
    with transaction(con):
        _review(con, batch_id, "publish", actor, office, note, published_on, days)


def reject(
    con: duckdb.DuckDBPyConnection,
    batch_id: int,
    *,
    actor: str,
    office: str | None = None,
    reason: str,
) -> None:
    """Send a loaded batch back to its uploader with a reason, by a reviewer who did not upload it.

    The batch is never public and leaves staff pages and reports; a batch it
    was to replace stays as it was.  The uploader sees the reason on their
    batches page and may send a correction (a batch that replaces this one).
    """
    with transaction(con):
        _review(con, batch_id, "reject", actor, office, reason.strip())


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
        _hand_over(con, batch_id)
        audit(con, actor, "retract", f"batch:{batch_id}", previous=status)


def _hand_over(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    """A waiting correction going away (rejected, retracted): the correction waiting on it holds what it held.

    Without this, the batch it held back would come back to live_* beside the
    later correction, and stay public after that one's publication.
    """
    con.execute(
        "UPDATE batches SET takes_place_of = (SELECT takes_place_of FROM batches WHERE batch_id = ?)"
        " WHERE takes_place_of = ? AND status = 'loaded'",
        [batch_id, batch_id],
    )

"""Messages in the store: receive one (receipt and check code), read them back, check a code.

The receipt number cannot be guessed: the year and eight characters drawn by
``secrets`` from an alphabet without look-alikes (``2026-K7QM-3XPA``, about
2^39 per year), so nobody can walk through the receipts of others.  The check
code is six digits from ``secrets``; only its werkzeug hash is stored.  A wrong
code and an unknown receipt number get the same answer (None).  Wrong codes
are counted per receipt AND client address: after MAX_CODE_FAILURES in
CODE_LOCK_MINUTES that address is refused for that receipt, while the sender
still opens it from anywhere else (a stranger cannot lock it).  Receipts of the
old sequential form (``2026-000123``) issued before keep working.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

import duckdb
from werkzeug.security import check_password_hash, generate_password_hash

from etl.audit import audit
from etl.transaction import transaction
from fundquery.messages import CONTACT_REQUIRED, DEFAULT_WORKING_DAYS, TYPES, MessageError
from fundquery.messages.deadlines import add_working_days

MAX_BODY_CHARS = 2000
MAX_NAME_CHARS = 20
MAX_PLACE_CHARS = 40
MAX_CODE_FAILURES = 10
CODE_LOCK_MINUTES = 60
# No 0/O, 1/I/L: a villager copies the receipt from a slip, by hand or by phone.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_CHARS = 8
RECEIPT = re.compile(
    rf"^\d{{4}}-[{RECEIPT_ALPHABET}]{{4}}-[{RECEIPT_ALPHABET}]{{4}}$"  # 2026-K7QM-3XPA
    r"|^\d{4}-\d{6}$"  # issued before migration 013 (sequential), still answered
)
PHONE = re.compile(r"^[0-9+\- ]{7,20}$")
# Control characters other than newline and tab never reach the store.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DUMMY_HASH = generate_password_hash("000000")


@dataclass(frozen=True)
class Receipt:
    message_id: int
    receipt_no: str
    code: str  # shown once, on the receipt page; never stored
    deadline_on: dt.date


def rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def plain(text: str | None) -> str:
    """The text without control characters, line ends normalised, trimmed."""
    return _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def event(
    con: duckdb.DuckDBPyConnection,
    message_id: int,
    actor: str,
    step: str,
    from_status: str | None,
    to_status: str | None,
    note: str | None,
    now: dt.datetime,
) -> None:
    con.execute(
        "INSERT INTO message_events (message_id, logged_at, actor, step, from_status, to_status, note)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [message_id, now, actor, step, from_status, to_status, note],
    )


def new_receipt_no(con: duckdb.DuckDBPyConnection, year: int) -> str:
    """A receipt number nobody can guess or derive from another one (``2026-K7QM-3XPA``)."""
    while True:
        chars = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_CHARS))
        receipt_no = f"{year}-{chars[:4]}-{chars[4:]}"
        taken = con.execute(
            "SELECT count(*) FROM messages WHERE receipt_no = ?", [receipt_no]
        ).fetchone()[0]
        if not taken:
            return receipt_no


def normalise_receipt(text: str | None) -> str:
    """The receipt as typed, in its printed form: full-width, lower case and spaces allowed."""
    receipt = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper()
    bare = receipt.replace("-", "")
    if len(bare) == 4 + RECEIPT_CHARS and not bare[4:].isdigit():
        receipt = f"{bare[:4]}-{bare[4:8]}-{bare[8:]}"
    return receipt


def _check_input(message_type: str, township: str, body: str, name: str, phone: str) -> None:
    if message_type not in TYPES:
        raise MessageError(
            f"留言类型应为 {'、'.join(TYPES)} 之一，收到“{message_type}”。"
            f" / The type must be one of {', '.join(TYPES)}; got “{message_type}”."
        )
    if not township:
        raise MessageError("请填写乡镇。/ The township is required.")
    if not body:
        raise MessageError("请填写留言内容。/ The message text is required.")
    if len(body) > MAX_BODY_CHARS:
        raise MessageError(
            f"留言内容最多 {MAX_BODY_CHARS} 字，现有 {len(body)} 字。"
            f" / The text may have at most {MAX_BODY_CHARS} characters; it has {len(body)}."
        )
    if message_type in CONTACT_REQUIRED and not (name and phone):
        raise MessageError(
            "投诉需要留下姓名和电话，以便答复。/ A complaint needs a name and a phone number for the answer."
        )
    if phone and not PHONE.match(phone):
        raise MessageError(
            f"电话号码“{phone}”应为 7–20 位数字。/ The phone number “{phone}” should be 7–20 digits."
        )


def submit(
    con: duckdb.DuckDBPyConnection,
    *,
    message_type: str,
    township: str,
    village: str | None,
    body: str,
    fund_code: str | None = None,
    name: str | None = None,
    phone: str | None = None,
    working_days: dict[str, int] | None = None,
    now: dt.datetime | None = None,
) -> Receipt:
    """Receive one message; return its receipt number and (the only time it is known) its check code."""
    now = now or dt.datetime.now()
    township, village, fund_code = plain(township), plain(village) or None, plain(fund_code) or None
    body, name, phone = plain(body), plain(name) or None, plain(phone) or None
    _check_input(message_type, township, body, name or "", phone or "")
    days = (working_days or DEFAULT_WORKING_DAYS).get(
        message_type, DEFAULT_WORKING_DAYS[message_type]
    )
    deadline, provisional = add_working_days(con, now.date(), days)
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction(con):
        message_id = con.execute("SELECT nextval('message_seq')").fetchone()[0]
        receipt_no = new_receipt_no(con, now.year)
        con.execute(
            "INSERT INTO messages (message_id, receipt_no, code_hash, message_type, township, village, fund_code,"
            " body, sender_name, sender_phone, status, working_days, deadline_on, is_deadline_provisional,"
            " is_listed, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?)",
            [
                message_id,
                receipt_no,
                generate_password_hash(code),
                message_type,
                township,
                village,
                fund_code,
                body,
                name,
                phone,
                days,
                deadline,
                provisional,
                message_type != "举报",
                now,
            ],
        )
        event(con, message_id, "public", "receive", None, "received", None, now)
        # The audit line names the message, never the sender.
        audit(
            con,
            "public",
            "message_receive",
            f"message:{receipt_no}",
            type=message_type,
            township=township,
            fund_code=fund_code,
        )
    return Receipt(message_id, receipt_no, code, deadline)


def get(con: duckdb.DuckDBPyConnection, message_id: int) -> dict[str, Any] | None:
    found = rows(con.execute("SELECT * FROM messages WHERE message_id = ?", [message_id]))
    return found[0] if found else None


def events(con: duckdb.DuckDBPyConnection, message_id: int) -> list[dict[str, Any]]:
    return rows(
        con.execute(
            "SELECT * FROM message_events WHERE message_id = ? ORDER BY event_id", [message_id]
        )
    )


def links(con: duckdb.DuckDBPyConnection, message_id: int) -> list[dict[str, Any]]:
    return rows(
        con.execute(
            "SELECT * FROM message_links WHERE message_id = ? ORDER BY link_id", [message_id]
        )
    )


def check_code(
    con: duckdb.DuckDBPyConnection,
    receipt_no: str,
    code: str,
    now: dt.datetime | None = None,
    *,
    remote_addr: str | None = None,
) -> dict[str, Any] | None:
    """The message's public status and published reply, or None for any failure (same answer every time).

    ``remote_addr`` is the client's address (after TRUSTED_PROXIES): wrong codes
    refuse that address for that receipt, never the receipt for everyone.
    """
    now = now or dt.datetime.now()
    receipt_no, code = normalise_receipt(receipt_no), (code or "").strip()
    found = None
    if RECEIPT.match(receipt_no):
        found = rows(
            con.execute(
                "SELECT message_id, receipt_no, code_hash, message_type, township,"
                " village, fund_code, body, status, deadline_on, reply, received_at, published_at"
                " FROM messages WHERE receipt_no = ?",
                [receipt_no],
            )
        )
    message = found[0] if found else None
    if message is None:
        check_password_hash(_DUMMY_HASH, code)  # as slow as a real check
        return None
    failures = _code_failures(con, message["message_id"], remote_addr, now)
    if failures >= MAX_CODE_FAILURES:
        check_password_hash(_DUMMY_HASH, code)
        return None
    is_right = check_password_hash(message["code_hash"], code)
    is_right = is_right and code.isdigit() and len(code) == 6
    with transaction(con):
        con.execute(
            "INSERT INTO message_code_attempts (message_id, remote_addr, is_success, attempted_at)"
            " VALUES (?, ?, ?, ?)",
            [message["message_id"], remote_addr, is_right, now],
        )
        if not is_right:
            audit(
                con,
                "public",
                "message_code_wrong",
                f"message:{message['receipt_no']}",
                remote_addr=remote_addr,
                locked=failures + 1 >= MAX_CODE_FAILURES,
            )
    if not is_right:
        return None
    is_published = message["status"] == "published"
    return {
        "receipt_no": message["receipt_no"],
        "message_type": message["message_type"],
        "township": message["township"],
        "village": message["village"],
        "fund_code": message["fund_code"],
        "body": message["body"],
        "status": "published" if is_published else _public_status(message["status"]),
        "deadline_on": message["deadline_on"],
        "received_at": message["received_at"],
        "reply": message["reply"] if is_published else None,
        "published_at": message["published_at"] if is_published else None,
    }


def _code_failures(
    con: duckdb.DuckDBPyConnection, message_id: int, remote_addr: str | None, now: dt.datetime
) -> int:
    """Wrong codes for the message from this address in the last hour, after its last right one from there."""
    return con.execute(
        "SELECT count(*) FROM message_code_attempts WHERE message_id = $id"
        " AND remote_addr IS NOT DISTINCT FROM $addr AND NOT is_success"
        " AND attempted_at > $since AND attempted_at <= $now"
        " AND attempted_at > coalesce((SELECT max(attempted_at) FROM message_code_attempts"
        "   WHERE message_id = $id AND remote_addr IS NOT DISTINCT FROM $addr AND is_success),"
        "   TIMESTAMP '1970-01-01')",
        {
            "id": message_id,
            "addr": remote_addr,
            "since": now - dt.timedelta(minutes=CODE_LOCK_MINUTES),
            "now": now,
        },
    ).fetchone()[0]


def _public_status(status: str) -> str:
    """What the sender is told: the inner steps (answered, reviewed, sent back) read as "being handled"."""
    return status if status in ("received", "registered", "published") else "routed"


_QUEUE_SQL = (
    "SELECT * FROM (SELECT message_id, receipt_no, message_type, township, village, fund_code, status, category,"
    " department, deadline_on, is_deadline_provisional, received_at, published_at, is_escalated,"
    " status <> 'published' AND deadline_on < ? AS is_overdue FROM messages) AS m"
    " WHERE {where} ORDER BY is_overdue DESC, deadline_on, message_id"
)


def queue(
    con: duckdb.DuckDBPyConnection,
    *,
    status: str | None = None,
    department: str | None = None,
    overdue_only: bool = False,
    today: dt.date | None = None,
) -> list[dict[str, Any]]:
    """The desk's list: every message (no text), overdue ones marked."""
    today = today or dt.date.today()
    where, params = ["true"], [today]
    if status:
        where.append("status = ?")
        params.append(status)
    if department:
        where.append("department = ?")
        params.append(department)
    if overdue_only:
        where.append("is_overdue")
    sql = _QUEUE_SQL.format(where=" AND ".join(where))  # noqa: S608 (fixed clauses, values as parameters)
    return rows(con.execute(sql, params))


def departments(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Departments a message can be routed to: finance users' offices and the funds' departments."""
    found = con.execute(
        "SELECT DISTINCT d FROM (SELECT office AS d FROM users WHERE office IS NOT NULL AND is_active"
        " UNION SELECT department FROM live_funds WHERE department IS NOT NULL) ORDER BY d"
    ).fetchall()
    return [r[0] for r in found]


def has_answerer(con: duckdb.DuckDBPyConnection, department: str) -> bool:
    """Whether an active finance user belongs to ``department`` (who else could answer?)."""
    return (
        con.execute(
            "SELECT count(*) FROM users u JOIN user_roles r USING (user_id)"
            " WHERE u.office = ? AND u.is_active AND r.role = 'finance'",
            [department],
        ).fetchone()[0]
        > 0
    )


# --- the desk's writes and reads (fundquery.messages.workflow) ------------------


def update(con: duckdb.DuckDBPyConnection, message_id: int, columns: dict[str, Any]) -> None:
    """Set the message's columns (names from the workflow, never from input)."""
    assignments = ", ".join(f"{k} = ?" for k in columns)
    con.execute(
        f"UPDATE messages SET {assignments} WHERE message_id = ?",  # noqa: S608 (column names are ours)
        [*columns.values(), message_id],
    )


def record_exists(con: duckdb.DuckDBPyConnection, source: str, batch_id: int, row_no: int) -> bool:
    """Whether the whitelisted live view ``source`` has this batch's row."""
    return bool(
        con.execute(
            f"SELECT count(*) FROM {source} WHERE batch_id = ? AND row_no = ?",  # noqa: S608 (whitelisted view)
            [batch_id, row_no],
        ).fetchone()[0]
    )


def insert_link(
    con: duckdb.DuckDBPyConnection,
    message_id: int,
    record_kind: str,
    batch_id: int,
    row_no: int,
    note: str | None,
    actor: str,
    now: dt.datetime,
) -> int:
    return con.execute(
        "INSERT INTO message_links (message_id, record_kind, batch_id, row_no, note, linked_by, linked_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING link_id",
        [message_id, record_kind, batch_id, row_no, note, actor, now],
    ).fetchone()[0]


def linked_payments_yuan(con: duckdb.DuckDBPyConnection, message_id: int):
    """The total of the live payments linked to the message (None: none linked)."""
    return con.execute(
        "SELECT sum(p.amount_yuan) FROM message_links l JOIN live_payments p USING (batch_id, row_no)"
        " WHERE l.message_id = ? AND l.record_kind = 'payments'",
        [message_id],
    ).fetchone()[0]


def mark_escalated(con: duckdb.DuckDBPyConnection, message_id: int, flag_id: int) -> None:
    con.execute(
        "UPDATE messages SET is_escalated = true, flag_id = ? WHERE message_id = ?",
        [flag_id, message_id],
    )


# --- response metrics (fundquery.messages.metrics) ------------------------------

_METRICS = """
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


def metrics(
    con: duckdb.DuckDBPyConnection, group: str, today, year: int | None
) -> list[dict[str, Any]]:
    """Received, answered, on time, overdue and median days, grouped by the (whitelisted) expression ``group``."""
    where = "WHERE year(received_at) = $year" if year else ""
    params = {"today": today, **({"year": year} if year else {})}
    return rows(con.execute(_METRICS.format(group=group, where=where), params))


def years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT year(received_at) FROM messages ORDER BY 1 DESC"
        ).fetchall()
    ]

"""The steps a message takes at the desk, each timestamped, in message_events and the audit log.

received ─register─► registered ─route─► routed ─answer─► answered ─review─► reviewed ─publish─► published
                                                  ▲                    │                  │
                                                  └──── sent_back ◄────┴── send back ─────┘
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from etl.audit import audit
from etl.personal import PersonalNumber, masked, refuse
from etl.transaction import transaction
from fundquery.messages import CATEGORIES, HANDLING_ZH, HANDLINGS, STATUS_ZH, MessageError, store
from fundquery.messages.deadlines import add_working_days
from fundquery.messages.store import MAX_BODY_CHARS, event, get, plain

# step -> (statuses it starts from, status it leads to)
STEPS = {
    "register": (("received",), "registered"),
    "route": (("registered",), "routed"),
    "answer": (("routed", "sent_back"), "answered"),
    "review": (("answered",), "reviewed"),
    "publish": (("reviewed",), "published"),
    "send_back": (("answered", "reviewed"), "sent_back"),
}


def redact(text: str) -> str:
    """The text with ID, mobile and bank card numbers masked (for the published question; etl.personal)."""
    return masked(text) or ""


_SEND_BACK = ("请退回承办单位修改答复。", "Send it back to the department to be rewritten.")


def _nothing_personal(
    text: str | None, where_zh: str, where_en: str, then: tuple[str, str] | None = None
) -> None:
    """A text the public will read carries no ID, mobile or bank card number (issue 15)."""
    try:
        refuse(text, where_zh, where_en)
    except PersonalNumber as exc:
        zh, en = exc.zh, exc.en
        if then:
            zh, en = f"{zh}{then[0]}", f"{en} {then[1]}"
        raise MessageError(f"{zh} / {en}") from None


def existing_message(con: duckdb.DuckDBPyConnection, message_id: int) -> dict[str, Any]:
    found = get(con, message_id)
    if found is None:
        raise MessageError(f"留言 {message_id} 不存在。/ Message {message_id} does not exist.")
    return found


def _can(message: dict[str, Any], step: str) -> None:
    starts, _to = STEPS[step]
    if message["status"] not in starts:
        raise MessageError(
            f"留言 {message['receipt_no']} 现在是“{STATUS_ZH[message['status']]}”，不能{_STEP_ZH[step]}。"
            f" / Message {message['receipt_no']} is {message['status']}: it cannot be {_STEP_EN[step]}."
        )


_STEP_ZH = {
    "register": "登记",
    "route": "转办",
    "answer": "答复",
    "review": "审核",
    "publish": "公开",
    "send_back": "退回",
}
_STEP_EN = {
    "register": "registered",
    "route": "routed",
    "answer": "answered",
    "review": "reviewed",
    "publish": "published",
    "send_back": "sent back",
}


def _step(
    con: duckdb.DuckDBPyConnection,
    message: dict[str, Any],
    step: str,
    actor: str,
    now: dt.datetime,
    note: str | None,
    sets: dict[str, Any],
    **detail: Any,
) -> None:
    """Move the message one step in one transaction: its columns, the event, the audit line."""
    to_status = STEPS[step][1]
    columns = {"status": to_status, **sets}
    with transaction(con):
        store.update(con, message["message_id"], columns)
        event(con, message["message_id"], actor, step, message["status"], to_status, note, now)
        audit(
            con,
            actor,
            f"message_{step}",
            f"message:{message['receipt_no']}",
            status=to_status,
            **detail,
        )


def register(
    con: duckdb.DuckDBPyConnection,
    message_id: int,
    *,
    category: str,
    department: str,
    working_days: int,
    actor: str,
    note: str | None = None,
    now: dt.datetime | None = None,
    handling: str = "transferred",
) -> dt.date:
    """登记: category, department in charge, how it is handled, and the deadline counted from the day
    it was received."""
    now = now or dt.datetime.now()
    message = existing_message(con, message_id)
    _can(message, "register")
    department = plain(department)
    if category not in CATEGORIES:
        raise MessageError(
            f"分类应为 {'、'.join(CATEGORIES)} 之一。/ The category must be one of {', '.join(CATEGORIES)}."
        )
    if not department:
        raise MessageError("请填写承办部门。/ The department in charge is required.")
    if handling not in HANDLINGS:
        raise MessageError(
            f"办理方式应为 {'、'.join(HANDLING_ZH.values())} 之一。"
            f" / How it is handled must be one of {', '.join(HANDLINGS)}."
        )
    _nothing_personal(
        department, "承办部门", "The department in charge"
    )  # published with the reply
    if not 1 <= working_days <= 60:
        raise MessageError(
            f"办理时限应为 1–60 个工作日，收到 {working_days}。"
            f" / The time allowed must be 1–60 working days; got {working_days}."
        )
    deadline, provisional = add_working_days(con, message["received_at"].date(), working_days)
    _step(
        con,
        message,
        "register",
        actor,
        now,
        plain(note) or None,
        {
            "category": category,
            "department": department,
            "working_days": working_days,
            "deadline_on": deadline,
            "is_deadline_provisional": provisional,
            "registered_at": now,
            "registered_by": actor,
            "handling": handling,
        },
        category=category,
        department=department,
        handling=handling,
        deadline=deadline,
    )
    return deadline


def route(
    con: duckdb.DuckDBPyConnection,
    message_id: int,
    *,
    actor: str,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """转办: hand the registered message to its department."""
    now = now or dt.datetime.now()
    message = existing_message(con, message_id)
    _can(message, "route")
    _step(
        con,
        message,
        "route",
        actor,
        now,
        plain(note) or None,
        {"routed_at": now, "routed_by": actor},
        department=message["department"],
    )


def answer(
    con: duckdb.DuckDBPyConnection,
    message_id: int,
    *,
    reply: str,
    actor: str,
    office: str | None,
    now: dt.datetime | None = None,
) -> None:
    """答复: only the department in charge answers (the user's office is that department)."""
    now = now or dt.datetime.now()
    message = existing_message(con, message_id)
    _can(message, "answer")
    if not office or office != message["department"]:
        raise MessageError(
            f"这条留言由“{message['department']}”答复，您的单位是“{office or '—'}”。"
            f" / This message is answered by {message['department']}; your office is {office or '—'}."
        )
    reply = plain(reply)
    if not reply:
        raise MessageError("请填写答复内容。/ The reply is required.")
    _nothing_personal(reply, "答复", "The reply")
    if len(reply) > MAX_BODY_CHARS:
        raise MessageError(
            f"答复最多 {MAX_BODY_CHARS} 字。/ The reply may have at most {MAX_BODY_CHARS} characters."
        )
    # The event keeps each answer's text: a reply sent back and rewritten stays in the history.
    _step(
        con,
        message,
        "answer",
        actor,
        now,
        reply,
        {"reply": reply, "answered_at": now, "answered_by": actor},
    )


def review(
    con: duckdb.DuckDBPyConnection,
    message_id: int,
    *,
    public_body: str,
    is_listed: bool,
    actor: str,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """审核: the reviewer passes the answer and sets the question as it will be published (redacted)."""
    now = now or dt.datetime.now()
    message = existing_message(con, message_id)
    _can(message, "review")
    if actor == message["answered_by"]:
        raise MessageError(
            f"答复由 {actor} 本人撰写，须由另一位审核人员审核。"
            f" / {actor} wrote the reply: another reviewer must review it."
        )
    # A reply stored before the check (or changed since) goes back to its department.
    _nothing_personal(message["reply"], "答复", "The reply", _SEND_BACK)
    public_body = redact(plain(public_body))
    if not public_body:
        raise MessageError("请填写公开的问题内容。/ The question as published is required.")
    _step(
        con,
        message,
        "review",
        actor,
        now,
        plain(note) or None,
        {
            "public_body": public_body,
            "is_listed": is_listed,
            "reviewed_at": now,
            "reviewed_by": actor,
        },
        is_listed=is_listed,
    )


def publish(
    con: duckdb.DuckDBPyConnection, message_id: int, *, actor: str, now: dt.datetime | None = None
) -> None:
    """公开: the sender sees the reply with receipt and code; a listed one goes into the public list."""
    now = now or dt.datetime.now()
    message = existing_message(con, message_id)
    _can(message, "publish")
    _nothing_personal(message["reply"], "答复", "The reply", _SEND_BACK)
    _nothing_personal(message["public_body"], "公开的问题", "The question as published")
    _step(
        con,
        message,
        "publish",
        actor,
        now,
        None,
        {"published_at": now, "published_by": actor},
        is_listed=message["is_listed"],
    )


def send_back(
    con: duckdb.DuckDBPyConnection,
    message_id: int,
    *,
    note: str,
    actor: str,
    now: dt.datetime | None = None,
) -> None:
    """退回: the reviewer sends the answer back to the department, saying why."""
    now = now or dt.datetime.now()
    message = existing_message(con, message_id)
    _can(message, "send_back")
    note = plain(note)
    if not note:
        raise MessageError("退回时要写明原因。/ Sending back needs a note saying why.")
    _step(con, message, "send_back", actor, now, note, {"sent_back_at": now, "sent_back_by": actor})

"""A message tied to the rest of the county: linked to a loaded record, or escalated to an inspector flag.

Neither changes the message's status; each is an event and an audit line (the steps are in ``workflow``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb

from etl.audit import audit
from etl.transaction import transaction
from fundquery.inspect import flags
from fundquery.messages import MessageError, store
from fundquery.messages.store import event, plain
from fundquery.messages.workflow import existing_message

LINK_KINDS = {
    "payments": "live_payments",
    "disbursements": "live_disbursements",
    "staff": "live_staff",
}


def link(
    con: duckdb.DuckDBPyConnection,
    message_id: int,
    *,
    record_kind: str,
    batch_id: int,
    row_no: int,
    actor: str,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Tie the message to a payment, disbursement or staff row that exists in a loaded or published batch."""
    now = now or dt.datetime.now()
    message = existing_message(con, message_id)
    source = LINK_KINDS.get(record_kind)
    if source is None:
        raise MessageError(
            f"记录类型应为 {'、'.join(LINK_KINDS)} 之一。/ The record kind must be one of {', '.join(LINK_KINDS)}."
        )
    if not store.record_exists(con, source, batch_id, row_no):
        raise MessageError(
            f"批次 {batch_id} 第 {row_no} 行没有这类记录（{record_kind}）。"
            f" / Batch {batch_id} has no {record_kind} row {row_no}."
        )
    with transaction(con):
        link_id = store.insert_link(
            con, message_id, record_kind, batch_id, row_no, plain(note) or None, actor, now
        )
        event(
            con,
            message_id,
            actor,
            "link",
            message["status"],
            message["status"],
            f"{record_kind} {batch_id}/{row_no}",
            now,
        )
        audit(
            con,
            actor,
            "message_link",
            f"message:{message['receipt_no']}",
            record_kind=record_kind,
            batch_id=batch_id,
            row_no=row_no,
        )
    return link_id


def escalate(
    con: duckdb.DuckDBPyConnection,
    message_id: int,
    *,
    severity: str,
    assignee_office: str,
    note: str,
    actor: str,
    now: dt.datetime | None = None,
) -> int:
    """Open an inspector flag on the message (record kind ``message``); its figures carry no name or phone."""
    now = now or dt.datetime.now()
    message = existing_message(con, message_id)
    if message["is_escalated"]:
        raise MessageError(
            f"留言 {message['receipt_no']} 已转监督检查（标记 {message['flag_id']}）。"
            f" / Message {message['receipt_no']} is already flagged ({message['flag_id']})."
        )
    note = plain(note)
    if not note or not plain(assignee_office):
        raise MessageError(
            "转监督检查要写明原因和承办单位。/ Escalating needs a note and an office."
        )
    amounts = store.linked_payments_yuan(con, message_id)
    figures = {
        "receipt_no": message["receipt_no"],
        "message_type": message["message_type"],
        "township": message["township"],
        "village": message["village"],
        "fund_code": message["fund_code"],
        "received_on": message["received_at"].date(),
        "links": len(store.links(con, message_id)),
    }
    flag_id = flags.create(
        con,
        check_label=None,
        record_kind="message",
        record_key=message["receipt_no"],
        title=f"{message['message_type']} {message['receipt_no']}",
        figures=figures,
        severity=severity,
        assignee_office=plain(assignee_office),
        due_on=None,
        note=note,
        actor=actor,
        amount_yuan=Decimal(amounts) if amounts is not None else None,
        year=message["received_at"].year,
        fund_code=message["fund_code"],
        department=message["department"],
        township=message["township"],
    )
    store.mark_escalated(con, message_id, flag_id)
    event(
        con,
        message_id,
        actor,
        "escalate",
        message["status"],
        message["status"],
        f"flag {flag_id}: {note}",
        now,
    )
    audit(con, actor, "message_escalate", f"message:{message['receipt_no']}", flag_id=flag_id)
    return flag_id

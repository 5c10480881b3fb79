"""Rectification reaches the office that must act: the office answers its flags, the inspector
accepts the answer or sends it back (issue 17).

    answers.answer(con, flag_id, office="城关镇财政所", actor="wang", body="已追回", returned_yuan=Decimal("892.50"))
    answers.accept(con, flag_id, actor="li", outcome="recovered", note="核实无误")

One answer waits at a time.  Answering moves an open flag to in progress;
accepting resolves it with the answer's amount as recovered; sending back
keeps it in progress with the inspector's note.  Every step is a flag event
and an audit line, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import duckdb

from etl.audit import audit
from etl.transaction import transaction
from fundquery.inspect import flags
from fundquery.inspect.flags import FlagError
from fundquery.messages.deadlines import add_working_days
from fundquery.queries.sql import fetch

MAX_BODY = 2000
DEFAULT_WORKING_DAYS = 20  # the 整改 deadline when the inspector gives none (working days)
OPEN = ("open", "in_progress")


def deadline(con: duckdb.DuckDBPyConnection, start: dt.date, working_days: int) -> dt.date:
    """The day ``working_days`` working days after ``start`` (the holiday table as elsewhere)."""
    return add_working_days(con, start, working_days)[0]


def answers(con: duckdb.DuckDBPyConnection, flag_id: int) -> list[dict[str, Any]]:
    return fetch(con, "SELECT * FROM flag_answers WHERE flag_id = ? ORDER BY answer_id", [flag_id])


def pending(con: duckdb.DuckDBPyConnection, flag_id: int) -> dict[str, Any] | None:
    """The answer waiting for the inspector, if any."""
    found = [a for a in answers(con, flag_id) if a["decision"] is None]
    return found[-1] if found else None


def for_office(
    con: duckdb.DuckDBPyConnection, office: str, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """The office's open flags, overdue first, each with its latest answer's state."""
    return fetch(
        con,
        """
            SELECT f.flag_id, f.title, f.severity, f.status, f.due_on, f.amount_yuan, f.fund_code,
                   f.township, f.created_at,
                   f.due_on IS NOT NULL AND f.due_on < ? AS is_overdue,
                   a.decision AS last_decision, a.decision_note AS last_decision_note,
                   a.answered_at AS last_answered_at
            FROM flags f
            LEFT JOIN (SELECT * FROM flag_answers QUALIFY row_number() OVER
                       (PARTITION BY flag_id ORDER BY answer_id DESC) = 1) a USING (flag_id)
            WHERE f.assignee_office = ? AND f.status IN ('open', 'in_progress')
            ORDER BY is_overdue DESC, f.due_on NULLS LAST, f.flag_id
            """,
        [today or dt.date.today(), office],
    )


def answer(
    con: duckdb.DuckDBPyConnection,
    flag_id: int,
    *,
    office: str | None,
    actor: str,
    body: str,
    returned_yuan: Decimal | None = None,
    evidence: tuple[str, str] | None = None,
) -> int:
    """The office says what it did; returns the answer's id."""
    flag = flags.get(con, flag_id)
    if flag is None:
        raise FlagError(f"标记 {flag_id} 不存在。/ Flag {flag_id} does not exist.")
    if not office or office != flag["assignee_office"]:
        raise FlagError(
            f"这个问题由“{flag['assignee_office']}”整改，您的单位是“{office or '—'}”。"
            f" / This flag is for {flag['assignee_office']}; your office is {office or '—'}."
        )
    if flag["status"] not in OPEN:
        raise FlagError(
            f"这个问题已经“{flags.STATUS_ZH[flag['status']]}”，不需要再答复。"
            f" / The flag is {flag['status']}: no answer is needed."
        )
    if pending(con, flag_id) is not None:
        raise FlagError(
            "上一次答复还在等待核查，核查后才能再答复。/ The last answer is still being checked."
        )
    body = (body or "").strip()
    if not body:
        raise FlagError("请写明整改情况。/ Say what was done.")
    if len(body) > MAX_BODY:
        raise FlagError(f"整改情况最多 {MAX_BODY} 字。/ At most {MAX_BODY} characters.")
    if returned_yuan is not None and returned_yuan < 0:
        raise FlagError(
            f"追回或退还金额“{returned_yuan}”不能是负数。/ The amount returned cannot be negative."
        )
    sha, name = evidence or (None, None)
    with transaction(con):
        answer_id = con.execute(
            "INSERT INTO flag_answers (flag_id, office, answered_by, body, returned_yuan, evidence_sha256,"
            " evidence_name) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING answer_id",
            [flag_id, office, actor, body, returned_yuan, sha, name],
        ).fetchone()[0]
        note = f"整改答复（{office}）：{body}"
        if flag["status"] == "open":
            flags.step(con, flag_id, "in_progress", note, actor)
        else:
            con.execute(
                "INSERT INTO flag_events (flag_id, actor, from_status, to_status, note) VALUES (?, ?, ?, ?, ?)",
                [flag_id, actor, flag["status"], flag["status"], note],
            )
        audit(
            con,
            actor,
            "flag_answer",
            f"flag:{flag_id}",
            office=office,
            returned_yuan=returned_yuan,
            evidence=sha,
        )
    return answer_id


def _decide(con, flag_id: int, actor: str, decision: str, note: str) -> dict[str, Any]:
    found = pending(con, flag_id)
    if found is None:
        raise FlagError("没有等待核查的答复。/ No answer is waiting to be checked.")
    if not (note or "").strip():
        raise FlagError("请写核查意见。/ Write what the check found.")
    con.execute(
        "UPDATE flag_answers SET decision = ?, decided_by = ?, decided_at = current_timestamp,"
        " decision_note = ? WHERE answer_id = ?",
        [decision, actor, note.strip(), found["answer_id"]],
    )
    return found


def accept(
    con: duckdb.DuckDBPyConnection, flag_id: int, *, actor: str, outcome: str, note: str
) -> None:
    """The inspector accepts the waiting answer: the flag is resolved, with its amount recovered."""
    with transaction(con):
        found = _decide(con, flag_id, actor, "accepted", note)
        flags.step(
            con,
            flag_id,
            "resolved",
            f"核查通过：{note.strip()}",
            actor,
            outcome=outcome,
            recovered_yuan=found["returned_yuan"],
        )
        audit(con, actor, "flag_answer_accept", f"flag:{flag_id}", answer=found["answer_id"])


def send_back(con: duckdb.DuckDBPyConnection, flag_id: int, *, actor: str, note: str) -> None:
    """The inspector sends the waiting answer back: the office must answer again."""
    with transaction(con):
        found = _decide(con, flag_id, actor, "sent_back", note)
        con.execute(
            "INSERT INTO flag_events (flag_id, actor, from_status, to_status, note) VALUES (?, ?, ?, ?, ?)",
            [flag_id, actor, "in_progress", "in_progress", f"退回整改答复：{note.strip()}"],
        )
        audit(con, actor, "flag_answer_send_back", f"flag:{flag_id}", answer=found["answer_id"])


def recovered(con: duckdb.DuckDBPyConnection, by: str) -> list[dict[str, Any]]:
    """Recovered or returned money of resolved flags per fund, township or year."""
    column = {"fund": "fund_code", "township": "township", "year": "year"}[by]
    return fetch(
        con,
        f"SELECT {column} AS grp, count(*) AS flags, sum(recovered_yuan) AS recovered_yuan"  # noqa: S608
        " FROM flags WHERE status = 'resolved' AND recovered_yuan IS NOT NULL"
        " GROUP BY ALL ORDER BY recovered_yuan DESC NULLS LAST, grp",
    )

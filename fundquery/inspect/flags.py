"""Flags: a finding or record followed to resolution, and the rectification notice (整改公示) built from them.

A flag keeps the figures as they were when it was flagged.  It moves open ->
in progress -> resolved / dismissed (and may be reopened), with a note at
every step in ``flag_events``; every step is also in the audit log.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import duckdb

from etl.audit import audit
from etl.personal import PersonalNumber, masked, refuse
from etl.transaction import transaction
from fundquery.inspect.export import jsonable
from fundquery.resident.masking import mask_name

STATUSES = ("open", "in_progress", "resolved", "dismissed")
STATUS_ZH = {"open": "待处理", "in_progress": "处理中", "resolved": "已整改", "dismissed": "已排除"}
OUTCOMES = ("recovered", "corrected", "removed", "no_issue")
OUTCOME_ZH = {
    "recovered": "追回资金",
    "corrected": "更正数据",
    "removed": "清理出名册",
    "no_issue": "核实无问题",
}
MOVES = {
    "open": ("in_progress", "resolved", "dismissed"),
    "in_progress": ("resolved", "dismissed"),
    "resolved": ("open",),
    "dismissed": ("open",),
}


class FlagError(ValueError):
    """A step a flag cannot take; the message says why."""


def _nothing_personal(text: str | None, where_zh: str, where_en: str) -> None:
    """A text the public will read carries no ID, mobile or bank card number (issue 15)."""
    try:
        refuse(text, where_zh, where_en)
    except PersonalNumber as exc:
        raise FlagError(str(exc)) from None


def public_item(item: dict[str, Any]) -> dict[str, Any]:
    """A notice item with any personal number in its texts masked (stored data typed before issue 15)."""
    return {k: masked(v) if isinstance(v, str) else v for k, v in item.items()}


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def create(con: duckdb.DuckDBPyConnection, **fields: Any) -> int:
    """Open a flag with its first note (the fields of ``create_in``); return its id."""
    with transaction(con):
        return create_in(con, **fields)


def create_in(
    con: duckdb.DuckDBPyConnection,
    *,
    check_label: str | None,
    record_kind: str,
    record_key: str,
    title: str,
    figures: dict[str, Any],
    severity: str,
    assignee_office: str,
    due_on: dt.date | None,
    note: str,
    actor: str,
    amount_yuan: Decimal | None = None,
    year: int | None = None,
    fund_code: str | None = None,
    department: str | None = None,
    township: str | None = None,
) -> int:
    """``create`` inside the caller's transaction (a field visit that found a problem opens its flag with it)."""
    flag_id = con.execute(
        "INSERT INTO flags (check_label, record_kind, record_key, title, figures, amount_yuan, year, fund_code,"
        " department, township, severity, assignee_office, due_on, status, created_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?) RETURNING flag_id",
        [
            check_label,
            record_kind,
            record_key,
            title,
            json.dumps({k: jsonable(v) for k, v in figures.items()}, ensure_ascii=False),
            amount_yuan,
            year,
            fund_code,
            department,
            township,
            severity,
            assignee_office,
            due_on,
            actor,
        ],
    ).fetchone()[0]
    con.execute(
        "INSERT INTO flag_events (flag_id, actor, from_status, to_status, note) VALUES (?, ?, NULL, 'open', ?)",
        [flag_id, actor, note],
    )
    audit(
        con,
        actor,
        "flag_open",
        f"flag:{flag_id}",
        check=check_label,
        record_kind=record_kind,
        severity=severity,
        office=assignee_office,
    )
    return flag_id


def move(
    con: duckdb.DuckDBPyConnection,
    flag_id: int,
    to_status: str,
    note: str,
    actor: str,
    *,
    outcome: str | None = None,
    recovered_yuan: Decimal | None = None,
) -> None:
    """Take one step with its note; resolving needs an outcome."""
    with transaction(con):
        step(con, flag_id, to_status, note, actor, outcome=outcome, recovered_yuan=recovered_yuan)


def step(
    con: duckdb.DuckDBPyConnection,
    flag_id: int,
    to_status: str,
    note: str,
    actor: str,
    *,
    outcome: str | None = None,
    recovered_yuan: Decimal | None = None,
) -> None:
    """``move`` inside the caller's transaction (an office's answer accepted takes this step with it)."""
    flag = get(con, flag_id)
    if flag is None:
        raise FlagError(f"标记 {flag_id} 不存在。/ Flag {flag_id} does not exist.")
    if to_status not in MOVES[flag["status"]]:
        raise FlagError(
            f"“{STATUS_ZH[flag['status']]}”的标记不能改为“{STATUS_ZH.get(to_status, to_status)}”。"
            f" / A flag that is {flag['status']} cannot become {to_status}."
        )
    if not note.strip():
        raise FlagError("每一步都要写处理说明。/ Every step needs a note.")
    if to_status == "resolved" and outcome not in OUTCOMES:
        raise FlagError("整改完成时要选择整改结果。/ Resolving needs an outcome.")
    if to_status != "resolved":
        outcome, recovered_yuan = None, None
    con.execute(
        "UPDATE flags SET status = ?, outcome = ?, recovered_yuan = ?, updated_at = current_timestamp"
        " WHERE flag_id = ?",
        [to_status, outcome, recovered_yuan, flag_id],
    )
    con.execute(
        "INSERT INTO flag_events (flag_id, actor, from_status, to_status, note, outcome, recovered_yuan)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [flag_id, actor, flag["status"], to_status, note, outcome, recovered_yuan],
    )
    audit(
        con,
        actor,
        "flag_move",
        f"flag:{flag_id}",
        from_status=flag["status"],
        to_status=to_status,
        outcome=outcome,
        recovered_yuan=recovered_yuan,
    )


_OVERDUE = "(f.status IN ('open', 'in_progress') AND f.due_on < ?)"


def get(
    con: duckdb.DuckDBPyConnection, flag_id: int, today: dt.date | None = None
) -> dict[str, Any] | None:
    rows = _rows(
        con.execute(
            f"SELECT f.*, {_OVERDUE} AS is_overdue FROM flags f WHERE flag_id = ?",  # noqa: S608
            [today or dt.date.today(), flag_id],
        )
    )
    if not rows:
        return None
    flag = rows[0]
    flag["figures"] = json.loads(flag["figures"])
    return flag


def events(con: duckdb.DuckDBPyConnection, flag_id: int) -> list[dict[str, Any]]:
    return _rows(
        con.execute("SELECT * FROM flag_events WHERE flag_id = ? ORDER BY event_id", [flag_id])
    )


def listing(
    con: duckdb.DuckDBPyConnection,
    *,
    status: str | None = None,
    severity: str | None = None,
    office: str | None = None,
    check_label: str | None = None,
    overdue_only: bool = False,
    today: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Flags, newest first, filtered; each with is_overdue (still open past its due date)."""
    sql = (
        f"SELECT f.flag_id, f.check_label, f.record_kind, f.title, f.amount_yuan, f.township, f.severity,"  # noqa: S608
        f" f.assignee_office, f.due_on, f.status, f.outcome, f.recovered_yuan, f.created_by, f.created_at,"
        f" f.updated_at, {_OVERDUE} AS is_overdue FROM flags f"
        " WHERE (? IS NULL OR f.status = ?) AND (? IS NULL OR f.severity = ?)"
        " AND (? IS NULL OR f.assignee_office = ?) AND (? IS NULL OR f.check_label = ?)"
        f" AND (NOT ? OR {_OVERDUE}) ORDER BY f.flag_id DESC"
    )
    today = today or dt.date.today()
    return _rows(
        con.execute(
            sql,
            [
                today,
                status,
                status,
                severity,
                severity,
                office,
                office,
                check_label,
                check_label,
                overdue_only,
                today,
            ],
        )
    )


def flagged_keys(con: duckdb.DuckDBPyConnection, check_label: str) -> dict[str, tuple[int, str]]:
    """record_key -> (flag id, status) of the latest flag on each finding of a check."""
    rows = con.execute(
        "SELECT record_key, arg_max(flag_id, flag_id), arg_max(status, flag_id) FROM flags"
        " WHERE check_label = ? GROUP BY record_key",
        [check_label],
    ).fetchall()
    return {key: (fid, status) for key, fid, status in rows}


def offices(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in con.execute("SELECT DISTINCT assignee_office FROM flags ORDER BY 1").fetchall()
    ]


def summary(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """What was found, recovered and corrected: by check and outcome, computed from the flags."""
    by_status = dict(con.execute("SELECT status, count(*) FROM flags GROUP BY status").fetchall())
    rows = _rows(
        con.execute(
            "SELECT coalesce(check_label, record_kind) AS check_label, outcome, count(*) AS flag_count,"
            " sum(amount_yuan) AS amount_yuan, sum(recovered_yuan) AS recovered_yuan"
            " FROM flags WHERE status = 'resolved' GROUP BY ALL ORDER BY 1, 2"
        )
    )
    total = con.execute(
        "SELECT count(*), coalesce(sum(recovered_yuan), 0) FROM flags WHERE status = 'resolved'"
    ).fetchone()
    return {
        "by_status": {s: by_status.get(s, 0) for s in STATUSES},
        "resolved": rows,
        "resolved_count": total[0],
        "recovered_yuan": total[1],
    }


def resolved_for_notice(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Resolved flags as the public may see them: no IDs, names masked, figures reduced to place and money."""
    rows = _rows(
        con.execute(
            "SELECT f.flag_id, f.check_label, f.title, f.township, f.fund_code, f.amount_yuan, f.outcome,"
            " f.recovered_yuan, CAST(f.updated_at AS DATE) AS resolved_on, f.assignee_office, f.figures"
            " FROM flags f WHERE f.status = 'resolved' AND f.outcome <> 'no_issue' ORDER BY f.flag_id"
        )
    )
    for row in rows:
        figures = json.loads(row.pop("figures"))
        row["agency_name"] = figures.get("agency_name")
        row["name"] = mask_name(figures.get("name"))
    return [public_item(r) for r in rows]


def create_notice(con: duckdb.DuckDBPyConnection, title: str, actor: str) -> int:
    """A draft 整改公示: the resolved flags as they stand now (snapshot)."""
    _nothing_personal(title, "公示标题", "The notice title")
    body = {
        "items": [{k: jsonable(v) for k, v in r.items()} for r in resolved_for_notice(con)],
        "summary": {k: jsonable(v) for k, v in summary(con).items() if k != "resolved"},
    }
    notice_id = con.execute(
        "INSERT INTO rectification_notices (title, body, created_by) VALUES (?, ?, ?) RETURNING notice_id",
        [title, json.dumps(body, ensure_ascii=False), actor],
    ).fetchone()[0]
    audit(con, actor, "notice_draft", f"notice:{notice_id}", items=len(body["items"]))
    return notice_id


def publish_notice(con: duckdb.DuckDBPyConnection, notice_id: int, actor: str) -> None:
    row = con.execute(
        "SELECT published_at, title FROM rectification_notices WHERE notice_id = ?", [notice_id]
    ).fetchone()
    if row is None:
        raise FlagError(f"公示 {notice_id} 不存在。/ Notice {notice_id} does not exist.")
    if row[0] is not None:
        raise FlagError(f"公示 {notice_id} 已经公开。/ Notice {notice_id} is already published.")
    _nothing_personal(row[1], f"公示 {notice_id} 的标题", f"The title of notice {notice_id}")
    con.execute(
        "UPDATE rectification_notices SET published_at = current_timestamp, published_by = ? WHERE notice_id = ?",
        [actor, notice_id],
    )
    audit(con, actor, "notice_publish", f"notice:{notice_id}")


def notices(con: duckdb.DuckDBPyConnection, *, published_only: bool) -> list[dict[str, Any]]:
    rows = _rows(
        con.execute(
            "SELECT notice_id, title, created_by, created_at, published_by, published_at, body FROM rectification_notices"
            " WHERE NOT ? OR published_at IS NOT NULL ORDER BY notice_id DESC",
            [published_only],
        )
    )
    for row in rows:
        row["body"] = json.loads(row["body"])
    return rows


def notice(con: duckdb.DuckDBPyConnection, notice_id: int) -> dict[str, Any] | None:
    found = [n for n in notices(con, published_only=False) if n["notice_id"] == notice_id]
    return found[0] if found else None

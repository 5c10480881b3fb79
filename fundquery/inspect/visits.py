"""What inspectors found on the ground (明查暗访, issue 16): a visit per sample member, and the summary.

    visits.record(con, sample_id, 3, outcome="amount_differs", note="实发 600 元", recover="292.50",
                  actor="jian")

A visit whose outcome is a problem opens a flag in the follow-up every other
finding goes through (fundquery.inspect.flags, answers): assigned to the
office responsible (by default the member's township finance office, which
paid the household), due in the county's usual 20 working days.  Visiting a
member again adds a visit; the latest counts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import duckdb

from etl.audit import audit
from etl.transaction import transaction
from fundquery.inspect import answers, flags, samples
from fundquery.queries.sql import fetch
from fundquery.resident.masking import mask_name

OUTCOMES = ("confirmed", "not_found", "not_eligible", "amount_differs", "deceased", "other")
OUTCOME_ZH = {
    "confirmed": "核实无误",
    "not_found": "查无此人",
    "not_eligible": "不符合条件",
    "amount_differs": "金额不符",
    "deceased": "已死亡",
    "other": "其他问题",
}
PROBLEMS = OUTCOMES[1:]
# How serious each problem is when it becomes a flag: money to someone who is not there or not
# entitled is high, a wrong amount or anything else medium.
SEVERITY = {
    "not_found": "high",
    "not_eligible": "high",
    "deceased": "high",
    "amount_differs": "medium",
    "other": "medium",
}
MAX_NOTE = 2000


class VisitError(ValueError):
    """A visit that cannot be recorded as given; the message names the member, the field and the value."""


def parse_money(text: str | Decimal | None, member_no: int) -> Decimal | None:
    """The amount to recover as written (1,234.50 or 1234.5元): a Decimal ≥ 0 with at most 2 decimals."""
    if text is None or str(text).strip() == "":
        return None
    raw = str(text).strip()
    cleaned = raw.replace(",", "").replace("，", "").removesuffix("元").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if (
        value is None
        or not value.is_finite()
        or value < 0
        or value != value.quantize(Decimal("0.01"))
        or value >= Decimal("1e16")
    ):
        raise VisitError(
            f"第 {member_no} 号抽查对象，“应追回金额”填的是“{raw}”：应为不小于 0、最多两位小数的金额（如 1234.50）。"
            f" / Member {member_no}, amount to recover: “{raw}” is not money; expected an amount of at"
            " least 0 with at most 2 decimals (1234.50)."
        )
    return value.quantize(Decimal("0.01"))


def default_office(member: dict[str, Any]) -> str:
    """The office that paid the household: its township's finance office (财政所)."""
    return f"{member['township']}财政所" if member.get("township") else "县财政局"


def member(con: duckdb.DuckDBPyConnection, sample_id: int, member_no: int) -> dict[str, Any] | None:
    found = [m for m in samples.members(con, sample_id) if m["member_no"] == member_no]
    return found[0] if found else None


def record(
    con: duckdb.DuckDBPyConnection,
    sample_id: int,
    member_no: int,
    *,
    outcome: str,
    note: str = "",
    recover: str | Decimal | None = None,
    visited_on: dt.date | None = None,
    office: str | None = None,
    actor: str,
) -> int:
    """Record one visit (and open its flag when a problem was found); returns the visit's id."""
    found = member(con, sample_id, member_no)
    if found is None:
        raise VisitError(
            f"抽查 {sample_id} 中没有第 {member_no} 号对象。/ Sample {sample_id} has no member {member_no}."
        )
    if outcome not in OUTCOMES:
        words = "、".join(OUTCOME_ZH.values())
        raise VisitError(
            f"第 {member_no} 号抽查对象，“核查结果”填的是“{outcome}”：应为{words}之一。"
            f" / Member {member_no}, outcome: “{outcome}”; expected one of {', '.join(OUTCOMES)}."
        )
    amount = parse_money(recover, member_no)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise VisitError(
            f"第 {member_no} 号抽查对象，“情况说明”有 {len(note)} 字：应不超过 {MAX_NOTE} 字。"
            f" / Member {member_no}, note: {len(note)} characters; expected at most {MAX_NOTE}."
        )
    if outcome != "confirmed" and not note:
        raise VisitError(
            f"第 {member_no} 号抽查对象，结果为“{OUTCOME_ZH[outcome]}”：请在“情况说明”中写明发现的问题。"
            f" / Member {member_no}: a problem needs a note saying what was found."
        )
    if visited_on is not None and visited_on > dt.date.today():
        raise VisitError(
            f"第 {member_no} 号抽查对象，“走访日期”填的是 {visited_on.isoformat()}：应不晚于今天。"
            f" / Member {member_no}, visited on {visited_on.isoformat()}: expected today or earlier."
        )
    office = (office or "").strip() or default_office(found)
    with transaction(con):
        flag_id = None
        if outcome != "confirmed":
            flag_id = _flag(con, sample_id, found, outcome, note, amount, office, actor)
        visit_id = con.execute(
            "INSERT INTO sample_visits (sample_id, member_no, outcome, note, recover_yuan, visited_on,"
            " flag_id, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING visit_id",
            [sample_id, member_no, outcome, note, amount, visited_on, flag_id, actor],
        ).fetchone()[0]
        audit(
            con,
            actor,
            "sample_visit",
            f"sample:{sample_id}:{member_no}",
            outcome=outcome,
            recover_yuan=amount,
            flag_id=flag_id,
        )
    return visit_id


def _flag(con, sample_id, found, outcome, note, amount, office, actor) -> int:
    """The problem as a flag, inside the visit's transaction: the figures name the member masked."""
    sample = samples.get(con, sample_id)
    figures = {
        "name": mask_name(found["name"]),
        "id_masked": found["id_masked"],
        "township": found["township"],
        "village": found["village"],
        "fund_code": found["fund_codes"],
        "amount_yuan": found["amount_yuan"],
        "抽查": f"{sample_id}-{found['member_no']}",
        "核查结果": OUTCOME_ZH[outcome],
        "应追回金额": amount,
        "_person": found["id_hash"],
    }
    return flags.create_in(
        con,
        check_label=None,
        record_kind="field_check",
        record_key=f"{sample_id}:{found['member_no']}",
        title=f"实地抽查：{OUTCOME_ZH[outcome]}",
        figures=figures,
        severity=SEVERITY[outcome],
        assignee_office=office,
        due_on=answers.deadline(con, dt.date.today(), answers.DEFAULT_WORKING_DAYS),
        note=note,
        actor=actor,
        amount_yuan=amount,
        year=sample["year"],
        fund_code=sample["fund_code"],
        township=found["township"],
    )


def summary(con: duckdb.DuckDBPyConnection, sample_id: int) -> dict[str, Any]:
    """Members, visited, problems by type and the amount to recover, from each member's latest visit."""
    rows = fetch(
        con,
        "WITH latest AS (SELECT * FROM sample_visits WHERE sample_id = ?"
        " QUALIFY row_number() OVER (PARTITION BY member_no ORDER BY visit_id DESC) = 1)"
        " SELECT outcome, count(*) AS member_count, sum(recover_yuan) AS recover_yuan FROM latest"
        " GROUP BY outcome",
        [sample_id],
    )
    by_outcome = {r["outcome"]: r for r in rows}
    total = con.execute(
        "SELECT member_count FROM samples WHERE sample_id = ?", [sample_id]
    ).fetchone()
    visited = sum(r["member_count"] for r in rows)
    return {
        "member_count": total[0] if total else 0,
        "visited_count": visited,
        "problem_count": sum(r["member_count"] for r in rows if r["outcome"] != "confirmed"),
        "by_outcome": [
            {
                "outcome": o,
                "title_zh": OUTCOME_ZH[o],
                "member_count": by_outcome[o]["member_count"] if o in by_outcome else 0,
                "recover_yuan": (by_outcome[o]["recover_yuan"] if o in by_outcome else None)
                or Decimal("0.00"),
            }
            for o in OUTCOMES
        ],
        "recover_yuan": sum(
            (r["recover_yuan"] for r in rows if r["recover_yuan"] is not None), Decimal("0.00")
        ),
    }


def summaries(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every sample with its summary, oldest first (the inspectors' workbook has a sheet of them)."""
    return [{**s, "summary": summary(con, s["sample_id"])} for s in reversed(samples.listing(con))]

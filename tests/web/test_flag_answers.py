# ruff: noqa: F811 (the inspector pages' fixtures, imported)
"""Rectification reaches the office that must act: the office answers its flag, the inspector sends
it back or accepts it, the letter is printed, and overdue flags are found by the catalogue."""

from __future__ import annotations

import datetime as dt
import io

from chinese_calendar import is_workday

from fundquery.inspect import CHECKS, Filters, Params, flags, run
from fundquery.web.db import get_db
from tests.web.accounts import add_user, csrf_token
from tests.web.test_inspect_pages import (  # noqa: F401 (fixtures)
    AS_OF,
    _post,
    inspector,
    loaded_app,
    signed_in,
)

EVIDENCE = b"%PDF-1.4 returned to the household's account\n%%EOF\n"


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end], by chinesecalendar where it knows the year, else Monday–Friday."""
    days, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        try:
            days += is_workday(day)
        except NotImplementedError:  # a year chinesecalendar does not know yet
            days += day.weekday() < 5
    return days


def _flag(inspector, office: str) -> str:
    check = inspector.get(
        f"/staff/inspect/check/allocation_shortfall?{AS_OF}&format=json"
    ).get_json()
    flag_url = check["rows"][0]["flag_url"]
    done = _post(
        inspector,
        flag_url,
        flag_url,
        note="城关镇少发 100 元",
        severity="high",
        assignee_office=office,
    )
    assert done.status_code == 302
    return done.location


def _answer(client, flag_id: int, **data):
    path = f"/staff/flags/{flag_id}"
    token = csrf_token(client, path)  # the page's form, or the sign-out form when none is offered
    return client.post(path, data={"csrf_token": token, **data}, content_type="multipart/form-data")


def test_the_office_answers_the_inspector_sends_back_then_accepts(inspector, loaded_app):
    add_user(loaded_app, "wang", "finance", office="城关镇财政所")
    add_user(loaded_app, "zhao", "finance", office="三阳镇财政所")
    flag_path = _flag(inspector, "城关镇财政所")
    flag_id = int(flag_path.rsplit("/", 1)[1])
    # no date given: 20 working days from today, on the holiday table
    due = dt.date.fromisoformat(
        inspector.get(f"{flag_path}?format=json").get_json()["flag"]["due_on"]
    )
    assert working_days_between(dt.date.today(), due) == 20 and is_workday_or_weekday(due)

    wang, zhao = signed_in(loaded_app, "wang"), signed_in(loaded_app, "zhao")
    assert [f["flag_id"] for f in wang.get("/staff/flags?format=json").get_json()["flags"]] == [
        flag_id
    ]
    assert zhao.get("/staff/flags?format=json").get_json()["flags"] == []
    assert zhao.get(f"/staff/flags/{flag_id}").status_code == 404  # not even that it exists

    refused = _answer(wang, flag_id, body="", returned_yuan="-5")
    assert refused.status_code == 400
    first = _answer(
        wang,
        flag_id,
        body="已补发 100 元到户",
        returned_yuan="100.00",
        evidence=(io.BytesIO(EVIDENCE), "回单.pdf"),
    )
    assert first.status_code == 302
    again = _answer(wang, flag_id, body="再答复一次")  # the first is still waiting
    assert again.status_code == 400 and "等待核查" in again.get_data(as_text=True)
    seen = inspector.get(f"{flag_path}?format=json").get_json()
    assert [a["body"] for a in seen["answers"]] == ["已补发 100 元到户"]
    assert seen["flag"]["status"] == "in_progress"
    with inspector.get(f"{flag_path}/evidence/{seen['answers'][0]['answer_id']}") as evidence:
        assert evidence.status_code == 200 and evidence.data == EVIDENCE
    assert wang.get(f"{flag_path}/evidence/{seen['answers'][0]['answer_id']}").status_code == 403

    assert (
        _post(inspector, f"{flag_path}/send-back", flag_path, note="回单金额与清册不符").status_code
        == 302
    )
    listed = wang.get("/staff/flags?format=json").get_json()["flags"][0]
    assert (
        listed["last_decision"] == "sent_back"
        and listed["last_decision_note"] == "回单金额与清册不符"
    )
    assert (
        _answer(wang, flag_id, body="已补齐，另退回 20.50 元", returned_yuan="120.50").status_code
        == 302
    )
    accepted = _post(
        inspector, f"{flag_path}/accept", flag_path, note="核对回单无误", outcome="recovered"
    )
    assert accepted.status_code == 302
    done = inspector.get(f"{flag_path}?format=json").get_json()
    assert done["flag"]["status"] == "resolved" and done["flag"]["recovered_yuan"] == "120.50"
    assert [a["decision"] for a in done["answers"]] == ["sent_back", "accepted"]
    assert wang.get("/staff/flags?format=json").get_json()["flags"] == []  # nothing left to do
    with loaded_app.app_context():
        actions = [
            r[0]
            for r in get_db()
            .execute(
                "SELECT action FROM audit_log WHERE target = ? ORDER BY audit_id",
                [f"flag:{flag_id}"],
            )
            .fetchall()
        ]
    assert actions == [
        "flag_open",
        "flag_move",  # answered: open -> in progress
        "flag_answer",
        "flag_answer_send_back",
        "flag_answer",
        "flag_move",  # accepted: resolved
        "flag_answer_accept",
    ]
    # the inspectors' summary sums it per fund, township and year
    recovered = inspector.get("/staff/inspect/summary?format=json").get_json()["recovered_by"]
    assert [(r["grp"], r["recovered_yuan"]) for r in recovered["fund"]] == [
        (done["flag"]["fund_code"], "120.50")
    ]
    # the year's report counts what was recovered (120.50 yuan = 0.01 万元)
    anonymous = loaded_app.test_client()
    report = anonymous.get(f"/annual/{dt.date.today().year}?format=json").get_json()
    assert report["rectification"]["recovered_wan"] == "0.01"
    assert report["rectification"]["recovered_flags"] == 1


def is_workday_or_weekday(day: dt.date) -> bool:
    try:
        return is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def test_the_letter_names_the_office_the_problem_and_the_deadline(inspector, loaded_app):
    flag_path = _flag(inspector, "城关镇财政所")
    flag = inspector.get(f"{flag_path}?format=json").get_json()["flag"]
    letter = inspector.get(f"{flag_path}/letter").get_data(as_text=True)
    assert "整改通知书" in letter and "城关镇财政所" in letter and flag["due_on"] in letter
    assert f"〔{dt.date.today().year}〕{flag['flag_id']:04d}" in letter
    office = inspector.get("/staff/inspect/offices/城关镇财政所/letter")
    assert office.status_code == 200 and flag["title"] in office.get_data(as_text=True)
    assert inspector.get("/staff/inspect/offices/无此单位/letter").status_code == 404


def test_overdue_rectification_lists_open_flags_past_their_deadline(loaded_app):
    today = dt.date.today()
    with loaded_app.app_context():
        con = get_db()

        def flag(key: str, due: dt.date) -> int:
            return flags.create(
                con,
                check_label=None,
                record_kind="payments",
                record_key=key,
                title=key,
                figures={},
                severity="high",
                assignee_office="城关镇财政所",
                due_on=due,
                note="核实",
                actor="jian",
            )

        late = flag("late", dt.date(2024, 1, 10))
        done = flag("done", dt.date(2024, 1, 10))
        flags.move(con, done, "resolved", "已整改", "jian", outcome="corrected")
        flag("not yet", today + dt.timedelta(days=30))
        result = run(con, CHECKS["overdue_rectification"], Params(as_of=today), Filters())
    assert [(r["flag_id"], r["status"]) for r in result.rows] == [(late, "待处理")]
    assert result.rows[0]["working_days_late"] == working_days_between(dt.date(2024, 1, 10), today)

"""The inspectors' check `overdue_replies`: catalogue, CLI report and report page, on the tiny county."""

from __future__ import annotations

import datetime as dt
import json

import chinese_calendar
import pytest
from click.testing import CliRunner

from fundquery import create_app
from fundquery.cli import cli
from fundquery.inspect import CATALOGUE, CHECKS, Filters, Params, run
from fundquery.messages import store as message_store
from fundquery.messages import workflow
from fundquery.web.db import EXTENSION
from tests import inspect_county as county
from tests.web.accounts import add_user, sign_in

AS_OF = county.AS_OF  # 2024-12-31
MONDAY = dt.datetime(2024, 12, 2, 9, 0)


def _workdays_after(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end], counted with chinesecalendar itself."""
    return sum(
        chinese_calendar.is_workday(start + dt.timedelta(days=n))
        for n in range(1, (end - start).days + 1)
    )


def _message(con, now, department, fund_code="F001", township="城关镇"):
    receipt = message_store.submit(
        con,
        message_type="咨询",
        township=township,
        village="东风村",
        fund_code=fund_code,
        body="补贴什么时候发？",
        name="甲一",
        phone="13900000000",
        now=now,
    )
    workflow.register(
        con,
        receipt.message_id,
        category="补贴发放",
        department=department,
        working_days=3,
        actor="desk",
        now=now,
    )
    workflow.route(con, receipt.message_id, actor="desk", now=now)
    return receipt


def _answer_and_publish(con, receipt, department, when):
    workflow.answer(
        con, receipt.message_id, reply="本月发放。", actor="wang", office=department, now=when
    )
    workflow.review(
        con,
        receipt.message_id,
        public_body="补贴什么时候发？",
        is_listed=True,
        actor="head",
        now=when,
    )
    workflow.publish(con, receipt.message_id, actor="head", now=when)


@pytest.fixture
def planted(load, store, tmp_path):
    """The tiny county plus messages: on time, still open, answered late, not yet due, received after as-of."""
    county.build(load, store, tmp_path)
    on_time = _message(store, MONDAY, "城关镇财政所")
    _answer_and_publish(store, on_time, "城关镇财政所", dt.datetime(2024, 12, 4, 16, 0))
    still_open = _message(store, MONDAY, "城关镇财政所")
    late = _message(store, MONDAY, "县民政局", fund_code="F002", township="花园乡")
    _answer_and_publish(store, late, "县民政局", dt.datetime(2024, 12, 10, 10, 0))
    not_due = _message(store, dt.datetime(2024, 12, 30, 9, 0), "城关镇财政所")
    after = _message(store, dt.datetime(2025, 1, 6, 9, 0), "城关镇财政所")
    return {
        "on_time": on_time,
        "still_open": still_open,
        "late": late,
        "not_due": not_due,
        "after": after,
    }


def test_the_check_is_in_the_catalogue():
    assert (
        CHECKS["overdue_replies"] in CATALOGUE and CHECKS["overdue_replies"].group == "publication"
    )


def test_overdue_replies_finds_the_open_and_the_late(store, planted):
    result = run(store, CHECKS["overdue_replies"], Params(as_of=AS_OF))
    rows = {r["receipt_no"]: r for r in result.rows}
    assert set(rows) == {planted["still_open"].receipt_no, planted["late"].receipt_no}
    deadline = planted["late"].deadline_on
    assert deadline == dt.date(2024, 12, 5)  # Mon 2 December + 3 working days
    late, still_open = rows[planted["late"].receipt_no], rows[planted["still_open"].receipt_no]
    assert late["published_on"] == dt.date(2024, 12, 10)
    assert late["working_days_late"] == _workdays_after(deadline, dt.date(2024, 12, 10)) == 3
    assert still_open["published_on"] is None and still_open["status"] == "已转办"
    assert still_open["working_days_late"] == _workdays_after(deadline, AS_OF)
    assert not any(r["is_provisional"] for r in result.rows)
    assert "甲一" not in str(result.rows) and "13900000000" not in str(result.rows)


def test_filters_and_as_of(store, planted):
    check = CHECKS["overdue_replies"]
    assert [
        r["receipt_no"]
        for r in run(store, check, Params(as_of=AS_OF), Filters(fund_code="F002")).rows
    ] == [planted["late"].receipt_no]
    assert [
        r["receipt_no"]
        for r in run(store, check, Params(as_of=AS_OF), Filters(department="城关镇财政所")).rows
    ] == [planted["still_open"].receipt_no]
    assert (
        run(store, check, Params(as_of=dt.date(2024, 12, 5))).rows == []
    )  # the deadline day itself is on time
    # As of 9 December the late one was still unanswered: published later, it counts as open then.
    earlier = {
        r["receipt_no"]: r for r in run(store, check, Params(as_of=dt.date(2024, 12, 9))).rows
    }
    assert earlier[planted["late"].receipt_no]["published_on"] is None
    assert earlier[planted["late"].receipt_no]["status"] == "未答复"


def test_fundquery_report_overdue_replies(store, planted, tmp_path, monkeypatch):
    store.close()
    monkeypatch.setenv("FUNDQUERY_DB", str(tmp_path / "store.duckdb"))
    result = CliRunner().invoke(
        cli,
        ["report", "overdue_replies", "--json", "--as-of", AS_OF.isoformat()],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["check"] == "overdue_replies" and data["count"] == 2
    assert {r["receipt_no"] for r in data["rows"]} == {
        planted["still_open"].receipt_no,
        planted["late"].receipt_no,
    }
    assert "甲一" not in result.output


def test_report_page_and_flagging_a_finding(store, planted, tmp_path):
    store.close()
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "DATABASE": str(tmp_path / "store.duckdb")}
    )
    try:
        add_user(app, "zhou", "inspector", office="县财政监督局")
        client = app.test_client()
        sign_in(client, "zhou")
        page = client.get(f"/staff/inspect/check/overdue_replies?as_of={AS_OF}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "留言答复超期" in html
        assert (
            planted["still_open"].receipt_no in html and planted["on_time"].receipt_no not in html
        )
        index = client.get(f"/staff/inspect/?as_of={AS_OF}").get_data(as_text=True)
        assert "留言答复超期" in index
        csv_text = client.get(f"/staff/inspect/check/overdue_replies.csv?as_of={AS_OF}").get_data(
            as_text=True
        )
        assert planted["late"].receipt_no in csv_text and "甲一" not in csv_text
    finally:
        app.extensions[EXTENSION].close()

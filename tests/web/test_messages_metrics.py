"""The desk's metrics page: received, answered, on time, median days, computed from the rows."""

from __future__ import annotations

import datetime as dt
import statistics
from decimal import ROUND_HALF_UP, Decimal

import pytest

from fundquery.messages import store as message_store
from fundquery.messages import workflow
from fundquery.web.db import get_db
from tests.web.accounts import add_user, sign_in

T = dt.datetime
# (department, received, published or None)
PLAN = [
    ("城关镇财政所", T(2026, 3, 2, 9), T(2026, 3, 3, 9)),  # due 3-05: on time
    ("城关镇财政所", T(2026, 3, 2, 9), T(2026, 3, 8, 9)),  # late
    ("城关镇财政所", T(2026, 3, 2, 9), None),  # still open
    ("县民政局", T(2026, 4, 1, 9), T(2026, 4, 3, 9)),  # due after 清明: on time
]


def _pct(part: int, whole: int) -> str:
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP))


@pytest.fixture
def desk(app):
    add_user(app, "head", "reviewer", office="县政务公开办")
    with app.app_context():
        con = get_db()
        for department, received, published in PLAN:
            r = message_store.submit(
                con, message_type="咨询", township="城关镇", village=None, body="问", now=received
            )
            workflow.register(
                con,
                r.message_id,
                category="其他",
                department=department,
                working_days=3,
                actor="head",
                now=received,
            )
            workflow.route(con, r.message_id, actor="head", now=received)
            if published:
                workflow.answer(
                    con, r.message_id, reply="答", actor="x", office=department, now=published
                )
                workflow.review(
                    con, r.message_id, public_body="问", is_listed=True, actor="head", now=published
                )
                workflow.publish(con, r.message_id, actor="head", now=published)
    client = app.test_client()
    sign_in(client, "head")
    return client


def test_totals_and_by_department(desk, app):
    data = desk.get("/staff/messages/metrics?format=json").get_json()
    with app.app_context():
        deadlines = {
            m[0]: m[1]
            for m in get_db()
            .execute("SELECT message_id, deadline_on FROM messages ORDER BY message_id")
            .fetchall()
        }
    answered = [(i, p - r) for i, (_, r, p) in enumerate(PLAN, start=1) if p]
    on_time = [i for i, (_, _, p) in enumerate(PLAN, start=1) if p and p.date() <= deadlines[i]]
    assert deadlines[1] == dt.date(2026, 3, 5) and deadlines[4] == dt.date(
        2026, 4, 7
    )  # 4-04..06 清明
    median_days = statistics.median(d.total_seconds() / 86400 for _, d in answered)
    totals = data["totals"]
    assert (totals["received"], totals["answered"], totals["on_time"]) == (
        len(PLAN),
        len(answered),
        len(on_time),
    )
    assert totals["response_rate"] == _pct(len(answered), len(PLAN)) == "75.0"
    assert totals["on_time_rate"] == _pct(len(on_time), len(answered)) == "66.7"
    assert Decimal(totals["median_days"]) == Decimal(str(median_days)).quantize(Decimal("0.1"))
    by_department = {r["label"]: r for r in data["by_department"]}
    assert (
        by_department["城关镇财政所"]["received"],
        by_department["城关镇财政所"]["answered"],
    ) == (3, 2)
    assert by_department["城关镇财政所"]["response_rate"] == _pct(2, 3)
    assert by_department["城关镇财政所"]["overdue"] == 1  # the open one, long past 3-05
    assert [r["label"] for r in data["by_month"]] == ["2026-03", "2026-04"]
    html = desk.get("/staff/messages/metrics").get_data(as_text=True)
    assert html.count('data-chart="chart-') == 2 and "75.0%" in html


def test_an_empty_year_has_no_rates(desk):
    data = desk.get("/staff/messages/metrics?format=json&year=2019").get_json()
    assert data["totals"]["received"] == 0 and data["totals"]["response_rate"] is None

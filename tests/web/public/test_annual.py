"""The yearly openness report on the small county: every figure worked out by hand from county.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fundquery.inspect import flags
from fundquery.messages import store as message_store
from fundquery.messages import workflow
from fundquery.web.db import get_db
from tests.web.accounts import add_user

# county.py, 2024: F001 1,000,000 + F002 500,000 (to persons) + F003 2,000,000 (projects);
# six published 2024 payments (the unpublished and retracted batches never count); two projects
# 200,000.00 + 150,000.50; budgets of 县财政局 and 县民政局 3,000,000 + 500,000 + 12,000 + 30,000
# + 1,500,000 + 0; two agencies, four serving staff (吴退 is retired); PZ1 took 3 days, PZ2 19.
EXPECTED_2024 = {
    "funds": {
        "count": 3,
        "budget_wan": "350.00",
        "unbudgeted": 0,
        "person_times": 6,
        # 892.50 + 892.51 + 600.00 + 105.00 + 210.00 + 315.00 = 3,015.01 yuan in the lists
        "paid_wan": "0.30",
        "projects": 2,
    },
    "to_persons": {"count": 2, "budget_wan": "150.00", "unbudgeted": 0},
    "to_projects": {
        "funds": 1,
        "budget_wan": "200.00",
        "unbudgeted": 0,
        "count": 2,
        "amount_wan": "35.00",
    },
    "budgets": {"departments": 2, "amount_wan": "504.20"},
    "staffing": {"agencies": 2, "staff": 4},
}


def test_the_year_figures_are_those_of_the_published_county(county_client):
    figures = county_client.get("/annual/2024?format=json").get_json()
    for section, values in EXPECTED_2024.items():
        assert figures[section] == values, section
    assert figures["speed"]["counts"] == [1, 0, 1]
    assert figures["speed"]["shares"] == ["50.00", "0.00", "50.00"]
    assert figures["usage"] is None


def test_another_year_counts_only_its_own_funds(county_client):
    figures = county_client.get("/annual/2023?format=json").get_json()
    assert figures["funds"] == {
        "count": 1,
        "budget_wan": "12.00",
        "unbudgeted": 0,
        "person_times": 1,
        "paid_wan": "0.01",
        "projects": 0,
    }
    assert figures["speed"]["total"] == 0
    assert county_client.get("/annual/2019").status_code == 404
    assert county_client.get("/annual").headers["Location"].endswith("/annual/2024")


def _message(con, *, department, publish, when, handling="transferred"):
    receipt = message_store.submit(
        con, message_type="咨询", township="城关镇", village=None, body="问", now=when
    )
    if department is None:
        return
    workflow.register(
        con,
        receipt.message_id,
        category="其他",
        department=department,
        working_days=3,
        actor="desk",
        now=when,
        handling=handling,
    )
    workflow.route(con, receipt.message_id, actor="desk", now=when)
    if publish:
        workflow.answer(con, receipt.message_id, reply="答", actor="x", office=department, now=when)
        workflow.review(
            con, receipt.message_id, public_body="问", is_listed=True, actor="desk", now=when
        )
        workflow.publish(con, receipt.message_id, actor="desk", now=when)


def test_messages_by_how_they_were_handled_and_money_recovered_through_flags(
    county_app, county_client
):
    add_user(county_app, "desk", "reviewer", office="县政务公开办")
    when = dt.datetime(2024, 5, 6, 9)
    with county_app.app_context():
        con = get_db()
        # as the desk recorded it at registration
        _message(con, department="县政务公开办", publish=True, when=when, handling="direct")
        _message(con, department="县民政局", publish=True, when=when)  # transferred
        _message(con, department="县民政局", publish=False, when=when)  # not yet answered
        _message(con, department="县纪委监委", publish=True, when=when, handling="discipline")
        _message(con, department=None, publish=False, when=when)  # never registered
        recovered = flags.create(
            con,
            check_label="duplicate_payment",
            record_kind="finding",
            record_key="k1",
            title="重复发放",
            figures={},
            severity="high",
            assignee_office="城关镇财政所",
            due_on=None,
            note="核实",
            actor="li",
        )
        flags.move(
            con,
            recovered,
            "resolved",
            "已追回",
            "li",
            outcome="recovered",
            recovered_yuan=Decimal("1234.56"),
        )
        ghost = flags.create(
            con,
            check_label="inactive_on_roll",
            record_kind="finding",
            record_key="k2",
            title="吃空饷",
            figures={},
            severity="high",
            assignee_office="县财政局",
            due_on=None,
            note="核实",
            actor="li",
        )
        flags.move(con, ghost, "resolved", "已清退", "li", outcome="removed")
        dismissed = flags.create(
            con,
            check_label="duplicate_payment",
            record_kind="finding",
            record_key="k3",
            title="x",
            figures={},
            severity="low",
            assignee_office="城关镇财政所",
            due_on=None,
            note="核实",
            actor="li",
        )
        flags.move(con, dismissed, "dismissed", "无问题", "li")
    figures = county_client.get("/annual/2024?format=json").get_json()["messages"]
    assert figures["received"] == 5 and figures["answered"] == 3
    assert figures["response_rate"] == "60.0"
    assert figures["handling"] == {"direct": 1, "transferred": 2, "discipline": 1, "other": 1}
    this_year = dt.date.today().year
    done = county_client.get(f"/annual/{this_year}?format=json").get_json()["rectification"]
    assert done == {"recovered_wan": "0.12", "recovered_flags": 1, "staff_removed": 1}


def test_the_page_reads_as_a_report(county_client):
    page = county_client.get("/annual/2024").get_data(as_text=True)
    assert "2024年财政资金公开情况" in page
    assert "公开财政专项资金（项）" in page and "350.00" in page
    assert "≤3天" in page and "50.00" in page
    home = county_client.get("/").get_data(as_text=True)
    assert 'href="/annual"' in home


def test_messages_registered_before_the_handling_was_recorded_follow_their_department(
    county_app, county_client
):
    add_user(county_app, "desk", "reviewer", office="县政务公开办")
    when = dt.datetime(2024, 5, 6, 9)
    with county_app.app_context():
        con = get_db()
        _message(con, department="县政务公开办", publish=True, when=when, handling="direct")
        _message(con, department="县民政局", publish=True, when=when)
        _message(con, department="县纪委监委", publish=True, when=when, handling="discipline")
        con.execute(
            "UPDATE messages SET handling = NULL"
        )  # as a store migrated to version 20 has them
    handling = county_client.get("/annual/2024?format=json").get_json()["messages"]["handling"]
    assert handling == {"direct": 1, "transferred": 1, "discipline": 1, "other": 0}

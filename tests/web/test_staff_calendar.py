"""Administrators load a year's holiday schedule from the State Council notice (2027 is not in chinesecalendar)."""

from __future__ import annotations

import datetime as dt

import pytest

from fundquery.calendar.notice import NoticeError, parse_days
from fundquery.calendar.workdays import is_workday
from fundquery.web.db import get_db
from tests.web.accounts import add_user, csrf_token, sign_in


def test_parse_days_ranges_and_names():
    days = parse_days("2027-01-01 元旦\n\n2027-02-06~2027-02-08 春节\n2027-10-1 至 2027-10-2", 2027)
    assert days[dt.date(2027, 1, 1)] == "元旦" and days[dt.date(2027, 2, 7)] == "春节"
    assert days[dt.date(2027, 10, 2)] == "节假日" and len(days) == 6


@pytest.mark.parametrize(
    "text",
    ["2027-13-01 x", "元旦", "2028-01-01 元旦", "2027-03-01~2027-01-01"],
    ids=["bad-date", "no-date", "other-year", "backwards"],
)
def test_parse_days_names_the_bad_line(text):
    with pytest.raises(NoticeError, match="第 1 行"):
        parse_days(text, 2027)


def test_admin_loads_2027_and_it_counts(app):
    add_user(app, "root", "admin")
    client = app.test_client()
    sign_in(client, "root")
    page = client.get("/staff/admin/calendar")
    assert page.status_code == 200
    with app.app_context():
        assert is_workday(get_db(), dt.date(2027, 2, 8)) == (True, True)  # Monday, provisional
    token = csrf_token(client, "/staff/admin/calendar")
    response = client.post(
        "/staff/admin/calendar",
        data={
            "csrf_token": token,
            "year": "2027",
            "notice": "国办发明电〔2026〕X号",
            "holidays": "2027-02-06~2027-02-12 春节",
            "workdays": "2027-02-14 春节",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert is_workday(get_db(), dt.date(2027, 2, 8)) == (False, False)
        assert is_workday(get_db(), dt.date(2027, 2, 14)) == (True, False)
        actions = [r[0] for r in get_db().execute("SELECT action FROM audit_log").fetchall()]
    assert "calendar_year" in actions
    years = client.get("/staff/admin/calendar?format=json").get_json()["years"]
    assert years[0]["year"] == 2027 and years[0]["days_off"] == 7 and years[0]["days_on"] == 1


def test_bad_notice_line_is_refused(app):
    add_user(app, "root", "admin")
    client = app.test_client()
    sign_in(client, "root")
    token = csrf_token(client, "/staff/admin/calendar")
    response = client.post(
        "/staff/admin/calendar",
        data={"csrf_token": token, "year": "2027", "notice": "x", "holidays": "2027-02-30 春节"},
    )
    assert response.status_code == 400 and "第 1 行" in response.get_data(as_text=True)

"""Usage counted without personal data: page views per page and fund, lookups per channel and query
point, the staff statistics page and its workbook, and the yearly report's usage line."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from fundquery import create_app
from fundquery.queries import usage as uq
from fundquery.web.db import EXTENSION, get_db
from tests.web.accounts import add_user, sign_in
from tests.web.public.county import RESIDENT, county_config
from tests.web.public.test_resident_lookup import csrf

PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Mobile Safari/537.36"
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


def counts(app, what: str) -> dict:
    with app.app_context():
        rows = (
            get_db()
            .execute(
                "SELECT kind, subject, outcome, n FROM usage_daily WHERE what = ? AND day = ?",
                [what, dt.date.today()],
            )
            .fetchall()
        )
    return {(kind, subject, outcome): n for kind, subject, outcome, n in rows}


def post_lookup(client, path: str, person_id: str, name: str, agent: str):
    token = csrf(client, path)
    return client.post(
        path,
        data={"csrf_token": token, "id_number": person_id, "name": name},
        headers={"User-Agent": agent},
    )


def test_public_pages_are_counted_per_page_and_fund_and_nothing_else(county_app, county_client):
    for path in ("/funds", "/funds", "/funds/2024/F001", "/funds/2024/F002", "/funds/2024/F001"):
        assert county_client.get(path).status_code == 200
    county_client.get("/healthz")  # the monitor's, not a visitor's
    county_client.get("/funds/2024/NOPE")  # 404
    county_client.get("/login")  # not a public page
    assert counts(county_app, "page") == {
        ("public.funds", "", ""): 2,
        ("public.fund", "F001", ""): 2,
        ("public.fund", "F002", ""): 1,
    }


def test_lookups_count_per_channel_point_and_outcome(county_app, county_client):
    with county_app.app_context():
        uq.add_point(get_db(), "cgz-01", "城关镇财政所查询点", "城关镇", "test")
    bound = county_client.get("/kiosk?point=cgz-01")
    assert bound.status_code == 303 and "fundquery_point=cgz-01" in bound.headers["Set-Cookie"]
    post_lookup(county_client, "/kiosk", RESIDENT["id"], "张三", DESKTOP)  # found, at the point
    post_lookup(county_client, "/kiosk", RESIDENT["id"], "错名", DESKTOP)  # not found, same point
    phone = county_app.test_client()
    post_lookup(phone, "/query", RESIDENT["id"], "张三", PHONE)
    desktop = county_app.test_client()
    post_lookup(desktop, "/query", "110101199001011234", "某人", DESKTOP)
    assert counts(county_app, "lookup") == {
        ("kiosk", "cgz-01", "found"): 1,
        ("kiosk", "cgz-01", "not_found"): 1,
        ("phone", "", "found"): 1,
        ("desktop", "", "not_found"): 1,
    }
    # the kiosk says which point it is
    assert "城关镇财政所查询点" in county_client.get("/kiosk").get_data(as_text=True)
    # and nothing of the person is kept with the counts
    with county_app.app_context():
        kept = str(get_db().execute("SELECT * FROM usage_daily").fetchall())
    assert RESIDENT["id"] not in kept and "张三" not in kept and "127.0.0.1" not in kept


def test_an_unregistered_point_is_refused_and_not_bound(county_client):
    response = county_client.get("/kiosk?point=nope-9")
    assert response.status_code == 404
    assert "nope-9" in response.get_data(as_text=True)
    assert "fundquery_point" not in response.headers.get("Set-Cookie", "")


def test_the_statistics_page_and_its_workbook(county_app, county_client):
    with county_app.app_context():
        uq.add_point(get_db(), "cgz-01", "城关镇财政所查询点", "城关镇", "test")
    county_client.get("/kiosk?point=cgz-01")
    post_lookup(county_client, "/kiosk", RESIDENT["id"], "张三", DESKTOP)
    for _ in range(3):
        county_client.get("/funds/2024/F001")
    add_user(county_app, "li", "inspector")
    add_user(county_app, "wang", "finance", office="城关镇财政所")
    clerk = county_app.test_client()
    sign_in(clerk, "wang")
    assert clerk.get("/staff/usage").status_code == 403
    staff = county_app.test_client()
    sign_in(staff, "li")
    page = staff.get("/staff/usage")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-chart="chart-daily"' in html and 'data-chart="chart-points"' in html
    assert "城关镇财政所查询点" in html
    book = openpyxl.load_workbook(io.BytesIO(staff.get("/staff/usage.xlsx").data))
    funds = {row[0]: row[2] for row in book["资金页面"].iter_rows(min_row=2, values_only=True)}
    assert funds == {"F001": 3}
    looked = list(book["查询"].iter_rows(min_row=2, values_only=True))
    assert looked == [("查询点触摸屏", "城关镇", "cgz-01", "城关镇财政所查询点", 1, 1, 0)]
    assert staff.get("/staff/usage?start=2024-13-01").status_code == 400


def test_the_yearly_report_counts_the_year_usage(county_app, county_client):
    county_client.get("/funds")
    post_lookup(county_client, "/query", RESIDENT["id"], "张三", PHONE)
    usage = county_client.get(f"/annual/{dt.date.today().year}?format=json").get_json()["usage"]
    # /funds, the /query form (its CSRF token) and the report page itself are page views
    assert usage["lookups"] == 1 and usage["lookups_found"] == 1
    assert usage["page_views"] == 2  # the report's own view is counted after it is computed


@pytest.mark.parametrize("agent", [PHONE, DESKTOP])
def test_counts_wait_in_a_queue_when_asynchronous(county_db, agent):
    app = create_app(county_config(county_db, USAGE_ASYNC=True))
    client = app.test_client()
    client.get("/funds", headers={"User-Agent": agent})
    assert counts(app, "page") == {}  # queued, not yet written
    app.extensions["fundquery.usage_writer"].flush()
    assert counts(app, "page") == {("public.funds", "", ""): 1}
    app.extensions[EXTENSION].close()

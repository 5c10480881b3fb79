"""The public search box: funds by name, code and pinyin; projects, villages, agencies, replies; never a person."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from fundquery import create_app
from fundquery.messages import store as message_store
from fundquery.messages import workflow
from fundquery.web.db import EXTENSION, get_db
from tests.web.public.county import (
    MULTI_READING,
    NAMESAKE,
    RESIDENT,
    RETURNED,
    SPOUSE,
    county_config,
)


def found(client, q: str) -> dict:
    response = client.get("/search", query_string={"q": q, "format": "json"})
    assert response.status_code == 200
    return response.get_json()["results"]


def names(results: dict, kind: str, field: str) -> list[str]:
    return [row[field] for row in results[kind]["rows"]]


@pytest.mark.parametrize("q", ["gdlb", "GDLB", "ｇｄｌｂ", "gengdi", "耕地", "地力 补贴", "f001"])
def test_a_fund_is_found_by_its_words_its_code_and_its_pinyin(county_client, q):
    results = found(county_client, q)
    assert names(results, "funds", "fund_name") == ["耕地地力保护补贴"]


def test_every_word_must_match(county_client):
    assert found(county_client, "耕地 低保")["funds"]["count"] == 0
    assert names(found(county_client, "最低 生活"), "funds", "fund_code") == ["F002"]


def test_a_village_a_project_and_an_agency(county_client):
    results = found(county_client, "东风")
    assert names(results, "projects", "project_name") == ["东风村道路硬化"]
    assert [(r["township"], r["village"]) for r in results["places"]["rows"]] == [
        ("城关镇", "东风村")
    ]
    assert names(found(county_client, "国库"), "agencies", "agency_name") == ["县国库支付中心"]
    # a township's name finds each of its villages with a notice
    villages = {r["village"] for r in found(county_client, "城关镇")["places"]["rows"]}
    assert villages == {"东风村", "红旗村"}


def test_each_result_links_to_its_page(county_client):
    page = county_client.get("/search", query_string={"q": "东风"}).get_data(as_text=True)
    links = [html.unescape(h) for h in re.findall(r'href="(/notices\?[^"]+)"', page)]
    assert len(links) == 1
    assert parse_qs(urlsplit(links[0]).query) == {"township": ["城关镇"], "village": ["东风村"]}
    notices = county_client.get(links[0] + "&format=json").get_json()["notices"]
    assert {n["village"] for n in notices} == {"东风村"}  # 红旗村's notice is not listed
    fund_page = county_client.get("/search?q=gdlb").get_data(as_text=True)
    assert 'href="/funds/2024/F001"' in fund_page
    assert county_client.get("/funds/2024/F001").status_code == 200


@pytest.mark.parametrize(
    "person", [RESIDENT, SPOUSE, NAMESAKE, RETURNED, MULTI_READING], ids=lambda p: p["name"]
)
def test_it_never_finds_a_payee(county_client, person):
    results = found(county_client, person["name"])
    assert sum(kind["count"] for kind in results.values()) == 0
    assert found(county_client, person["id"]) == {
        kind: {"count": 0, "rows": []} for kind in results
    }


@pytest.mark.parametrize("name", ["刘一", "陈二", "郑四"])
def test_it_never_finds_a_member_of_staff(county_client, name):
    # they are on the public named roll of their agency, but the search is not a way to find people
    assert county_client.get("/staffing/agency/县财政局").status_code == 200
    results = found(county_client, name)
    assert sum(kind["count"] for kind in results.values()) == 0


def test_the_query_is_shown_back_escaped(county_client):
    page = county_client.get(
        "/search", query_string={"q": '<script>alert(1)</script> "x'}
    ).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_empty_query_explains_what_can_be_searched(county_client):
    response = county_client.get("/search?q=+")
    assert response.status_code == 200
    assert "gdlb" in response.get_data(as_text=True)
    assert found(county_client, "") == {}


def test_the_box_is_on_public_pages_and_not_on_staff_pages(county_client):
    for path in ("/", "/funds", "/notices", "/staffing", "/messages", "/rectification"):
        page = county_client.get(path).get_data(as_text=True)
        assert 'action="/search"' in page, path
    assert 'action="/search"' not in county_client.get("/login").get_data(as_text=True)


def test_published_replies_are_found_and_unpublished_ones_are_not(county_app, county_client):
    with county_app.app_context():
        con = get_db()
        for body, publish in (("东风村的道路什么时候修", True), ("东风村的低保名单有误", False)):
            r = message_store.submit(
                con, message_type="咨询", township="城关镇", village="东风村", body=body
            )
            workflow.register(
                con,
                r.message_id,
                category="其他",
                department="县交通运输局",
                working_days=3,
                actor="head",
            )
            workflow.route(con, r.message_id, actor="head")
            workflow.answer(con, r.message_id, reply="今年开工", actor="x", office="县交通运输局")
            workflow.review(con, r.message_id, public_body=body, is_listed=True, actor="head")
            if publish:
                workflow.publish(con, r.message_id, actor="head")
    results = found(county_client, "东风村 道路")
    assert names(results, "replies", "question") == ["东风村的道路什么时候修"]
    assert found(county_client, "名单有误")["replies"]["count"] == 0


def test_the_rectification_notices_are_reachable_from_home_and_every_fund_page(county_client):
    home = county_client.get("/").get_data(as_text=True)
    assert 'href="/rectification"' in home
    fund = county_client.get("/funds/2024/F001").get_data(as_text=True)
    assert 'href="/rectification"' in fund
    assert county_client.get("/rectification").status_code == 200


def test_a_village_notice_states_its_notice_period_and_where_to_object(county_app, county_client):
    page = county_client.get("/notices/2024/F001/城关镇/东风村").get_data(as_text=True)
    data = county_client.get("/notices/2024/F001/城关镇/东风村?format=json").get_json()
    start = dt.date.fromisoformat(data["notice_period"]["start"])
    with county_app.app_context():
        published = (
            get_db()
            .execute(
                "SELECT CAST(min(published_at) AS DATE) FROM batches WHERE kind = 'payments' AND status = 'published'"
            )
            .fetchone()[0]
        )
    assert start == published
    end = start + dt.timedelta(days=6)
    assert f"公示期：{start} 至 {end}（7 天）" in page
    assert "异议电话：0710-1234567" in page
    printed = county_client.get("/notices/2024/F001/城关镇/东风村/print").get_data(as_text=True)
    assert f"公示期：{start} 至 {end}（7 天）" in printed


def test_the_notice_period_follows_the_setting(county_db):
    app = create_app(county_config(county_db, NOTICE_DAYS=10))
    data = app.test_client().get("/notices/2024/F001/城关镇/东风村?format=json").get_json()
    start = dt.date.fromisoformat(data["notice_period"]["start"])
    assert data["notice_period"]["end"] == (start + dt.timedelta(days=9)).isoformat()
    app.extensions[EXTENSION].close()

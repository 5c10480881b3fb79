"""Public pages cached per publication version (issue 18): a hit is the same page, an ETag makes
revalidation a 304, any publication change is seen at once, and nothing personal is ever cached."""

from __future__ import annotations

import pytest

from etl import batches as transitions
from fundquery import create_app
from fundquery.web.db import EXTENSION, get_db
from fundquery.web.page_cache import EXTENSION as CACHE
from fundquery.web.page_warm import wait_warmed
from tests.web.accounts import add_user, sign_in
from tests.web.public.county import RESIDENT, county_config
from tests.web.public.test_resident_lookup import look_up


@pytest.fixture
def cached_app(county_db):
    app = create_app(county_config(county_db, PAGE_CACHE=True))
    yield app
    app.extensions[EXTENSION].close()


def test_a_page_is_computed_once_then_served_from_memory_and_revalidated(cached_app):
    client = cached_app.test_client()
    first = client.get("/funds/2024/F001")
    second = client.get("/funds/2024/F001")
    assert first.headers.get("X-Page-Cache") is None and second.headers["X-Page-Cache"] == "hit"
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]
    # the chart page keeps its own Content-Security-Policy when served from memory
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    again = client.get("/funds/2024/F001", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_a_publication_change_is_seen_at_once(cached_app, county):
    client = cached_app.test_client()
    before = client.get("/notices?format=json")
    assert any(n["village"] == "红旗村" for n in before.get_json()["notices"])
    with cached_app.app_context():
        transitions.retract(get_db(), county["payments"], actor="reviewer")
    after = client.get("/notices?format=json")
    assert after.headers.get("X-Page-Cache") is None
    assert after.headers["ETag"] != before.headers["ETag"]
    assert not any(n["village"] == "红旗村" for n in after.get_json()["notices"])
    stale = client.get("/notices?format=json", headers={"If-None-Match": before.headers["ETag"]})
    assert stale.status_code == 200  # the old copy is not confirmed


def test_each_language_has_its_own_copy(cached_app):
    client = cached_app.test_client()
    chinese = client.get("/funds", headers={"Accept-Language": "zh-CN"})
    english = client.get("/funds", headers={"Accept-Language": "en"})
    assert chinese.headers["ETag"] != english.headers["ETag"]
    assert "资金" in chinese.get_data(as_text=True)
    again = client.get("/funds", headers={"Accept-Language": "en"})
    assert again.headers["X-Page-Cache"] == "hit" and again.data == english.data


def test_a_signed_in_page_is_never_kept_nor_served_from_memory(cached_app):
    add_user(cached_app, "shen", "reviewer")
    staff = cached_app.test_client()
    sign_in(staff, "shen")
    anonymous = cached_app.test_client()
    anonymous.get("/funds")  # kept
    mine = staff.get("/funds")
    assert mine.headers.get("X-Page-Cache") is None and "shen" in mine.get_data(as_text=True)
    assert "shen" not in anonymous.get("/funds").get_data(as_text=True)


def test_lookups_and_message_pages_are_never_cached(cached_app):
    client = cached_app.test_client()
    for _ in range(2):
        assert client.get("/query").headers.get("X-Page-Cache") is None
        assert client.get("/messages/new").headers.get("X-Page-Cache") is None
    found = look_up(client, RESIDENT["id"], "张三")
    assert found.headers.get("X-Page-Cache") is None and "ETag" not in found.headers
    other = cached_app.test_client()
    assert "892.50" not in other.get("/query").get_data(as_text=True)


def test_what_is_kept_is_bounded(county_db):
    app = create_app(county_config(county_db, PAGE_CACHE=True, PAGE_CACHE_MB=0.1))
    client = app.test_client()
    sizes = [len(client.get(f"/funds?page=1&per_page={n + 1}").data) for n in range(60)]
    cache = app.extensions[CACHE]
    limit = int(0.1 * (1 << 20))
    assert max(sizes) <= limit // 8 and sum(sizes) > 2 * limit  # each fits; together they do not
    assert 0 < cache.size <= limit and len(cache) < 60
    # the most recent are the ones kept
    assert client.get("/funds?page=1&per_page=60").headers["X-Page-Cache"] == "hit"
    app.extensions[EXTENSION].close()


def test_off_under_tests_unless_asked(county_client):
    first, second = county_client.get("/funds"), county_client.get("/funds")
    assert "ETag" not in first.headers and second.headers.get("X-Page-Cache") is None


@pytest.fixture
def warming_app(county_db):
    app = create_app(
        county_config(county_db, PAGE_CACHE=True, PAGE_CACHE_WARM=6, PAGE_CACHE_WARM_SECONDS=0.1)
    )
    yield app
    app.extensions["fundquery.page_warm"].stop()
    app.extensions[EXTENSION].close()


def _usage_views(app) -> int:
    with app.app_context():
        return (
            get_db()
            .execute("SELECT coalesce(sum(n), 0) FROM usage_daily WHERE what = 'page'")
            .fetchone()[0]
        )


def test_after_a_publication_the_most_read_pages_are_ready_before_anyone_asks(warming_app, county):
    client = warming_app.test_client()
    for _ in range(3):  # the most read here: a notice and a fund page
        client.get("/notices/2024/F001/城关镇/东风村")
        client.get("/funds/2024/F001?page=1")
    look_up(client, RESIDENT["id"], RESIDENT["name"])  # personal: never warmed
    assert wait_warmed(warming_app)
    views = _usage_views(warming_app)

    with warming_app.app_context():  # a publication change, made in the server's own process
        transitions.publish(get_db(), county["unpublished"], actor="reviewer")
    assert wait_warmed(warming_app)
    warmer = warming_app.extensions["fundquery.page_warm"]
    assert 0 < len(warmer.last_warmed) <= 6  # bounded
    assert any("/notices/2024/F001/" in p for p in warmer.last_warmed)
    assert all("/query" not in p and "/kiosk" not in p for p in warmer.last_warmed)

    # The first visitor after the change is served from memory, and sees the change.
    first = client.get("/notices/2024/F001/城关镇/东风村")
    assert first.headers.get("X-Page-Cache") == "hit"
    assert client.get("/funds/2024/F001?page=1").headers.get("X-Page-Cache") == "hit"
    assert (
        client.get("/published").headers.get("X-Page-Cache") == "hit"
    )  # declared, never read here
    published = client.get("/published?format=json").get_json()["datasets"]
    assert county["unpublished"] in [d["batch_id"] for d in published]
    # The warmer's own requests are not page views: only the four just made are counted.
    assert _usage_views(warming_app) == views + 4

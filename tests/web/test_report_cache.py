"""Inspectors' reports kept per store state (issue 18): served again, never across users' data, dropped on change.

The tiny county of tests/inspect_county.py, loaded through the real loader into a
real DuckDB file; two inspectors sign in through the login form.  Every cached
answer is compared with one computed afresh by fundquery.inspect on the same store.
"""

from __future__ import annotations

import datetime as dt

import pytest

from etl.batches import publish, retract
from etl.idnum import Hasher
from etl.load import load_file
from etl.store import transaction
from fundquery import create_app
from fundquery.inspect import CHECKS, Filters, Params, run
from fundquery.inspect.checks.delays import stages
from fundquery.queries.calendar import replace_year
from fundquery.web.db import EXTENSION as DB_EXTENSION
from fundquery.web.db import get_db
from fundquery.web.formatting import jsonable
from fundquery.web.page_cache import EXTENSION as PAGE_EXTENSION
from fundquery.web.report_cache import EXTENSION, HEADER, ReportCache
from tests import inspect_county as county
from tests.sheets import write_xlsx
from tests.web.accounts import add_user, csrf_token, sign_in

AS_OF = "as_of=2024-12-31"
KEY = b"report-cache-key-0123456789abcde"
DUPLICATES = f"/staff/inspect/check/duplicate_payment?{AS_OF}"
DELAYS = f"/staff/inspect/delays?{AS_OF}"
SUMMARY = "/staff/inspect/summary"


@pytest.fixture
def app(tmp_path):
    """The app with both caches on (as served), on a fresh store holding the tiny county."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(tmp_path / "test.duckdb"),
            "REPORT_CACHE": True,
            "PAGE_CACHE": True,
        }
    )
    with app.app_context():
        county.build(
            lambda path, kind="auto", **kw: _load(get_db(), path, kind, tmp_path, **kw),
            get_db(),
            tmp_path,
        )
    add_user(app, "jian", "inspector", office="县纪委监委")
    add_user(app, "li", "inspector", office="县审计局")
    yield app
    app.extensions[DB_EXTENSION].close()


def _load(con, path, kind, tmp_path, **kw):
    return load_file(
        con, path, kind, hasher=Hasher(KEY), uploaded_by="clerk", archive_dir=tmp_path / "up", **kw
    )


def signed_in(app, username):
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def fresh_duplicates(app) -> list[str]:
    """duplicate_payment's findings (names) computed now, without the web app."""
    with app.app_context():
        result = run(get_db(), CHECKS["duplicate_payment"], Params(as_of=dt.date(2024, 12, 31)))
    return sorted(r["name"] for r in result.rows)


def shown_duplicates(client) -> tuple[str, int]:
    response = client.get(DUPLICATES + "&format=json")
    return response.headers.get(HEADER), response.get_json()["count"]


def test_report_pages_are_served_again_and_match_a_fresh_computation(app):
    jian = signed_in(app, "jian")
    for path in (DUPLICATES, f"/staff/inspect/check/over_quota?{AS_OF}", DELAYS, SUMMARY):
        first = jian.get(path + ("&" if "?" in path else "?") + "format=json")
        again = jian.get(path + ("&" if "?" in path else "?") + "format=json")
        assert (first.headers[HEADER], again.headers[HEADER]) == ("miss", "hit"), path
        assert again.get_json() == first.get_json(), path
    # The kept delay buckets are the ones fundquery.inspect computes on the store now.
    with app.app_context():
        expected = jsonable(stages(get_db(), Params(as_of=dt.date(2024, 12, 31)), Filters()))
    assert jian.get(DELAYS + "&format=json").get_json()["stages"] == expected
    # Other parameters are other entries: another as-of date is computed, not served.
    assert jian.get("/staff/inspect/delays?as_of=2024-06-30").headers[HEADER] == "miss"
    assert jian.get(DUPLICATES + "&township=花园乡").headers[HEADER] == "miss"
    english = jian.get(DELAYS + "&lang=en")
    assert english.headers[HEADER] == "miss" and "Payment delays" in english.get_data(as_text=True)


def test_a_kept_report_carries_nothing_of_the_user_who_made_it(app):
    jian, li = signed_in(app, "jian"), signed_in(app, "li")
    # jian is granted the full record of the person the check finds, then runs the check.
    person_url = jian.get(DUPLICATES + "&format=json").get_json()["rows"][0]["person_url"]
    reveal = jian.post(
        f"{person_url}/reveal",
        data={"csrf_token": csrf_token(jian, person_url), "reason": "核查重复发放线索"},
    )
    assert reveal.status_code == 302
    assert "卫十八" in jian.get(person_url).get_data(as_text=True)  # jian sees the full name there
    assert jian.get(DUPLICATES).headers[HEADER] == "hit"
    # li is served what jian's request left: her own name in the header, the finding masked,
    # no full ID, and the person page (never cached) still masked for her.
    page = li.get(DUPLICATES)
    html = page.get_data(as_text=True)
    assert page.headers[HEADER] == "hit"
    assert ">li<" in html and ">jian<" not in html
    assert "卫*八" in html and "卫十八" not in html and county.id_of("卫十八") not in html
    assert li.get(f"{person_url}?format=json").get_json()["full"] is None
    # The public page cache never holds a staff page, and a visitor without a session gets none.
    assert app.test_client().get("/funds").status_code == 200  # a public page, kept
    pages = app.extensions[PAGE_EXTENSION]._pages
    assert pages and not [k for k in pages if "/staff/" in k]
    anonymous = app.test_client().get(DUPLICATES)
    assert anonymous.status_code == 302 and HEADER not in anonymous.headers


def test_any_change_to_what_a_report_reads_drops_what_was_kept(app, tmp_path):
    jian = signed_in(app, "jian")
    assert shown_duplicates(jian) == ("miss", len(fresh_duplicates(app)))
    assert shown_duplicates(jian)[0] == "hit"

    # A load (not yet published: inspectors see every loaded batch) pays 辛八 a second time.
    again = write_xlsx(tmp_path / "again.xlsx", [county.PAY_HEADER, county.PAYMENTS_2[2]])
    with app.app_context():
        loaded = _load(get_db(), again, "payments", tmp_path)
    assert loaded.status == "loaded", loaded.as_json()
    assert "辛八" in fresh_duplicates(app)
    assert shown_duplicates(jian) == ("miss", len(fresh_duplicates(app)))

    assert shown_duplicates(jian)[0] == "hit"

    # Its publication changes no finding (inspectors saw it loaded) but is a new state all the same.
    with app.app_context():
        publish(get_db(), loaded.batch, actor="reviewer")
    assert shown_duplicates(jian) == ("miss", len(fresh_duplicates(app)))

    # Its retraction takes the finding away again.
    with app.app_context():
        retract(get_db(), loaded.batch, actor="clerk")
    assert "辛八" not in fresh_duplicates(app)
    assert shown_duplicates(jian) == ("miss", len(fresh_duplicates(app)))
    assert shown_duplicates(jian)[0] == "hit"

    # A flag opened by li: the summary jian was served before is computed again.
    assert jian.get(SUMMARY).headers[HEADER] == "miss"
    assert jian.get(SUMMARY + "?format=json").headers[HEADER] == "hit"
    li = signed_in(app, "li")
    flag_url = li.get(DUPLICATES + "&format=json").get_json()["rows"][0]["flag_url"]
    opened = li.post(
        flag_url,
        data={
            "csrf_token": csrf_token(li, flag_url),
            "note": "重复发放",
            "severity": "high",
            "assignee_office": "花园乡财政所",
        },
    )
    assert opened.status_code == 302
    summary = jian.get(SUMMARY + "?format=json")
    assert summary.headers[HEADER] == "miss"
    assert summary.get_json()["summary"]["by_status"]["open"] == 1

    # A calendar change: 2024-04-08, a Monday, made a day off; the delay report is computed again.
    assert jian.get(DELAYS).headers[HEADER] == "miss"
    assert jian.get(DELAYS).headers[HEADER] == "hit"
    with app.app_context():
        con = get_db()
        with transaction(con):
            replace_year(
                con, 2024, {dt.date(2024, 4, 8): (False, "测试")}, source="test", actor="test"
            )
        expected = jsonable(stages(con, Params(as_of=dt.date(2024, 12, 31)), Filters()))
    changed = jian.get(DELAYS + "&format=json")
    assert changed.headers[HEADER] == "miss" and changed.get_json()["stages"] == expected


def test_the_cache_is_bounded_and_keeps_one_store_state():
    cache = ReportCache(limit=2)
    cache.put("s1", "a", 1)
    cache.put("s1", "b", 2)
    assert cache.get("s1", "a") == (True, 1)  # a is now the most recently used
    cache.put("s1", "c", 3)
    assert cache.get("s1", "b") == (False, None) and len(cache) == 2
    assert cache.get("s2", "a") == (False, None)  # another state: nothing of s1 is served
    cache.put("s2", "d", 4)
    assert len(cache) == 1 and cache.get("s1", "c") == (False, None)


def test_the_cache_is_off_under_tests_unless_asked_for(tmp_path):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "DATABASE": str(tmp_path / "test.duckdb")}
    )
    assert EXTENSION not in app.extensions
    app.extensions[DB_EXTENSION].close()

"""Staff responses are never cached, HSTS behind HTTPS, idle staff sessions end (issue 15 §3)."""

from __future__ import annotations

import pytest

from fundquery import create_app
from fundquery.accounts.accounts import ROLES
from fundquery.web.db import EXTENSION, get_db
from tests.web.accounts import add_user, sign_in

SAMPLE_ARGS = {"IntegerConverter": 1, "UUIDConverter": "0" * 32}


def _url(rule) -> str:
    args = {
        name: SAMPLE_ARGS.get(type(conv).__name__, "x") for name, conv in rule._converters.items()
    }
    return rule.build(args, append_unknown=False)[1]


def _staff_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/staff/")]


def test_there_are_staff_routes_to_walk(app):
    assert len(_staff_rules(app)) > 30


def test_every_staff_route_says_no_store_signed_in_or_not(app):
    add_user(app, "all", *ROLES, office="城关镇财政所")
    signed_in, anonymous = app.test_client(), app.test_client()
    assert sign_in(signed_in, "all").status_code == 302
    seen = []
    for rule in _staff_rules(app):
        url = _url(rule)
        for client in (signed_in, anonymous):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                # A POST without its CSRF token is refused (400) and changes nothing: the refusal
                # must not be cached either.
                response = client.open(url, method=method)
                seen.append((method, url, response.status_code))
                assert response.headers.get("Cache-Control") == "no-store", (method, url)
    # The walk reached real pages, not only refusals ...
    assert sum(1 for m, _, code in seen if m == "GET" and code == 200) > 15
    # ... among them an inspector's check as CSV, which lists people.
    export = signed_in.get("/staff/inspect/check/overdue_replies.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert export.headers["Cache-Control"] == "no-store"


def test_signed_in_users_public_pages_are_not_stored_but_anonymous_ones_may_be(app):
    add_user(app, "wang", "finance")
    client = app.test_client()
    assert "no-store" not in (client.get("/").headers.get("Cache-Control") or "")
    sign_in(client, "wang")
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/account/password").headers["Cache-Control"] == "no-store"
    # Static files are the same for everyone and keep their cache header.
    static = client.get("/static/vendor/plotly.min.js")
    assert static.status_code == 200 and static.cache_control.max_age == 365 * 24 * 3600
    assert not static.cache_control.no_store


@pytest.mark.parametrize("secure", [True, False], ids=["https", "plain"])
def test_hsts_only_where_cookies_are_secure(tmp_path, secure):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(tmp_path / "hsts.duckdb"),
            "SESSION_COOKIE_SECURE": secure,
        }
    )
    try:
        client = app.test_client()
        for path in ("/", "/login", "/no-such-page"):
            headers = client.get(path, base_url="https://localhost").headers
            if secure:
                assert headers["Strict-Transport-Security"] == "max-age=31536000", path
            else:
                assert "Strict-Transport-Security" not in headers, path
    finally:
        app.extensions[EXTENSION].close()


def _idle_for(app, minutes: int) -> None:
    """Move every open sign-in's start and last request ``minutes`` into the past."""
    with app.app_context():
        con = get_db()
        columns = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = 'staff_sessions'"
            ).fetchall()
        }
        for column in ("started_at", "last_seen_at"):
            if column in columns:  # a store without last_seen_at has no idle timeout to test
                con.execute(
                    f"UPDATE staff_sessions SET {column} = now()::TIMESTAMP - to_minutes(?)"  # noqa: S608
                    " WHERE ended_at IS NULL",
                    [minutes],
                )


def test_a_session_idle_longer_than_the_timeout_is_signed_out(app):
    add_user(app, "wang", "finance")
    client = app.test_client()
    sign_in(client, "wang")
    assert client.get("/staff/?format=json").status_code == 200
    _idle_for(app, 31)
    assert client.get("/staff/?format=json").status_code == 401
    with app.app_context():
        ended = get_db().execute("SELECT ended_how FROM staff_sessions").fetchall()
    assert ended == [("idle",)]
    # The same cookie stays signed out; signing in again works.
    assert client.get("/staff/?format=json").status_code == 401
    assert sign_in(client, "wang").status_code == 302
    assert app.config["STAFF_IDLE_MINUTES"] == 30  # the default, as README.md says


def test_a_session_in_use_stays_signed_in(app):
    app.config["STAFF_IDLE_MINUTES"] = 30
    add_user(app, "wang", "finance")
    client = app.test_client()
    sign_in(client, "wang")
    _idle_for(app, 29)
    assert client.get("/staff/?format=json").status_code == 200
    # That request counted as use: 29 more minutes later the session is still open.
    _idle_for(app, 0)
    assert client.get("/staff/?format=json").status_code == 200


def test_the_idle_timeout_is_a_setting(app):
    app.config["STAFF_IDLE_MINUTES"] = 5
    add_user(app, "wang", "finance")
    client = app.test_client()
    sign_in(client, "wang")
    _idle_for(app, 6)
    assert client.get("/staff/?format=json").status_code == 401


def test_two_requests_of_one_sign_in_touching_it_at_once_both_answer(app):
    """A page and its chart data arrive together: one records the request, the other must not fail."""
    add_user(app, "wang", "finance")
    client = app.test_client()
    sign_in(client, "wang")
    _idle_for(app, 5)  # due to be recorded again
    other = app.extensions[EXTENSION].cursor()  # the parallel request, mid-way through its update
    try:
        other.execute("BEGIN")
        other.execute("UPDATE staff_sessions SET last_seen_at = now()::TIMESTAMP")
        assert client.get("/staff/?format=json").status_code == 200
        other.execute("COMMIT")
    finally:
        other.close()
    assert client.get("/staff/?format=json").status_code == 200

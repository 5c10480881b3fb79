"""Hostile requests (issue 8): forged forms, off-site redirects, fixed sessions, headers on every answer.

Every POST route of the app is posted without a CSRF token (and with a wrong
one), anonymously and by a user holding every role: each is refused with 400
and the store is unchanged.  ``next=`` after signing in only leads to a path
on this site.  Signing in starts a new session.  Every kind of response,
errors, static files and downloads included, carries the protective headers.
"""

from __future__ import annotations

import re

import pytest

from fundquery import REPO_ROOT, create_app
from fundquery.accounts import accounts
from fundquery.web.db import EXTENSION, get_db
from tests.web.accounts import add_user, csrf_token, sign_in

SAMPLE_ARGS = {"integer": 1, "default": "x", "string": "x", "path": "x", "any": "csv"}
TEMPLATES = REPO_ROOT / "templates"


def all_tables(app) -> dict[str, list]:
    """Every table of the store with its rows (the audit log and sign-in attempts included)."""
    with app.app_context():
        con = get_db()
        names = [
            r[0]
            for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
        ]
        return {n: con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall() for n in names}  # noqa: S608 -- names from the catalogue


def post_urls(app) -> list[tuple[str, str]]:
    """(endpoint, url) of every rule that takes POST, path arguments filled with samples."""
    found = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        args = {
            name: SAMPLE_ARGS.get(type(conv).__name__.removesuffix("Converter").lower(), "x")
            for name, conv in rule._converters.items()
        }
        found.append((rule.endpoint, rule.build(args, append_unknown=False)[1]))
    return sorted(found)


def test_every_post_route_refuses_a_missing_or_wrong_csrf_token(app):
    add_user(app, "everyone", *accounts.ROLES)
    signed_in = app.test_client()
    assert sign_in(signed_in, "everyone").status_code == 302
    anonymous = app.test_client()
    routes = post_urls(app)
    assert {"auth.login", "public.query", "upload.form", "upload.load", "admin.user"} <= {
        e for e, _ in routes
    }
    before = all_tables(app)
    for endpoint, url in routes:
        for who, client in (("anonymous", anonymous), ("signed in", signed_in)):
            for data in ({"x": "1"}, {"x": "1", "csrf_token": "forged.token.value"}):
                response = client.post(url, data=data)
                assert response.status_code == 400, (endpoint, url, who, data, response.status_code)
                assert "页面已过期" in response.get_data(as_text=True)
    assert all_tables(app) == before
    assert (
        signed_in.get("/staff/?format=json").status_code == 200
    )  # the refusals did not sign anyone out


def test_every_post_form_in_the_templates_carries_the_token():
    for path in sorted(TEMPLATES.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        for form in re.finditer(r"<form\b[^>]*>(.*?)</form>", html, re.S | re.I):
            if re.search(r'method="post"', form.group(0), re.I):
                assert re.search(r"csrf_token|hidden_tag\(\)", form.group(1)), (
                    f"{path.relative_to(REPO_ROOT)}: a POST form without csrf_token"
                )


def test_templates_have_no_inline_script_or_event_handler():
    """The policy has no script-src beyond 'self': inline code would be blocked, so there must be none."""
    for path in sorted(TEMPLATES.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        for tag in re.finditer(r"<script\b([^>]*)>", html, re.I):
            attrs = tag.group(1)
            assert "src=" in attrs or 'type="application/json"' in attrs, (
                f"{path.name}: inline <script{attrs}>"
            )
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, re.I), f"{path.name}: an on…= handler"
        assert "javascript:" not in html.lower(), path.name


# --- open redirects ----------------------------------------------------------------

OFF_SITE = [
    "https://evil.example/",
    "http:evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/%0a/evil.example".replace("%0a", "\x0b"),
    "https:/evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE, ids=[repr(t) for t in OFF_SITE])
def test_login_never_redirects_off_site(app, client, target):
    add_user(app, "wang", "finance")
    token = csrf_token(client)
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "wang", "password": "correct horse battery", "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.location == "/staff/", (target, response.location)


@pytest.mark.parametrize(
    "target", ["/staff/upload", "/staff/batches/?status=loaded", "/staff/upload?kind=payments"]
)
def test_login_goes_back_to_a_path_on_this_site(app, client, target):
    add_user(app, "wang", "finance")
    token = csrf_token(client)
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "wang", "password": "correct horse battery", "csrf_token": token},
    )
    assert response.status_code == 302 and response.location == target


def test_the_language_switch_never_redirects(client):
    for target in ("//evil.example", "https://evil.example"):
        response = client.get("/", query_string={"lang": "en", "next": target})
        assert response.status_code == 200 and "Location" not in response.headers


# --- session fixation ----------------------------------------------------------------


def _session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_signing_in_starts_a_new_session(app, client):
    add_user(app, "wang", "finance")
    client.get("/login?lang=en")
    with client.session_transaction() as session:
        session["planted"] = "by whoever used this browser before"
    before = _session_cookie(client)
    assert sign_in(client, "wang").status_code == 302
    after = _session_cookie(client)
    assert after and after != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "en"  # the language chosen before is kept
        with app.app_context():
            assert session["_user_id"].startswith(f"{accounts.by_name(get_db(), 'wang').user_id}:")
    replay = app.test_client()
    replay.set_cookie("session", before)
    assert (
        replay.get("/staff/?format=json").status_code == 401
    )  # the pre-login cookie is not signed in


def test_a_session_replayed_from_another_browser_is_emptied(app, client):
    add_user(app, "wang", "finance")
    assert sign_in(client, "wang").status_code == 302
    stolen = _session_cookie(client)
    assert client.get("/staff/?format=json").status_code == 200
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get(
        "/staff/?format=json",
        headers={"User-Agent": "Mozilla/5.0 (elsewhere)"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert response.status_code == 401


def test_logging_out_ends_the_session_for_a_copy_of_the_cookie_too(app, client):
    """The cookie lives in the browser: a copy taken before log-out must not stay signed in."""
    add_user(app, "wang", "finance")
    assert sign_in(client, "wang").status_code == 302
    copied = _session_cookie(client)
    assert client.get("/staff/?format=json").status_code == 200
    token = csrf_token(client, "/staff/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/?format=json").status_code == 401
    same_browser = (
        app.test_client()
    )  # same address and User-Agent as the test client: only the log-out stops it
    same_browser.set_cookie("session", copied)
    assert same_browser.get("/staff/?format=json").status_code == 401
    # Signing in again works, with a new server-side session; the other browser's session is unaffected.
    other = app.test_client()
    assert sign_in(other, "wang").status_code == 302
    assert sign_in(client, "wang").status_code == 302
    assert client.get("/staff/?format=json").status_code == 200
    assert other.get("/staff/?format=json").status_code == 200
    with app.app_context():
        rows = (
            get_db()
            .execute(
                "SELECT count(*), count(ended_at) FROM staff_sessions s JOIN users u USING (user_id) WHERE u.username = 'wang'"
            )
            .fetchone()
        )
    assert rows == (3, 1)


# --- headers on every kind of response -----------------------------------------------


def assert_protective_headers(response, what: str) -> None:
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "same-origin", what
    assert headers.get("X-Frame-Options") == "DENY", what
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, what
    assert (
        "script-src" not in csp
        or "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]
    ), what


def read_through(response):
    """A streamed download read to its end (its request context closes with it)."""
    response.get_data()
    response.close()
    return response


@pytest.fixture
def open_app(tmp_path):
    """The app with the errors left to its own handlers (no propagation) and a small upload limit."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(tmp_path / "h.duckdb"),
            "PROPAGATE_EXCEPTIONS": False,
            "MAX_CONTENT_LENGTH": 1024,
            "LOOKUP_RATE_LIMIT": "1 per minute",
        }
    )

    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule("/probe-500", "probe_500", broken)
    yield app
    app.extensions[EXTENSION].close()


def test_every_kind_of_response_has_the_protective_headers(open_app):
    add_user(open_app, "all", *accounts.ROLES)
    staff = open_app.test_client()
    sign_in(staff, "all")
    add_user(open_app, "fin", "finance")
    finance = open_app.test_client()
    sign_in(finance, "fin")
    anonymous = open_app.test_client()
    token = csrf_token(anonymous, "/query")
    anonymous.post("/query", data={"csrf_token": token, "id_number": "1", "name": "x"})
    responses = {
        "page": anonymous.get("/"),
        "static": anonymous.get("/static/css/app.css"),
        "plotly": anonymous.get("/static/vendor/plotly.min.js"),
        "csv download": read_through(anonymous.get("/opendata/payments.csv")),
        "xlsx download": read_through(anonymous.get("/opendata/payments.xlsx")),
        "json api": anonymous.get("/api/v1/payments"),
        "400 csrf": anonymous.post("/query", data={}),
        "401 json": anonymous.get("/staff/?format=json"),
        "302 login": anonymous.get("/staff/"),
        "404": anonymous.get("/no-such-page"),
        "405": anonymous.put("/"),
        "413": staff.post(
            "/staff/upload",
            data={"csrf_token": csrf_token(staff, "/staff/upload"), "file": "x" * 4096},
        ),
        "429": anonymous.post("/query", data={"csrf_token": token, "id_number": "1", "name": "x"}),
        "500": anonymous.get("/probe-500"),
        "403": finance.get("/staff/admin/users"),
        "template download": staff.get("/staff/templates/payments.xlsx"),
        "inspector csv": staff.get("/staff/inspect/check/stuck_approval.csv"),
        "inspector xlsx": staff.get("/staff/inspect/report.xlsx"),
    }
    responses = {k: read_through(r) for k, r in responses.items()}
    codes = {k: r.status_code for k, r in responses.items()}
    assert (
        codes["static"]
        == codes["csv download"]
        == codes["template download"]
        == codes["inspector xlsx"]
        == 200
    )
    assert codes["inspector csv"] == 200
    assert [codes[k] for k in ("400 csrf", "403", "404", "405", "413", "429", "500")] == [
        400,
        403,
        404,
        405,
        413,
        429,
        500,
    ]
    for what, response in responses.items():
        assert_protective_headers(response, what)


def test_no_staff_path_is_listed_as_public(app):
    """A staff page put in PUBLIC_ENDPOINTS by mistake would be open to anyone: the table and the paths agree."""
    from fundquery.accounts import access

    for rule in app.url_map.iter_rules():
        if rule.rule == "/staff" or rule.rule.startswith("/staff/"):
            assert rule.endpoint in access.ROLE_ENDPOINTS, (rule.rule, rule.endpoint)
        if rule.endpoint in access.ROLE_ENDPOINTS:
            assert rule.rule.startswith(("/staff/", "/logout", "/account/")), (
                rule.rule,
                rule.endpoint,
            )

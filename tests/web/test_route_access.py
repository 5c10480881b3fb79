"""Every route is in the access table (fundquery/accounts/access.py), and every staff route keeps it.

A new route without a line in PUBLIC_ENDPOINTS or ROLE_ENDPOINTS fails here.
Each staff endpoint is then called anonymously (login redirect, or 401 for
JSON), by a user holding every role it does not list (403), and by a user
holding each role it lists (neither).
"""

from __future__ import annotations

import pytest

from fundquery import create_app
from fundquery.accounts import access
from fundquery.accounts.accounts import ROLES
from fundquery.web.db import EXTENSION
from tests.web.accounts import add_user, sign_in

SAMPLE_ARGS = {
    "integer": 999999,
    "default": "x",
    "string": "x",
    "path": "x",
    "any": "x",
    "uuid": "0" * 32,
}


@pytest.fixture
def open_app(tmp_path):
    """The app without CSRF, so refusals are the access checks' and not the token's."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "DATABASE": str(tmp_path / "access.duckdb"),
        }
    )
    yield app
    app.extensions[EXTENSION].close()


def _rules(app):
    return [r for r in app.url_map.iter_rules() if not r.endpoint.startswith("probe")]


def _url(rule) -> str:
    args = {
        name: SAMPLE_ARGS.get(type(conv).__name__.removesuffix("Converter").lower(), "x")
        for name, conv in rule._converters.items()
    }
    return rule.build(args, append_unknown=False)[1]


def _calls(rule):
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
        yield method, _url(rule)


def test_every_endpoint_has_an_access_rule(open_app):
    missing = sorted(
        {r.endpoint for r in _rules(open_app)}
        - access.PUBLIC_ENDPOINTS
        - set(access.ROLE_ENDPOINTS)
    )
    assert missing == [], "add these endpoints to fundquery/accounts/access.py"


def test_the_table_names_only_real_endpoints_and_roles(open_app):
    endpoints = {r.endpoint for r in _rules(open_app)}
    assert set(access.ROLE_ENDPOINTS) <= endpoints, "stale lines in ROLE_ENDPOINTS"
    assert not access.PUBLIC_ENDPOINTS & set(access.ROLE_ENDPOINTS)
    for roles in access.ROLE_ENDPOINTS.values():
        assert roles and roles <= set(ROLES)


def test_anonymous_users_are_refused_every_staff_route(open_app):
    client = open_app.test_client()
    for rule in _rules(open_app):
        if rule.endpoint not in access.ROLE_ENDPOINTS:
            continue
        for method, url in _calls(rule):
            page = client.open(url, method=method)
            assert page.status_code == 302 and page.location.startswith("/login"), (method, url)
            sep = "&" if "?" in url else "?"
            as_json = client.open(url + sep + "format=json", method=method)
            assert as_json.status_code == 401, (method, url)


def test_wrong_roles_are_refused_and_right_roles_let_in(open_app):
    clients = {}
    for role in ROLES:
        add_user(open_app, f"only-{role}", role)
        clients[role] = open_app.test_client()
        assert sign_in(clients[role], f"only-{role}").status_code == 302
    for rule in _rules(open_app):
        allowed = access.ROLE_ENDPOINTS.get(rule.endpoint)
        if allowed is None:
            continue
        for method, url in _calls(rule):
            for role, client in clients.items():
                status = client.open(url, method=method).status_code
                if rule.endpoint == "auth.logout" and role in allowed:
                    sign_in(client, f"only-{role}")  # signed out by the call: sign in again
                if role in allowed:
                    assert status not in (401, 403), (method, url, role, status)
                else:
                    assert status == 403, (method, url, role, status)

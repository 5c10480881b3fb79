"""The resident lookup cannot be used to find out who is in the store (issue 8).

A known ID with a wrong name, an ID nobody has, a malformed ID and an ID
whose payments are not published all get the same bytes back (apart from
the form's CSRF token).  GET never looks anything up.  The limit holds per
client address, which a client cannot choose with X-Forwarded-For unless
TRUSTED_PROXIES says a proxy writes that header, and for all clients
together.  Timing is measured in bench/enumeration_bench.py, not here.
"""

from __future__ import annotations

import re

import pytest
from limits import parse_many

from fundquery import create_app
from fundquery.web.db import EXTENSION, query
from tests.sheets import make_id
from tests.web.public.county import ALL_IDS, RESIDENT, UNPUBLISHED_ONLY, county_config
from tests.web.public.test_resident_lookup import csrf

TOKEN = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+(")')
UNKNOWN_ID = make_id("420102", "19560304", 99)  # well formed, never loaded
assert UNKNOWN_ID not in ALL_IDS


def post(client, path: str, token: str, person_id: str, name: str, **kw):
    return client.post(path, data={"csrf_token": token, "id_number": person_id, "name": name}, **kw)


def body(response) -> str:
    return TOKEN.sub(r"\1TOKEN\2", response.get_data(as_text=True))


def lookup_audits(app) -> int:
    with app.app_context():
        return query("SELECT count(*) AS n FROM audit_log WHERE action = 'resident_lookup'")[0]["n"]


@pytest.mark.parametrize("path", ["/query", "/kiosk", "/query?format=json", "/kiosk?format=json"])
def test_every_failure_gets_the_same_bytes(county_client, path):
    token = csrf(county_client, path.split("?")[0])
    failures = {
        "known ID, wrong name": (RESIDENT["id"], "李四"),
        "known ID, no name": (RESIDENT["id"], ""),
        "unknown ID": (UNKNOWN_ID, RESIDENT["name"]),
        "malformed ID": (
            RESIDENT["id"][:-1] + ("0" if RESIDENT["id"][-1] != "0" else "1"),
            RESIDENT["name"],
        ),
        "unpublished only, right name": (UNPUBLISHED_ONLY["id"], UNPUBLISHED_ONLY["name"]),
    }
    answers = {what: post(county_client, path, token, *args) for what, args in failures.items()}
    reference = answers["unknown ID"]
    assert reference.status_code == 200
    assert "没有查到可以显示的记录" in reference.get_data(as_text=True) or reference.is_json
    for what, response in answers.items():
        assert response.status_code == reference.status_code, what
        assert body(response) == body(reference), what
        headers = {k: v for k, v in response.headers.items() if k not in ("Set-Cookie", "Date")}
        assert headers == {
            k: v for k, v in reference.headers.items() if k not in ("Set-Cookie", "Date")
        }, what
    found = post(county_client, path, token, RESIDENT["id"], RESIDENT["name"])
    assert body(found) != body(reference)  # the comparison can tell a result from a failure


def test_get_with_query_arguments_never_looks_up(county_app, county_client):
    for path in ("/query", "/kiosk"):
        asked = county_client.get(
            path, query_string={"id_number": RESIDENT["id"], "name": RESIDENT["name"], "lang": "en"}
        )
        assert (
            asked.status_code == 303 and asked.location == f"{path}?lang=en"
        )  # the number leaves the URL
        followed = county_client.get(
            path, query_string={"id_number": RESIDENT["id"]}, follow_redirects=True
        )
        html = followed.get_data(as_text=True)
        assert "查询结果" not in html and RESIDENT["id"] not in html and "892.50" not in html
        assert body(followed) == body(county_client.get(path))
    assert lookup_audits(county_app) == 0


def per_minute(limit: str) -> int:
    """How many requests a limit string lets through in its first minute (the tightest window)."""
    return min(item.amount for item in parse_many(limit))


def test_a_thousand_ids_from_one_address(county_app, capsys):
    """One client walking through 1,000 well-formed IDs is answered exactly its per-client budget."""
    client = county_app.test_client()
    token = csrf(client, "/query")
    budget = per_minute(county_app.config["LOOKUP_RATE_LIMIT"])
    codes = []
    for n in range(1000):
        forged = {
            "X-Forwarded-For": f"198.51.100.{n % 250}, 10.0.{n % 7}.1"
        }  # a new address each time
        codes.append(
            post(
                client,
                "/query?format=json",
                token,
                make_id("420102", "19700101", n),
                "张三",
                headers=forged,
            ).status_code
        )
    answered = codes.count(200)
    with capsys.disabled():
        print(
            f"\n1,000 IDs from one address: {answered} answered, {codes.count(429)} refused"
            f" (limit {county_app.config['LOOKUP_RATE_LIMIT']!r})"
        )
    assert answered == budget == 10
    assert codes == [200] * budget + [429] * (1000 - budget)
    assert lookup_audits(county_app) == budget  # the refused ones looked nothing up


@pytest.fixture
def proxied_app(county_db):
    app = create_app(
        county_config(
            county_db,
            TRUSTED_PROXIES=1,
            LOOKUP_RATE_LIMIT="4 per minute",
            LOOKUP_GLOBAL_RATE_LIMIT="10 per minute",
        )
    )
    yield app
    app.extensions[EXTENSION].close()


def test_behind_a_trusted_proxy_only_the_proxys_hop_counts(proxied_app):
    client = proxied_app.test_client()
    token = csrf(client, "/query")
    codes = [
        post(
            client,
            "/query",
            token,
            UNKNOWN_ID,
            "x",
            headers={"X-Forwarded-For": f"203.0.113.{n}, 192.0.2.1"},
        ).status_code
        for n in range(8)
    ]
    assert (
        codes == [200] * 4 + [429] * 4
    )  # the client's own first hop changes nothing: 192.0.2.1 is limited


def test_the_global_limit_holds_across_addresses(proxied_app):
    client = proxied_app.test_client()
    token = csrf(client, "/query")
    answered = {}
    for n in range(6):  # six addresses, each well within its own 4 a minute if alone
        address = f"192.0.2.{n + 1}"
        codes = [
            post(
                client, "/query", token, UNKNOWN_ID, "x", headers={"X-Forwarded-For": address}
            ).status_code
            for _ in range(4 if n else 30)
        ]  # the first also keeps trying after its own limit
        answered[address] = codes.count(200)
    assert answered["192.0.2.1"] == 4  # its 26 refused tries did not use up everybody's budget
    assert (
        sum(answered.values()) == per_minute(proxied_app.config["LOOKUP_GLOBAL_RATE_LIMIT"]) == 10
    )
    assert lookup_audits(proxied_app) == 10

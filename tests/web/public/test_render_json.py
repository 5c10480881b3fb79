"""Every page's ?format=json writes dates as ISO 8601 and amounts as exact decimal strings.

One render helper (``fundquery.views.render``) serves every view; before it,
``/published?format=json`` wrote ``Tue, 05 Mar 2024 10:00:00 GMT``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?)?$")
HTTP_DATE = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4}")


def _leaves(value, key=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v, key)
    else:
        yield key, value


def _json(client, url):
    response = client.get(url + ("&" if "?" in url else "?") + "format=json")
    assert response.status_code == 200, url
    return response.get_json()


def test_published_writes_iso_dates(county_client):
    data = _json(county_client, "/published")
    published = [p["published_at"] for p in data["datasets"]]
    assert published, "the county publishes batches"
    for value in published:
        assert ISO_DATE.match(value), value
        dt.datetime.fromisoformat(value)


@pytest.mark.parametrize(
    "url", ["/published", "/", "/funds", "/projects", "/budgets", "/notices", "/staffing"]
)
def test_pages_write_no_http_dates_and_exact_decimals(county_client, url):
    data = _json(county_client, url)
    for key, value in _leaves(data):
        if isinstance(value, str):
            assert not HTTP_DATE.match(value), (url, key, value)
            if key.endswith(("_on", "_at")):
                assert ISO_DATE.match(value), (url, key, value)
            if key.endswith("_yuan"):
                Decimal(value)  # an exact decimal string
        assert not isinstance(value, float) or not key.endswith("_yuan"), (url, key, value)


def test_amounts_are_decimal_strings(county_client):
    funds = _json(county_client, "/funds")["funds"]
    assert funds and all(isinstance(f["budget_yuan"], str) for f in funds)
    assert all(
        Decimal(f["budget_yuan"]) == Decimal(f["budget_yuan"]).quantize(Decimal("0.01"))
        for f in funds
    )

"""Numbers in the query string (issue 15 §3): a bad one is a 400 that says which, never a 500.

``str.isdigit()`` accepted '²' (then ``int()`` failed: a 500), and a page number
past the database's integers made the query fail (a 500; the CSV download
answered 200 with only its header).  Every GET route is requested with each bad
value, signed in with every role; the routes that read the parameter answer 400
with a page naming the parameter and the value.
"""

from __future__ import annotations

import pytest

from fundquery.accounts import accounts
from fundquery.queries.datasets import DATASETS
from tests.web.accounts import add_user, sign_in
from tests.web.test_hostile_web import SAMPLE_ARGS

BAD = {
    "superscript": ("page", "²"),
    "huge": ("page", "99999999999999999999"),
    "arabic-indic": ("page", "٣"),
    "word": ("year", "abc"),
    "superscript-year": ("year", "²⁰²⁴"),
    "huge-year": ("year", "99999999999999999999"),
}
# The routes that read each parameter (from the views: paging(), year filters, the audit log's page).
READS_PAGE = {"public.funds", "public.notices", "api.rows", "admin.audit_log"}
READS_YEAR = {
    "public.funds",
    "public.budgets",
    "public.download",
    "api.rows",
    "desk.metrics",
    "inspect.index",
}


def get_urls(app) -> list[tuple[str, str]]:
    """(endpoint, url) of every GET rule, a dataset's routes once per dataset and format."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        names = (
            [d for d in DATASETS if "year" in DATASETS[d].filters]
            if "name" in rule.arguments
            else [None]
        )
        for name in names:
            args = {
                arg: SAMPLE_ARGS.get(type(conv).__name__.removesuffix("Converter").lower(), "x")
                for arg, conv in rule._converters.items()
            }
            if name:
                args["name"] = name
            if "fmt" in args:
                args["fmt"] = "csv"
            found.append((rule.endpoint, rule.build(args, append_unknown=False)[1]))
    return sorted(found)


@pytest.fixture
def everyone(app):
    add_user(app, "everyone", *accounts.ROLES)
    client = app.test_client()
    assert sign_in(client, "everyone").status_code == 302
    return client


@pytest.mark.parametrize("case", BAD)
def test_every_get_route_answers_a_bad_number_with_400_not_500(app, everyone, case):
    param, value = BAD[case]
    routes = get_urls(app)
    readers = READS_PAGE if param == "page" else READS_YEAR
    assert readers <= {e for e, _ in routes}
    refused = set()
    for endpoint, url in routes:
        sep = "&" if "?" in url else "?"
        response = everyone.get(f"{url}{sep}{param}={value}")
        page = response.get_data().decode(errors="replace")  # a download streams: read it all
        response.close()
        assert response.status_code < 500, (endpoint, url, response.status_code)
        if response.status_code == 400:
            refused.add(endpoint)
            assert f"参数 {param}" in page and value in page, (endpoint, page[-1500:])
    assert readers <= refused, sorted(readers - refused)

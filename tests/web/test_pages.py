"""The public home page and the health check, in both languages and as JSON."""

from __future__ import annotations

import pytest

from etl.specs import KINDS, SPECS
from etl.store import SCHEMA_VERSION
from fundquery.web.db import get_db

TITLE_ZH = "财政资金公开查询系统"
TITLE_EN = "Public Finance Transparency and Query System"


def test_health_reports_schema_and_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "schema_version": SCHEMA_VERSION,
        "database": "test.duckdb",
    }


def test_home_is_chinese_by_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert f"<h1>{TITLE_ZH}</h1>" in html
    assert 'href="/?lang=en"' in html
    assert "目前还没有公开的数据" in html


def test_lang_parameter_switches_and_is_remembered(client):
    assert f"<h1>{TITLE_EN}</h1>" in client.get("/?lang=en").get_data(as_text=True)
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "No data has been published yet" in html
    assert f"<h1>{TITLE_ZH}</h1>" in client.get("/?lang=zh").get_data(as_text=True)


@pytest.mark.parametrize(
    ("accept_language", "title"),
    [
        ("en-US,en;q=0.9", TITLE_EN),
        ("zh-CN,zh;q=0.9,en;q=0.5", TITLE_ZH),
        ("fr-FR", TITLE_ZH),
        (None, TITLE_ZH),
    ],
    ids=["english", "chinese", "unsupported", "none"],
)
def test_accept_language_picks_the_language(client, accept_language, title):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    assert f"<h1>{title}</h1>" in client.get("/", headers=headers).get_data(as_text=True)


def _add_batch(kind: str, status: str, rows: int) -> None:
    get_db().execute(
        "INSERT INTO batches (kind, file_name, sha256, uploaded_by, row_count, status)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [kind, f"{kind}.xlsx", f"{kind}{status}", "test", rows, status],
    )


def test_home_counts_only_published_batches(app, client):
    with app.app_context():
        _add_batch("payments", "published", 1200)
        _add_batch("payments", "published", 34)
        _add_batch("payments", "loaded", 99)
        _add_batch("funds", "retracted", 5)
    data = client.get("/?format=json").get_json()
    counts = {k["kind"]: (k["batch_count"], k["row_count"]) for k in data["published"]}
    assert list(counts) == [k for k in KINDS if not SPECS[k].register]  # registers never listed
    assert "deaths" in KINDS and "deaths" not in counts
    assert counts["payments"] == (2, 1234)
    assert counts["funds"] == (0, 0)
    assert data["published_batch_count"] == 2
    html = client.get("/").get_data(as_text=True)
    assert "共公开 2 批数据" in html
    assert "1,234" in html


def test_home_links_only_to_pages_that_exist(client):
    data = client.get("/?format=json").get_json()
    assert data["services"], "the home page lists the services"
    for service in data["services"]:
        if service["url"]:
            # /annual sends to the newest year's report
            assert client.get(service["url"], follow_redirects=True).status_code == 200


def test_unknown_page_is_a_readable_404(client):
    response = client.get("/no-such-page?lang=en")
    assert response.status_code == 404
    assert "This page was not found." in response.get_data(as_text=True)

"""A village whose name contains '/' has its notice page (issue 15 §3): before, its links led to a 404."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from etl import batches as transitions
from etl.idnum import Hasher
from etl.load import load_file
from etl.store import connect
from fundquery import create_app
from fundquery.web.db import EXTENSION
from tests.sheets import make_id, write_xlsx
from tests.web.public.county import ID_KEY, PAY, county_config, pay

VILLAGE = "东风/一组"
PERSON = {"name": "赵六", "id": make_id("420102", "19650505", 21)}


@pytest.fixture
def slash_client(county_db, tmp_path):
    con = connect(county_db)
    try:
        path = write_xlsx(tmp_path / "slash.xlsx", [PAY, pay(PERSON, fund="F002", village=VILLAGE)])
        result = load_file(
            con,
            path,
            "payments",
            hasher=Hasher(ID_KEY),
            uploaded_by="tester",
            archive_dir=tmp_path / "uploads",
        )
        assert result.status == "loaded", result.as_json()
        transitions.publish(con, result.batch, actor="reviewer")
    finally:
        con.close()
    app = create_app(county_config(county_db))
    yield app.test_client()
    app.extensions[EXTENSION].close()


def test_a_village_with_a_slash_has_its_notice_and_print_pages(slash_client):
    listed = slash_client.get("/notices?format=json").get_json()
    assert VILLAGE in {n["village"] for n in listed["notices"]}
    html = slash_client.get("/notices?township=城关镇").get_data(as_text=True)
    links = [unquote(h) for h in _hrefs(html) if "/notices/2024/F002/" in unquote(h)]
    link = next(h for h in links if VILLAGE in h)
    page = slash_client.get(link)
    assert page.status_code == 200, link
    text = page.get_data(as_text=True)
    assert VILLAGE in text and "赵*" in text
    printed = slash_client.get(link + "/print")
    assert printed.status_code == 200 and VILLAGE in printed.get_data(as_text=True)
    assert (
        slash_client.get("/notices/2024/F002/城关镇/东风").status_code == 404
    )  # not a prefix match


def _hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)

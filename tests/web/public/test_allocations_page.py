"""Issue 14: a fund's published allocation table on its public page ("where it went"), in chromium
against the real server, and in open data.  An allocation table loaded but not published shows nowhere.
"""

from __future__ import annotations

import csv
import io
import urllib.request
from pathlib import Path

import pytest

from etl.idnum import Hasher
from etl.load import load_file
from etl.store import connect
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, write_xlsx
from tests.web.conftest import running_server

pytestmark = pytest.mark.browser

ALLOCATED = [
    ["资金名称", "乡镇", "指标文号", "下达日期", "分配金额"],
    ["耕地地力保护补贴", "城关镇", "清财农〔2024〕3号", "2024-02-01", "100,000.00"],
    ["耕地地力保护补贴", "河口乡", "清财农〔2024〕3号", "2024-02-01", "50,000.00"],
]
DISBURSED = [
    ["凭证号", "资金编码", "收款单位", "拨付金额", "审核签字日期", "拨出日期"],
    ["P1", "F001", "城关镇财政所", "100000", "2024-02-05", "2024-02-08"],
    ["P2", "F001", "河口乡财政所", "20000", "2024-02-05", "2024-02-08"],
]


def _load(con, path: Path, kind: str, root: Path, publish: bool = True, **kw) -> None:
    result = load_file(
        con,
        path,
        kind,
        hasher=Hasher(b"k" * 32),
        uploaded_by="clerk",
        archive_dir=root / "uploads",
        publish=publish,
        reviewer="reviewer" if publish else None,
        **kw,
    )
    assert result.status == "loaded", result.as_json()["errors"][:3]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("alloc-site")
    con = connect(root / "site.duckdb")
    _load(con, write_xlsx(root / "f.xlsx", [FUNDS_HEADER, *FUNDS_ROWS]), "funds", root)
    _load(con, write_xlsx(root / "d.xlsx", DISBURSED), "disbursements", root)
    _load(con, write_xlsx(root / "a.xlsx", [["2024年指标下达表"], *ALLOCATED]), "allocations", root)
    unpublished = [["资金编码", "乡镇", "分配金额"], ["F002", "青山镇", "7777"]]
    path = write_xlsx(root / "u.xlsx", [["2024年低保资金分配表"], *unpublished])
    _load(con, path, "allocations", root, publish=False)
    con.close()
    with running_server(root / "site.duckdb", root / "instance") as live:
        yield live


def test_a_funds_page_shows_where_its_allocation_went(browser, server, artifacts):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    page.goto(server.url + "/funds/2024/F001")
    section = page.locator("#allocations")
    assert section.inner_text() == "资金分配（指标下达）"
    rows = page.locator(
        "#allocations ~ .table-scroll table tbody tr, #allocations ~ table tbody tr"
    )
    texts = [[c.strip() for c in r.split("\t")] for r in rows.all_inner_texts() if "清财农" in r]
    assert texts == [
        ["城关镇", "清财农〔2024〕3号", "2024-02-01", "100,000.00", "100,000.00"],
        ["河口乡", "清财农〔2024〕3号", "2024-02-01", "50,000.00", "20,000.00"],
    ]
    published = page.locator(".publication-note li").all_inner_texts()
    assert sorted(t.split("：")[0] for t in published) == sorted(
        ["专项资金目录", "资金分配", "资金拨付"]
    )
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "fund-allocations-1280.png"), full_page=True)
    page.goto(server.url + "/funds/2024/F002")
    assert page.locator("#allocations").count() == 0  # its table is loaded, not published
    assert "青山镇" not in page.content()
    context.close()
    assert problems == []


def test_published_allocations_are_open_data_and_unpublished_are_not(server):
    with urllib.request.urlopen(server.url + "/opendata/allocations.csv") as response:  # noqa: S310
        rows = list(csv.DictReader(io.StringIO(response.read().decode("utf-8-sig"))))
    assert sorted((r["分配单位"], r["资金编码"]) for r in rows) == [
        ("城关镇", "F001"),
        ("河口乡", "F001"),
    ]

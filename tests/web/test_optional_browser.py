"""Issue 14 in chromium: a catalogue without budgets and a township-level roster without villages, published
beside the county's own files.

The catalogue says how many funds its budget total lacks and shows 未公布 for each; the fund page of a
fund with no budget says 未公布; the fund page of F102 lists the village-less payments under their
townships as （未分村） with no notice link; the notice list has only the village that has one; the
annual report says how many funds its budget totals lack; the resident lookup shows the township and
（未分村）; the upload preview names the missing 村 column once.  Screenshots: tests/artifacts/optional-*.png.
"""

from __future__ import annotations

import pytest

from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, PAY_HEADER, make_id, write_xlsx
from tests.test_optional_columns import (
    NO_BUDGET_HEADER,
    NO_BUDGET_ROWS,
    NO_VILLAGE_HEADER,
    NO_VILLAGE_ROWS,
    VILLAGE_ROWS,
)
from tests.web.conftest import published_server, sign_in_page, upload_and_preview

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("optional-browser")
    files = (
        ("funds", [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS]),
        ("funds", [NO_BUDGET_HEADER, *NO_BUDGET_ROWS]),
        ("payments", [PAY_HEADER, *VILLAGE_ROWS]),
        ("payments", [NO_VILLAGE_HEADER, *NO_VILLAGE_ROWS]),
    )
    users = [
        ("wang", "finance", "石桥镇财政所"),
    ]
    with published_server(root, files, users, PASSWORD) as live:
        yield live


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    yield context.new_page()
    context.close()


def test_the_catalogue_and_the_fund_page_say_a_budget_is_not_published(page, server, artifacts):
    page.goto(f"{server.url}/funds")
    assert page.locator("#funds-total").inner_text() == (
        "共 6 项资金，已公布的预算合计 3,500,000.00 元（其中 3 项资金未公布预算，未计入）。"
    )
    unpublished = page.locator("table.data tbody tr", has_text="未公布")
    assert unpublished.count() == 3
    assert "None" not in page.locator("main").inner_text()
    page.screenshot(path=artifacts / "optional-funds.png", full_page=True)

    page.goto(f"{server.url}/funds/2024/F101")
    assert page.locator("#budget-unpublished").inner_text() == "未公布"
    assert "None" not in page.locator("main").inner_text()
    page.screenshot(path=artifacts / "optional-fund-unbudgeted.png", full_page=True)

    page.goto(f"{server.url}/annual/2024")
    assert page.locator(".partial").all_inner_texts() == ["其中 3 项资金未公布预算，未计入"] * 2
    page.screenshot(path=artifacts / "optional-annual.png", full_page=True)


def test_payments_without_a_village_are_under_their_township(page, server, artifacts):
    page.goto(f"{server.url}/funds/2024/F102")
    page.wait_for_selector("#chart-villages .main-svg")
    rows = page.locator("table.data tbody tr").all_inner_texts()
    cells = [[c.strip() for c in r.split("\t")] for r in rows]
    assert cells == [
        ["城关镇", "东风村", "2", "1,785.00", "查看公示"],
        ["城关镇", "（未分村）", "1", "250.00", "只计入乡镇，不列入村公示"],
        ["石桥镇", "（未分村）", "2", "600.00", "只计入乡镇，不列入村公示"],
    ]
    assert "None" not in page.locator("main").inner_text()
    page.screenshot(path=artifacts / "optional-fund-villages.png", full_page=True)

    page.goto(f"{server.url}/notices?fund_code=F102")
    notices = page.locator("table.data tbody tr").all_inner_texts()
    assert len(notices) == 1 and "东风村" in notices[0]
    page.goto(f"{server.url}/notices?township=石桥镇")
    # 石桥镇's payments are all without a village: no notice, the table's empty line instead
    assert page.locator("table.data tbody a").count() == 0
    assert "None" not in page.locator("main").inner_text()
    page.screenshot(path=artifacts / "optional-notices-township.png", full_page=True)


def test_the_resident_sees_the_township_and_no_village(page, server, artifacts):
    page.goto(f"{server.url}/query")
    page.fill("#id_number", make_id(seq=101))
    page.fill("#name", "王一")
    page.click("#lookup-form button[type=submit]")
    page.wait_for_selector("table.lookup")
    rows = page.locator("table.lookup tbody tr").all_inner_texts()
    assert len(rows) == 1 and "石桥镇 （未分村）" in rows[0]
    assert "None" not in page.locator("main").inner_text()
    page.screenshot(path=artifacts / "optional-lookup.png", full_page=True)


def test_the_upload_preview_names_the_missing_village_once(page, server, artifacts, tmp_path):
    rows = [
        [*r[:3], r[3] + "甲", make_id(seq=200 + i), *r[5:]] for i, r in enumerate(NO_VILLAGE_ROWS)
    ]
    path = write_xlsx(tmp_path / "征地社保补贴.xlsx", [NO_VILLAGE_HEADER, *rows])
    sign_in_page(page, server.url, "wang", PASSWORD)
    text = upload_and_preview(page, server.url, path)
    assert text.count("本表无村：3 条发放只计入乡镇，不列入任何村的公示") == 1, text
    assert "None" not in text
    page.screenshot(path=artifacts / "optional-upload.png", full_page=True)

"""Field checks in Debian's chromium against the real server, on a synthetic county (issue 16).

An inspector draws a sample, prints the visit list, records a visit that finds
a problem and sees the summary; then follows a register finding to the person
record.  Screenshots go to tests/artifacts/fieldcheck-*.png.  No console error.
"""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import signed_in_page, synthetic_county_server

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("fieldcheck-browser")
    with synthetic_county_server(root, [("jian", "inspector", "县纪委监委")], PASSWORD) as live:
        yield live


@pytest.fixture
def page(browser, server):
    with signed_in_page(browser, server.url, "jian", PASSWORD) as page:
        yield page


def test_draw_print_visit_and_summary(page, server, artifacts):
    page.goto(f"{server.url}/staff/inspect/samples")
    page.get_by_role("link", name="实地抽查").first.wait_for()
    page.get_by_label("资金", exact=True).select_option(index=1)
    page.get_by_label("抽样数量", exact=True).fill("8")
    page.get_by_label("随机种子（不填则随机生成）").fill("2024")
    page.screenshot(path=artifacts / "fieldcheck-draw.png", full_page=True)
    page.get_by_role("button", name="抽取").click()
    page.wait_for_url(re.compile(r".*/staff/inspect/samples/\d+$"))
    assert "随机种子 2024" in page.locator("section.panel").first.inner_text()
    rows = page.locator("table.data tbody tr[id^=m]")
    assert rows.count() == 8
    page.screenshot(path=artifacts / "fieldcheck-sample.png", full_page=True)

    first_name = rows.first.locator("td").nth(4).inner_text()
    page.get_by_role("link", name="打印走访名单").click()
    page.wait_for_url("**/print")
    listing = page.locator("table.visit-table").inner_text()
    assert first_name in listing and "********" in listing  # name in full, ID masked
    page.emulate_media(media="print")
    page.screenshot(path=artifacts / "fieldcheck-visit-list.png", full_page=True)
    assert not page.locator("form").first.is_visible()  # the reveal form is not printed
    page.emulate_media(media="screen")

    page.go_back()
    page.locator("table.data tbody tr[id^=m]").first.get_by_role("link", name="记录走访").click()
    page.get_by_label("核查结果").select_option("amount_differs")
    page.get_by_label("情况说明").fill("农户说只收到一半")
    page.get_by_label("应追回金额（元）").fill("150.00")
    page.screenshot(path=artifacts / "fieldcheck-visit.png", full_page=True)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r".*/staff/inspect/samples/\d+(#m1)?$"))
    summary = page.locator("#summary").inner_text()
    assert "已走访 1 / 8 名，发现问题 1 个，应追回 150.00 元。" in summary
    assert page.locator("#summary tr[data-outcome=amount_differs] td").nth(1).inner_text() == "1"
    assert page.locator("#m1").get_by_role("link", name=re.compile("标记")).is_visible()
    page.screenshot(path=artifacts / "fieldcheck-summary.png", full_page=True)

    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert (
        "Visited 1 of 8; 1 problems found; 150.00 yuan to recover."
        in page.locator("#summary").inner_text()
    )
    assert page.locator("#m1 .tag").inner_text() == "Amount differs"
    page.screenshot(path=artifacts / "fieldcheck-summary-en.png", full_page=True)
    page.get_by_role("link", name="中文").click()


def test_a_register_finding_leads_to_the_person_record(page, server, artifacts):
    page.goto(f"{server.url}/staff/inspect/check/paid_after_death?as_of=2024-12-31")
    page.locator("table.findings tbody tr").first.locator("a[href*='/person/']").click()
    page.wait_for_url("**/staff/inspect/person/*")
    registers = page.locator("#registers")
    assert "死亡火化登记" in registers.inner_text()
    page.screenshot(path=artifacts / "fieldcheck-person.png", full_page=True)

"""The inspectors' pages in Debian's chromium against the real server, on a synthetic county.

An inspector signs in, reads the report and its charts, opens a check,
flags a finding and moves it on, and asks for a person's full record.
Screenshots go to tests/artifacts/inspect-*.png.  No console error (a CSP
violation would be one).
"""

from __future__ import annotations

import pytest

from tests.web.conftest import signed_in_page, synthetic_county_server

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
AS_OF = "as_of=2024-12-31"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("inspect-browser")
    users = [("jian", "inspector", "县纪委监委")]
    with synthetic_county_server(root, users, PASSWORD) as live:
        yield live


@pytest.fixture
def page(browser, server):
    with signed_in_page(browser, server.url, "jian", PASSWORD) as page:
        yield page


def test_report_and_charts(page, server, artifacts):
    page.goto(f"{server.url}/staff/inspect/?{AS_OF}")
    page.wait_for_selector("#chart-townships .main-svg")
    assert page.locator("h1").first.inner_text() == "问题线索报告"
    assert page.get_by_role("link", name="重复发放").is_visible()
    page.screenshot(path=artifacts / "inspect-report.png", full_page=True)

    page.goto(f"{server.url}/staff/inspect/delays?{AS_OF}")
    page.wait_for_selector("#chart-treasury .main-svg")
    page.wait_for_selector("#chart-payout .main-svg")
    page.screenshot(path=artifacts / "inspect-delays.png", full_page=True)

    page.goto(f"{server.url}/staff/inspect/check/over_quota?{AS_OF}")
    page.wait_for_selector("#chart-check .main-svg")
    page.screenshot(path=artifacts / "inspect-over-quota.png", full_page=True)


def test_flag_a_finding_and_see_a_person(page, server, artifacts):
    page.goto(f"{server.url}/staff/inspect/check/duplicate_payment?{AS_OF}")
    assert page.locator("table.findings tbody tr").count() == 3
    page.screenshot(path=artifacts / "inspect-check.png", full_page=True)
    page.locator("table.findings tbody tr").first.get_by_role("link", name="标记").click()
    page.get_by_label("问题说明").fill("同一期间领取两次，核实后追回")
    page.get_by_label("责任单位").fill("城关镇财政所")
    page.get_by_label("整改期限").fill("2025-01-31")
    page.get_by_role("button", name="标记").click()
    page.wait_for_url("**/staff/inspect/flags/*")
    page.get_by_label("改为").select_option("in_progress")
    page.get_by_label("处理说明").fill("已通知财政所核对银行回单")
    page.get_by_role("button", name="保存").click()
    assert page.locator(".flash").first.inner_text() == "已更新。"
    page.screenshot(path=artifacts / "inspect-flag.png", full_page=True)

    page.goto(f"{server.url}/staff/inspect/flags")
    assert page.locator("tr.overdue").count() == 1
    page.screenshot(path=artifacts / "inspect-flags.png", full_page=True)

    page.goto(f"{server.url}/staff/inspect/check/duplicate_payment?{AS_OF}")
    page.locator("table.findings tbody tr").first.locator("td").first.get_by_role("link").click()
    page.wait_for_url("**/staff/inspect/person/*")
    page.get_by_label("查看理由（记入审计日志）").fill("核查重复发放线索")
    page.get_by_role("button", name="显示完整信息").click()
    page.wait_for_selector("text=完整信息已显示")
    page.screenshot(path=artifacts / "inspect-person.png", full_page=True)

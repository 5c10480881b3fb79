"""The rectification loop in Debian's chromium against the real server (issue 17): an inspector flags
a finding, the township finance office answers with the amount it recovered and a scan of the bank
slip, the inspector accepts, a reviewer publishes the 整改公示, and the public sees it on the
rectification page and in the year's report.  Screenshots go to tests/artifacts/rectify-*.png."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.web.conftest import synthetic_county_server

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
AS_OF = "as_of=2024-12-31"
OFFICE = "城关镇财政所"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("rectify-browser")
    users = [
        ("jian", "inspector", "县纪委监委"),
        ("wang", "finance", OFFICE),
        ("shen", "reviewer", "县财政局"),
    ]
    with synthetic_county_server(root, users, PASSWORD) as live:
        yield live


def signed_in(browser, server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server.url + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")
    return context, page


def test_flag_answer_accept_publish_and_count(browser, server, artifacts):
    inspector_context, inspector = signed_in(browser, server, "jian")
    inspector.goto(f"{server.url}/staff/inspect/check/duplicate_payment?{AS_OF}")
    rows = inspector.locator("table.findings tbody tr")
    township_rows = [i for i in range(rows.count()) if OFFICE[:3] in rows.nth(i).inner_text()]
    row = rows.nth(township_rows[0] if township_rows else 0)
    row.get_by_role("link", name="标记").click()
    inspector.get_by_label("问题说明").fill("同一期间领取两次，请核实并追回")
    inspector.get_by_label("责任单位").fill(OFFICE)
    inspector.get_by_role("button", name="标记").click()
    inspector.wait_for_url("**/staff/inspect/flags/*")
    flag_url = inspector.url
    flag_id = int(flag_url.rsplit("/", 1)[1])

    clerk_context, clerk = signed_in(browser, server, "wang")
    clerk.get_by_role("link", name="整改任务").click()
    clerk.get_by_role("link", name=str(flag_id), exact=True).click()
    clerk.get_by_label("整改情况").fill("已从多发的户追回，银行回单附后")
    clerk.get_by_label("追回或退还金额（元）").fill("892.50")
    clerk.get_by_label("证明材料（可选）").set_input_files(
        {"name": "回单.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 slip\n%%EOF\n"}
    )
    clerk.get_by_role("button", name="提交").click()
    assert "等待监督检查人员核查" in clerk.locator(".flash").first.inner_text()
    clerk.screenshot(path=artifacts / "rectify-office.png", full_page=True)

    inspector.goto(flag_url)
    assert inspector.get_by_role("link", name="证明材料：回单.pdf").is_visible()
    inspector.get_by_label("核查意见").fill("回单与清册一致")
    inspector.get_by_label("整改结果").first.select_option("recovered")
    inspector.get_by_role("button", name="核查通过，整改完成").click()
    assert inspector.locator(".flash").first.inner_text() == "已通过核查，问题整改完成。"
    assert "已整改" in inspector.locator("h1 + p").first.inner_text()
    inspector.screenshot(path=artifacts / "rectify-accepted.png", full_page=True)
    inspector.goto(f"{server.url}/staff/inspect/summary")
    inspector.get_by_label("公示标题").fill("整改情况公示（第一批）")
    inspector.get_by_role("button", name=re.compile("生成公示草稿")).click()
    notice_url = inspector.url

    reviewer_context, reviewer = signed_in(browser, server, "shen")
    reviewer.goto(notice_url)
    with reviewer.expect_navigation():  # the publish answered before the public looks
        reviewer.get_by_role("button", name="保密审查后公开").click()

    public = browser.new_page(locale="zh-CN")
    public.goto(server.url + "/")
    with public.expect_navigation():  # content() mid-navigation is '' (failed a clean run once)
        public.get_by_role("link", name="整改公示").first.click()
    assert "整改情况公示（第一批）" in public.content() and "892.50" in public.content()
    public.screenshot(path=artifacts / "rectify-public.png", full_page=True)
    public.goto(f"{server.url}/annual/{dt.date.today().year}")
    recovered = (
        public.locator("tr", has_text="整改追回、退还资金（万元）").locator("td").inner_text()
    )
    assert recovered == "0.09"  # 892.50 yuan, in 万元 rounded half up
    for context in (inspector_context, clerk_context, reviewer_context):
        context.close()
    public.close()

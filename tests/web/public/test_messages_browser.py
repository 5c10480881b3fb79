"""A complaint from a lookup result to a published reply, in Debian's chromium against the real server.

A resident looks up their subsidies, follows "对此有疑问？留言" under a fund,
sends a complaint and notes the receipt; the desk registers and routes it;
the township finance office answers; the reviewer reviews and publishes; the
resident then sees the reply with the receipt number and the check code.
Screenshots of every page, in Chinese and English, go to tests/artifacts/.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest

from etl.store import connect
from fundquery.accounts import accounts
from fundquery.messages import store as message_store
from fundquery.messages import workflow
from tests.web.conftest import running_server
from tests.web.public.county import ID_KEY, RESIDENT

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
IDLE_SECONDS = 3
BODY = "我家2024年9月的耕地地力保护补贴比3月多了一分钱，是不是算错了？"


# Earlier messages, so the queue and the metrics have something to show:
# (department, received, answered and published or None, type, fund)
EARLIER = [
    ("城关镇财政所", dt.datetime(2026, 9, 7, 9), dt.datetime(2026, 9, 8, 15), "咨询", "F001"),
    ("城关镇财政所", dt.datetime(2026, 9, 30, 9), dt.datetime(2026, 10, 13, 10), "投诉", "F001"),
    ("县民政局", dt.datetime(2026, 10, 12, 9), dt.datetime(2026, 10, 14, 11), "咨询", "F002"),
    ("县民政局", dt.datetime(2026, 11, 2, 9), None, "建议", "F002"),
    ("城关镇财政所", dt.datetime(2026, 11, 16, 9), dt.datetime(2026, 11, 18, 9), "咨询", None),
]


def _seed(con) -> None:
    for department, received, published, kind, fund in EARLIER:
        r = message_store.submit(
            con,
            message_type=kind,
            township="城关镇",
            village="红旗村",
            fund_code=fund,
            body=f"{kind}：{fund or '政策'}的发放时间和标准是什么？",
            name="王五",
            phone="13800000000",
            now=received,
        )
        workflow.register(
            con,
            r.message_id,
            category="补贴发放",
            department=department,
            working_days=3,
            actor="zhao",
            now=received,
        )
        workflow.route(con, r.message_id, actor="zhao", now=received)
        if published:
            workflow.answer(
                con,
                r.message_id,
                reply="按年度计划，每季度末发放，标准见资金公开页。",
                actor="wang",
                office=department,
                now=published,
            )
            workflow.review(
                con,
                r.message_id,
                public_body=f"{kind}：发放时间和标准是什么？",
                is_listed=True,
                actor="zhao",
                now=published,
            )
            workflow.publish(con, r.message_id, actor="zhao", now=published)


@pytest.fixture(scope="module")
def server(county_template, tmp_path_factory):
    root = tmp_path_factory.mktemp("messages-browser")
    db, instance = root / "county.duckdb", root / "instance"
    shutil.copyfile(county_template[0], db)
    instance.mkdir()
    (instance / "id_hash.key").write_text(ID_KEY.hex() + "\n")
    (instance / "config.py").write_text(
        f'LOOKUP_RATE_LIMIT = "100 per minute"\nKIOSK_IDLE_SECONDS = {IDLE_SECONDS}\n'
    )
    con = connect(db)
    accounts.create(con, "zhao", PASSWORD, ["reviewer"], office="县政务公开办", actor="test")
    accounts.create(con, "wang", PASSWORD, ["finance"], office="城关镇财政所", actor="test")
    _seed(con)
    con.close()
    with running_server(db, instance) as live:
        yield live


def _context(browser, phone: bool = False):
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(locale="zh-CN", viewport=size, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return context, page, problems


def _sign_in(page, url: str, username: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")


def _shoot(page, artifacts, name: str) -> None:
    """The page in Chinese, then the same page in English (?lang=en), then back to Chinese."""
    page.screenshot(path=artifacts / f"messages-{name}-zh.png", full_page=True)
    url = page.url
    page.goto(url + ("&" if "?" in url else "?") + "lang=en")
    page.screenshot(path=artifacts / f"messages-{name}-en.png", full_page=True)
    page.goto(url + ("&" if "?" in url else "?") + "lang=zh")


def test_a_complaint_from_a_lookup_to_a_published_reply(browser, server, artifacts):
    url = server.url
    resident, page, problems = _context(browser, phone=True)
    page.goto(url + "/query")
    page.locator("#id_number").fill(RESIDENT["id"])
    page.locator("#name").fill(RESIDENT["name"])
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="对此有疑问？留言").first.click()
    page.wait_for_url("**/messages/new?**")
    assert page.locator("#township").input_value() == "城关镇"
    assert page.locator("#village").input_value() == "东风村"
    assert page.locator("#fund_code").input_value() == "F001"
    page.get_by_label("投诉").check()
    page.locator("#body").fill(BODY)
    page.locator("#name").fill(RESIDENT["name"])
    page.locator("#phone").fill("13912345678")
    page.screenshot(path=artifacts / "messages-form-filled-390.png", full_page=True)
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url("**/messages/receipt")
    page.screenshot(path=artifacts / "messages-receipt-zh.png", full_page=True)
    receipt_no = page.locator("#receipt-no").inner_text().strip()
    code = page.locator("#receipt-code").inner_text().strip()
    assert re.fullmatch(r"\d{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", receipt_no)
    assert re.fullmatch(r"\d{6}", code)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The desk registers and routes it.
    desk_ctx, desk, desk_problems = _context(browser)
    _sign_in(desk, url, "zhao")
    desk.goto(url + "/staff/messages/")
    assert desk.locator("tr", has_text=receipt_no).count() >= 1
    _shoot(desk, artifacts, "desk")
    desk.get_by_role("link", name=receipt_no).first.click()
    desk.get_by_label("分类").select_option("补贴发放")
    desk.get_by_label("承办部门").fill("城关镇财政所")
    desk.get_by_label("办理时限（工作日）").fill("3")
    desk.get_by_role("button", name="登记").click()
    desk.get_by_role("button", name="转交 城关镇财政所 办理").click()
    assert "已转办" in desk.locator(".panel").first.inner_text()

    # The township finance office answers.
    office_ctx, office, office_problems = _context(browser)
    _sign_in(office, url, "wang")
    office.goto(url + "/staff/messages/")
    office.get_by_role("link", name=receipt_no).click()
    assert RESIDENT["name"] in office.inner_text("body")  # staff see the sender
    office.get_by_label("答复内容").fill(
        "经核实，9月按8.5亩、每亩105元计发892.51元，多出的一分钱为尾差，已在下期扣回。"
    )
    office.get_by_role("button", name="提交答复").click()
    assert "已答复待审核" in office.locator(".panel").first.inner_text()
    _shoot(office, artifacts, "slip")

    # The reviewer reviews and publishes.
    desk.reload()
    desk.get_by_role("button", name="审核通过").click()
    desk.get_by_role("button", name="公开答复").click()
    assert "已答复" in desk.locator(".panel").first.inner_text()
    desk.goto(url + "/staff/messages/metrics")
    desk.wait_for_selector("#chart-department .main-svg")
    _shoot(desk, artifacts, "metrics")

    # The resident sees the reply with receipt and code.
    page.goto(url + "/messages/status")
    page.locator("#receipt_no").fill(receipt_no)
    page.locator("#code").fill(code)
    page.get_by_role("button", name="查询").click()
    assert "尾差" in page.locator("#reply").inner_text()
    page.screenshot(path=artifacts / "messages-status-zh.png", full_page=True)

    # And the public list shows it, without the name or the phone.
    page.goto(url + "/messages?fund_code=F001")
    text = page.inner_text("body")
    assert "尾差" in text and RESIDENT["name"] not in text and "13912345678" not in text
    _shoot(page, artifacts, "list")
    page.goto(url + "/messages/new?fund_code=F001&township=城关镇&village=东风村")
    _shoot(page, artifacts, "form")
    page.goto(url + "/messages/receipt")  # shown once: now the status form
    assert code not in page.inner_text("body")

    # The same in English: a question, its receipt and its status.
    page.goto(url + "/messages/new?lang=en&fund_code=F002&township=城关镇&village=东风村")
    page.get_by_label("Question").check()
    page.locator("#body").fill("When is the 2024 minimum living allowance paid?")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/messages/receipt")
    page.screenshot(path=artifacts / "messages-receipt-en.png", full_page=True)
    receipt_en, code_en = (
        page.locator("#receipt-no").inner_text(),
        page.locator("#receipt-code").inner_text(),
    )
    page.get_by_role("link", name="Check a message's progress").click()
    page.locator("#receipt_no").fill(receipt_en)
    page.locator("#code").fill(code_en)
    page.get_by_role("button", name="Look up").click()
    assert "Received" in page.inner_text("body")
    page.screenshot(path=artifacts / "messages-status-en.png", full_page=True)

    assert problems == [] and desk_problems == [] and office_problems == []
    for context in (resident, desk_ctx, office_ctx):
        context.close()


def test_a_message_left_at_a_kiosk_clears_itself(browser, server):
    context, page, problems = _context(browser)
    page.goto(server.url + "/kiosk")
    page.locator("#id_number").fill(RESIDENT["id"])
    page.locator("#name").fill(RESIDENT["name"])
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="对此有疑问？留言").first.click()
    page.wait_for_url("**/messages/new?**kiosk=1**")
    # the kiosk's own layout: large type, a way back to the lookup, no site navigation to wander off
    assert page.locator("body.kiosk").count() == 1 and page.locator("nav.site-nav").count() == 0
    assert page.get_by_role("link", name="回到查询首页").is_visible()
    page.locator("#name").fill("张三")
    page.locator("#phone").fill("13912345678")
    # Nobody touches the screen: the kiosk's start page comes back, the name and phone gone.
    page.wait_for_url("**/kiosk", timeout=(IDLE_SECONDS + 5) * 1000)
    assert "13912345678" not in page.content()
    assert problems == []
    context.close()

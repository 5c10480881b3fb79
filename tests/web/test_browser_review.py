"""Rejection in Debian's chromium against the real server (issue 15 §2).

zhao (reviewer) opens a payment list wang uploaded, rejects it with a reason;
wang opens their batches page and reads the rejection and the reason.
Screenshots: tests/artifacts/review-reject-form.png, batches-rejected.png.
"""

from __future__ import annotations

import pytest

from etl.idnum import Hasher, load_key
from etl.load import load_file
from etl.store import connect
from fundquery.accounts import accounts
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, PAY_HEADER, pay_row, write_xlsx
from tests.web.conftest import running_server

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
REASON = "第 2 行欧阳修平的面积与土地确权台账不符，请核对后重新上传"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A published fund catalogue (batch 1) and wang's payment list waiting for review (batch 2)."""
    root = tmp_path_factory.mktemp("review-browser")
    db, instance = root / "live.duckdb", root / "instance"
    hasher = Hasher(load_key(instance, create=True))
    con = connect(db)
    accounts.create(con, "wang", PASSWORD, ["finance"], office="城关镇财政所", actor="test")
    accounts.create(con, "zhao", PASSWORD, ["reviewer"], office="县政务公开办", actor="test")
    funds = write_xlsx(root / "funds.xlsx", [FUNDS_HEADER, *FUNDS_ROWS])
    pay = write_xlsx(
        root / "清册.xlsx",
        [["2024年耕地地力保护补贴发放清册"], PAY_HEADER, pay_row(1), pay_row(2, name="欧阳修平")],
    )
    common = {"hasher": hasher, "archive_dir": root / "uploads"}
    assert (
        load_file(
            con, funds, "funds", uploaded_by="seed", **common, publish=True, reviewer="zhao"
        ).status
        == "loaded"
    )
    assert (
        load_file(con, pay, "payments", uploaded_by="wang", office="城关镇财政所", **common).batch
        == 2
    )
    con.close()
    with running_server(db, instance) as live:
        yield live


def _sign_in(page, url: str, username: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")


@pytest.fixture(scope="module")
def server_files(tmp_path_factory):
    """The corrected list wang sends after the rejection (欧阳修平's area fixed)."""
    root = tmp_path_factory.mktemp("review-files")
    rows = [
        ["2024年耕地地力保护补贴发放清册"],
        PAY_HEADER,
        pay_row(1),
        pay_row(2, name="欧阳修平", area="6.5", amount="682.50"),
    ]
    return {"fixed": write_xlsx(root / "清册_改正.xlsx", rows)}


def test_reviewer_rejects_and_the_uploader_reads_why(browser, server, server_files, artifacts):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )

    _sign_in(page, server.url, "zhao")
    page.goto(server.url + "/staff/review/2")
    form = page.locator("form#reject")
    assert form.is_visible()
    form.get_by_label("退回原因（上传人会看到）").fill(REASON)
    page.screenshot(path=artifacts / "review-reject-form.png", full_page=True)
    form.get_by_role("button", name="退回上传人").click()
    page.wait_for_url("**/staff/review/")
    assert "批次 2 已退回上传人" in page.content()
    assert "没有待审核的批次" in page.content()

    page.get_by_role("button", name="退出").click()
    _sign_in(page, server.url, "wang")
    page.goto(server.url + "/staff/batches/")
    row = page.locator("tr", has_text="清册.xlsx")
    status = row.locator("td.status").inner_text()
    assert "已退回" in status and REASON in status and "zhao" in status
    assert (
        row.get_by_role("link", name="改正后重新上传")
        .get_attribute("href")
        .endswith("/staff/upload?replaces=2")
    )
    page.screenshot(path=artifacts / "batches-rejected.png", full_page=True)

    # wang corrects it: the upload form comes with batch 2 chosen as the one replaced.
    row.get_by_role("link", name="改正后重新上传").click()
    assert page.get_by_label("替换批次").input_value() == "2"
    page.get_by_label("文件", exact=True).set_input_files(str(server_files["fixed"]))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url("**/staff/upload/*")
    page.get_by_role("button", name="导入 2 行").click()
    page.wait_for_url("**/staff/batches/")
    assert "已导入批次 3" in page.locator(".flash").inner_text()
    page.get_by_role("button", name="退出").click()

    _sign_in(page, server.url, "zhao")
    page.goto(server.url + "/staff/review/3")
    assert "替换批次 2" in page.locator("dl.facts").inner_text()
    page.screenshot(path=artifacts / "review-correction.png", full_page=True)
    assert problems == []
    context.close()

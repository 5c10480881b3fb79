"""The staff workflow in Debian's chromium against the real server.

Finance staff sign in, upload a messy payment list, see its errors, download
the highlighted copy, upload the corrected file and load it; a second user,
a reviewer, publishes it; the public home page then counts its rows.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from etl.idnum import Hasher, load_key
from etl.load import load_file
from etl.store import connect
from fundquery.accounts import accounts
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, PAY_HEADER, make_id, pay_row, write_xlsx
from tests.web.conftest import running_server

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real server on a store with a published fund catalogue and two users."""
    root = tmp_path_factory.mktemp("staff-browser")
    db, instance = root / "live.duckdb", root / "instance"
    key = load_key(instance, create=True)
    con = connect(db)
    funds = write_xlsx(root / "funds.xlsx", [FUNDS_HEADER, *FUNDS_ROWS])
    assert (
        load_file(
            con,
            funds,
            "funds",
            hasher=Hasher(key),
            uploaded_by="seed",
            archive_dir=root / "uploads",
            publish=True,
            reviewer="reviewer",
        ).status
        == "loaded"
    )
    accounts.create(con, "wang", PASSWORD, ["finance"], office="城关镇财政所", actor="test")
    accounts.create(con, "zhao", PASSWORD, ["reviewer"], office="县政务公开办", actor="test")
    con.close()
    with running_server(db, instance) as live:
        yield live


def _sign_in(page, url: str, username: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")


def _upload(page, url: str, path: Path, screenshot: Path | None = None) -> None:
    page.goto(url + "/staff/upload")
    if screenshot:
        page.screenshot(path=screenshot, full_page=True)
    page.get_by_label("文件", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url("**/staff/upload/*")


def test_upload_fix_publish_and_find_it_public(browser, server, artifacts, tmp_path):
    bad_id = make_id(seq=3)[:-1] + ("0" if make_id(seq=3)[-1] != "0" else "1")
    title = ["2024年耕地地力保护补贴发放清册"]
    messy = write_xlsx(
        tmp_path / "清册.xlsx",
        [
            title,
            PAY_HEADER,
            pay_row(1),
            pay_row(2, amount="二百"),
            pay_row(3, id_number=bad_id),
            ["合计"] + [None] * 11 + ["1785"],
        ],
    )
    fixed = write_xlsx(
        tmp_path / "清册_改正.xlsx",
        [
            title,
            PAY_HEADER,
            pay_row(1),
            pay_row(2),
            pay_row(3, name="欧阳修平"),
            ["合计"] + [None] * 11 + ["2677.5"],
        ],
    )
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )

    _sign_in(page, server.url, "wang")
    _upload(page, server.url, messy, artifacts / "staff-upload.png")
    assert "有 2 个错误，不能导入" in page.locator("#verdict").inner_text()
    findings = page.locator("table.findings").first.inner_text()
    assert "二百" in findings and "发放金额" in findings
    assert bad_id not in page.content()
    assert page.get_by_role("button", name="导入").count() == 0
    page.screenshot(path=artifacts / "staff-preview-errors.png", full_page=True)
    preview_url = page.url
    page.goto(preview_url + "&lang=en")
    assert "2 errors: the file cannot be loaded" in page.locator("#verdict").inner_text()
    page.screenshot(path=artifacts / "staff-preview-errors-en.png", full_page=True)
    page.goto(preview_url + "&lang=zh")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载标注问题的文件副本").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "不是金额" in book.worksheets[0]["M4"].comment.text

    _upload(page, server.url, fixed)
    assert "检查通过" in page.locator("#verdict").inner_text()
    page.get_by_role("button", name="导入 3 行").click()
    page.wait_for_url("**/staff/batches/")
    assert "已导入批次 2" in page.locator(".flash").inner_text()
    # the load took the preview's read, under gunicorn with the instance's secret key (readcache)
    assert "loaded (the preview's read)" in server.log_path.read_text(encoding="utf-8")
    page.screenshot(path=artifacts / "staff-batches.png", full_page=True)
    page.get_by_role("button", name="退出").click()

    _sign_in(page, server.url, "zhao")
    page.goto(server.url + "/staff/review/")
    page.get_by_role("link", name="审核").first.click()
    page.wait_for_url("**/staff/review/2")
    sample = page.locator("table.public-sample").inner_text()
    assert "欧**平" in sample and "欧阳修平" not in sample
    page.screenshot(path=artifacts / "staff-review.png", full_page=True)
    page.get_by_label("我已完成保密审查", exact=False).check()
    page.get_by_role("button", name="公开这个批次").click()
    page.wait_for_url("**/staff/review/")
    assert "批次 2 已公开" in page.locator(".flash").inner_text()

    page.goto(server.url + "/")
    published = page.locator("table.data").last.inner_text()
    assert "补贴发放清册\t1\t3" in published
    context.close()
    assert problems == []

"""In chromium: a 低保 list whose 状态 holds the entitlement's 正常 / 已失效, not a 发放状态 (the held-out
layout cbo-dibao-fuwu-mingdan).  The preview asks about the column once, above the rows' errors, with
the mapping open; the clerk marks 状态 not needed, checks again and loads.
Screenshot: tests/artifacts/foreign-values-preview.png."""

from __future__ import annotations

import pytest

from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, PAY_HEADER, make_id, pay_row, write_xlsx
from tests.web.conftest import (
    load_previewed,
    published_server,
    signed_in_page,
    upload_and_preview,
)

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    files = (("funds", [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS]),)
    users = [("wang", "finance", "城关镇财政所")]
    with published_server(
        tmp_path_factory.mktemp("foreign-values"), files, users, PASSWORD
    ) as live:
        yield live


def test_the_clerk_is_asked_about_the_column_and_marks_it_not_needed(
    browser, server, artifacts, tmp_path
):
    header = [h if h != "发放状态" else "状态" for h in PAY_HEADER]
    statuses = ["正常", "正常", "已失效"]
    rows = [pay_row(n, id_number=make_id(seq=n), status=s) for n, s in enumerate(statuses, 1)]
    path = write_xlsx(tmp_path / "低保名单.xlsx", [["2024年低保发放名单"], header, *rows])
    with signed_in_page(browser, server.url, "wang", PASSWORD) as page:
        text = upload_and_preview(page, server.url, path)
        asked = "“状态”这一列的值（“已失效”、“正常”）是享受资格或记录的状态，不是“发放状态”的取值"
        assert text.count(asked) == 1, text
        assert page.get_by_role("button", name="重新检查").count() == 1
        assert "有一列的值没有一个像它的表头所说的那一项" in text
        page.screenshot(path=artifacts / "foreign-values-preview.png", full_page=True)
        page.get_by_label("状态", exact=True).select_option(label="不需要（不导入）")
        page.get_by_role("button", name="重新检查").click()
        page.wait_for_load_state()
        assert asked not in page.locator("main").inner_text()
        load_previewed(page, 3)

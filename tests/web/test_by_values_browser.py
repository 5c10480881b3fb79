"""In chromium: an allocation table whose recipient column is headed 拨付对象, a word the loader was
never taught.  Its cells name townships and offices, so the preview takes it for 分配单位 and says so in
one warning the clerk reads before loading (issue 14, etl/bycontent.py); the file loads.
Screenshot: tests/artifacts/by-values-preview.png."""

from __future__ import annotations

import pytest

from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, write_xlsx
from tests.web.conftest import load_previewed, published_server, signed_in_page

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    files = (("funds", [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS]),)
    users = [("li", "finance", "县财政局")]
    with published_server(tmp_path_factory.mktemp("by-values"), files, users, PASSWORD) as live:
        yield live


def test_a_recipient_under_an_unknown_header_is_taken_by_its_values_and_said(
    browser, server, artifacts, tmp_path
):
    rows = [
        ["2024年耕地地力保护补贴资金分配表"],
        ["资金编码", "年度", "拨付对象", "指标文号", "分配金额"],
        ["F001", "2024", "城关镇", "清财农〔2024〕3号", "120000.00"],
        ["F001", "2024", "河口乡", "清财农〔2024〕3号", "80000.00"],
        ["F001", "2024", "县农业农村局", "清财农〔2024〕3号", "15000.00"],
    ]
    path = write_xlsx(tmp_path / "分配表.xlsx", rows)
    with signed_in_page(browser, server.url, "li", PASSWORD) as page:
        page.goto(server.url + "/staff/upload")
        page.get_by_label("数据类别").select_option(label="资金分配")
        page.get_by_label("文件", exact=True).set_input_files(str(path))
        page.get_by_role("button", name="上传并检查").click()
        page.wait_for_url("**/staff/upload/*")
        text = page.locator("main").inner_text()
        assert (
            "表头“拨付对象”不是“分配单位”的常见写法，但这一列的值都是单位或乡镇名称，已作为“分配单位”导入"
            in text
        )
        page.screenshot(path=artifacts / "by-values-preview.png", full_page=True)
        load_previewed(page, 3)

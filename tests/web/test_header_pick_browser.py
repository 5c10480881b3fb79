"""In chromium: a form whose header the loader does not find at all (a university's 编制 table, the
layout gaoxiao-bianzhi-he-pai-wai: 二级部门, 合：编制总数 …).  The clerk is not sent back to upload again:
the page shows the file's first rows, the clerk picks the header row, maps its columns with the selects,
chooses the 编制类型, checks again and loads (issue 14: asked, not refused).
Screenshots: tests/artifacts/header-pick-rows.png, tests/artifacts/header-pick-mapping.png."""

from __future__ import annotations

import pytest

from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, write_xlsx
from tests.web.conftest import load_previewed, published_server, signed_in_page

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    files = (("funds", [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS]),)
    users = [("wang", "finance", "县委编办")]
    with published_server(tmp_path_factory.mktemp("header-pick"), files, users, PASSWORD) as live:
        yield live


def test_the_clerk_picks_the_header_row_maps_it_and_loads(browser, server, artifacts, tmp_path):
    header = ["二级部门", "合：编制总数", "合：实有人数", "派：编制总数"]
    rows = [
        ["某大学各二级单位编制情况表"],
        header,
        ["文学院", "40", "38", "2"],
        ["理学院", "55", "50", "0"],
        ["医学院", "60", "61", "3"],
    ]
    path = write_xlsx(tmp_path / "二级单位编制.xlsx", rows)
    with signed_in_page(browser, server.url, "wang", PASSWORD) as page:
        page.goto(server.url + "/staff/upload")
        page.get_by_label("数据类别").select_option(label="机构编制")
        page.get_by_label("文件", exact=True).set_input_files(str(path))
        page.get_by_role("button", name="上传并检查").click()
        page.wait_for_url("**/staff/upload/*")
        text = page.locator("main").inner_text()
        assert "找不到" in text and "请指出表头所在的行" in text
        assert page.locator("table.head-rows tbody tr").count() == len(rows)
        page.screenshot(path=artifacts / "header-pick-rows.png", full_page=True)

        page.get_by_label("第 2 行是表头").check()
        page.get_by_role("button", name="用选中的行作表头").click()
        page.wait_for_load_state()
        mapping = page.locator("#mapping")
        assert mapping.is_visible()
        page.get_by_label("二级部门", exact=True).select_option(label="单位名称 *")
        page.get_by_label("合:编制总数", exact=True).select_option(label="编制数 *")
        page.get_by_label("合:实有人数", exact=True).select_option(label="实有人数")
        page.get_by_label("编制类型").fill("事业")
        page.screenshot(path=artifacts / "header-pick-mapping.png", full_page=True)
        page.get_by_role("button", name="重新检查").click()
        page.wait_for_load_state()
        text = page.locator("main").inner_text()
        assert "请指出表头所在的行" not in text and "未导入的列：派:编制总数" in text
        load_previewed(page, 3)

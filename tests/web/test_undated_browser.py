"""Issue 14 in chromium: where a figure is measured from approval, the page says how many vouchers with no
approval date it leaves out (the inspectors' delay report, the disbursement_delay check and the report's
list of checks; the public annual report's 拨付时间 table).  Screenshots: tests/artifacts/undated-*.png.
"""

from __future__ import annotations

import pytest

from tests.sheets import FUNDS_HEADER, FUNDS_ROWS
from tests.test_undated_vouchers import DATED_HEADER, DATED_ROWS, ZHIDA_HEADER, ZHIDA_ROWS
from tests.web.conftest import published_server, signed_in_page

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
AS_OF = "as_of=2024-12-31"
SAID = "另有 3 张凭证无审核日期，未计入"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("undated-browser")
    files = (
        ("funds", [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS]),
        ("disbursements", [DATED_HEADER, *DATED_ROWS]),
        ("disbursements", [ZHIDA_HEADER, *ZHIDA_ROWS]),
    )
    users = [
        ("jian", "inspector", "县纪委监委"),
    ]
    with published_server(root, files, users, PASSWORD) as live:
        yield live


def test_the_pages_say_how_many_vouchers_they_leave_out(browser, server, artifacts):
    with signed_in_page(browser, server.url, "jian", PASSWORD) as page:
        page.goto(f"{server.url}/staff/inspect/delays?{AS_OF}")
        page.wait_for_selector("#chart-treasury .main-svg")
        # the whole county's row, and the row of each department and fund it falls under
        said = page.locator(".undated")
        assert said.first.inner_text() == SAID
        assert said.count() == 1 + 2 + 2  # 合计; 县农业农村局 (1) and 县民政局 (2); F001, F002
        page.screenshot(path=artifacts / "undated-delays.png", full_page=True)

        page.goto(f"{server.url}/staff/inspect/check/disbursement_delay?{AS_OF}")
        assert page.locator("#left-out").inner_text() == SAID
        assert page.locator("table.findings tbody tr").count() == 1  # PZ2, 20 days
        page.screenshot(path=artifacts / "undated-check.png", full_page=True)

        page.goto(f"{server.url}/staff/inspect/?{AS_OF}")
        row = page.locator(
            "table.checks tr", has=page.get_by_role("link", name="拨付时效：审核签字到拨出超期")
        )
        assert row.locator(".left-out").inner_text() == SAID

    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    public = context.new_page()
    public.goto(f"{server.url}/annual/2024")
    assert public.locator("#speed-undated").inner_text() == SAID
    public.screenshot(path=artifacts / "undated-annual.png", full_page=True)
    context.close()

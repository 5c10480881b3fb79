"""The upload preview in Debian's chromium for a roster whose village is only in 家庭地址 (issue 14, corpus).

The clerk sees, before anything is stored, that the village was read out of the address (one warning
naming the column) and each row's village in the sample; a row whose address names no village is the
one error, on its row.  Screenshot: tests/artifacts/address-village-preview.png.
"""

from __future__ import annotations

import pytest

from etl.idnum import Hasher, load_key
from etl.load import load_file
from etl.store import connect
from fundquery.accounts import accounts
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, make_id, write_xlsx
from tests.web.conftest import running_server
from tests.web.test_browser_staff import PASSWORD, _sign_in, _upload

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real server on a store with a published fund catalogue and a finance clerk."""
    root = tmp_path_factory.mktemp("address-browser")
    db, instance = root / "live.duckdb", root / "instance"
    key = load_key(instance, create=True)
    con = connect(db)
    funds = write_xlsx(root / "funds.xlsx", [FUNDS_HEADER, *FUNDS_ROWS])
    result = load_file(
        con,
        funds,
        "funds",
        hasher=Hasher(key),
        uploaded_by="seed",
        archive_dir=root / "uploads",
        publish=True,
        reviewer="reviewer",
    )
    assert result.status == "loaded"
    accounts.create(con, "wang", PASSWORD, ["finance"], office="城关镇财政所", actor="test")
    con.close()
    with running_server(db, instance) as live:
        yield live


HEADER = ["资金编码", "年度", "乡镇", "姓名", "身份证号", "补贴金额", "家庭地址"]


def test_the_preview_says_the_village_came_from_the_address(browser, server, artifacts, tmp_path):
    rows = [
        ["F001", "2024", "城关镇", "张一", make_id(seq=1), "100.00", "城关镇东风村一组3号"],
        ["F001", "2024", "城关镇", "张二", make_id(seq=2), "120.00", "城关镇红星村二组4号"],
        ["F001", "2024", "城关镇", "张三", make_id(seq=3), "90.00", "城关镇解放路12号"],
    ]
    path = write_xlsx(
        tmp_path / "地址清册.xlsx", [["2024年耕地地力保护补贴发放清册"], HEADER, *rows]
    )
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    _sign_in(page, server.url, "wang")
    _upload(page, server.url, path)
    text = page.locator("body").inner_text()
    assert "村取自“家庭地址”" in text
    assert "“家庭地址”的值“城关镇解放路12号”中找不到村" in text
    assert "东风村" in text and "红星村" in text
    assert make_id(seq=1) not in page.content()
    page.screenshot(path=artifacts / "address-village-preview.png", full_page=True)
    context.close()

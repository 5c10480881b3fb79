"""Issue 14 in chromium: a roster with no ID number column, published beside one with IDs.

The village notice shows its payments like any other (masked names, no ID column, no “None”); the
resident lookup by ID cannot find them, but shows the one in the person's household (same 户号) as 同户;
the inspectors' check pages say how many ID-less payments a check by person leaves out, and a check
that needs no person lists an ID-less row with an empty ID cell; a field-check sample says how many
payments of its scope had nobody to draw.  Screenshots: tests/artifacts/idless-*.png.
"""

from __future__ import annotations

import pytest

from fundquery.inspect import samples
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, PAY_HEADER, write_xlsx
from tests.test_idless_rosters import ID_ROWS, IDLESS_HEADER, IDLESS_ROWS, ZHANG
from tests.web.conftest import (
    load_previewed,
    published_server,
    signed_in_page,
    upload_and_preview,
)

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
AS_OF = "as_of=2024-12-31"


def _draw_sample(con) -> None:
    samples.draw(con, samples.Scope(), size=2, seed=7, actor="jian")  # 张三 and 李四: sample 1


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("idless-browser")
    files = (
        ("funds", [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS]),
        ("payments", [PAY_HEADER, *ID_ROWS]),
        ("payments", [["2024年补贴发放登记清册"], IDLESS_HEADER, *IDLESS_ROWS]),
    )
    users = [
        ("jian", "inspector", "县纪委监委"),
        ("wang", "finance", "城关镇财政所"),
    ]
    with published_server(root, files, users, PASSWORD, then=_draw_sample) as live:
        yield live


def _public(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    return context, context.new_page()


def test_the_village_notice_shows_the_idless_payments(browser, server, artifacts):
    context, page = _public(browser)
    try:
        page.goto(f"{server.url}/notices/2024/F001/城关镇/东风村")
        table = page.locator("table.notice-table")
        names = table.locator("tbody td:nth-child(3)").all_inner_texts()
        # F001 in 东风村: 张三 twice and 李四 (with IDs); 王五, 赵六, 周八, 吴九 (without)
        assert sorted(names) == sorted(["张*", "张*", "李*", "王*", "赵*", "周*", "吴*"])
        # 892.50 × 6 + 1,000.00 (周八)
        assert "合计 7 笔" in table.locator("tfoot").inner_text()
        assert "6,355.00" in table.locator("tfoot").inner_text()
        assert "None" not in page.locator("main").inner_text()
        page.screenshot(path=artifacts / "idless-notice.png", full_page=True)
    finally:
        context.close()


def test_the_lookup_shows_an_idless_payment_of_the_household(browser, server, artifacts):
    context, page = _public(browser)
    try:
        page.goto(f"{server.url}/query")
        page.fill("#id_number", ZHANG)
        page.fill("#name", "张三")
        page.click("#lookup-form button[type=submit]")
        page.wait_for_selector("table.lookup")
        text = page.locator("main").inner_text()
        # 张三's two payments and 王五's (no ID number, household H0101 in 城关镇 东风村)
        assert "共 3 笔发放记录（含同户家庭成员 1 人）" in text
        rows = page.locator("table.lookup tbody tr").all_inner_texts()
        assert sum("王*" in r and "同户" in r for r in rows) == 1
        assert "None" not in text
        page.screenshot(path=artifacts / "idless-lookup.png", full_page=True)
    finally:
        context.close()


def test_the_check_pages_say_what_they_leave_out(browser, server, artifacts):
    with signed_in_page(browser, server.url, "jian", PASSWORD) as page:
        page.goto(f"{server.url}/staff/inspect/check/duplicate_payment?{AS_OF}")
        # not returned, no ID: 王五, 赵六, 孙七, 周八
        assert page.locator("#left-out").inner_text() == "另有 4 条发放无身份证号，未计入"
        assert page.locator("table.findings tbody tr").count() == 1  # 张三, paid twice
        page.screenshot(path=artifacts / "idless-check.png", full_page=True)

        page.goto(f"{server.url}/staff/inspect/check/off_standard?{AS_OF}")
        assert page.locator("#left-out").count() == 0  # needs no person: keeps them
        (row,) = page.locator("table.findings tbody tr").all()
        cells = row.locator("td").all_inner_texts()
        assert cells[:2] == ["周*", "—"]  # the masked name, and no ID number: a dash, not “None”
        assert "None" not in row.inner_text()
        assert row.locator("a[href*='/person/']").count() == 0  # nobody's record to open
        page.screenshot(path=artifacts / "idless-off-standard.png", full_page=True)

        # 张三's record, revealed with a reason: his household H0101 holds 王五, who has no ID number
        page.goto(f"{server.url}/staff/inspect/check/duplicate_payment?{AS_OF}")
        page.click("table.findings a[href*='/person/']")
        page.fill("#reason", "核查重复发放线索")
        page.click("form.form button[type=submit]")
        page.wait_for_selector("text=同户人员")
        members = page.locator("h2:has-text('同户人员') + ul li").all_inner_texts()
        assert sorted(members) == sorted(
            ["H0101 · 王五", "H0101 · 张三 · " + ZHANG[:6] + "********" + ZHANG[-4:]]
        )
        page.screenshot(path=artifacts / "idless-person.png", full_page=True)

        page.goto(f"{server.url}/staff/inspect/samples/1")
        said = page.locator("#left-out").inner_text()
        assert said == "范围内另有 5 条发放无身份证号，不在抽样对象中"  # nobody's to draw
        assert page.locator("tr[id^=m]").count() == 2
        page.screenshot(path=artifacts / "idless-sample.png", full_page=True)

        page.goto(f"{server.url}/staff/inspect/?{AS_OF}")
        line = page.locator("table.checks tr", has=page.get_by_role("link", name="重复发放"))
        assert line.locator(".left-out").inner_text() == "另有 4 条发放无身份证号，未计入"


def test_a_clerk_uploads_a_roster_without_ids_and_sees_one_warning(
    browser, server, artifacts, tmp_path
):
    """The upload preview names the missing column once (not one warning per row), and the file loads."""
    rows = [
        [*r[:7], r[7] + "甲", *r[8:]] for r in IDLESS_ROWS[:3]
    ]  # another month's names: a new file
    path = write_xlsx(
        tmp_path / "登记清册.xlsx", [["2024年补贴发放登记清册"], IDLESS_HEADER, *rows]
    )
    with signed_in_page(browser, server.url, "wang", PASSWORD) as page:
        text = upload_and_preview(page, server.url, path)
        said = "本表无身份证号：3 条发放不能按身份证号查询"
        assert text.count(said) == 1, text
        assert "None" not in text
        page.screenshot(path=artifacts / "idless-upload.png", full_page=True)
        load_previewed(page, 3)

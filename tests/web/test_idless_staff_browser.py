"""Issue 14 in chromium: a staff roll with no ID number column, published beside one with IDs.

A clerk's upload preview names the missing column once; the public agency page counts and lists the ID-less staff like any other (no “None”); the inspectors'
check pages say how many ID-less staff a check by person could not see, and a check that needs no
person (inactive_on_roll) lists an ID-less row with an empty ID cell and no person link.
Screenshots: tests/artifacts/idless-staff-*.png.
"""

from __future__ import annotations

import pytest

from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, write_xlsx
from tests.test_idless_staff import (
    ID_STAFF,
    IDLESS_STAFF,
    IDLESS_STAFF_HEADER,
    PAYROLL,
    PAYROLL_HEADER,
    STAFF_HEADER,
)
from tests.web.conftest import (
    load_previewed,
    published_server,
    signed_in_page,
    upload_and_preview,
)

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
AS_OF = "as_of=2024-12-31"
AGENCIES_HEADER = ["单位代码", "单位名称", "主管部门", "编制类型", "编制数", "实有人数"]
AGENCIES = [
    ["001", "县财政局", "县财政局", "行政", "2", "3"],
    ["002", "县教育局", "县教育局", "事业(其他)", "5", "2"],
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("idless-staff-browser")
    files = (
        ("funds", [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS]),
        ("agencies", [AGENCIES_HEADER, *AGENCIES]),
        ("staff", [STAFF_HEADER, *ID_STAFF]),
        ("staff", [["2024年事业单位人员名册"], IDLESS_STAFF_HEADER, *IDLESS_STAFF]),
        ("payroll", [PAYROLL_HEADER, *PAYROLL]),
    )
    users = [
        ("jian", "inspector", "县纪委监委"),
        ("wang", "finance", "县财政局"),
    ]
    with published_server(root, files, users, PASSWORD) as live:
        yield live


def test_the_public_agency_page_lists_the_idless_staff(browser, server, artifacts):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server.url}/staffing/agency/县财政局")
        text = page.locator("main").inner_text()
        # the finance bureau's serving staff: 张伟 (ID) and 王芳, 杨帆 (no ID), 3 against a quota of 2
        roll = page.locator("table").last.locator("tbody tr").all_inner_texts()
        assert [r.split("\t")[1] for r in roll] == ["张伟", "王芳", "杨帆"], roll
        assert "None" not in text
        page.screenshot(path=artifacts / "idless-staff-agency.png", full_page=True)
    finally:
        context.close()


def test_the_check_pages_say_what_they_could_not_see(browser, server, artifacts):
    with signed_in_page(browser, server.url, "jian", PASSWORD) as page:
        page.goto(f"{server.url}/staff/inspect/check/payroll_not_on_roll?{AS_OF}")
        assert page.locator("#left-out").inner_text() == (
            "另有 4 名人员无身份证号，未计入；"
            "另有 1 笔工资的领取人在本单位名册上有同名而无身份证号的人员，未计入"
        )
        assert page.locator("table.findings tbody tr").count() == 1  # 赵强
        assert "None" not in page.locator("main").inner_text()
        page.screenshot(path=artifacts / "idless-staff-check.png", full_page=True)

        page.goto(f"{server.url}/staff/inspect/check/inactive_on_roll?{AS_OF}")
        assert page.locator("#left-out").count() == 0  # by status, not by person: keeps them
        (row,) = page.locator("table.findings tbody tr").all()
        cells = row.locator("td").all_inner_texts()
        assert cells[:2] == ["刘*", "—"]  # the masked name, and no ID number: a dash, not “None”
        assert row.locator("a[href*='/person/']").count() == 0
        page.screenshot(path=artifacts / "idless-staff-inactive.png", full_page=True)

        page.goto(f"{server.url}/staff/inspect/?{AS_OF}")
        line = page.locator("table.checks tr", has=page.get_by_role("link", name="一人多处在编"))
        assert line.locator(".left-out").inner_text() == "另有 3 名人员无身份证号，未计入"
        page.screenshot(path=artifacts / "idless-staff-index.png", full_page=True)


def test_a_clerk_uploads_a_roll_without_ids_and_sees_one_warning(
    browser, server, artifacts, tmp_path
):
    """The upload preview names the missing column once (not one warning per row), and the roll loads."""
    rows = [
        [*r[:2], r[2] + "甲", *r[3:]] for r in IDLESS_STAFF[:3]
    ]  # another year's roll: a new file
    path = write_xlsx(
        tmp_path / "人员名册.xlsx", [["2025年事业单位人员名册"], IDLESS_STAFF_HEADER, *rows]
    )
    with signed_in_page(browser, server.url, "wang", PASSWORD) as page:
        text = upload_and_preview(page, server.url, path)
        said = "本表无身份证号：3 名人员不参与按身份证号的核对"
        assert text.count(said) == 1, text
        assert "None" not in text
        page.screenshot(path=artifacts / "idless-staff-upload.png", full_page=True)
        load_previewed(page, 3)

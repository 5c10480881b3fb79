# ruff: noqa: F811  (pytest fixtures imported from tests.web.staffing are parameters here)
"""Issue 15 §1 through the web: the upload preview and the desk's answer show a personal number masked only."""

from __future__ import annotations

import io
import logging

import openpyxl

from etl.idnum import mask
from fundquery.messages import store as message_store
from fundquery.messages import workflow
from fundquery.web.db import get_db
from tests.sheets import make_id, write_xlsx
from tests.web.accounts import csrf_token, sign_in
from tests.web.staffing import (  # noqa: F401 (fixtures)
    batches_of,
    finance,
    funds_file,
    load,
    preview,
    staff_app,
    with_funds,
)

ID = make_id(region="411524", birth="19850612", seq=37)
MOBILE = "13912345678"
HEADER = ["资金编码", "项目名称", "乡镇", "村", "实施单位", "项目金额", "开工日期", "项目状态"]


def test_upload_preview_marked_copy_and_log_show_the_numbers_masked(
    staff_app, with_funds, tmp_path, caplog
):
    rows = [
        ["2024年项目资金公示"],
        HEADER,
        [
            "F003",
            f"村道硬化 联系人{MOBILE}",
            "城关镇",
            "东风村",
            "县路桥公司",
            "200,000.00",
            "2024-04-01",
            "在建",
        ],
        [
            "F003",
            "红旗村桥梁",
            "城关镇",
            "红旗村",
            f"负责人 {ID}",
            "150,000.00",
            "2024-05-01",
            "完工",
        ],
    ]
    before = batches_of(staff_app)
    with caplog.at_level(logging.DEBUG):
        url, data = preview(with_funds, write_xlsx(tmp_path / "项目.xlsx", rows))
        html = with_funds.get(url).get_data(as_text=True)
        marked = with_funds.get(f"/staff/upload/{data['sha256']}/marked.xlsx?kind=auto")
        refused = load(with_funds, url, data)
    found = {(e["row"], e["column"], e["value"]) for e in data["errors"]}
    assert found == {
        (3, "项目名称", "村道硬化 联系人139****5678"),
        (4, "实施单位", f"负责人 {mask(ID)}"),
    }
    assert data["can_load"] is False and refused.status_code == 302
    assert batches_of(staff_app) == before
    assert "139****5678" in html and mask(ID) in html
    book = openpyxl.load_workbook(io.BytesIO(marked.data))
    comments = [c.comment.text for r in book.worksheets[0].iter_rows() for c in r if c.comment]
    assert len(comments) == 2
    for full in (MOBILE, ID):
        assert full not in str(data) and full not in html and full not in caplog.text
        assert all(full not in text for text in comments)


def test_the_desk_refuses_a_reply_with_a_mobile_and_says_where(staff_app, tmp_path):
    with staff_app.app_context():
        con = get_db()
        receipt = message_store.submit(
            con, message_type="咨询", township="城关镇", village=None, body="补贴何时发？"
        )
        mid = receipt.message_id
        workflow.register(
            con, mid, category="其他", department="城关镇财政所", working_days=3, actor="desk"
        )
        workflow.route(con, mid, actor="desk")
    client = staff_app.test_client()
    assert sign_in(client, "wang").status_code == 302
    slip = f"/staff/messages/{mid}"
    token = csrf_token(client, slip)
    answered = client.post(
        f"{slip}/answer",
        data={"reply": f"请打经办人手机 {MOBILE} 询问。", "csrf_token": token},
        follow_redirects=True,
    )
    page = answered.get_data(as_text=True)
    assert "答复中有手机号码" in page and "139****5678" in page
    assert MOBILE not in page
    with staff_app.app_context():
        message = message_store.get(get_db(), mid)
    assert message["status"] == "routed" and message["reply"] is None

"""咨询投诉 through the test client on the small published county: form, receipt, status, desk, list."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from fundquery.web.db import get_db
from tests.web.accounts import add_user, csrf_token, sign_in
from tests.web.public.county import RESIDENT

NAME, PHONE = "李四海", "13987654321"
BODY = "东风村2024年9月的耕地补贴为什么少了一块钱？<b>请核实</b>"


def _send(client, **values):
    token = csrf_token(client, "/messages/new")
    data = {
        "csrf_token": token,
        "message_type": "投诉",
        "township": "城关镇",
        "village": "东风村",
        "fund_code": "F001",
        "body": BODY,
        "name": NAME,
        "phone": PHONE,
        **values,
    }
    return client.post("/messages/new", data=data)


def _receipt(client) -> tuple[str, str]:
    html = client.get("/messages/receipt").get_data(as_text=True)
    receipt_no = re.search(r'id="receipt-no">([^<]+)<', html).group(1)
    code = re.search(r'id="receipt-code">([^<]+)<', html).group(1)
    return receipt_no, code


def _status(client, receipt_no: str, code: str):
    token = csrf_token(client, "/messages/status")
    return client.post(
        "/messages/status", data={"csrf_token": token, "receipt_no": receipt_no, "code": code}
    )


@pytest.fixture
def staff(county_app):
    add_user(county_app, "desk", "reviewer", office="县政务公开办")
    add_user(county_app, "wang", "finance", office="城关镇财政所")
    add_user(county_app, "li", "finance", office="红旗镇财政所")
    add_user(county_app, "zhou", "inspector", office="县财政监督局")
    clients = {}
    for name in ("desk", "wang", "li", "zhou"):
        clients[name] = county_app.test_client()
        assert sign_in(clients[name], name).status_code == 302
    return clients


def _message_id(app, receipt_no: str) -> int:
    with app.app_context():
        return (
            get_db()
            .execute("SELECT message_id FROM messages WHERE receipt_no = ?", [receipt_no])
            .fetchone()[0]
        )


def _post(client, url: str, **data):
    token = csrf_token(
        client, url.rsplit("/", 1)[0] if not url.endswith(tuple("0123456789")) else url
    )
    return client.post(url, data={"csrf_token": token, **data})


def _step(client, message_id: int, step: str, **data):
    token = csrf_token(client, f"/staff/messages/{message_id}")
    return client.post(f"/staff/messages/{message_id}/{step}", data={"csrf_token": token, **data})


def _status_of(app, message_id: int) -> str:
    with app.app_context():
        return (
            get_db()
            .execute("SELECT status FROM messages WHERE message_id = ?", [message_id])
            .fetchone()[0]
        )


def _publish_one(app, client, staff, **values) -> tuple[str, str, int]:
    assert _send(client, **values).status_code == 302
    receipt_no, code = _receipt(client)
    mid = _message_id(app, receipt_no)
    desk, wang = staff["desk"], staff["wang"]
    assert (
        _step(
            desk, mid, "register", category="补贴发放", department="城关镇财政所", working_days="3"
        ).status_code
        == 302
    )
    assert _step(desk, mid, "route").status_code == 302
    assert (
        _step(
            wang, mid, "answer", reply="经核实，9月按8.5亩计发，少的一分钱为四舍五入，已补发。"
        ).status_code
        == 302
    )
    assert _step(desk, mid, "review", public_body=BODY, is_listed="y").status_code == 302
    assert _step(desk, mid, "publish").status_code == 302
    assert _status_of(app, mid) == "published"
    return receipt_no, code, mid


def test_form_is_prefilled_from_a_lookup_or_notice(county_client):
    html = county_client.get(
        "/messages/new?fund_code=F001&township=城关镇&village=东风村"
    ).get_data(as_text=True)
    assert re.search(r'<option selected value="F001">|<option value="F001" selected>', html)
    assert 'value="城关镇"' in html and 'value="东风村"' in html


def test_the_lookup_result_and_the_notice_link_to_the_form(county_client):
    token = csrf_token(county_client, "/query")
    html = county_client.post(
        "/query", data={"csrf_token": token, "id_number": RESIDENT["id"], "name": RESIDENT["name"]}
    ).get_data(as_text=True)
    assert "对此有疑问？留言" in html
    assert "/messages/new?fund_code=F001&amp;township=%E5%9F%8E%E5%85%B3%E9%95%87" in html
    kiosk = county_client.post(
        "/kiosk", data={"csrf_token": token, "id_number": RESIDENT["id"], "name": RESIDENT["name"]}
    ).get_data(as_text=True)
    assert "/messages/new?fund_code=F001" in kiosk and "kiosk=1" in kiosk and "kiosk=1" not in html
    failed = county_client.post("/query", data={"csrf_token": token, "id_number": "x", "name": "y"})
    assert 'href="/messages/new"' in failed.get_data(as_text=True)
    notice = county_client.get("/notices/2024/F001/城关镇/东风村").get_data(as_text=True)
    assert "/messages/new?fund_code=F001" in notice and "对此有疑问？留言" in notice


def test_send_receipt_once_then_status_with_the_code(county_app, county_client):
    response = _send(county_client)
    assert response.status_code == 302 and response.location.endswith("/messages/receipt")
    receipt_no, code = _receipt(county_client)
    assert re.fullmatch(r"20\d\d-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", receipt_no)
    assert re.fullmatch(r"\d{6}", code)
    # Shown once: the receipt page does not show the code again.
    again = county_client.get("/messages/receipt")
    assert again.status_code == 302 and code not in again.get_data(as_text=True)
    with county_app.app_context():
        stored = (
            get_db()
            .execute("SELECT code_hash FROM messages WHERE receipt_no = ?", [receipt_no])
            .fetchone()[0]
        )
    assert code not in stored
    page = _status(county_client, receipt_no, code)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "已收到" in html
    assert "&lt;b&gt;请核实&lt;/b&gt;" in html and "<b>请核实</b>" not in html  # plain text only
    assert NAME not in html and PHONE not in html


def test_a_wrong_code_reveals_nothing(county_client):
    _send(county_client)
    receipt_no, code = _receipt(county_client)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    answers = [
        _status(county_client, receipt_no, wrong),
        _status(county_client, "2026-999999", code),
        _status(county_client, receipt_no, ""),
    ]
    bodies = [a.get_data(as_text=True) for a in answers]
    assert all(a.status_code == 404 for a in answers)
    for html in bodies:
        assert (
            "没有查到" in html
            and "请核实" not in html
            and "东风村" not in html
            and "已收到" not in html
        )
    # The same page for a wrong code and an unknown receipt (the token aside).
    strip = [re.sub(r'value="[^"]*"', "", h) for h in bodies[:2]]
    assert strip[0] == strip[1]


def test_a_stranger_cannot_lock_the_senders_receipt(county_app, county_client):
    """Ten wrong codes from one address refuse that address, not the sender at the kiosk."""
    county_app.config["MESSAGE_STATUS_RATE_LIMIT"] = "100 per minute"
    _send(county_client)
    receipt_no, code = _receipt(county_client)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    stranger = county_app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    for _ in range(10):
        assert _status(stranger, receipt_no, wrong).status_code == 404
    assert _status(stranger, receipt_no, code).status_code == 404  # his own address: refused
    seen = _status(county_client, receipt_no, code)
    assert seen.status_code == 200 and "已收到" in seen.get_data(as_text=True)


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"name": ""}, "投诉需要留下姓名和电话"),
        ({"body": ""}, "请填写留言内容"),
        ({"body": "字" * 2001}, "最多 2000 字"),
        ({"township": ""}, "请填写乡镇"),
        ({"phone": "call me"}, "7–20 位数字"),
        ({"message_type": "表扬"}, "不是有效的选择"),
        ({"fund_code": "F999"}, "不是有效的选择"),
    ],
    ids=["complaint-contact", "empty", "too-long", "township", "phone", "type", "fund"],
)
def test_bad_forms_are_refused_and_nothing_stored(county_app, county_client, values, said):
    response = _send(county_client, **values)
    assert response.status_code == 400
    assert said in response.get_data(as_text=True)
    with county_app.app_context():
        assert get_db().execute("SELECT count(*) FROM messages").fetchone()[0] == 0


def test_anonymous_consultation_and_report_are_accepted(county_app, county_client):
    assert _send(county_client, message_type="咨询", name="", phone="").status_code == 302
    assert _send(county_client, message_type="举报", name="", phone="").status_code == 302
    with county_app.app_context():
        assert (
            get_db()
            .execute("SELECT count(*) FROM messages WHERE sender_name IS NULL")
            .fetchone()[0]
            == 2
        )


def test_no_csrf_token_no_message(county_app, county_client):
    response = county_client.post(
        "/messages/new", data={"message_type": "咨询", "township": "城关镇", "body": "x"}
    )
    assert response.status_code == 400
    with county_app.app_context():
        assert get_db().execute("SELECT count(*) FROM messages").fetchone()[0] == 0


def test_sending_is_rate_limited(county_app, county_client):
    county_app.config["MESSAGE_RATE_LIMIT"] = "2 per minute"
    assert [_send(county_client).status_code for _ in range(3)] == [302, 302, 429]
    county_app.config["MESSAGE_STATUS_RATE_LIMIT"] = "2 per minute"
    assert [_status(county_client, "2026-000001", "000000").status_code for _ in range(3)] == [
        404,
        404,
        429,
    ]


def test_desk_every_step_and_the_reply_reaches_the_sender(county_app, county_client, staff):
    receipt_no, code, mid = _publish_one(county_app, county_client, staff)
    html = _status(county_client, receipt_no, code).get_data(as_text=True)
    assert "已答复" in html and "四舍五入，已补发" in html
    with county_app.app_context():
        actions = [
            r[0]
            for r in get_db()
            .execute(
                "SELECT action FROM audit_log WHERE target = ? ORDER BY audit_id",
                [f"message:{receipt_no}"],
            )
            .fetchall()
        ]
        viewed = (
            get_db()
            .execute(
                "SELECT count(*) FROM audit_log WHERE action = 'view_personal_data' AND target = ?",
                [f"/staff/messages/{mid}"],
            )
            .fetchone()[0]
        )
    assert actions == [
        "message_receive",
        "message_register",
        "message_route",
        "message_answer",
        "message_review",
        "message_publish",
    ]
    assert viewed >= 5  # every opening of the slip, which shows the sender's name and phone


def test_desk_refusals(county_app, county_client, staff):
    _send(county_client)
    receipt_no, _code = _receipt(county_client)
    mid = _message_id(county_app, receipt_no)
    desk, wang, li, zhou = staff["desk"], staff["wang"], staff["li"], staff["zhou"]
    # A department without any finance user: registered, with a warning that nobody can answer yet.
    other = _send(county_client) and _receipt(county_client)[0]
    _step(
        desk,
        _message_id(county_app, other),
        "register",
        category="其他",
        department="县林业局",
        working_days="3",
    )
    assert "没有人能答复" in desk.get(f"/staff/messages/{_message_id(county_app, other)}").get_data(
        as_text=True
    )
    # Finance cannot register; a department sees nothing until the message is its own.
    assert (
        _step(
            wang, mid, "register", category="其他", department="城关镇财政所", working_days="3"
        ).status_code
        == 403
    )
    assert wang.get(f"/staff/messages/{mid}").status_code == 404
    # Out of order: routing before registering.
    refused = _step(desk, mid, "route")
    assert refused.status_code == 302 and _status_of(county_app, mid) == "received"
    assert "不能转办" in desk.get(f"/staff/messages/{mid}").get_data(as_text=True)
    _step(desk, mid, "register", category="补贴发放", department="城关镇财政所", working_days="3")
    _step(desk, mid, "route")
    # Another township's office cannot see or answer it; the reviewer cannot answer for the department.
    assert li.get(f"/staff/messages/{mid}").status_code == 404
    assert _step(li, mid, "answer", reply="不是我们的").status_code == 404
    assert _step(desk, mid, "answer", reply="x").status_code == 403
    assert _step(zhou, mid, "publish").status_code == 403
    assert _status_of(county_app, mid) == "routed"
    assert _step(wang, mid, "answer", reply="第一次答复").status_code == 302
    # Sending back needs a note; then the department answers again.
    _step(desk, mid, "send-back", **{"back-note": ""})
    assert _status_of(county_app, mid) == "answered"
    _step(desk, mid, "send-back", **{"back-note": "请写明补发日期。"})
    assert _status_of(county_app, mid) == "sent_back"
    assert "请写明补发日期。" in wang.get(f"/staff/messages/{mid}").get_data(as_text=True)
    _step(wang, mid, "answer", reply="10月15日补发。")
    assert _status_of(county_app, mid) == "answered"


def test_link_records_and_escalate_to_an_inspector_flag(county_app, county_client, staff):
    _send(county_client)
    receipt_no, _code = _receipt(county_client)
    mid = _message_id(county_app, receipt_no)
    desk, zhou = staff["desk"], staff["zhou"]
    with county_app.app_context():
        batch, row_no, amount = (
            get_db()
            .execute(
                "SELECT batch_id, row_no, amount_yuan FROM live_payments WHERE name = ? AND fund_code = 'F001'"
                " ORDER BY row_no LIMIT 1",
                [RESIDENT["name"]],
            )
            .fetchone()
        )
    assert (
        _step(
            desk, mid, "link", record_kind="payments", batch_id=str(batch), row_no="9999"
        ).status_code
        == 302
    )
    assert "没有这类记录" in desk.get(f"/staff/messages/{mid}").get_data(as_text=True)
    _step(
        desk,
        mid,
        "link",
        record_kind="payments",
        batch_id=str(batch),
        row_no=str(row_no),
        note="张三的9月补贴",
    )
    _step(zhou, mid, "escalate", severity="medium", assignee_office="城关镇财政所", note="疑似少发")
    with county_app.app_context():
        flag = (
            get_db()
            .execute("SELECT record_kind, record_key, amount_yuan, status FROM flags")
            .fetchall()
        )
        figures = get_db().execute("SELECT figures FROM flags").fetchone()[0]
    assert flag == [("message", receipt_no, amount, "open")]
    assert NAME not in figures and PHONE not in figures
    flags_page = zhou.get("/staff/inspect/flags").get_data(as_text=True)
    assert receipt_no in flags_page
    with county_app.app_context():
        flag_id = get_db().execute("SELECT flag_id FROM flags").fetchone()[0]
    flag_page = zhou.get(f"/staff/inspect/flags/{flag_id}")
    assert flag_page.status_code == 200 and receipt_no in flag_page.get_data(as_text=True)
    assert f"/staff/inspect/flags/{flag_id}" in zhou.get(f"/staff/messages/{mid}").get_data(
        as_text=True
    )


def test_public_list_and_downloads_have_no_names_or_phones(county_app, county_client, staff):
    _publish_one(county_app, county_client, staff)
    _send(county_client, body="还没有答复的留言")  # not published: never listed
    _publish_one(
        county_app, county_client, staff, message_type="举报", name="", phone=""
    )  # listed only if chosen
    html = county_client.get("/messages").get_data(as_text=True)
    assert "四舍五入" in html and "还没有答复的留言" not in html
    assert "&lt;b&gt;" in html and "<b>请核实" not in html
    listed = county_client.get("/api/v1/messages").get_json()
    assert listed["total"] == 2 and {r["message_type"] for r in listed["rows"]} == {"投诉", "举报"}
    csv_text = county_client.get("/opendata/messages.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert len(rows) == 3 and "答复" in rows[0]
    workbook = load_workbook(io.BytesIO(county_client.get("/opendata/messages.xlsx").data))
    cells = " ".join(str(c.value) for row in workbook.active.iter_rows() for c in row)
    json_text = county_client.get("/opendata/messages.json").get_data(as_text=True)
    for text in (
        html,
        csv_text,
        cells,
        json_text,
        str(listed),
        county_client.get("/messages?format=json").get_data(as_text=True),
    ):
        assert NAME not in text and PHONE not in text and "sender" not in text
    # Searchable by fund and township.
    assert county_client.get("/api/v1/messages?township=红旗镇").get_json()["total"] == 0
    assert (
        county_client.get("/api/v1/messages?fund_code=F001&township=城关镇").get_json()["total"]
        == 2
    )
    assert "四舍五入" not in county_client.get("/messages?fund_code=F002").get_data(as_text=True)


def test_overdue_messages_are_marked_in_the_queue(county_app, county_client, staff):
    _send(county_client)
    receipt_no, _code = _receipt(county_client)
    with county_app.app_context():
        get_db().execute(
            "UPDATE messages SET deadline_on = current_date - 1 WHERE receipt_no = ?", [receipt_no]
        )
    data = staff["desk"].get("/staff/messages/?format=json").get_json()
    assert data["overdue_count"] == 1 and data["messages"][0]["is_overdue"]
    assert "已超期" in staff["desk"].get("/staff/messages/").get_data(as_text=True)
    # The department sees its own only.
    assert staff["wang"].get("/staff/messages/?format=json").get_json()["messages"] == []


def test_from_a_kiosk_the_form_and_the_receipt_clear_themselves(county_client):
    form = county_client.get("/messages/new?kiosk=1&fund_code=F001").get_data(as_text=True)
    assert 'data-kiosk-idle data-idle-seconds="60" data-start-url="/kiosk"' in form
    assert "data-kiosk-idle" not in county_client.get("/messages/new").get_data(as_text=True)
    token = csrf_token(county_client, "/messages/new?kiosk=1")
    sent = county_client.post(
        "/messages/new?kiosk=1",
        data={
            "csrf_token": token,
            "message_type": "咨询",
            "township": "城关镇",
            "body": "什么时候发？",
        },
    )
    assert sent.status_code == 302 and sent.location.endswith("/messages/receipt?kiosk=1")
    receipt = county_client.get(sent.location).get_data(as_text=True)
    assert "data-kiosk-idle" in receipt and "/messages/status?kiosk=1" in receipt

"""The message store and workflow on a real DuckDB file: receipt, code, steps, refusals, deadlines."""

from __future__ import annotations

import datetime as dt
import re

import chinese_calendar
import pytest

from etl.store import connect
from fundquery.messages import MessageError, store, workflow
from fundquery.messages.deadlines import add_working_days

SENT = dt.datetime(2026, 9, 30, 9, 15)  # the day before 国庆


@pytest.fixture
def con(tmp_path):
    con = connect(tmp_path / "messages.duckdb")
    yield con
    con.close()


def _expected_deadline(start: dt.date, days: int) -> dt.date:
    """Counted with chinesecalendar itself, not with the store's table."""
    day, left = start, days
    while left:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            left -= 1
    return day


def _complaint(con, now=SENT, **kw):
    values = {
        "message_type": "投诉",
        "township": "城关镇",
        "village": "东风村",
        "fund_code": "F001",
        "body": "2024年9月的耕地补贴少发了。",
        "name": "张三",
        "phone": "13912345678",
        **kw,
    }
    return store.submit(con, now=now, **values)


def test_deadline_across_national_day(con):
    receipt = _complaint(con)
    expected = _expected_deadline(SENT.date(), 3)
    # 10月1日–7日 are days off in 2026, and Saturday 10月10日 is worked: Thu 8, Fri 9, Sat 10.
    assert expected == dt.date(2026, 10, 10)
    assert receipt.deadline_on == expected
    assert receipt.deadline_on > dt.date(2026, 10, 7)


@pytest.mark.parametrize(
    "start",
    [
        dt.date(2026, 2, 13),
        dt.date(2026, 4, 30),
        dt.date(2026, 6, 18),
        dt.date(2025, 12, 31),
        dt.date(2026, 3, 11),
    ],
    ids=str,
)
@pytest.mark.parametrize("days", [1, 3, 10])
def test_deadlines_agree_with_chinesecalendar(con, start, days):
    assert add_working_days(con, start, days) == (_expected_deadline(start, days), False)


def test_a_year_without_a_schedule_is_monday_to_friday_and_provisional(con):
    due, provisional = add_working_days(con, dt.date(2027, 1, 6), 3)  # a Wednesday
    assert (due, provisional) == (dt.date(2027, 1, 11), True)


def test_receipt_and_code(con):
    receipt = _complaint(con)
    assert re.fullmatch(r"2026-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", receipt.receipt_no)
    assert len(receipt.code) == 6 and receipt.code.isdigit()
    stored = store.get(con, receipt.message_id)
    assert receipt.code not in stored["code_hash"] and stored["code_hash"].startswith(
        ("scrypt:", "pbkdf2:")
    )
    seen = store.check_code(con, receipt.receipt_no, receipt.code)
    assert seen["status"] == "received" and seen["reply"] is None
    assert "张三" not in str(seen) and "13912345678" not in str(seen)


def test_wrong_code_and_unknown_receipt_answer_the_same(con):
    receipt = _complaint(con)
    wrong = f"{(int(receipt.code) + 1) % 1_000_000:06d}"
    assert store.check_code(con, receipt.receipt_no, wrong) is None
    assert store.check_code(con, "2026-999999", receipt.code) is None
    assert store.check_code(con, receipt.receipt_no, "") is None
    assert store.check_code(con, "'; DROP TABLE messages; --", "123456") is None


def test_receipts_cannot_be_guessed_from_another(con):
    """Sequential receipts (2026-000123, 2026-000124 …) let anyone reach every other message."""
    receipts = [_complaint(con).receipt_no for _ in range(40)]
    assert len(set(receipts)) == 40
    assert not any(r.endswith(f"{i:06d}") for i, r in enumerate(receipts, start=1))
    # 31 symbols in 8 places: no two of 40 share even their first block by design, and every
    # symbol of the alphabet is possible (none of 0 O 1 I L, which are misread on a slip).
    drawn = set("".join(r[5:].replace("-", "") for r in receipts))
    assert drawn <= set(store.RECEIPT_ALPHABET) and not drawn & set("01OIL")
    assert len(drawn) > 20


def test_receipt_typed_by_hand_is_found(con):
    receipt = _complaint(con)
    typed = "  " + receipt.receipt_no.lower().replace("-", " ") + " "
    assert store.check_code(con, typed, receipt.code) is not None
    full_width = receipt.receipt_no.translate(
        {c: c + 0xFEE0 for c in range(0x21, 0x7F)}
    )  # ２０２６－ＡＢＣＤ－… from a Chinese input method
    assert store.check_code(con, full_width, receipt.code) is not None


def test_old_sequential_receipts_keep_working(con):
    receipt = _complaint(con)
    con.execute(
        "UPDATE messages SET receipt_no = '2025-000017' WHERE message_id = ?", [receipt.message_id]
    )
    assert store.check_code(con, "2025-000017", receipt.code)["receipt_no"] == "2025-000017"


def test_wrong_codes_from_one_address_do_not_lock_the_sender_elsewhere(con):
    receipt = _complaint(con)
    wrong = f"{(int(receipt.code) + 1) % 1_000_000:06d}"
    now = dt.datetime(2026, 10, 2, 8, 0)
    for _ in range(store.MAX_CODE_FAILURES):
        assert (
            store.check_code(con, receipt.receipt_no, wrong, now, remote_addr="203.0.113.9") is None
        )
    # The stranger's address is refused, even with the right code ...
    assert (
        store.check_code(con, receipt.receipt_no, receipt.code, now, remote_addr="203.0.113.9")
        is None
    )
    # ... the sender, from the village's kiosk, still sees the message.
    seen = store.check_code(con, receipt.receipt_no, receipt.code, now, remote_addr="10.7.0.2")
    assert seen is not None and seen["receipt_no"] == receipt.receipt_no
    # After the hour the stranger's address is answered again.
    later = now + dt.timedelta(minutes=store.CODE_LOCK_MINUTES + 1)
    assert (
        store.check_code(con, receipt.receipt_no, receipt.code, later, remote_addr="203.0.113.9")
        is not None
    )
    wrong_lines = con.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'message_code_wrong'"
    ).fetchone()[0]
    assert wrong_lines == store.MAX_CODE_FAILURES


def test_a_right_code_clears_the_failures_of_its_address(con):
    receipt = _complaint(con)
    wrong = f"{(int(receipt.code) + 1) % 1_000_000:06d}"
    now = dt.datetime(2026, 10, 2, 8, 0)
    for _ in range(store.MAX_CODE_FAILURES - 1):
        store.check_code(con, receipt.receipt_no, wrong, now, remote_addr="10.7.0.2")
    assert store.check_code(con, receipt.receipt_no, receipt.code, now, remote_addr="10.7.0.2")
    for _ in range(store.MAX_CODE_FAILURES - 1):
        store.check_code(con, receipt.receipt_no, wrong, now, remote_addr="10.7.0.2")
    assert store.check_code(con, receipt.receipt_no, receipt.code, now, remote_addr="10.7.0.2")


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"message_type": "投诉", "name": ""}, "姓名和电话"),
        ({"message_type": "表扬"}, "留言类型"),
        ({"body": "  "}, "留言内容"),
        ({"body": "字" * 2001}, "2001"),
        ({"township": ""}, "乡镇"),
        ({"phone": "abc"}, "abc"),
    ],
    ids=["complaint-needs-contact", "type", "empty", "too-long", "township", "phone"],
)
def test_bad_messages_are_refused_and_nothing_stored(con, values, said):
    with pytest.raises(MessageError, match=said):
        _complaint(con, **values)
    assert con.execute("SELECT count(*) FROM messages").fetchone()[0] == 0


def test_a_report_may_be_anonymous_and_is_not_listed_by_default(con):
    receipt = _complaint(con, message_type="举报", name="", phone="")
    message = store.get(con, receipt.message_id)
    assert message["sender_name"] is None and not message["is_listed"]


def _through(con, receipt, until: str):
    mid = receipt.message_id
    t = SENT + dt.timedelta(hours=1)
    steps = [
        (
            "register",
            lambda: workflow.register(
                con,
                mid,
                category="补贴发放",
                department="城关镇财政所",
                working_days=3,
                actor="desk",
                now=t,
            ),
        ),
        ("route", lambda: workflow.route(con, mid, actor="desk", now=t)),
        (
            "answer",
            lambda: workflow.answer(
                con, mid, reply="已核实，10月补发。", actor="wang", office="城关镇财政所", now=t
            ),
        ),
        (
            "review",
            lambda: workflow.review(
                con,
                mid,
                public_body="补贴少发了，身份证420102195603040011。",
                is_listed=True,
                actor="head",
                now=t,
            ),
        ),
        ("publish", lambda: workflow.publish(con, mid, actor="head", now=t)),
    ]
    for name, step in steps:
        step()
        if name == until:
            return


def test_every_step_is_an_event_and_an_audit_line(con):
    receipt = _complaint(con)
    _through(con, receipt, "publish")
    message = store.get(con, receipt.message_id)
    assert message["status"] == "published"
    for column in ("registered_at", "routed_at", "answered_at", "reviewed_at", "published_at"):
        assert message[column] is not None, column
    assert [e["step"] for e in store.events(con, receipt.message_id)] == [
        "receive",
        "register",
        "route",
        "answer",
        "review",
        "publish",
    ]
    actions = [
        r[0]
        for r in con.execute(
            "SELECT action FROM audit_log WHERE target = ? ORDER BY logged_at, audit_id",
            [f"message:{receipt.receipt_no}"],
        ).fetchall()
    ]
    assert actions == [
        "message_receive",
        "message_register",
        "message_route",
        "message_answer",
        "message_review",
        "message_publish",
    ]
    assert "张三" not in str(con.execute("SELECT * FROM audit_log").fetchall())
    # The ID number typed into the question is masked in what is published.
    assert message["public_body"] == "补贴少发了，身份证420102********0011。"
    seen = store.check_code(con, receipt.receipt_no, receipt.code)
    assert seen["status"] == "published" and seen["reply"] == "已核实，10月补发。"


def test_only_the_department_in_charge_answers(con):
    receipt = _complaint(con)
    _through(con, receipt, "route")
    with pytest.raises(MessageError, match="红旗镇财政所"):
        workflow.answer(con, receipt.message_id, reply="x", actor="li", office="红旗镇财政所")
    assert store.get(con, receipt.message_id)["status"] == "routed"


@pytest.mark.parametrize(
    ("until", "step"),
    [
        ("received", "route"),
        ("received", "answer"),
        ("register", "review"),
        ("route", "publish"),
        ("answer", "publish"),
        ("publish", "register"),
        ("publish", "send_back"),
    ],
    ids=lambda v: v,
)
def test_steps_out_of_order_are_refused(con, until, step):
    receipt = _complaint(con)
    if until != "received":
        _through(con, receipt, until)
    before = store.get(con, receipt.message_id)
    calls = {
        "route": lambda: workflow.route(con, receipt.message_id, actor="desk"),
        "answer": lambda: workflow.answer(
            con, receipt.message_id, reply="x", actor="wang", office="城关镇财政所"
        ),
        "review": lambda: workflow.review(
            con, receipt.message_id, public_body="x", is_listed=True, actor="h"
        ),
        "publish": lambda: workflow.publish(con, receipt.message_id, actor="h"),
        "register": lambda: workflow.register(
            con, receipt.message_id, category="其他", department="x", working_days=3, actor="desk"
        ),
        "send_back": lambda: workflow.send_back(con, receipt.message_id, note="x", actor="h"),
    }
    with pytest.raises(MessageError, match="不能"):
        calls[step]()
    assert store.get(con, receipt.message_id) == before


def test_send_back_needs_a_note_then_the_department_answers_again(con):
    receipt = _complaint(con)
    _through(con, receipt, "answer")
    with pytest.raises(MessageError, match="原因"):
        workflow.send_back(con, receipt.message_id, note=" ", actor="head")
    workflow.send_back(con, receipt.message_id, note="请写明补发日期。", actor="head")
    assert store.check_code(con, receipt.receipt_no, receipt.code)["reply"] is None
    workflow.answer(
        con, receipt.message_id, reply="10月15日补发。", actor="wang", office="城关镇财政所"
    )
    assert store.get(con, receipt.message_id)["status"] == "answered"
    notes = [e["note"] for e in store.events(con, receipt.message_id) if e["step"] == "send_back"]
    assert notes == ["请写明补发日期。"]
    answers = [e["note"] for e in store.events(con, receipt.message_id) if e["step"] == "answer"]
    assert answers == ["已核实，10月补发。", "10月15日补发。"]


def test_registering_recounts_the_deadline_from_receipt(con):
    receipt = _complaint(con)
    due = workflow.register(
        con,
        receipt.message_id,
        category="补贴发放",
        department="城关镇财政所",
        working_days=5,
        actor="desk",
    )
    assert due == _expected_deadline(SENT.date(), 5)
    with pytest.raises(MessageError, match="1–60"):
        workflow.register(
            con,
            _complaint(con).message_id,
            category="其他",
            department="x",
            working_days=0,
            actor="desk",
        )


def test_the_author_of_a_reply_cannot_review_it(con):
    receipt = _complaint(con)
    _through(con, receipt, "answer")  # answered by "wang"
    with pytest.raises(MessageError, match="另一位审核人员"):
        workflow.review(con, receipt.message_id, public_body="x", is_listed=True, actor="wang")
    assert store.get(con, receipt.message_id)["status"] == "answered"

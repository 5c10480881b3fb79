"""Issue 15 §1: texts people write that the public reads (replies, 整改 notices) carry no personal number."""

from __future__ import annotations

import datetime as dt

import pytest
from stdnum import luhn

from etl.idnum import mask
from etl.store import connect
from fundquery.inspect import flags
from fundquery.messages import MessageError, store, workflow
from tests.sheets import make_id

T = dt.datetime(2026, 9, 1, 9, 0)
ID = make_id(region="411524", birth="19850612", seq=37)
MOBILE = "13912345678"
CARD = "622202123456789" + luhn.calc_check_digit("622202123456789")


@pytest.fixture
def con(tmp_path):
    con = connect(tmp_path / "s.duckdb")
    yield con
    con.close()


def _routed(con, body="补贴少发了。"):
    receipt = store.submit(
        con,
        now=T,
        message_type="投诉",
        township="城关镇",
        village="东风村",
        fund_code="F001",
        body=body,
        name="张三",
        phone=MOBILE,
    )
    mid = receipt.message_id
    workflow.register(
        con,
        mid,
        category="补贴发放",
        department="城关镇财政所",
        working_days=3,
        actor="desk",
        now=T,
    )
    workflow.route(con, mid, actor="desk", now=T)
    return mid


@pytest.mark.parametrize(
    ("reply", "shown"),
    [
        (f"请联系经办人 {MOBILE} 核实。", "139****5678"),
        ("请联系经办人 139-1234-5678。", "139****5678"),
        (f"已补发到卡号 {CARD}。", "****" + CARD[-4:]),
        (f"经查 {ID} 的补贴已补发。", mask(ID)),
    ],
    ids=["mobile", "mobile_dashes", "card", "id"],
)
def test_a_reply_with_a_personal_number_is_refused_showing_it_masked(con, reply, shown):
    mid = _routed(con)
    with pytest.raises(MessageError) as refused:
        workflow.answer(con, mid, reply=reply, actor="wang", office="城关镇财政所", now=T)
    text = str(refused.value)
    assert "答复" in text and "The reply" in text and shown in text
    for full in (MOBILE, CARD, ID):
        assert full not in text
    message = store.get(con, mid)
    assert message["status"] == "routed" and message["reply"] is None


def test_a_reply_stored_before_the_check_cannot_be_reviewed_or_published(con):
    mid = _routed(con)
    workflow.answer(
        con, mid, reply="已核实，10月补发。", actor="wang", office="城关镇财政所", now=T
    )
    # As stored by an older version: forced in directly.
    con.execute("UPDATE messages SET reply = ? WHERE message_id = ?", [f"请打 {MOBILE} 问。", mid])
    with pytest.raises(MessageError, match="退回") as refused:
        workflow.review(con, mid, public_body="补贴少发了。", is_listed=True, actor="head", now=T)
    assert MOBILE not in str(refused.value) and "139****5678" in str(refused.value)
    assert store.get(con, mid)["status"] == "answered"
    con.execute("UPDATE messages SET status = 'reviewed' WHERE message_id = ?", [mid])
    with pytest.raises(MessageError):
        workflow.publish(con, mid, actor="head", now=T)
    assert store.get(con, mid)["status"] == "reviewed"


def test_the_published_question_masks_cards_and_spaced_mobiles(con):
    mid = _routed(con)
    workflow.answer(con, mid, reply="已补发。", actor="wang", office="城关镇财政所", now=T)
    body = f"我的卡 {CARD} 没到账，电话 139 1234 5678，旧证 411524850612371"
    workflow.review(con, mid, public_body=body, is_listed=True, actor="head", now=T)
    published = store.get(con, mid)["public_body"]
    assert published == (f"我的卡 ****{CARD[-4:]} 没到账，电话 139****5678，旧证 411524*****2371")


def test_a_department_with_a_mobile_is_refused_at_registration(con):
    receipt = store.submit(
        con, now=T, message_type="咨询", township="城关镇", village=None, body="问"
    )
    with pytest.raises(MessageError, match="承办部门") as refused:
        workflow.register(
            con,
            receipt.message_id,
            category="其他",
            department=f"城关镇财政所 老王{MOBILE}",
            working_days=3,
            actor="desk",
            now=T,
        )
    assert MOBILE not in str(refused.value) and "139****5678" in str(refused.value)
    assert store.get(con, receipt.message_id)["status"] == "received"


def test_a_notice_title_with_a_personal_number_is_refused(con):
    with pytest.raises(flags.FlagError) as refused:
        flags.create_notice(con, f"整改公示（联系人 {MOBILE}）", "inspector")
    assert "公示标题" in str(refused.value) and "139****5678" in str(refused.value)
    assert MOBILE not in str(refused.value)
    assert con.execute("SELECT count(*) FROM rectification_notices").fetchone() == (0,)
    notice_id = flags.create_notice(con, "整改公示", "inspector")
    con.execute(
        "UPDATE rectification_notices SET title = ? WHERE notice_id = ?",
        [f"整改公示 {ID}", notice_id],
    )
    with pytest.raises(flags.FlagError) as refused:
        flags.publish_notice(con, notice_id, "head")
    assert mask(ID) in str(refused.value) and ID not in str(refused.value)
    assert flags.notice(con, notice_id)["published_at"] is None

"""Issue 15 §2 in etl.batches: a replacement keeps the old batch public until it is published; rejection.

Every path (web, CLI, demo) calls these transitions; the web and CLI tests show
the same on their own paths.  Here: a real store, real spreadsheets, and the
public_* / live_* views every page and report reads.
"""

from __future__ import annotations

import threading
import time

import pytest

from etl import batches as transitions
from etl.batches import BatchError, ReviewError
from fundquery.accounts import accounts
from tests.sheets import PAY_HEADER, pay_row, write_xlsx

OLD_NAMES = ["张三", "李四"]
NEW_NAMES = ["张三", "李思"]  # the correction: 李四 was written wrong


@pytest.fixture
def published_old(funds_loaded, load, store, tmp_path):
    """Payments batch (张三, 李四) uploaded by clerk and published by zhao."""
    path = write_xlsx(
        tmp_path / "pay.xlsx", [PAY_HEADER, pay_row(1), pay_row(2, name="李四", amount="210")]
    )
    old = load(path, uploaded_by="clerk").batch
    transitions.publish(store, old, actor="zhao")
    return old


@pytest.fixture
def correction(tmp_path):
    return write_xlsx(
        tmp_path / "pay_fixed.xlsx",
        [PAY_HEADER, pay_row(1), pay_row(2, name="李思", amount="210")],
    )


def names(store, view: str) -> list[str]:
    return [
        r[0]
        for r in store.execute(f"SELECT name FROM {view}_payments ORDER BY row_no").fetchall()  # noqa: S608
    ]


def status(store, batch: int) -> str:
    return store.execute("SELECT status FROM batches WHERE batch_id = ?", [batch]).fetchone()[0]


def test_replacement_keeps_the_old_batch_public_until_it_is_published(
    published_old, correction, load, store
):
    new = load(correction, uploaded_by="clerk", replaces=published_old).batch
    # Pending review: the public still sees the old rows, and only them.
    assert names(store, "public") == OLD_NAMES
    assert status(store, published_old) == "published" and status(store, new) == "loaded"
    # Staff and inspectors see the office's latest rows, once (not both batches).
    assert names(store, "live") == NEW_NAMES
    transitions.publish(store, new, actor="zhao")
    # Published: the new rows replace the old ones at once, in the same transaction.
    assert names(store, "public") == NEW_NAMES
    assert names(store, "live") == NEW_NAMES
    assert status(store, published_old) == "superseded" and status(store, new) == "published"
    superseded = store.execute(
        "SELECT actor, detail->>'superseded' FROM audit_log WHERE action = 'publish'"
        " AND target = ?",
        [f"batch:{new}"],
    ).fetchall()
    assert superseded == [("zhao", f"[{published_old}]")]


def test_rejected_replacement_leaves_the_old_batch_public(published_old, correction, load, store):
    new = load(correction, uploaded_by="clerk", replaces=published_old).batch
    transitions.reject(
        store, new, actor="zhao", office="县政务公开办", reason="李思应为李四，请核对"
    )
    assert status(store, new) == "rejected" and status(store, published_old) == "published"
    assert names(store, "public") == OLD_NAMES
    assert names(store, "live") == OLD_NAMES
    review = store.execute(
        "SELECT action, actor, office, note FROM batch_reviews WHERE batch_id = ?", [new]
    ).fetchall()
    assert review == [("reject", "zhao", "县政务公开办", "李思应为李四，请核对")]
    audit = store.execute(
        "SELECT actor, detail->>'note' FROM audit_log WHERE action = 'reject' AND target = ?",
        [f"batch:{new}"],
    ).fetchall()
    assert audit == [("zhao", "李思应为李四，请核对")]
    with pytest.raises(ReviewError, match="只有已导入、未公开的批次可以公开"):
        transitions.publish(store, new, actor="zhao")


def test_retracted_replacement_leaves_the_old_batch_public(published_old, correction, load, store):
    new = load(correction, uploaded_by="clerk", replaces=published_old).batch
    transitions.retract(store, new, actor="clerk")
    assert names(store, "public") == OLD_NAMES and names(store, "live") == OLD_NAMES
    assert status(store, published_old) == "published"


def test_a_rejected_batch_can_be_corrected_and_the_correction_takes_the_old_ones_place(
    published_old, correction, load, store, tmp_path
):
    first = load(correction, uploaded_by="clerk", replaces=published_old).batch
    transitions.reject(store, first, actor="zhao", reason="金额待核实")
    again = write_xlsx(
        tmp_path / "pay_fixed2.xlsx",
        [PAY_HEADER, pay_row(1), pay_row(2, name="李思", amount="315")],
    )
    second = load(again, uploaded_by="clerk", replaces=first).batch
    assert names(store, "public") == OLD_NAMES and names(store, "live") == NEW_NAMES
    transitions.publish(store, second, actor="zhao")
    assert names(store, "public") == NEW_NAMES
    assert status(store, published_old) == "superseded"
    assert status(store, first) == "rejected"  # its history is kept as it was


def test_one_pending_correction_at_a_time(published_old, correction, load, store, tmp_path):
    new = load(correction, uploaded_by="clerk", replaces=published_old).batch
    other = write_xlsx(tmp_path / "other.xlsx", [PAY_HEADER, pay_row(1, amount="99")])
    with pytest.raises(BatchError, match=f"批次 {new}"):
        load(other, uploaded_by="clerk", replaces=published_old)
    # The old batch cannot be published past its pending correction either.
    transitions.withdraw(store, published_old, actor="zhao", office=None, note="暂停公开")
    with pytest.raises(ReviewError, match=f"批次 {new}"):
        transitions.publish(store, published_old, actor="zhao")


def test_reject_needs_a_reason_another_reviewer_and_a_pending_batch(
    published_old, correction, load, store
):
    new = load(correction, uploaded_by="clerk", replaces=published_old).batch
    with pytest.raises(ReviewError, match="原因"):
        transitions.reject(store, new, actor="zhao", reason="  ")
    with pytest.raises(ReviewError, match="本人上传"):
        transitions.reject(store, new, actor="clerk", reason="我传错了")
    with pytest.raises(ReviewError, match="只有已导入、待审核的批次可以退回"):
        transitions.reject(store, published_old, actor="zhao", reason="已公开的不能退回")
    assert status(store, new) == "loaded"
    assert store.execute(
        "SELECT count(*) FROM batch_reviews WHERE action = 'reject'"
    ).fetchone() == (0,)


def test_the_reviewer_must_be_an_active_reviewer_account(store):
    password = "correct horse battery"
    accounts.create(store, "zhao", password, ["reviewer"], office="县政务公开办", actor="test")
    accounts.create(store, "wang", password, ["finance"], office=None, actor="test")
    assert transitions.reviewer_office(store, "zhao") == "县政务公开办"
    with pytest.raises(ReviewError, match="没有名为“nobody”的用户"):
        transitions.reviewer_office(store, "nobody")
    with pytest.raises(ReviewError, match="没有审核人员"):
        transitions.reviewer_office(store, "wang")
    accounts.set_active(store, "zhao", False, actor="admin")
    with pytest.raises(ReviewError, match="已停用"):
        transitions.reviewer_office(store, "zhao")


def test_a_reader_sees_the_old_rows_or_the_new_never_neither_nor_both(
    published_old, load, store, tmp_path
):
    """Corrections loaded and published in turn while another cursor reads the public rows throughout."""
    versions = {
        "a": [PAY_HEADER, pay_row(1), pay_row(2, name="李思", amount="210")],
        "b": [PAY_HEADER, pay_row(1), pay_row(2, name="李四", amount="210")],
    }
    seen: set[tuple[str, ...]] = set()
    done = threading.Event()

    def read() -> None:
        cursor = store.cursor()
        try:
            while not done.is_set():
                seen.add(tuple(names(cursor, "public")))
        finally:
            cursor.close()

    reader = threading.Thread(target=read)
    reader.start()
    current = published_old
    try:
        for round_no in range(8):
            rows = versions["ab"[round_no % 2]]
            path = write_xlsx(tmp_path / f"round{round_no}.xlsx", rows)
            current = load(path, uploaded_by="clerk", replaces=current).batch
            time.sleep(0.05)  # the correction waits for review a moment: the reader keeps reading
            transitions.publish(store, current, actor="zhao")
    finally:
        done.set()
        reader.join()
    assert seen <= {tuple(OLD_NAMES), tuple(NEW_NAMES)}, seen
    assert seen == {tuple(OLD_NAMES), tuple(NEW_NAMES)}  # the reader did see both
    assert (
        store.execute("SELECT count(*) FROM public_batches WHERE kind = 'payments'").fetchone()[0]
        == 1
    )


def test_correcting_a_waiting_correction_takes_both_down_when_published(
    published_old, correction, load, store, tmp_path
):
    first = load(correction, uploaded_by="clerk", replaces=published_old).batch
    again = write_xlsx(
        tmp_path / "pay_fixed2.xlsx",
        [PAY_HEADER, pay_row(1), pay_row(2, name="李思", amount="315")],
    )
    second = load(again, uploaded_by="clerk", replaces=first).batch
    assert names(store, "public") == OLD_NAMES
    assert store.execute("SELECT count(*) FROM live_payments").fetchone()[0] == 2  # second only
    transitions.publish(store, second, actor="zhao")
    assert [status(store, b) for b in (published_old, first, second)] == [
        "superseded",
        "superseded",
        "published",
    ]
    assert names(store, "public") == NEW_NAMES


def test_a_rejected_correction_corrected_again_holds_the_old_batch(
    published_old, correction, load, store, tmp_path
):
    """Once a correction of the rejected one waits, the old batch cannot get a second one."""
    first = load(correction, uploaded_by="clerk", replaces=published_old).batch
    transitions.reject(store, first, actor="zhao", reason="金额待核实")
    again = write_xlsx(tmp_path / "pay_fixed2.xlsx", [PAY_HEADER, pay_row(1), pay_row(2)])
    second = load(again, uploaded_by="clerk", replaces=first).batch
    other = write_xlsx(tmp_path / "other.xlsx", [PAY_HEADER, pay_row(1, amount="99")])
    with pytest.raises(BatchError, match=f"批次 {second}"):
        load(other, uploaded_by="clerk", replaces=published_old)
    with pytest.raises(BatchError, match=f"批次 {second}"):
        load(other, uploaded_by="clerk", replaces=first)


@pytest.mark.parametrize("gone", ["retract", "reject"])
def test_a_correction_in_the_middle_going_away_leaves_one_batch_up(
    published_old, correction, load, store, tmp_path, gone
):
    """Old (public) <- first (waiting) <- second (waiting); first is retracted or rejected."""
    first = load(correction, uploaded_by="clerk", replaces=published_old).batch
    again = write_xlsx(tmp_path / "pay_fixed2.xlsx", [PAY_HEADER, pay_row(1), pay_row(2)])
    second = load(again, uploaded_by="clerk", replaces=first).batch
    if gone == "retract":
        transitions.retract(store, first, actor="clerk")
    else:
        transitions.reject(store, first, actor="zhao", reason="由后一批次更正")
    assert names(store, "public") == OLD_NAMES
    assert names(store, "live") == [
        "张三",
        "张三",
    ]  # second only (pay_row(2) keeps the default name)
    transitions.publish(store, second, actor="zhao")
    assert names(store, "public") == ["张三", "张三"]
    assert status(store, published_old) == "superseded"

"""Loading is all or nothing: archive, duplicates, retract, replace, publish, audit."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from etl import batches as transitions
from etl.batches import BatchError
from tests.conftest import snapshot
from tests.sheets import PAY_HEADER, make_id, pay_row, write_csv, write_xlsx


@pytest.fixture
def payments_file(tmp_path):
    return write_xlsx(
        tmp_path / "pay.xlsx",
        [PAY_HEADER, pay_row(1), pay_row(2, name="李四", amount="210", area="2")],
    )


def live_count(store, table="payments"):
    return store.execute(f"SELECT count(*) FROM live_{table}").fetchone()[0]  # noqa: S608


def test_original_is_archived_by_sha256(tmp_path, funds_loaded, load, payments_file):
    result = load(payments_file)
    digest = hashlib.sha256(payments_file.read_bytes()).hexdigest()
    assert result.sha256 == digest
    assert (tmp_path / "uploads" / f"{digest}.xlsx").read_bytes() == payments_file.read_bytes()


def test_rejected_file_is_archived_but_changes_nothing(tmp_path, funds_loaded, load, store):
    path = write_csv(tmp_path / "bad.csv", [PAY_HEADER, pay_row(1, amount="abc")])
    before = snapshot(store)
    assert load(path).status == "rejected"
    assert snapshot(store) == before
    assert (
        store.execute("SELECT count(*) FROM upload_reports").fetchone()[0] == 1
    )  # only the funds load
    assert (
        tmp_path / "uploads" / (hashlib.sha256(path.read_bytes()).hexdigest() + ".csv")
    ).exists()


def test_same_file_twice_is_a_duplicate_and_adds_nothing(funds_loaded, load, store, payments_file):
    first = load(payments_file)
    before = snapshot(store)
    again = load(payments_file)
    assert again.status == "duplicate" and again.duplicate_of == first.batch and again.rows == 0
    assert snapshot(store) == before


def test_retract_takes_rows_out_of_every_view_but_keeps_history(
    funds_loaded, load, store, payments_file
):
    batch = load(payments_file).batch
    assert live_count(store) == 2
    transitions.retract(store, batch, actor="clerk")
    assert live_count(store) == 0
    assert (
        store.execute("SELECT count(*) FROM payments WHERE batch_id = ?", [batch]).fetchone()[0]
        == 2
    )
    assert (
        store.execute("SELECT status FROM batches WHERE batch_id = ?", [batch]).fetchone()[0]
        == "retracted"
    )
    actions = store.execute(
        "SELECT actor, action, target FROM audit_log ORDER BY audit_id"
    ).fetchall()
    assert actions[-1] == ("clerk", "retract", f"batch:{batch}")
    with pytest.raises(BatchError, match="retracted"):
        transitions.retract(store, batch, actor="clerk")


def test_a_retracted_file_can_be_loaded_again(funds_loaded, load, store, payments_file):
    batch = load(payments_file).batch
    transitions.retract(store, batch, actor="clerk")
    again = load(payments_file)
    assert again.status == "loaded" and again.batch != batch
    assert live_count(store) == 2


def test_replace_supersedes_when_the_correction_is_published(
    tmp_path, funds_loaded, load, store, payments_file
):
    old = load(payments_file).batch
    fixed = write_xlsx(
        tmp_path / "fixed.xlsx",
        [PAY_HEADER, pay_row(1), pay_row(2, name="李四", amount="315", area="3")],
    )
    new = load(fixed, replaces=old)
    assert new.status == "loaded"
    statuses = dict(store.execute("SELECT batch_id, status FROM batches").fetchall())
    assert statuses[old] == "loaded" and statuses[new.batch] == "loaded"  # waiting for review
    # Staff and inspectors see the correction only: 892.50 + 315, not the old 210 beside it.
    assert store.execute("SELECT sum(amount_yuan) FROM live_payments").fetchone()[0] == Decimal(
        "1207.50"
    )
    assert (
        store.execute("SELECT replaces FROM batches WHERE batch_id = ?", [new.batch]).fetchone()[0]
        == old
    )
    transitions.publish(store, new.batch, actor="reviewer")
    statuses = dict(store.execute("SELECT batch_id, status FROM batches").fetchall())
    assert statuses[old] == "superseded" and statuses[new.batch] == "published"


def test_rejected_replacement_leaves_the_old_batch_live(
    tmp_path, funds_loaded, load, store, payments_file
):
    old = load(payments_file).batch
    bad = write_csv(tmp_path / "bad.csv", [PAY_HEADER, pay_row(1, amount="abc")])
    assert load(bad, replaces=old).status == "rejected"
    assert (
        store.execute("SELECT status FROM batches WHERE batch_id = ?", [old]).fetchone()[0]
        == "loaded"
    )
    assert live_count(store) == 2


def test_replace_must_be_the_same_kind(tmp_path, funds_loaded, load, store, payments_file):
    with pytest.raises(BatchError, match="替换"):
        load(payments_file, replaces=funds_loaded.batch)
    assert live_count(store) == 0


def test_publish_makes_rows_public(funds_loaded, load, store, payments_file):
    batch = load(payments_file).batch
    assert store.execute("SELECT count(*) FROM public_payments").fetchone()[0] == 0
    transitions.publish(store, batch, actor="reviewer")
    assert store.execute("SELECT count(*) FROM public_payments").fetchone()[0] == 2
    assert (
        store.execute("SELECT published_by FROM batches WHERE batch_id = ?", [batch]).fetchone()[0]
        == "reviewer"
    )


def test_id_numbers_are_stored_only_as_keyed_hash_and_mask(
    funds_loaded, load, store, payments_file, hasher
):
    load(payments_file)
    full = make_id(seq=1)
    row = store.execute(
        "SELECT id_hash, id_masked, sex, birth_date FROM payments WHERE row_no = 2"
    ).fetchone()
    assert row[0] == hasher(full) and len(row[0]) == 64
    assert row[1] == full[:6] + "********" + full[-4:]
    assert (row[2], str(row[3])) == ("男", "1980-01-01")
    dump = str(store.execute("SELECT * FROM payments").fetchall())
    assert full not in dump


def test_load_failure_midway_rolls_back(funds_loaded, load, store, payments_file):
    """A real failure inside the transaction (the audit table is gone) leaves no batch and no rows."""
    import duckdb

    store.execute("DROP TABLE audit_log")
    before = {t: rows for t, rows in snapshot(store).items()}
    with pytest.raises(duckdb.CatalogException):
        load(payments_file)
    assert snapshot(store) == before
    assert (
        store.execute("SELECT count(*) FROM upload_reports").fetchone()[0] == 1
    )  # the funds load only


def test_money_is_exact_over_many_rows(tmp_path, funds_loaded, load, store):
    rows = [pay_row(i, area="", standard="", amount="0.10") for i in range(1, 1001)]
    assert load(write_csv(tmp_path / "p.csv", [PAY_HEADER, *rows])).status == "loaded"
    total = store.execute(
        "SELECT sum(amount_yuan), typeof(sum(amount_yuan)) FROM payments"
    ).fetchone()
    assert total == (Decimal("100.00"), "DECIMAL(38,2)")


def test_an_earlier_read_is_used_only_for_the_file_it_read(tmp_path, funds_loaded, load, store):
    """``EarlierRead`` (the web preview's read): taken for the file of its digest, never for another."""
    from etl.load import EarlierRead
    from etl.read import read

    first = write_xlsx(tmp_path / "a.xlsx", [PAY_HEADER, pay_row(1), pay_row(2, name="李四")])
    other = write_xlsx(tmp_path / "b.xlsx", [PAY_HEADER, pay_row(1, amount="1.00")])
    digest = hashlib.sha256(first.read_bytes()).hexdigest()
    earlier = read(first, "payments")
    earlier.table = earlier.table.slice(
        0, 1
    )  # so that its use shows: one row where the file has two

    wrong = load(other, "payments", earlier=EarlierRead(digest, earlier))
    assert wrong.status == "loaded" and not wrong.read_earlier
    amounts = "SELECT row_no, amount_yuan FROM payments WHERE batch_id = ? ORDER BY row_no"
    assert store.execute(amounts, [wrong.batch]).fetchall() == [(2, Decimal("1.00"))]

    used = load(first, "payments", earlier=EarlierRead(digest, earlier))
    assert used.status == "loaded" and used.read_earlier
    assert store.execute(amounts, [used.batch]).fetchall() == [(2, Decimal("892.50"))]

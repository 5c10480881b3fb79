"""Load attempts (issue 8): every load leaves its outcome; only a dead process's load is 'interrupted'."""

from __future__ import annotations

import pytest

from etl import attempts
from etl.extract import UnreadableFile
from etl.store import connect
from tests.sheets import PAY_HEADER, pay_row, write_csv


def outcomes(con) -> list[tuple]:
    return con.execute(
        "SELECT file_name, kind, stage, status, batch_id IS NOT NULL FROM load_attempts"
        " ORDER BY attempt_id"
    ).fetchall()


def test_each_outcome_is_recorded(store, load, funds_loaded, tmp_path):
    good = write_csv(tmp_path / "good.csv", [PAY_HEADER, pay_row(1)])
    bad = write_csv(tmp_path / "bad.csv", [PAY_HEADER, pay_row(2, amount="abc")])
    (tmp_path / "junk.xlsx").write_bytes(b"not a spreadsheet")
    assert load(good).status == "loaded"
    assert load(good).status == "duplicate"  # recognised before anything is recorded
    assert load(bad).status == "rejected"
    with pytest.raises(UnreadableFile):
        load(tmp_path / "junk.xlsx")
    assert outcomes(store)[1:] == [
        ("good.csv", "payments", "load", "loaded", True),
        ("bad.csv", "payments", "validate", "rejected", False),
        ("junk.xlsx", "auto", "read", "failed", False),
    ]
    message = store.execute("SELECT message FROM load_attempts WHERE status = 'failed'").fetchone()[
        0
    ]
    assert "junk.xlsx" in message


def test_only_a_load_no_process_is_running_is_marked_interrupted(tmp_path):
    db = tmp_path / "store.duckdb"
    con = connect(db)
    dead = con.execute(
        "INSERT INTO load_attempts (sha256, file_name, kind, uploaded_by, stage, status, owner)"
        " VALUES ('a', 'dead.csv', 'payments', 't', 'load', 'loading', '999999-gone')"
        " RETURNING attempt_id"
    ).fetchone()[0]
    live = attempts.start(
        con, sha256="b", file_name="live.csv", kind="payments", uploaded_by="t", office=None
    )
    try:
        second = connect(db)  # another connection of this same process (e.g. a reopened one)
        second.close()
        rows = dict(con.execute("SELECT attempt_id, status FROM load_attempts").fetchall())
        assert rows == {dead: "interrupted", live: "loading"}  # this process's own load goes on
        assert (
            con.execute(
                "SELECT count(*) FROM audit_log WHERE action = 'load_interrupted' AND target = ?",
                [f"attempt:{dead}"],
            ).fetchone()[0]
            == 1
        )
    finally:
        attempts.finish(con, live, "failed", "test over")
        con.close()
    con = connect(db)
    try:
        assert (
            con.execute("SELECT status FROM load_attempts WHERE attempt_id = ?", [live]).fetchone()[
                0
            ]
            == "failed"
        )
    finally:
        con.close()

"""SIGKILL in the middle of a 200,000-row `fundquery load` (issue 8), for real, in a subprocess.

The loader prints each stage it reaches on stderr when stderr is not a
terminal.  The test waits until the load is observably under way, kills the
process with SIGKILL, then opens the store as the next process would: the
batch is there entirely or not at all, the load attempt's status says which,
the archived original still has its SHA-256, and loading the file again works.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from etl.load import sha256_file
from etl.store import connect
from tests.bigfile import funds_xlsx, payments_csv

ROWS = 200_000
FUNDQUERY = Path(sys.executable).with_name("fundquery")


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def until_mid_transaction(db: Path, running: Callable[[], bool]) -> None:
    """Return once a load that has announced its load stage (and is ``running``) is inside its
    transaction.

    In the transaction, DuckDB writes the new row groups into the database file before the
    commit; the commit itself appends to the WAL. So: once the file has grown and while the
    WAL has not.
    """
    wal = db.with_name(db.name + ".wal")
    db_before, wal_before = _size(db), _size(wal)
    deadline = time.monotonic() + 60
    while _size(db) <= db_before:
        assert running(), "the load finished before the kill"
        assert time.monotonic() < deadline, "the database file never grew during the load"
        time.sleep(0.005)
    assert _size(wal) == wal_before, "the commit had already started"


def run_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(FUNDQUERY), *args], env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    return payments_csv(tmp_path_factory.mktemp("big") / "补贴清册.csv", ROWS)


def kill_during(env: dict, db: Path, file: Path, stage: str) -> list[str]:
    """Start the load, wait until it is observably in ``stage``, SIGKILL it; return the stages seen."""
    proc = subprocess.Popen(
        [str(FUNDQUERY), "load", "payments", str(file), "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[str] = []
    try:
        while stage not in seen:  # one line per stage, written as it starts
            line = proc.stderr.readline()
            assert line, (
                f"the load ended before reaching {stage!r} (stages {seen}, exit {proc.wait()})"
            )
            if line.startswith("阶段 stage: "):
                seen.append(line.split(": ", 1)[1].strip())
        if stage == "load":
            until_mid_transaction(db, lambda: proc.poll() is None)
        else:
            time.sleep(0.2)  # well inside the stage (it lasts seconds)
        assert proc.poll() is None, "the load finished before the kill"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    return seen


@pytest.mark.parametrize("stage", ["validate", "load"])
def test_sigkill_mid_load_leaves_all_or_nothing_and_a_visible_status(tmp_path, big_file, stage):
    db, uploads = tmp_path / "data" / "fundquery.duckdb", tmp_path / "data" / "uploads"
    env = {**os.environ, "FUNDQUERY_DB": str(db), "FUNDQUERY_INSTANCE": str(tmp_path / "instance")}
    funds = run_cli(env, "load", "funds", str(funds_xlsx(tmp_path / "funds.xlsx")))
    assert funds.returncode == 0, funds.stderr
    digest = sha256_file(big_file)

    seen = kill_during(env, db, big_file, stage)
    assert seen[-1] == stage

    con = connect(db)  # the next process to open the store
    try:
        batches = con.execute(
            "SELECT kind, status, row_count FROM batches ORDER BY batch_id"
        ).fetchall()
        attempt = con.execute(
            "SELECT status, stage, file_name, batch_id, message FROM load_attempts"
            " WHERE sha256 = ?",
            [digest],
        ).fetchall()
        payments = con.execute("SELECT count(*) FROM payments").fetchone()[0]
        reports = con.execute(
            "SELECT count(*) FROM upload_reports WHERE sha256 = ?", [digest]
        ).fetchone()[0]
        logged = con.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'load_interrupted'"
        ).fetchone()[0]
    finally:
        con.close()
    # Killed before the commit: nothing of the batch, and the attempt says so.
    assert batches == [("funds", "loaded", 3)]
    assert payments == 0 and reports == 0
    assert len(attempt) == 1
    status, reached, file_name, batch_id, message = attempt[0]
    assert (status, reached, file_name, batch_id) == ("interrupted", stage, "补贴清册.csv", None)
    assert "没有存入任何数据" in message
    assert logged == 1
    archived = uploads / f"{digest}.csv"
    assert sha256_file(archived) == digest
    assert not list(uploads.glob("*.part"))

    # The store shows it to a person too, and loading the same file again works.
    listing = run_cli(env, "batches")
    assert "未完成的导入" in listing.stdout and "已中断" in listing.stdout
    again = run_cli(env, "load", "payments", str(big_file), "--json")
    assert again.returncode == 0, again.stderr
    con = connect(db)
    try:
        assert con.execute(
            "SELECT kind, status, row_count FROM batches ORDER BY batch_id"
        ).fetchall() == [("funds", "loaded", 3), ("payments", "loaded", ROWS)]
        assert con.execute("SELECT count(*), sum(amount_yuan) FROM payments").fetchone() == (
            ROWS,
            ROWS * Decimal("8.5") * Decimal("105"),
        )
        assert con.execute(
            "SELECT status FROM load_attempts WHERE sha256 = ? ORDER BY attempt_id", [digest]
        ).fetchall() == [("interrupted",), ("loaded",)]
    finally:
        con.close()
    assert (
        "未完成的导入" not in run_cli(env, "batches").stdout
    )  # loaded since: nothing left to redo

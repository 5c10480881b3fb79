"""SIGKILL the server in the middle of a 200,000-row load through /staff/upload (issue 8).

The real server (`fundquery serve`: gunicorn, one worker, threads) loads a
file a finance clerk uploaded.  While the load runs, the clerk's batches page
(served by the same process) shows it under way; once it is writing the batch,
the whole server is killed with SIGKILL.  After a restart the page says the
load was interrupted and stored nothing, the store holds none of its rows, the
archived original is intact, and the clerk loads the file again.
"""

from __future__ import annotations

import re
import threading
import time

from bench.liveserver import Browser, Server, prepare_store
from etl.load import sha256_file
from etl.store import connect
from tests.bigfile import payments_csv
from tests.test_kill_load import until_mid_transaction

ROWS = 200_000
PEOPLE = 50  # the published batch already in the store


def _attempt(html: str, attempt_status: str) -> re.Match | None:
    return re.search(
        rf'data-attempt="(\d+)" data-status="{attempt_status}" data-stage="(\w+)"', html
    )


def test_server_killed_mid_load_restarts_with_nothing_half_loaded(tmp_path):
    store = prepare_store(tmp_path / "work", PEOPLE)
    big = payments_csv(tmp_path / "城关镇补贴清册.csv", ROWS)
    digest = sha256_file(big)
    db = store["db"]
    server = Server(
        store["db"], store["instance"], store["uploads"], tmp_path / "server.log"
    ).start()
    outcome: dict = {}
    try:
        clerk = Browser(server.url).sign_in("clerk")
        watcher = Browser(server.url).sign_in("clerk")  # the clerk's second tab
        sha = clerk.upload(big, "payments")
        assert sha == digest
        preview = clerk.preview(sha, "payments")
        assert f"{ROWS:,}" in preview or str(ROWS) in preview

        def load() -> None:
            try:
                outcome["page"] = clerk.load(sha, "payments", preview)
            except OSError as exc:  # the connection dies with the server
                outcome["error"] = exc

        loader = threading.Thread(target=load, daemon=True)
        loader.start()
        deadline = time.monotonic() + 120
        stages = []
        while True:  # the batches page shows the load under way, stage by stage
            assert time.monotonic() < deadline, f"never saw the load stage (saw {stages})"
            assert loader.is_alive(), f"the load ended before the kill: {outcome}"
            found = _attempt(watcher.get("/staff/batches/")[1], "loading")
            if found and found.group(2) not in stages:
                stages.append(found.group(2))
            if found and found.group(2) == "load":
                break
            time.sleep(0.05)
        until_mid_transaction(db, loader.is_alive)
        server.kill()
        loader.join(timeout=30)
        assert "error" in outcome and "page" not in outcome
    finally:
        server.stop()
    assert "load" in stages

    archived = store["uploads"] / f"{digest}.csv"
    assert sha256_file(archived) == digest

    server = Server(
        store["db"], store["instance"], store["uploads"], tmp_path / "server2.log"
    ).start()
    try:
        clerk = Browser(server.url).sign_in("clerk")
        page = clerk.get("/staff/batches/")[1]
        assert _attempt(page, "interrupted") is not None
        assert "城关镇补贴清册.csv" in page and "没有存入任何数据" in page
        assert _attempt(page, "loading") is None
        sha = clerk.upload(big, "payments")
        preview = clerk.preview(sha, "payments")
        done = clerk.load(sha, "payments", preview)
        assert "已导入批次" in done
        assert _attempt(done, "interrupted") is None  # loaded since: nothing left to redo
    finally:
        server.stop()

    con = connect(db)
    try:
        assert con.execute(
            "SELECT kind, status, row_count FROM batches ORDER BY batch_id"
        ).fetchall() == [
            ("funds", "published", 3),
            ("payments", "published", PEOPLE),
            ("payments", "loaded", ROWS),
        ]
        assert con.execute("SELECT count(*) FROM payments").fetchone()[0] == PEOPLE + ROWS
        assert con.execute(
            "SELECT status, stage FROM load_attempts WHERE sha256 = ? ORDER BY attempt_id", [digest]
        ).fetchall() == [("interrupted", "load"), ("loaded", "load")]
    finally:
        con.close()

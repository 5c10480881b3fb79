"""The lookup limit on a snapshot server with several workers (issue 18): the workers together keep it.

Each gunicorn worker counts lookups in its own memory; `fundquery serve
--public-snapshot DIR --workers 2` must not allow twice the configured limit.
A real server on the snapshot of the public county, lookups over fresh
connections from several threads at once, so that both workers take them.
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from etl.store import connect
from fundquery import REPO_ROOT, create_app
from fundquery.lake.snapshot import export_snapshot
from fundquery.web.db import EXTENSION
from fundquery.web.limiter import lookup_limit, share
from tests.web.conftest import free_port
from tests.web.public.county import ID_KEY, RESIDENT

PER_CLIENT = 4  # lookups a minute, for all the server's workers together
LOOKUPS = 24


@pytest.fixture
def snapshot_dir(county_db, tmp_path) -> Path:
    con = connect(county_db)
    export_snapshot(con, tmp_path / "snap", ID_KEY)
    con.close()
    return tmp_path / "snap"


def _request(port: int, method: str, path: str, body: str | None = None, cookie: str = ""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # a fresh connection each time
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode(), response.getheader("Set-Cookie") or ""
    finally:
        conn.close()


def _serve(snapshot_dir: Path, tmp_path: Path, workers: int, log) -> tuple[subprocess.Popen, int]:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "id_hash.key").write_text(ID_KEY.hex())
    (instance / "config.py").write_text(
        f'LOOKUP_RATE_LIMIT = "{PER_CLIENT} per minute"\n'
        'LOOKUP_GLOBAL_RATE_LIMIT = "10000 per minute"\n',
        encoding="utf-8",
    )
    port = free_port()
    env = {
        **os.environ,
        "FUNDQUERY_INSTANCE": str(instance),
        "FUNDQUERY_DB": str(tmp_path / "unused.duckdb"),
    }
    command = [sys.executable, "-c", "from fundquery.cli import main; main()"]
    proc = subprocess.Popen(
        [*command, "serve", "--public-snapshot", str(snapshot_dir)]
        + ["--workers", str(workers), "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, (tmp_path / "serve.log").read_text()
        try:
            if _request(port, "GET", "/healthz")[0] == 200:
                return proc, port
        except OSError:
            time.sleep(0.3)
    raise AssertionError("server not up:\n" + (tmp_path / "serve.log").read_text())


def test_two_workers_together_allow_the_configured_lookups_not_twice(snapshot_dir, tmp_path):
    log = (tmp_path / "serve.log").open("wb")
    proc, port = _serve(snapshot_dir, tmp_path, 2, log)
    try:
        _, html, set_cookie = _request(port, "GET", "/query")
        token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', html).group(1)
        cookie = set_cookie.split(";", 1)[0]
        body = urllib.parse.urlencode(
            {"csrf_token": token, "id_number": RESIDENT["id"], "name": RESIDENT["name"]}
        )
        statuses: list[int] = []
        pids: set[str] = set()

        def ask() -> None:
            for _ in range(LOOKUPS // 6):
                statuses.append(_request(port, "POST", "/query", body, cookie)[0])

        threads = [threading.Thread(target=ask) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        workers = subprocess.run(
            ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        pids.update(workers)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
    assert len(pids) == 2
    assert set(statuses) <= {200, 429} and len(statuses) == LOOKUPS
    answered = statuses.count(200)
    # Each worker allows PER_CLIENT / 2; whichever worker the lookups reach, together no more than
    # PER_CLIENT (one worker counting alone allowed PER_CLIENT each: up to twice as many).
    assert PER_CLIENT // 2 <= answered <= PER_CLIENT, statuses


def test_the_limit_is_shared_out_only_among_processes_that_count_alone(tmp_path):
    assert share("10 per minute;50 per hour", 2) == "5 per 1 minute;25 per 1 hour"
    assert share("10 per minute", 1) == "10 per minute"
    assert share("1 per 2 minutes", 4) == "1 per 2 minute"  # never 0: each worker allows one
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(tmp_path / "t.duckdb"),
            "LOOKUP_RATE_LIMIT": "12 per minute",
            "LOOKUP_LIMIT_WORKERS": 3,
        }
    )
    with app.app_context():
        assert lookup_limit() == "4 per 1 minute"
        # Counters in a store every worker shares: the whole limit in each.
        app.config["RATELIMIT_STORAGE_URI"] = "memcached:///run/memcached/memcached.sock"
        assert lookup_limit() == "12 per minute"
    app.extensions[EXTENSION].close()

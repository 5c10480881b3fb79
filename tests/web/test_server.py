"""The real server: gunicorn, one gthread worker, over loopback."""

from __future__ import annotations

import json
import time
import urllib.request

from etl.store import SCHEMA_VERSION
from fundquery.web.server import gunicorn_options


def test_gunicorn_runs_one_threaded_worker_without_preload():
    options = gunicorn_options("127.0.0.1", 5000)
    assert options["workers"] == 1
    assert options["worker_class"] == "gthread"
    assert options["threads"] == 8
    assert options["preload_app"] is False
    assert options["reload"] is False
    assert gunicorn_options("::1", 8000)["bind"] == ["[::1]:8000"]


def _get(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, json.loads(response.read())


def test_health_over_loopback(live_server):
    status, body = _get(live_server.url + "/healthz")
    assert status == 200
    assert body == {"status": "ok", "schema_version": SCHEMA_VERSION, "database": "live.duckdb"}


def test_home_over_loopback_and_access_log_keeps_no_query_string(live_server):
    with urllib.request.urlopen(
        live_server.url + "/?lang=en&probe=SECRET-123", timeout=10
    ) as response:
        assert response.status == 200
        assert "Public Finance Transparency" in response.read().decode("utf-8")
    time.sleep(0.3)  # the access log line is written after the response
    log = live_server.log_path.read_text(encoding="utf-8")
    assert '"GET / HTTP/1.1" 200' in log
    assert "SECRET-123" not in log
    assert "gthread" in log

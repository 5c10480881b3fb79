"""Dimension bombs uploaded to the real server (issue 15 §3): refused, and the server keeps serving.

Before, a 1.6 KB xlsx with a cell at XFD1048576 made the only gunicorn worker
abort (SIGABRT): every request in flight was dropped, and the worker that
came back had forgotten the lookup limits, so an insider could reset them at
will.  Here a finance clerk uploads each bomb and opens its preview twice; the
same worker (same process id) answers every time, a resident's lookups in
between still count against the limit, and the limit still stops the fourth.
"""

from __future__ import annotations

import urllib.error
from pathlib import Path

import pytest

from bench.liveserver import INSTANCE_CONFIG, Browser, Resident, Server, prepare_store
from tests.hostile_files import EXCEL_LAST_COL, EXCEL_LAST_ROW, far_cell_xls, far_cell_xlsx

LOOKUPS_PER_MINUTE = 3


@pytest.fixture
def server(tmp_path):
    store = prepare_store(tmp_path / "work", people=2)
    limits = INSTANCE_CONFIG.replace(
        '"10000000 per minute"\nLOOKUP_GLOBAL', '"3 per minute"\nLOOKUP_GLOBAL', 1
    )
    assert f'LOOKUP_RATE_LIMIT = "{LOOKUPS_PER_MINUTE} per minute"' in limits
    (store["instance"] / "config.py").write_text(limits, encoding="utf-8")
    running = Server(store["db"], store["instance"], store["uploads"], tmp_path / "server.log")
    with running:
        yield running, store


def _preview(clerk: Browser, sha: str) -> tuple[int, str]:
    try:
        return clerk.get(f"/staff/upload/{sha}?kind=auto")
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read().decode("utf-8")


def test_dimension_bombs_are_refused_and_the_server_keeps_serving(server, tmp_path: Path):
    live, store = server
    worker = live.worker_pid()
    resident = Resident(live.port)
    id_number, name = store["people"][0]
    assert resident.lookup(id_number, name)[0] == 200
    assert resident.lookup(id_number, name)[0] == 200  # two of the three lookups a minute used
    clerk = Browser(live.url).sign_in("clerk")
    bombs = [
        far_cell_xlsx(tmp_path / "清册.xlsx", EXCEL_LAST_ROW, EXCEL_LAST_COL),
        far_cell_xlsx(tmp_path / "清册3000.xlsx", 3_000, EXCEL_LAST_COL),
        far_cell_xls(tmp_path / "清册.xls", 65_536, 65_536),
    ]
    for bomb in bombs:
        sha = clerk.upload(bomb)
        for _ in range(2):  # the staged preview opened again
            status, html = _preview(clerk, sha)
            assert status == 422, (bomb.name, status, html[-2000:])
            assert bomb.name in html and ("范围过大" in html or "内存内读取" in html), html[-2000:]
        assert live.worker_pid() == worker, f"the worker died on {bomb.name}"
        assert clerk.get("/healthz")[0] == 200
    assert resident.lookup(id_number, name)[0] == 200  # the third
    assert resident.lookup(id_number, name)[0] == 429  # the limit was not reset
    resident.close()
    assert live.worker_pid() == worker
    assert "SIGABRT" not in live.log_path.read_text(errors="replace")

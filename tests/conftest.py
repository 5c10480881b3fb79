"""Shared fixtures: a fresh DuckDB store per test, an ID hasher, a loader, and the browser for browser tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from etl.idnum import Hasher
from etl.load import load_file
from etl.store import connect
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, write_xlsx

# Property-based tests (issue 8): few examples, the same ones every run ("ci"); set
# HYPOTHESIS_PROFILE=explore for many random ones.  Deadlines are off: the machine is shared.
_SLOW_OK = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]
settings.register_profile(
    "ci",
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=_SLOW_OK,
    print_blob=True,
)
settings.register_profile(
    "explore", max_examples=500, deadline=None, suppress_health_check=_SLOW_OK
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, driven by Playwright (which never downloads a browser here); one per test module."""
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: run bash .ci/system-deps")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


TABLES = (
    "funds",
    "disbursements",
    "payments",
    "projects",
    "budgets",
    "agencies",
    "staff",
    "batches",
)


@pytest.fixture
def store(tmp_path):
    con = connect(tmp_path / "store.duckdb")
    yield con
    con.close()


@pytest.fixture
def hasher():
    return Hasher(b"test-key-0123456789abcdef0123456")


@pytest.fixture
def load(store, hasher, tmp_path):
    """load(path, kind="auto", **kw) -> LoadResult, into the test's store."""

    def _load(path: Path, kind: str = "auto", **kw):
        kw.setdefault("uploaded_by", "tester")
        kw.setdefault("archive_dir", tmp_path / "uploads")
        return load_file(store, path, kind, hasher=hasher, **kw)

    return _load


@pytest.fixture
def funds_loaded(load, tmp_path):
    """The store with a small fund catalogue (F001, F002 to persons; F003 to projects)."""
    result = load(
        write_xlsx(tmp_path / "funds.xlsx", [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS])
    )
    assert result.status == "loaded", result.as_json()
    return result


def snapshot(con) -> dict[str, list]:
    """Every data table's rows, to show a rejected file changed nothing."""
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}  # noqa: S608

"""Web fixtures: an app on a fresh DuckDB file, its test client, and a real server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from etl.idnum import Hasher, load_key
from etl.load import load_file
from etl.store import connect
from fundquery import REPO_ROOT, create_app
from fundquery.accounts import accounts
from fundquery.synthetic import generate
from fundquery.web.config import ensure_instance
from fundquery.web.db import EXTENSION
from tests.published import publish_files

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
SERVER_START_SECONDS = 30


@pytest.fixture
def app(tmp_path):
    """The app in test mode on its own empty database."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "DATABASE": str(tmp_path / "test.duckdb")}
    )
    yield app
    app.extensions[EXTENSION].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def artifacts() -> Path:
    """tests/artifacts/ (git-ignored), where browser tests save screenshots."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@dataclass(frozen=True)
class LiveServer:
    url: str
    db_path: Path
    instance_path: Path
    log_path: Path
    pid: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server not up after {SERVER_START_SECONDS}s:\n{log_path.read_text()}")


@contextmanager
def running_server(db_path: Path, instance_path: Path) -> Iterator[LiveServer]:
    """Run `serve(create_app())` in a subprocess, as `fundquery serve` does, until the block ends."""
    ensure_instance(instance_path)
    port = free_port()
    code = (
        "from fundquery import create_app; from fundquery.web.server import serve; "
        f"serve(create_app(), '127.0.0.1', {port})"
    )
    env = {**os.environ, "FUNDQUERY_DB": str(db_path), "FUNDQUERY_INSTANCE": str(instance_path)}
    env.pop("FUNDQUERY_SECRET_KEY", None)
    log_path = instance_path / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, proc, log_path)
        yield LiveServer(url, db_path, instance_path, log_path, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def live_server_db(tmp_path_factory) -> Path:
    """The database the live server opens; override in a test module to seed data first."""
    return tmp_path_factory.mktemp("live-db") / "live.duckdb"


@pytest.fixture(scope="module")
def live_server(live_server_db, tmp_path_factory) -> Iterator[LiveServer]:
    """A real gunicorn server on loopback, shared by a module's tests."""
    with running_server(live_server_db, tmp_path_factory.mktemp("live-instance")) as server:
        yield server


def _synthetic_county(cache: Path) -> None:
    """Generate the small synthetic county into ``cache`` and load and publish every file, once.

    Four browser modules use the same county (scale 0.02, the default seed); building it took each of
    them 30–50 s, so it is built once per test session (``cache`` sits in the session's base temp
    folder) and each module works on its own copy of the store, key and files."""
    done = cache / "built"
    if done.exists():
        return
    shutil.rmtree(cache, ignore_errors=True)
    instance = cache / "instance"
    key = load_key(instance, create=True)
    manifest = generate(cache / "county", 0.02)
    con = connect(cache / "live.duckdb")
    for entry in manifest.files:
        result = load_file(
            con,
            manifest.out_dir / entry.path,
            entry.kind,
            hasher=Hasher(key),
            uploaded_by="demo",
            archive_dir=cache / "uploads",
            publish=True,
            reviewer="reviewer",
        )
        assert result.status == "loaded", entry.path
    con.close()
    done.touch()


def published_server(
    root: Path, files, users: list[tuple[str, str, str]], password: str, then=None
):
    """A running server on ``root/live.duckdb`` with ``files`` ((kind, rows), tests.published.publish_files)
    loaded and published, ``users`` as (name, role, office), and ``then(con)`` run on the store before it
    is served; a context manager yielding the LiveServer."""
    db, instance = root / "live.duckdb", root / "instance"
    ensure_instance(instance)
    con = connect(db)
    publish_files(con, root, files, Hasher(load_key(instance, create=True)))
    for name, role, office in users:
        accounts.create(con, name, password, [role], office=office, actor="test")
    if then:
        then(con)
    con.close()
    return running_server(db, instance)


def synthetic_county_server(root: Path, users: list[tuple[str, str, str]], password: str):
    """A running server on a small synthetic county, every file loaded and published, with
    ``users`` as (name, role, office); a context manager yielding the LiveServer.  ``root`` is a
    folder from ``tmp_path_factory.mktemp``: the county's files are copied to ``root / "county"``."""
    cache = root.parent / "synthetic-county-0.02"
    _synthetic_county(cache)
    db, instance = root / "live.duckdb", root / "instance"
    shutil.copyfile(cache / "live.duckdb", db)
    shutil.copytree(cache / "instance", instance)
    shutil.copytree(cache / "county", root / "county")
    con = connect(db)
    for name, role, office in users:
        accounts.create(con, name, password, [role], office=office, actor="test")
    con.close()
    return running_server(db, instance)


@contextmanager
def signed_in_page(browser, url: str, username: str, password: str):
    """A desktop chromium page signed in at ``url``; on leaving, no console error or warning may have
    been shown (a CSP violation shows up there)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in_page(page, url, username, password)
    yield page
    context.close()
    assert problems == [], "console errors (a CSP violation shows up here)"


def sign_in_page(page, url: str, username: str, password: str) -> None:
    """Sign ``page`` in at ``url`` as a person would, through the login form."""
    page.goto(url + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")


def upload_and_preview(page, url: str, path) -> str:
    """On a signed-in page: upload ``path`` at /staff/upload; the preview's main text."""
    page.goto(url + "/staff/upload")
    page.get_by_label("文件", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url("**/staff/upload/*")
    return page.locator("main").inner_text()


def load_previewed(page, rows: int) -> None:
    """On a preview with no error: tick the warnings box if there is one, load the ``rows`` rows."""
    tick = page.get_by_label("我已看过以上提醒，仍然导入")
    if tick.count():
        tick.check()
    page.get_by_role("button", name=f"导入 {rows} 行").click()
    page.wait_for_url("**/staff/batches/")
    assert "已导入批次" in page.locator(".flash").inner_text()

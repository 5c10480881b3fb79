"""Every `fundquery` command while `fundquery serve` holds the store (issue 18), for real.

A real server (gunicorn, one worker) holds the DuckDB file; the commands run as
separate processes, exactly as an administrator would type them, and are carried
out by the server over instance/fundquery.sock.  What they did is then seen
through the server itself (a sign-in, the public pages) or, with the server
stopped, in the store.
"""

from __future__ import annotations

import contextlib
import json
import os
import pty
import select
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.parse
from pathlib import Path

import duckdb
import pytest

from bench.liveserver import Browser, Server
from etl.store import connect
from fundquery.lake.snapshot import current_file
from tests.bigfile import funds_xlsx, payments_csv, person_name
from tests.test_kill_load import until_mid_transaction

FUNDQUERY = Path(sys.executable).with_name("fundquery")
PASSWORD = "delegate password 2024"
NOTICE = "/notices/2024/F001/" + urllib.parse.quote("城关镇") + "/" + urllib.parse.quote("东风村")
KILL_ROWS = 200_000
REFUSED = "N"  # the server's refusal frame (fundquery.web.cli_socket.REFUSED)


def public_page(county: County, path: str) -> str:
    """A public page's text ("" for a 404: a village with nothing published has no notice)."""
    try:
        return Browser(county.server.url).get(path)[1]
    except urllib.error.HTTPError as exc:
        assert exc.code == 404, exc
        return ""


def masked(name: str) -> str:
    """How a village notice shows a three-character name (公示 convention: 王伟强 → 王*强)."""
    assert len(name) == 3
    return name[0] + "*" + name[-1]


class County:
    """The store, the instance and the server of one county, and its command line."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.db = work / "data" / "fundquery.duckdb"
        self.instance = work / "instance"
        self.uploads = work / "data" / "uploads"
        self.env = {
            **os.environ,
            "FUNDQUERY_DB": str(self.db),
            "FUNDQUERY_INSTANCE": str(self.instance),
            "FUNDQUERY_UPLOADS": str(self.uploads),
            "USER": "clerk-at-terminal",
        }
        for name in ("FUNDQUERY_SECRET_KEY", "FUNDQUERY_ID_KEY"):
            self.env.pop(name, None)
        self.server = Server(self.db, self.instance, self.uploads, work / "server.log")

    @property
    def sock(self) -> Path:
        return self.instance / "fundquery.sock"

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(FUNDQUERY), *args],
            env=self.env,
            cwd=self.work,  # file arguments are relative to the caller's folder, not the server's
            input=stdin,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def ok(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        done = self.run(*args, stdin=stdin)
        assert done.returncode == 0, (args, done.returncode, done.stdout, done.stderr)
        return done


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    work = tmp_path_factory.mktemp("delegate")
    c = County(work)
    c.ok("init", "--county-code", "411524", "--county-name", "新县")
    c.ok("user", "add", "boss", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    funds_xlsx(work / "funds.xlsx")
    payments_csv(work / "补贴清册.csv", 30)
    c.server.start()
    yield c
    c.server.stop()


def _held(county: County) -> None:
    """The server holds the store now: a second process cannot open it (else the test proves nothing)."""
    assert county.server.proc.poll() is None
    Browser(county.server.url).get("/healthz")
    with pytest.raises(duckdb.IOException):
        duckdb.connect(str(county.db), read_only=True)


def test_socket_is_the_owners_only(county):
    mode = county.sock.stat().st_mode
    assert stat.S_ISSOCK(mode)
    assert stat.S_IMODE(mode) == 0o600
    assert county.sock.stat().st_uid == os.getuid()
    if os.getuid() != 0:
        pytest.skip("another user's connection needs root to run as nobody")
    # As nobody, through a folder descriptor opened here (pytest's folders are 0700): the kernel
    # refuses the 0600 socket; made 0666, the server itself refuses by the peer's credentials.
    probe = (
        "import os, socket, sys\n"
        "os.setgid(65534); os.setuid(65534)\n"
        "s = socket.socket(socket.AF_UNIX)\n"
        "try:\n"
        "    s.connect(f'/proc/self/fd/{sys.argv[1]}/fundquery.sock')\n"
        "except PermissionError:\n"
        "    print('denied', end=''); sys.exit(0)\n"
        "sys.stdout.buffer.write(s.recv(1)); sys.exit(0)\n"
    )
    fd = os.open(county.instance, os.O_RDONLY | os.O_DIRECTORY)
    try:

        def as_nobody() -> str:
            return subprocess.run(
                [sys.executable, "-c", probe, str(fd)],
                pass_fds=(fd,),
                capture_output=True,
                text=True,
                timeout=30,
            ).stdout

        assert as_nobody() == "denied"
        os.chmod(county.sock, 0o666)  # noqa: S103 (to show the server's own check)
        try:
            assert as_nobody() == REFUSED
        finally:
            os.chmod(county.sock, 0o600)
    finally:
        os.close(fd)


def test_user_added_while_serving_signs_in(county):
    _held(county)
    added = county.ok(
        "user",
        "add",
        "inspector1",
        "--role",
        "inspector",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert added.stdout.strip() == "已添加用户 inspector1（inspector）。"
    browser = Browser(county.server.url).sign_in("inspector1", PASSWORD)
    status, html = browser.get("/staff/inspect/")
    assert status == 200 and "inspector1" in html
    # The audit line names the one at the terminal (their USER), not the server's account.
    listed = json.loads(county.ok("user", "list", "--json").stdout)
    assert {"user": "inspector1", "roles": ["inspector"], "office": None, "active": True} in listed


def test_load_publish_retract_seen_on_public_pages(county):
    _held(county)
    county.ok("user", "add", "rev", "--role", "reviewer", "--password-stdin", stdin=PASSWORD + "\n")
    funds = json.loads(county.ok("load", "funds", "funds.xlsx", "--json").stdout)
    assert funds["status"] == "loaded"
    loaded = county.ok("load", "payments", "补贴清册.csv", "--json")
    result = json.loads(loaded.stdout)  # machine-readable: stdout is the JSON object alone
    assert (result["status"], result["rows"], result["file"]) == ("loaded", 30, "补贴清册.csv")
    # the stages arrive as they happen, on standard error (the progress display when piped)
    assert "阶段 stage: load" in loaded.stderr
    batch = result["batch"]
    name = masked(person_name(0))
    assert name not in public_page(county, NOTICE)  # not public before the review
    published = county.ok("publish", str(funds["batch"]), "--by", "rev")
    assert published.stdout.strip() == f"批次 {funds['batch']} 已公开。"
    county.ok("publish", str(batch), "--by", "rev")
    page = public_page(county, NOTICE)
    assert name in page and person_name(0) not in page
    # the uploader is the caller's USER (the default of --by), as when run without a server
    listed = {b["batch"]: b for b in json.loads(county.ok("batches", "--json").stdout)}
    assert listed[batch]["uploaded_by"] == "clerk-at-terminal"
    refused = county.run("publish", str(batch), "--by", "rev")
    assert refused.returncode == 1 and refused.stderr.strip()
    county.ok("retract", str(batch), "--by", "rev")
    assert name not in public_page(county, NOTICE)
    # loaded again as a correction, then published, for the tests below
    again = json.loads(county.ok("load", "payments", "补贴清册.csv", "--json").stdout)
    assert again["status"] in ("loaded", "duplicate")


def test_point_and_mappings_families(county):
    _held(county)
    county.ok("point", "add", "cg-01", "城关镇便民服务中心", "--township", "城关镇")
    assert county.ok("point", "list").stdout == "cg-01\t城关镇便民服务中心\t城关镇\n"
    assert json.loads(county.ok("mappings", "--json").stdout) == []
    missing = county.run("point", "remove", "nowhere")
    assert missing.returncode == 1 and "没有查询点 nowhere" in missing.stderr
    # a usage error is click's own, with its exit code 2, as without a server
    usage = county.run("load", "payments")
    assert usage.returncode == 2 and "Missing argument 'FILE'" in usage.stderr


def test_delegated_load_beside_the_servers_own_writes(county, tmp_path):
    """A 20,000-row load carried out for the command line while the server writes for the web
    (sign-ins, their session rows, page-view counts) and a second command writes too."""
    _held(county)
    county.ok("load", "funds", "funds.xlsx")
    rows = 20_000
    big = payments_csv(tmp_path / "并发清册.csv", rows, first=2_000_000)
    proc = subprocess.Popen(
        [str(FUNDQUERY), "load", "payments", str(big), "--json"],
        env=county.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    other = subprocess.Popen(
        [str(FUNDQUERY), "point", "add", "p-during", "并发查询点"],
        env=county.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    signed_in = 0
    try:
        while proc.poll() is None:
            admin = Browser(county.server.url).sign_in("boss", PASSWORD)  # a session row, audit
            status, html = admin.get("/staff/admin/backup/")
            assert status == 200 and 'name="password"' not in html  # signed in, not sent to /login
            assert Browser(county.server.url).get("/funds")[0] == 200  # a page view counted
            signed_in += 1
            # at most one sign-in every 2.5 s: the sign-in limit (30 a minute from one address) must not
            # refuse them on a slow machine, where the load takes minutes
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=2.5)
        out, _ = proc.communicate(timeout=600)
        other_out, other_err = other.communicate(timeout=600)
    finally:
        for p in (proc, other):
            if p.poll() is None:
                p.kill()
                p.communicate()
    assert proc.returncode == 0
    assert other.returncode == 0, other_err
    assert other_out.startswith("已登记查询点 p-during")
    result = json.loads(out)
    assert (result["status"], result["rows"]) == ("loaded", rows)
    print(f"{signed_in} sign-ins and page views while the command loaded {rows} rows")  # -rP
    assert signed_in >= 1
    stored = {b["batch"]: b for b in json.loads(county.ok("batches", "--json").stdout)}
    assert stored[result["batch"]]["rows"] == rows
    assert "p-during\t并发查询点" in county.ok("point", "list").stdout


def test_the_command_finishes_when_its_client_is_gone(county, tmp_path):
    """The terminal closed (the client SIGKILLed) halfway: the server still loads the file whole."""
    _held(county)
    county.ok("load", "funds", "funds.xlsx")
    rows = 20_000
    big = payments_csv(tmp_path / "无人等候.csv", rows, first=3_000_000)
    proc = subprocess.Popen(
        [str(FUNDQUERY), "load", "payments", str(big)],
        env=county.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stderr.readline()
        assert line.startswith("阶段 stage: "), line  # the server has started the load
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    deadline = time.monotonic() + 300
    while True:
        listed = json.loads(county.ok("batches", "--json").stdout)
        done = [b for b in listed if b["file"] == "无人等候.csv"]
        if done or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert [(b["status"], b["rows"]) for b in done] == [("loaded", rows)]


def test_password_prompt_on_the_callers_terminal(county):
    """`user add` without --password-stdin asks on the caller's terminal (hidden), through the server."""
    _held(county)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command on a terminal of its own
        os.chdir(county.work)
        os.execve(  # noqa: S606 (our own program, a fixed argument list)
            str(FUNDQUERY), ["fundquery", "user", "add", "atdesk", "--role", "finance"], county.env
        )
    seen = b""

    def until(token: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 120
        while token not in seen and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.5)[0]:
                try:
                    seen += os.read(fd, 4096)
                except OSError:  # the command ended and closed its terminal
                    return

    try:
        until("密码 password:".encode())
        os.write(fd, (PASSWORD + "\n").encode())
        until("再次输入 repeat:".encode())
        os.write(fd, (PASSWORD + "\n").encode())
        until(b"atdesk")
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    text = seen.decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "已添加用户 atdesk（finance）。" in text
    assert PASSWORD not in text  # never echoed
    status_code, html = Browser(county.server.url).sign_in("atdesk", PASSWORD).get("/staff/upload")
    assert status_code == 200 and 'name="password"' not in html


def test_export_lake_while_serving(county):
    _held(county)
    done = county.ok("export-lake", "lake")
    lake = county.work / "lake"
    assert done.stdout.startswith("县（区）411524 已写入数据湖 " + str(lake))
    funds = duckdb.execute(
        "SELECT count(*) FROM read_parquet(?, hive_partitioning = true)",
        [f"{lake}/funds/**/*.parquet"],
    ).fetchone()[0]
    assert funds == 3  # the published catalogue (tests/sheets.FUNDS_ROWS)


def test_snapshot_while_serving(county):
    """The province's nightly copy of the public side is written from a live county (docs/province.md)."""
    _held(county)
    county.ok("snapshot", "snap")
    path = current_file(county.work / "snap")
    con = duckdb.connect(str(path), read_only=True)
    try:
        funds = con.execute("SELECT count(*) FROM funds").fetchone()[0]
    finally:
        con.close()
    assert funds == 3  # the published catalogue (tests/sheets.FUNDS_ROWS)


def test_demo_and_serve_refuse_while_serving(county):
    _held(county)
    demo = county.run("demo", "--scale", "0.001")
    assert demo.returncode == 3 and "demo never writes" in demo.stderr
    serve = county.run("serve", "--port", "1")
    assert serve.returncode == 3 and "A server already holds this store" in serve.stderr


READ_COMMANDS = (
    ("report", "all", "--json", "--as-of", "2025-06-30"),
    ("report", "delays", "--json", "--as-of", "2025-06-30"),
    ("batches", "--json"),
    ("batches",),
    ("user", "list", "--json"),
    ("point", "list", "--json"),
    ("annual", "2024", "--json"),
    ("sample", "list", "--json"),
)


def test_same_output_and_exit_code_with_the_server_stopped(county):
    _held(county)
    time.sleep(1.5)  # the page views counted so far are written (every 0.5 s): annual counts them
    served = {args: county.run(*args) for args in READ_COMMANDS}
    county.server.stop()
    assert not county.sock.exists()  # removed on a clean exit
    try:
        alone = {args: county.run(*args) for args in READ_COMMANDS}
    finally:
        county.server.start()
    for args in READ_COMMANDS:
        got, expected = served[args], alone[args]
        assert (got.returncode, got.stdout, got.stderr) == (
            expected.returncode,
            expected.stdout,
            expected.stderr,
        ), args
    assert json.loads(served[READ_COMMANDS[0]].stdout)  # a list of checks, not an error


def test_killed_server_mid_load_leaves_all_or_nothing(county, tmp_path):
    """SIGKILL the whole server while it carries out a 200,000-row load for the command line."""
    _held(county)
    county.ok("load", "funds", "funds.xlsx")  # F001's catalogue (a duplicate if loaded above)
    big = payments_csv(tmp_path / "大清册.csv", KILL_ROWS, first=1_000_000)
    proc = subprocess.Popen(
        [str(FUNDQUERY), "load", "payments", str(big), "--json"],
        env=county.env,
        stdout=subprocess.DEVNULL,  # a rejection's JSON would fill a pipe nobody reads
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    try:
        while "load" not in seen:
            line = proc.stderr.readline()
            assert line, f"the load ended before its load stage (stages {seen}, exit {proc.wait()})"
            if line.startswith("阶段 stage: "):
                seen.append(line.split(": ", 1)[1].strip())
        # Not a fixed wait: the load stage takes 0.65-0.7 s here from its announcement to the
        # command's end, and a CI run once finished it within a 0.3 s wait.
        until_mid_transaction(county.db, lambda: proc.poll() is None)
        assert proc.poll() is None, "the load finished before the kill"
        county.server.kill()
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        if not proc.stderr.closed:  # the pipe closed however the test ended
            proc.communicate()
    assert proc.returncode == 3, err
    assert "The server stopped while carrying out the command" in err
    assert county.sock.is_socket()  # left behind by the killed worker
    # The next process to hold the store finds the load entirely there or not at all.
    con = connect(county.db)
    try:
        rows = con.execute(
            "SELECT count(*) FROM payments p JOIN batches b USING (batch_id)"
            " WHERE b.file_name = '大清册.csv'"
        ).fetchone()[0]
        attempt = con.execute(
            "SELECT status FROM load_attempts WHERE file_name = '大清册.csv'"
        ).fetchall()
    finally:
        con.close()
    print(f"after the kill: {rows} of {KILL_ROWS} rows stored")  # pytest -rP
    assert rows in (0, KILL_ROWS)
    assert attempt == [("interrupted",)] if rows == 0 else [("loaded",)]
    # A new server replaces the stale socket and carries commands out again.
    county.server.start()
    assert county.sock.is_socket()
    listed = json.loads(county.ok("batches", "--json").stdout)
    assert all(b["file"] != "大清册.csv" for b in listed) == (rows == 0)


def test_a_stale_socket_is_noticed_and_replaced(tmp_path):
    """A socket file left by a killed server (bound, nobody listening): commands open the store
    themselves, and the next server replaces it and takes commands."""
    c = County(tmp_path)
    c.ok("init")
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(c.sock))  # bound, never listening, then closed: what SIGKILL leaves
    stale.close()
    with pytest.raises(ConnectionRefusedError), socket.socket(socket.AF_UNIX) as probe:
        probe.connect(str(c.sock))
    assert c.ok("user", "list", "--json").stdout == "[]\n"
    with c.server:
        listening = socket.socket(socket.AF_UNIX)
        listening.connect(str(c.sock))  # the stale one refused connections (ECONNREFUSED)
        listening.close()
        assert stat.S_IMODE(c.sock.stat().st_mode) == 0o600
        _held(c)
        c.ok("user", "add", "late", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert not c.sock.exists()
    assert json.loads(c.ok("user", "list", "--json").stdout)[0]["user"] == "late"

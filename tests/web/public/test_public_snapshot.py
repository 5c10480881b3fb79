"""The public side from a published snapshot (issue 18): `fundquery snapshot DIR`, `serve --public-snapshot`.

The snapshot is written from the small county (one batch never published, one
retracted) with full ID numbers planted where residents and clerks put them
(a message's own text, its sender's phone, an unpublished message); the app is
then run on the snapshot alone and compared, page by page, with the app on the
owner's store.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest

from etl import batches as transitions
from etl.store import connect
from fundquery import REPO_ROOT, create_app
from fundquery.accounts.access import PUBLIC_ENDPOINTS, ROLE_ENDPOINTS
from fundquery.lake.snapshot import CURRENT, current_file, export_snapshot
from fundquery.messages import store as messages
from fundquery.messages import workflow
from fundquery.web.db import EXTENSION
from fundquery.web.public_snapshot import OWNER_ENDPOINTS
from tests.web.conftest import free_port
from tests.web.public.county import ALL_IDS, ID_KEY, RESIDENT, UNPUBLISHED_ONLY, county_config

PLANTED_ID = "42010219560304113X"  # a full ID number a resident typed into a message
PLANTED_PHONE = "13912345678"
PAGES = [
    "/",
    "/funds",
    "/funds/2024/F001",
    "/projects",
    "/notices",
    "/notices/2024/F001/城关镇/东风村",
    "/notices/2024/F001/城关镇/东风村/print",
    "/budgets",
    "/staffing",
    "/messages",
    "/opendata",
    "/opendata/payments.csv",
    "/opendata/funds.json",
    "/opendata/messages.json",
    "/search?q=F001",
    "/api/v1/",
    "/api/v1/funds",
    "/api/v1/payments",
    "/published",
    "/rectification",
]


def _plant_messages(con) -> None:
    """A published message whose own text and sender carry personal numbers, and one never published."""
    receipt = messages.submit(
        con,
        message_type="投诉",
        township="城关镇",
        village="东风村",
        fund_code="F001",
        body=f"我的身份证 {PLANTED_ID}，卡没到账",
        name="张三",
        phone=PLANTED_PHONE,
    )
    mid = receipt.message_id
    workflow.register(
        con, mid, category="补贴发放", department="城关镇财政所", working_days=3, actor="desk"
    )
    workflow.route(con, mid, actor="desk")
    workflow.answer(con, mid, reply="已补发。", actor="wang", office="城关镇财政所")
    workflow.review(con, mid, public_body="卡没到账。", is_listed=True, actor="head")
    workflow.publish(con, mid, actor="head")
    messages.submit(
        con,
        message_type="咨询",
        township="城关镇",
        village="东风村",
        fund_code="F001",
        body=f"请查 {UNPUBLISHED_ONLY['id']} 的补贴",
        name="赵六",
        phone=PLANTED_PHONE,
    )


@pytest.fixture
def owner_db(county_db) -> Path:
    con = connect(county_db)
    _plant_messages(con)
    # A 公示期 the catalogue sets for F001 (issue 17): the village notice on the copy must say it too.
    con.execute("UPDATE funds SET notice_days = 10 WHERE fund_code = 'F001'")
    con.close()
    return county_db


@pytest.fixture
def snapshot_dir(owner_db, tmp_path) -> Path:
    con = connect(owner_db)
    export_snapshot(con, tmp_path / "snap", ID_KEY)
    con.close()
    return tmp_path / "snap"


def _all_text(con) -> str:
    """Every value of every table of a DuckDB file, as text."""
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
        ).fetchall()
    ]
    parts = []
    for table in tables:
        for row in con.execute(f'SELECT * FROM "{table}"').fetchall():  # noqa: S608
            parts.append(" ".join(str(v) for v in row))
    return "\n".join(parts)


def test_snapshot_holds_no_full_id_and_no_unpublished_batch(owner_db, snapshot_dir, county):
    owner = duckdb.connect(str(owner_db), read_only=True)
    owner_text = _all_text(owner)
    owner.close()
    assert PLANTED_ID in owner_text and UNPUBLISHED_ONLY["id"] in owner_text  # the plants took
    assert PLANTED_PHONE in owner_text

    path = current_file(snapshot_dir)
    assert not path.stat().st_mode & 0o222  # nobody writes it
    con = duckdb.connect(str(path), read_only=True)
    text = _all_text(con)
    for number in [PLANTED_ID, PLANTED_PHONE, *ALL_IDS]:
        assert number not in text
    batch_ids = {r[0] for r in con.execute("SELECT batch_id FROM batches").fetchall()}
    assert county["unpublished"] not in batch_ids and county["retracted"] not in batch_ids
    assert county["payments"] in batch_ids
    assert {r[0] for r in con.execute("SELECT DISTINCT batch_id FROM payments").fetchall()} <= (
        batch_ids
    )
    assert (
        con.execute("SELECT count(*) FROM batches WHERE status <> 'published'").fetchone()[0] == 0
    )
    # The lookup's keyed hash and the masked form are there; the message is the question as published.
    assert con.execute("SELECT count(*) FROM payments WHERE id_hash IS NULL").fetchone()[0] == 0
    assert con.execute("SELECT DISTINCT body FROM messages").fetchall() == [("卡没到账。",)]
    assert con.execute("SELECT count(*) FROM users WHERE password_hash <> '!'").fetchone()[0] == 0
    con.close()


def _app(config: dict):
    app = create_app(config)
    return app


def _comparable(response) -> bytes:
    # The search form on every page carries this visitor's CSRF token, nothing else differs.
    return re.sub(rb'name="csrf_token" type="hidden" value="[^"]+"', b"", response.data)


def test_public_pages_from_the_snapshot_equal_the_owners(owner_db, snapshot_dir, tmp_path):
    owner = _app(county_config(owner_db))
    snap = _app(
        county_config(
            tmp_path / "unused.duckdb", PUBLIC_SNAPSHOT=str(snapshot_dir), PUBLIC_SPOOL=tmp_path
        )
    )
    try:
        for path in PAGES:
            for suffix in ("", "&format=json" if "?" in path else "?format=json"):
                mine = owner.test_client().get(path + suffix)
                theirs = snap.test_client().get(path + suffix)
                assert mine.status_code == 200, path + suffix
                assert theirs.status_code == 200, path + suffix
                assert _comparable(theirs) == _comparable(mine), path + suffix
        assert not (tmp_path / "unused.duckdb").exists()  # the owner's store is never opened
    finally:
        owner.extensions[EXTENSION].close()
        snap.extensions[EXTENSION].close()


def _csrf(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_a_lookup_works_on_the_snapshot_and_its_audit_line_is_spooled(snapshot_dir, tmp_path):
    spool = tmp_path / "spool"
    app = _app(
        county_config(
            tmp_path / "unused.duckdb", PUBLIC_SNAPSHOT=str(snapshot_dir), PUBLIC_SPOOL=spool
        )
    )
    client = app.test_client()
    try:
        found = client.post(
            "/query?format=json",
            data={
                "csrf_token": _csrf(client, "/query"),
                "id_number": RESIDENT["id"],
                "name": RESIDENT["name"],
            },
        )
        assert found.status_code == 200
        assert "892.50" in json.dumps(found.get_json(), ensure_ascii=False)
        assert RESIDENT["id"] not in found.get_data(as_text=True)
        missing = client.post(
            "/query",
            data={
                "csrf_token": _csrf(client, "/query"),
                "id_number": UNPUBLISHED_ONLY["id"],
                "name": UNPUBLISHED_ONLY["name"],
            },
        )
        assert "没有查到可以显示的记录。" in missing.get_data(as_text=True)
    finally:
        app.extensions[EXTENSION].close()
    spooled = "".join(p.read_text() for p in spool.glob("*.jsonl"))
    assert "lookup" in spooled and spooled.count("\n") >= 2
    for number in ALL_IDS:
        assert number not in spooled


@pytest.mark.parametrize(
    "owner_url", [None, "https://czgk.example.gov.cn"], ids=["no-owner", "owner"]
)
def test_staff_and_owner_routes_are_not_served(snapshot_dir, tmp_path, owner_url):
    extra = {"PUBLIC_SNAPSHOT": str(snapshot_dir), "PUBLIC_SPOOL": tmp_path}
    if owner_url:
        extra["PUBLIC_OWNER_URL"] = owner_url
    app = _app(county_config(tmp_path / "unused.duckdb", **extra))
    client = app.test_client()
    try:
        rules = [
            r
            for r in app.url_map.iter_rules()
            if r.endpoint in ROLE_ENDPOINTS or r.endpoint in OWNER_ENDPOINTS
        ]
        assert len(rules) > 40
        for rule in rules:
            url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", "1", rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                answer = client.open(url + "?x=1", method=method)
                if owner_url:
                    assert answer.status_code == 303, (method, url)
                    assert answer.headers["Location"] == owner_url + url + "?x=1"
                else:
                    assert answer.status_code == 404, (method, url)
                    assert "公开数据的只读副本" in answer.get_data(as_text=True)  # says where to go
        assert {r.endpoint for r in rules} >= {"auth.login", "public.message_new", "upload.form"}
        assert all(e in PUBLIC_ENDPOINTS for e in OWNER_ENDPOINTS)
    finally:
        app.extensions[EXTENSION].close()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except OSError:  # not listening yet
        return 0, ""


@pytest.mark.parametrize("key", [None, b"another county's key 0123456789ab"], ids=["none", "other"])
def test_a_server_without_the_owners_id_key_refuses_to_start(snapshot_dir, tmp_path, key):
    """With no key, or another, every lookup would quietly find nothing: say so instead of serving."""
    instance = tmp_path / "instance"
    instance.mkdir()
    if key:
        (instance / "id_hash.key").write_text(key.hex())
    env = {**os.environ, "FUNDQUERY_INSTANCE": str(instance)}
    env.pop("FUNDQUERY_ID_KEY", None)
    command = [sys.executable, "-c", "from fundquery.cli import main; main()"]
    refused = subprocess.run(
        [*command, "serve", "--public-snapshot", str(snapshot_dir), "--port", str(free_port())],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2, refused.stderr
    assert "ID-hash key" in refused.stderr
    assert (instance / "id_hash.key").exists() == bool(key)  # none was made up


def test_served_by_two_workers_and_reopened_on_a_new_publication(
    owner_db, snapshot_dir, county, tmp_path
):
    """`fundquery serve --public-snapshot DIR --workers 2`; a retraction at the owner, a new snapshot, seen."""
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "id_hash.key").write_text(ID_KEY.hex())
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    env = {
        **os.environ,
        "FUNDQUERY_INSTANCE": str(instance),
        "FUNDQUERY_DB": str(tmp_path / "unused.duckdb"),
    }
    command = [sys.executable, "-c", "from fundquery.cli import main; main()"]
    proc = subprocess.Popen(
        [
            *command,
            "serve",
            "--public-snapshot",
            str(snapshot_dir),
            "--workers",
            "2",
            "--port",
            str(port),
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _get(url + "/healthz")[0] != 200:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
        status, before = _get(url + "/published?format=json")
        assert status == 200
        assert county["payments"] in [d["batch_id"] for d in json.loads(before)["datasets"]]
        assert _get(url + "/staff/")[0] == 404
        workers = subprocess.run(
            ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert len(workers) == 2

        con = connect(owner_db)
        transitions.retract(con, county["payments"], actor="reviewer")
        export_snapshot(con, snapshot_dir, ID_KEY)
        con.close()
        assert (snapshot_dir / CURRENT).read_text().strip() == current_file(snapshot_dir).name
        # Every worker answers from the new file: ask more times than there are workers.
        for _ in range(6):
            status, after = _get(url + "/published?format=json")
            ids = [d["batch_id"] for d in json.loads(after)["datasets"]]
            assert county["payments"] not in ids
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def _counts(db: Path) -> tuple[int, int]:
    con = duckdb.connect(str(db), read_only=True)
    lookups = con.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'resident_lookup'"
    ).fetchone()[0]
    views = con.execute("SELECT coalesce(sum(n), 0) FROM usage_daily").fetchone()[0]
    con.close()
    return lookups, views


def test_spooled_lookups_and_counts_are_taken_in_by_the_owner_once(
    owner_db, snapshot_dir, tmp_path
):
    spool = tmp_path / "spool"
    app = _app(
        county_config(
            tmp_path / "unused.duckdb", PUBLIC_SNAPSHOT=str(snapshot_dir), PUBLIC_SPOOL=spool
        )
    )
    client = app.test_client()
    form = {"id_number": RESIDENT["id"], "name": RESIDENT["name"]}
    try:
        for _ in range(2):
            client.post("/query", data={"csrf_token": _csrf(client, "/query"), **form})
        client.get("/funds")
    finally:
        app.extensions[EXTENSION].close()
    before = _counts(owner_db)
    env = {**os.environ, "FUNDQUERY_DB": str(owner_db), "FUNDQUERY_INSTANCE": str(tmp_path / "i")}
    command = [
        sys.executable,
        "-c",
        "from fundquery.cli import main; main()",
        "spool-in",
        str(spool),
    ]

    def spool_in() -> subprocess.CompletedProcess:
        return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True)

    assert spool_in().returncode == 0
    lookups, views = _counts(owner_db)
    assert lookups == before[0] + 2
    assert views == before[1] + 5  # 3 page views (the lookup form twice, /funds) and 2 lookups
    assert spool_in().returncode == 0  # again: nothing new
    assert _counts(owner_db) == (lookups, views)

    # A line that is not what a server writes: named, and nothing taken.
    (spool / "usage-99.jsonl").write_text('["2026-12-06", "page", "public.funds", ""]\n')
    with (spool / next(p.name for p in spool.glob("lookup-audit-*"))).open("a") as more:
        more.write(
            json.dumps(["2026-12-06T10:00:00", "public", "resident_lookup", None, "{}"]) + "\n"
        )
    refused = spool_in()
    assert refused.returncode == 2
    assert "usage-99.jsonl 第 1 行" in refused.stderr and "5" in refused.stderr
    assert _counts(owner_db) == (lookups, views)
    (spool / "usage-99.jsonl").unlink()
    assert spool_in().returncode == 0
    assert _counts(owner_db) == (lookups + 1, views)

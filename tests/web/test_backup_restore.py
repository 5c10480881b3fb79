"""`fundquery backup DIR` while the real server runs, and `fundquery restore DIR` into a fresh folder (issue 8).

The server holds the store, so the command asks it (signed in as an
administrator) for the snapshot.  One backup is taken while a 50,000-row load
runs in the server: every batch in it is whole.  Another is taken at rest and
restored into a fresh folder: every table equal row for row to the store it
came from, every archived original byte for byte, the sequences carried on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import duckdb

from bench.liveserver import PASSWORD, Browser, Server, prepare_store
from etl.backup import key_fingerprint
from etl.idnum import load_key
from tests.bigfile import payments_csv

FUNDQUERY = Path(sys.executable).with_name("fundquery")
KIND_TABLES = ("funds", "disbursements", "payments", "projects", "budgets", "agencies", "staff")


def cli(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(FUNDQUERY), *args], env=env, input=stdin, capture_output=True, text=True, timeout=600
    )


def contents(db: Path) -> dict[str, list]:
    """Every table's rows, and every sequence's position, of the store at ``db`` (opened read-only)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1"
            ).fetchall()
        ]
        found = {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in tables}  # noqa: S608
        found["<sequences>"] = con.execute(
            "SELECT sequence_name, last_value FROM duckdb_sequences() ORDER BY 1"
        ).fetchall()
        return found
    finally:
        con.close()


def whole_batches(db: Path) -> list[tuple]:
    """(batch, kind, rows declared, rows held) for every batch of the store at ``db``."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = []
        for batch_id, kind, declared in con.execute(
            "SELECT batch_id, kind, row_count FROM batches"
        ).fetchall():
            held = con.execute(
                f"SELECT count(*) FROM {kind} WHERE batch_id = ?",  # noqa: S608 (kind from our table)
                [batch_id],
            ).fetchone()[0]
            out.append((batch_id, kind, declared, held))
        return out
    finally:
        con.close()


def test_backup_while_serving_and_restore_into_a_fresh_folder(tmp_path):
    store = prepare_store(tmp_path / "live", 200)
    env = {
        **os.environ,
        "FUNDQUERY_DB": str(store["db"]),
        "FUNDQUERY_INSTANCE": str(store["instance"]),
        "FUNDQUERY_UPLOADS": str(store["uploads"]),
    }
    server = Server(
        store["db"], store["instance"], store["uploads"], tmp_path / "server.log"
    ).start()
    try:
        env["FUNDQUERY_SERVER"] = server.url
        clerk = Browser(server.url).sign_in("clerk")
        big = payments_csv(tmp_path / "清册.csv", 50_000)
        sha = clerk.upload(big, "payments")
        preview = clerk.preview(sha, "payments")
        loading = threading.Thread(target=lambda: clerk.load(sha, "payments", preview))
        loading.start()
        during = cli(
            env, "backup", str(tmp_path / "during"), "--password-stdin", stdin=PASSWORD + "\n"
        )
        loading.join()
        assert during.returncode == 0, during.stderr
        assert "网站" in during.stderr and "已备份到" in during.stdout

        # A non-administrator is refused, and says so.
        refused = cli(
            env,
            "backup",
            str(tmp_path / "refused"),
            "--user",
            "clerk",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        assert refused.returncode == 1 and "管理员" in refused.stderr

        at_rest = cli(
            env, "backup", str(tmp_path / "rest"), "--password-stdin", stdin=PASSWORD + "\n"
        )
        assert at_rest.returncode == 0, at_rest.stderr
    finally:
        server.stop()

    # Taken mid-load: every batch in the snapshot is whole (the load is in it entirely or not at all).
    batches = whole_batches(tmp_path / "during" / "fundquery.duckdb")
    assert all(declared == held for _, _, declared, held in batches), batches
    assert len(batches) in (2, 3)

    # Restored into a fresh folder: equal, table by table, row by row.
    fresh = tmp_path / "fresh"
    fresh_env = {
        **env,
        "FUNDQUERY_DB": str(fresh / "fundquery.duckdb"),
        "FUNDQUERY_UPLOADS": str(fresh / "uploads"),
    }
    restored = cli(fresh_env, "restore", str(tmp_path / "rest"))
    assert restored.returncode == 0, restored.stderr
    assert "密钥与备份时相同" in restored.stdout
    source, copy = contents(store["db"]), contents(fresh / "fundquery.duckdb")
    assert copy.keys() == source.keys()
    for table in source:
        assert copy[table] == source[table], table
    assert len(source["payments"]) == 200 + 50_000
    assert any(r[3] == "backup" for r in source["audit_log"])  # the backup recorded itself
    originals = sorted(p.name for p in store["uploads"].iterdir() if p.is_file())
    assert len(originals) == 3  # funds, the published payments, the 50,000 rows
    assert sorted(p.name for p in (fresh / "uploads").iterdir()) == originals
    for name in originals:
        assert (fresh / "uploads" / name).read_bytes() == (store["uploads"] / name).read_bytes()
    manifest = json.loads((tmp_path / "rest" / "manifest.json").read_text())
    assert manifest["id_key_fingerprint"] == key_fingerprint(load_key(store["instance"]))
    assert not list((tmp_path / "rest").rglob("id_hash.key"))  # the key is never in a backup

    # The restored store goes on: the next batch number follows the last one.
    more = cli(
        fresh_env,
        "load",
        "payments",
        str(payments_csv(tmp_path / "more.csv", 10, first=900_000)),
        "--json",
    )
    assert more.returncode == 0, more.stderr
    assert json.loads(more.stdout)["batch"] == max(r[0] for r in source["batches"]) + 1

    # Restore never overwrites a store, and warns when the ID-hash key is not the backup's.
    again = cli(fresh_env, "restore", str(tmp_path / "rest"))
    assert again.returncode == 1 and "已经存在" in again.stderr
    other = tmp_path / "other"
    keyless = cli(
        {
            **fresh_env,
            "FUNDQUERY_DB": str(other / "fundquery.duckdb"),
            "FUNDQUERY_UPLOADS": str(other / "uploads"),
            "FUNDQUERY_INSTANCE": str(other / "instance"),
        },
        "restore",
        str(tmp_path / "rest"),
    )
    assert keyless.returncode == 0 and "没有身份证号哈希密钥" in keyless.stderr
    assert not (other / "instance" / "id_hash.key").exists()


def test_backup_without_a_server_and_a_damaged_backup_is_refused(tmp_path):
    store = prepare_store(tmp_path / "live", 20)
    env = {
        **os.environ,
        "FUNDQUERY_DB": str(store["db"]),
        "FUNDQUERY_INSTANCE": str(store["instance"]),
        "FUNDQUERY_UPLOADS": str(store["uploads"]),
    }
    made = cli(env, "backup", str(tmp_path / "b"))
    assert made.returncode == 0, made.stderr
    assert (
        cli(env, "backup", str(tmp_path / "b")).returncode == 1
    )  # never into a folder that is not empty
    original = next((tmp_path / "b" / "uploads").iterdir())
    original.write_bytes(original.read_bytes()[:-1])
    fresh = {
        **env,
        "FUNDQUERY_DB": str(tmp_path / "fresh" / "fundquery.duckdb"),
        "FUNDQUERY_UPLOADS": str(tmp_path / "fresh" / "uploads"),
    }
    damaged = cli(fresh, "restore", str(tmp_path / "b"))
    assert damaged.returncode == 1 and "已损坏" in damaged.stderr
    assert not (tmp_path / "fresh" / "fundquery.duckdb").exists()

"""A full disk or a read-only store during a load (issue 8): a clear error, nothing half-written.

Tests run as root here, where chmod does not stop a write.  So the faults are
made for real with small tmpfs mounts: a file system that fills up during the
load, and one remounted read-only.  Mounting needs root (CAP_SYS_ADMIN); where
it is refused those tests are skipped and say why.  DuckDB's own read-only
connection gives the same clear error without a mount.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from etl.idnum import Hasher
from etl.load import load_file, sha256_file
from etl.store import StoreUnwritable, connect
from tests.bigfile import funds_xlsx, payments_csv
from tests.conftest import snapshot

FUNDQUERY = Path(sys.executable).with_name("fundquery")
EXIT_UNWRITABLE = 4


class Tmpfs:
    """A tmpfs of ``size`` mounted at ``path``; remount to resize it or make it read-only."""

    def __init__(self, path: Path, size: str) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self._mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path))

    @staticmethod
    def _mount(*args: str) -> None:
        done = subprocess.run(["mount", *args], capture_output=True, text=True)  # noqa: S607
        if done.returncode:
            raise OSError(done.stderr.strip())

    def remount(self, options: str) -> None:
        self._mount("-o", f"remount,{options}", str(self.path))

    def umount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], check=False)  # noqa: S607


@pytest.fixture
def tmpfs(tmp_path):
    mounted: list[Tmpfs] = []

    def make(name: str, size: str) -> Tmpfs:
        if os.geteuid() != 0:
            pytest.skip(
                "needs root to mount a small tmpfs (a full or read-only file system for real)"
            )
        try:
            fs = Tmpfs(tmp_path / name, size)
        except OSError as exc:
            pytest.skip(f"cannot mount a tmpfs here ({exc}): the fault cannot be made for real")
        mounted.append(fs)
        return fs

    yield make
    for fs in mounted:
        fs.umount()


def cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(FUNDQUERY), *args], env=env, capture_output=True, text=True, timeout=300
    )


def store_env(tmp_path: Path, db: Path, uploads: Path) -> dict:
    return {
        **os.environ,
        "FUNDQUERY_DB": str(db),
        "FUNDQUERY_INSTANCE": str(tmp_path / "instance"),
        "FUNDQUERY_UPLOADS": str(uploads),
    }


def everything(db: Path) -> dict[str, list]:
    con = connect(db)
    try:
        rows = snapshot(con)
        rows["upload_reports"] = con.execute("SELECT * FROM upload_reports ORDER BY ALL").fetchall()
        return rows
    finally:
        con.close()


def test_disk_full_during_the_load_names_the_cause_and_stores_nothing(tmp_path, tmpfs):
    fs = tmpfs("small", "8m")
    db, uploads = fs.path / "fundquery.duckdb", tmp_path / "uploads"
    env = store_env(tmp_path, db, uploads)
    assert cli(env, "load", "funds", str(funds_xlsx(tmp_path / "funds.xlsx"))).returncode == 0
    before = everything(db)
    big = payments_csv(
        tmp_path / "清册.csv", 100_000
    )  # about 7 MB of new row groups: more than is left

    done = cli(env, "load", "payments", str(big))

    assert done.returncode == EXIT_UNWRITABLE, done.stderr
    assert "磁盘已满" in done.stderr and "No space left on device" in done.stderr
    assert "没有存入任何数据" in done.stderr and "Traceback" not in done.stderr
    fs.remount("size=256m")  # the administrator frees space
    assert everything(db) == before  # nothing half-written
    con = connect(db)
    try:
        status = con.execute(
            "SELECT status FROM load_attempts WHERE sha256 = ?", [sha256_file(big)]
        ).fetchall()
    finally:
        con.close()
    assert status in (
        [("failed",)],
        [("interrupted",)],
    )  # its own trace, whichever could be written
    assert sha256_file(uploads / f"{sha256_file(big)}.csv") == sha256_file(big)
    again = cli(env, "load", "payments", str(big), "--json")
    assert again.returncode == 0, again.stderr
    assert len(everything(db)["payments"]) == 100_000


def test_disk_full_while_archiving_the_original_leaves_no_partial_copy(tmp_path, tmpfs, hasher):
    fs = tmpfs("uploads", "4m")
    (fs.path / "filler").write_bytes(b"\0" * (3 * 1024 * 1024))
    db = tmp_path / "fundquery.duckdb"
    con = connect(db)
    try:
        load_file(
            con,
            funds_xlsx(tmp_path / "funds.xlsx"),
            "funds",
            hasher=hasher,
            uploaded_by="t",
            archive_dir=tmp_path / "kept",
        )
        before = snapshot(con)
        big = payments_csv(tmp_path / "清册.csv", 20_000)  # 2.5 MB: more than the 1 MB left
        with pytest.raises(StoreUnwritable, match="磁盘已满"):
            load_file(con, big, "payments", hasher=hasher, uploaded_by="t", archive_dir=fs.path)
        assert snapshot(con) == before
        attempts = con.execute(
            "SELECT count(*) FROM load_attempts WHERE sha256 = ?", [sha256_file(big)]
        )
        assert attempts.fetchone()[0] == 0  # stopped before anything was written
    finally:
        con.close()
    assert sorted(p.name for p in fs.path.iterdir()) == ["filler"]  # no half-copied original


def test_read_only_file_system_refuses_the_load_in_one_sentence(tmp_path, tmpfs):
    fs = tmpfs("ro", "64m")
    db, uploads = fs.path / "fundquery.duckdb", tmp_path / "uploads"
    env = store_env(tmp_path, db, uploads)
    assert cli(env, "load", "funds", str(funds_xlsx(tmp_path / "funds.xlsx"))).returncode == 0
    fs.remount("ro")
    digest = sha256_file(db)
    big = payments_csv(tmp_path / "清册.csv", 1_000)

    done = cli(env, "load", "payments", str(big), "--json")

    assert done.returncode == EXIT_UNWRITABLE
    assert "只读" in done.stderr and "read-only" in done.stderr and "Traceback" not in done.stderr
    assert sha256_file(db) == digest


def test_web_page_on_a_read_only_store_says_so(tmp_path, tmpfs):
    from fundquery import create_app
    from fundquery.web.db import EXTENSION

    fs = tmpfs("ro-web", "64m")
    db = fs.path / "fundquery.duckdb"
    connect(db).close()
    fs.remount("ro")
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE": str(db)})
    try:
        response = app.test_client().get("/funds")
    finally:
        app.extensions[EXTENSION].close()
    assert response.status_code == 503
    assert "数据库文件是只读的" in response.get_data(as_text=True)


def test_read_only_connection_gives_the_same_clear_error(tmp_path, hasher):
    """Without a mount: DuckDB opened read-only (as a second reader would be) refuses in the same words."""
    db = tmp_path / "fundquery.duckdb"
    con = connect(db)
    load_file(
        con,
        funds_xlsx(tmp_path / "funds.xlsx"),
        "funds",
        hasher=hasher,
        uploaded_by="t",
        archive_dir=tmp_path / "uploads",
    )
    con.close()
    before = everything(db)
    con = connect(db, read_only=True)
    try:
        with pytest.raises(StoreUnwritable, match="只读"):
            load_file(
                con,
                payments_csv(tmp_path / "清册.csv", 100),
                "payments",
                hasher=Hasher(b"k" * 32),
                uploaded_by="t",
                archive_dir=tmp_path / "uploads",
            )
    finally:
        con.close()
    assert everything(db) == before


def test_server_reopens_a_database_invalidated_by_a_full_disk(tmp_path, tmpfs):
    """DuckDB invalidates the database when a checkpoint fails; the app reopens it instead of failing forever."""
    import duckdb

    from etl.audit import audit
    from fundquery import create_app
    from fundquery.web.db import EXTENSION, get_db

    fs = tmpfs("fatal", "16m")
    db = fs.path / "fundquery.duckdb"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE": str(db)})
    client = app.test_client()
    try:
        assert client.get("/funds").status_code == 200
        with app.app_context():
            con = get_db()
            con.execute("CHECKPOINT")
            audit(
                con, "tester", "before_the_disk_filled"
            )  # committed to the log, not yet checkpointed
            free = os.statvfs(fs.path).f_bavail * os.statvfs(fs.path).f_frsize
            (fs.path / "filler").write_bytes(b"\0" * (free - 200_000))
            with pytest.raises(duckdb.FatalException):
                con.execute("CHECKPOINT")
        failed = client.get("/funds")
        assert failed.status_code == 503  # said plainly, not a 500
        (fs.path / "filler").unlink()  # the administrator frees space; no restart
        assert client.get("/funds").status_code == 200
        with app.app_context():
            logged = get_db().execute(
                "SELECT count(*) FROM audit_log WHERE action = 'before_the_disk_filled'"
            )
            assert logged.fetchone()[0] == 1  # committed work survived the reopening
    finally:
        app.extensions[EXTENSION].close()

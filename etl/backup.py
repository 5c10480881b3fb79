"""Backup and restore of the store and the archived originals (issue 8).

A backup folder holds:

- ``fundquery.duckdb``: a consistent snapshot, made by the process that holds
  the store (the web server while it runs) with DuckDB's ``COPY FROM DATABASE``
  into a freshly attached file inside one transaction: every table, view,
  index, constraint and sequence as of one instant, while the server goes on
  answering and loading.  (``EXPORT DATABASE`` was tried first: its
  ``IMPORT DATABASE`` fails on our views, which it recreates before the
  tables they read.)
- ``uploads/``: every archived original, copied after the snapshot (an
  original is archived before its batch commits, so every batch in the
  snapshot has its file), each checked against the SHA-256 in its name.
- ``manifest.json``, written last: a folder without it is not a backup.  It
  lists every table's row count, every file's SHA-256 and the fingerprint of
  the ID-hash key (a hash of the key, never the key).

The ID-hash key is NOT in the backup: with it, anyone holding the backup could
test guesses of ID numbers.  Keep ``instance/id_hash.key`` (or
FUNDQUERY_ID_KEY) apart, e.g. printed in a sealed envelope in the finance
bureau's safe.  Without it a restored store cannot match new uploads or
lookups to the people already in it; restore says so when the key differs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import shutil
from pathlib import Path

import duckdb

from etl.load import sha256_file
from etl.transaction import transaction

MANIFEST = "manifest.json"
DB_FILE = "fundquery.duckdb"
FORMAT = 1


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; ``str()`` is a sentence for a person."""


def key_fingerprint(key: bytes) -> str:
    """Tells whether two keys are the same without revealing either."""
    return hmac.new(key, b"fundquery id-hash key fingerprint", hashlib.sha256).hexdigest()[:16]


def _empty_folder(folder: Path) -> None:
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(
            f"备份目录 {folder} 不是空的：请指定一个新目录。/ Backup folder {folder} is not empty."
        )
    folder.mkdir(parents=True, exist_ok=True)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def table_counts(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, int]:
    """Rows in every base table of ``catalog``."""
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main'"
            " ORDER BY table_name",
            [catalog],
        ).fetchall()
    ]
    ident = lambda n: '"' + n.replace('"', '""') + '"'  # noqa: E731
    return {
        n: con.execute(f"SELECT count(*) FROM {ident(catalog)}.main.{ident(n)}").fetchone()[0]  # noqa: S608 (names from the catalogue)
        for n in names
    }


def snapshot(
    con: duckdb.DuckDBPyConnection,
    uploads_dir: Path,
    folder: Path,
    *,
    key: bytes | None,
    made_by: str,
) -> dict:
    """Write a consistent backup of the open store ``con`` and the archived originals into ``folder``."""
    folder = Path(folder).absolute()
    _empty_folder(folder)
    source = con.execute("SELECT current_database()").fetchone()[0]
    alias = f"fq_backup_{secrets.token_hex(6)}"
    con.execute(f"ATTACH {_sql_string(str(folder / DB_FILE))} AS {alias}")
    try:
        with transaction(con):
            con.execute(f'COPY FROM DATABASE "{source}" TO {alias}')
            taken_at = con.execute("SELECT CAST(current_timestamp AS VARCHAR)").fetchone()[0]
        counts = table_counts(con, alias)
        version = con.execute(f"SELECT max(version) FROM {alias}.main.schema_version").fetchone()[0]  # noqa: S608 (our alias)
    finally:
        con.execute(f"DETACH {alias}")
    files = _copy_uploads(Path(uploads_dir), folder / "uploads")
    manifest = {
        "format": FORMAT,
        "taken_at": taken_at,
        "made_by": made_by,
        "schema_version": version,
        "duckdb_version": duckdb.__version__,
        "database": {"file": DB_FILE, "sha256": sha256_file(folder / DB_FILE)},
        "tables": counts,
        "uploads": files,
        "id_key_fingerprint": key_fingerprint(key) if key else None,
        "id_key": "not included: keep instance/id_hash.key apart (see README, Backup and restore)",
    }
    tmp = folder / (MANIFEST + ".part")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)
    return manifest


def _copy_uploads(source: Path, target: Path) -> list[dict]:
    """Copy every archived original (named by its SHA-256), checking each; staged files are not archived."""
    target.mkdir(parents=True, exist_ok=True)
    files = []
    for path in sorted(source.iterdir()) if source.exists() else []:
        if not path.is_file() or path.name.endswith(".part"):
            continue
        digest = sha256_file(path)
        if not path.name.startswith(digest):
            raise BackupError(
                f"存档文件 {path.name} 的内容与文件名中的 SHA-256 不符：原件已损坏。"
                f" / Archived file {path.name} does not match its SHA-256."
            )
        shutil.copy2(path, target / path.name)
        files.append({"file": path.name, "sha256": digest, "bytes": path.stat().st_size})
    return files


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise BackupError(
            f"{folder} 不是完整的备份（没有 {MANIFEST}）。/ {folder} is not a complete backup."
        )
    return json.loads(path.read_text(encoding="utf-8"))


def verify(folder: Path) -> dict:
    """Check every file of a backup against its manifest; return the manifest."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if sha256_file(folder / DB_FILE) != manifest["database"]["sha256"]:
        raise BackupError(
            "备份中的数据库文件已损坏（SHA-256 不符）。/ The backup's database file is damaged."
        )
    for entry in manifest["uploads"]:
        if sha256_file(folder / "uploads" / entry["file"]) != entry["sha256"]:
            raise BackupError(
                f"备份中的存档文件 {entry['file']} 已损坏。/ Archived file {entry['file']} is damaged."
            )
    return manifest


def restore(folder: Path, db_path: Path, uploads_dir: Path, *, key: bytes | None) -> dict:
    """Put a verified backup in place of a store that does not exist yet; return what was done."""
    folder, db_path, uploads_dir = Path(folder), Path(db_path), Path(uploads_dir)
    manifest = verify(folder)
    if db_path.exists() or db_path.with_name(db_path.name + ".wal").exists():
        raise BackupError(
            f"数据库 {db_path} 已经存在：恢复不会覆盖它。请先把它移走（保留一份），再恢复。"
            f" / {db_path} exists: restore never overwrites a store; move it aside first."
        )
    db_path.parent.mkdir(parents=True, exist_ok=True)
    part = db_path.with_name(db_path.name + ".restoring")
    try:
        shutil.copyfile(folder / DB_FILE, part)
        with open(part, "rb+") as fh:
            os.fsync(fh.fileno())
    except OSError:
        part.unlink(missing_ok=True)  # no half-copied store left behind (a full disk)
        raise
    os.replace(part, db_path)
    uploads_dir.mkdir(parents=True, exist_ok=True)
    for entry in manifest["uploads"]:
        target = uploads_dir / entry["file"]
        if not (target.exists() and sha256_file(target) == entry["sha256"]):
            shutil.copy2(folder / "uploads" / entry["file"], target)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        counts = table_counts(con, con.execute("SELECT current_database()").fetchone()[0])
    finally:
        con.close()
    if counts != manifest["tables"]:
        raise BackupError(
            "恢复后的行数与备份清单不符。/ Row counts after restore differ from the manifest."
        )
    expected = manifest.get("id_key_fingerprint")
    key_matches = None if key is None or expected is None else key_fingerprint(key) == expected
    return {
        "manifest": manifest,
        "rows": sum(counts.values()),
        "files": len(manifest["uploads"]),
        "key_matches": key_matches,
    }


def backup_name(now: dt.datetime | None = None) -> str:
    """A folder name for a backup made now: fundquery-YYYYmmdd-HHMMSS."""
    return (now or dt.datetime.now()).strftime("fundquery-%Y%m%d-%H%M%S")

"""The one way to the DuckDB store: open and migrate (the audit log is written by etl.audit).

The schema lives in ``etl/sql/NNN_*.sql``; each file is one version, applied
in order inside a transaction and recorded in ``schema_version``.  Only one
process may hold the file read-write (DESIGN.md §7), so a second writer gets
``StoreBusy`` with a plain sentence instead of DuckDB's lock error.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import duckdb

from etl import kinds
from etl.attempts import recover
from etl.transaction import transaction

DEFAULT_DB = Path("data") / "fundquery.duckdb"


class StoreBusy(RuntimeError):
    """The database file is held by another process (usually the web server)."""


class StoreUnwritable(RuntimeError):
    """The store cannot be written: the disk is full or the file system is read-only (issue 8)."""


# (what the system said, what a finance clerk is told): the cause named, nothing half-written.
_WRITE_FAILURES = (
    (
        ("no space left on device", "enospc", "disk is full", "out of disk"),
        "服务器磁盘已满（No space left on device），数据库无法写入。本次操作没有存入任何数据，已有数据不受影响。"
        "请联系系统管理员清理磁盘空间后重新导入。"
        " / The server's disk is full (No space left on device): nothing was stored and the data already held is"
        " unchanged. Ask the system administrator to free disk space, then load the file again.",
    ),
    (
        (
            "read-only file system",
            "erofs",
            "read-only mode",
            "read_only",
            "permission denied",
            "eacces",
        ),
        "数据库文件是只读的（read-only / permission denied），无法写入。本次操作没有存入任何数据，已有数据不受影响。"
        "请联系系统管理员检查数据库所在磁盘和文件权限。"
        " / The database file is read-only (read-only / permission denied): nothing was stored and the data already"
        " held is unchanged. Ask the system administrator to check the disk and the file's permissions.",
    ),
)


def write_failure(exc: BaseException) -> str | None:
    """A sentence for a person when ``exc`` means the disk is full or the store read-only; else None."""
    text = f"{exc} {getattr(exc, 'strerror', '') or ''}".lower()
    errno_name = {28: "enospc", 30: "erofs", 13: "eacces"}.get(getattr(exc, "errno", None) or 0, "")
    for needles, message in _WRITE_FAILURES:
        if errno_name in needles or any(n in text for n in needles):
            return message
    return None


def default_db_path(fallback: str | Path = DEFAULT_DB) -> Path:
    """The store's file: FUNDQUERY_DB, else ``fallback`` (data/fundquery.duckdb); the one place that reads it."""
    return Path(os.environ.get("FUNDQUERY_DB") or fallback)


def uploads_path(db_path: str | Path, configured: str | Path | None = None) -> Path:
    """Where uploaded originals are archived: ``configured``, else FUNDQUERY_UPLOADS, else uploads/ beside the store."""
    return Path(
        configured or os.environ.get("FUNDQUERY_UPLOADS") or Path(db_path).parent / "uploads"
    )


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) for every schema file, in order."""
    found = []
    for entry in resources.files("etl.sql").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            found.append((int(name[:3]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


SCHEMA_VERSION = max(v for v, _, _ in migrations())


def connect(
    path: str | os.PathLike | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open (creating and migrating if needed) the store at ``path``."""
    path = Path(path) if path is not None else default_db_path()
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreBusy(
                f"数据库 {path} 正被另一个进程占用（另一条仍在运行的命令，或不是由 `fundquery serve`"
                " 启动、不代为执行命令的服务），无法打开：请等它结束后再运行此命令。"
                f" / The database {path} is held by another process (another command still running, or a"
                " server not started by `fundquery serve`, which would carry the command out for you):"
                " run this command again when it has finished."
            ) from exc
        message = write_failure(exc)
        if message and not read_only:
            raise StoreUnwritable(message) from exc
        raise
    # No progress bar: DuckDB draws it on stdout, inside `fundquery load --json`'s JSON (issue 8).
    con.execute("SET enable_progress_bar = false")
    # DuckDB's allocator keeps what it freed until a background thread purges it: without one, a
    # 1 M-row preview left ~590 MB in the web worker, and the load's read came on top (issue 14).
    con.execute("SET allocator_background_threads = true")
    if not read_only:
        try:
            migrate(con)
            recover(con)
        except duckdb.Error as exc:
            con.close()
            message = write_failure(exc)
            if message:
                raise StoreUnwritable(message) from exc
            raise
    return con


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection, files: list[tuple[int, str, str]] | None = None) -> int:
    """Apply every schema file the store has not recorded yet; return the version.

    Files are applied by what is missing, not by "newer than the highest", so a
    file that reaches main after a higher-numbered one (two branches merged in
    either order) is still applied to a store that already has the higher one.
    Then every declared kind gets what it lacks (etl.kinds.ensure: its table and
    views, generated from its spec); with ``files`` given (a test's own list), only those.
    """
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, file_name VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    applied = {row[0] for row in con.execute("SELECT version FROM schema_version").fetchall()}
    for version, name, sql in files if files is not None else migrations():
        if version in applied:
            continue
        with transaction(con):
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_version (version, file_name) VALUES (?, ?)", [version, name]
            )
    if files is None:
        kinds.ensure(con)
    return schema_version(con)

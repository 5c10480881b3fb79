"""A public server on a published snapshot (issue 18, docs/province.md): read-only, many processes.

With ``PUBLIC_SNAPSHOT`` set to a folder written by ``fundquery snapshot``, the
app reads the file the folder's CURRENT names, opened read-only by each worker
process after the fork (so several processes may serve it at once), and opens
the new one on the first request after CURRENT changes: a new publication
version.  It serves the public pages and the resident lookup only.  Every
other route (staff pages, signing in, leaving or following a message, the
yearly report, whose figures count what is not published) is the owner's:
with ``PUBLIC_OWNER_URL`` the visitor is redirected there, path and query
kept; without it the answer is a 404 page saying where to go instead.  Nothing is written to the snapshot: the
lookup audit lines and the usage counts go as JSON lines into
``PUBLIC_SPOOL`` (default ``spool/`` in the instance folder), one file per
process, for the owner to take in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
from pathlib import Path
from typing import Any

import duckdb
from flask import Flask, current_app, redirect, request
from flask_babel import gettext as _

from etl import store
from etl.idnum import MissingKey
from fundquery.accounts.access import PUBLIC_ENDPOINTS
from fundquery.lake.snapshot import CURRENT, current_file, current_info, key_check
from fundquery.resident import audit_queue
from fundquery.views import render
from fundquery.web import db, usage
from fundquery.web.config import id_hash_key

# Public, but the owner's: they write (messages, signing in) or count what is not published (annual).
OWNER_ENDPOINTS = frozenset(
    {
        "auth.login",
        "public.message_new",
        "public.message_receipt",
        "public.message_status",
        "public.annual",
        "public.annual_latest",
    }
)
SERVED = PUBLIC_ENDPOINTS - OWNER_ENDPOINTS


class SnapshotConnection:
    """The process's read-only connection to the folder's current snapshot, reopened when CURRENT changes.

    The same interface as ``db.ProcessConnection`` (cursor, mark_broken, close)."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._older: duckdb.DuckDBPyConnection | None = None
        self._pid: int | None = None
        self._seen: tuple[int, int] | None = None
        self.path: Path | None = None

    def _pointer(self) -> tuple[int, int]:
        found = (self.folder / CURRENT).stat()
        return found.st_mtime_ns, found.st_ino

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the current snapshot, opening it if this process has none or CURRENT moved on."""
        with self._lock:
            pointer = self._pointer()
            if self._con is None or self._pid != os.getpid() or pointer != self._seen:
                path = current_file(self.folder)
                con = store.connect(path, read_only=True)
                if self._pid == os.getpid():
                    # Requests may still read the one before; the one before that has had a whole
                    # publication's time to finish.
                    if self._older is not None:
                        with contextlib.suppress(duckdb.Error):
                            self._older.close()
                    self._older = self._con
                else:
                    self._older = None  # after a fork the parent's connections are not ours
                self._con, self._pid, self._seen, self.path = con, os.getpid(), pointer, path
            return self._con.cursor()

    def mark_broken(self) -> None:
        """Nothing to repair in a read-only file: the next CURRENT is opened when it comes."""

    def close(self) -> None:
        with self._lock:
            for con in (self._con, self._older):
                if con is not None and self._pid == os.getpid():
                    with contextlib.suppress(duckdb.Error):
                        con.close()
            self._con = self._older = self._pid = None


class SpoolWriter:
    """Appends what the owner would have written (lookup audit lines, usage counts) to a JSON-lines file."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        self.name = name
        self._lock = threading.Lock()

    def file(self) -> Path:
        return self.folder / f"{self.name}-{os.getpid()}.jsonl"

    def add(self, item: Any) -> None:
        text = json.dumps(list(item), ensure_ascii=False, default=_jsonable) + "\n"
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            with self.file().open("a", encoding="utf-8") as out:
                out.write(text)

    def flush(self) -> int:
        return 0


def _jsonable(value: Any) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _owners() -> Any:
    if request.endpoint in SERVED:
        return None
    owner = current_app.config.get("PUBLIC_OWNER_URL")
    if not owner:
        message = _(
            "这里是公开数据的只读副本，不办理留言、查询留言进度和工作人员登录。"
            "请到县财政局的网站或查询点办理，或致电财政所。"
        )
        return render("error.html", {"code": 404, "message": message}, 404)
    return redirect(owner.rstrip("/") + request.full_path.rstrip("?"), 303)


def key_problem(app: Flask) -> str | None:
    """Why this server cannot look anyone up in its snapshot (no ID-hash key, or not the owner's), or None."""
    folder = app.config["PUBLIC_SNAPSHOT"]
    try:
        mine = key_check(id_hash_key(app))
    except MissingKey as exc:
        return str(exc)
    if current_info(folder).get("id_key_check") != mine:
        return (
            f"本机的身份证号哈希密钥与写出快照 {folder} 的县（区）系统不同：居民查询将一条也查不到。"
            "请把该县实例目录中的 id_hash.key 复制到本机实例目录（或设置 FUNDQUERY_ID_KEY）。"
            f" / This server's ID-hash key is not the one the snapshot in {folder} was written with:"
            " every lookup would find nothing. Copy the county's instance/id_hash.key here (or set"
            " FUNDQUERY_ID_KEY)."
        )
    return None


def init_app(app: Flask) -> None:
    """Serve from the snapshot in PUBLIC_SNAPSHOT, if set (after the blueprints: it replaces their writers)."""
    folder = app.config.get("PUBLIC_SNAPSHOT")
    if not folder:
        return
    app.extensions[db.EXTENSION] = SnapshotConnection(folder)
    spool = Path(app.config.get("PUBLIC_SPOOL") or Path(app.instance_path) / "spool")
    app.extensions[audit_queue.WRITER_EXTENSION] = SpoolWriter(spool, "lookup-audit")
    app.extensions[usage.WRITER_EXTENSION] = SpoolWriter(spool, "usage")
    # First of all the hooks: the owner's routes are not even checked for a sign-in here.
    app.before_request_funcs.setdefault(None, []).insert(0, _owners)

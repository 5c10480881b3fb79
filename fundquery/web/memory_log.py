"""What a server process's memory is made of, one line every MEMORY_LOG_SECONDS (issue 18's soak).

Off unless set (0).  The line, on stderr (the server's log), starts with
``fundquery-memory`` and carries a JSON object: the process's resident and
peak memory and its anonymous and file-backed parts (/proc/self/status), glibc malloc's heap (mallinfo2: bytes in use
by live allocations and bytes free inside its arenas, which count as resident
though no object holds them), Python's allocated blocks, DuckDB's buffer
manager by tag, and the two caches' sizes.  bench/soak.py reads these lines to
say where memory went; nothing else depends on them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import sys
import threading
import time
from typing import Any

from flask import Flask

from fundquery.queries.store_memory import duckdb_memory
from fundquery.web import db, page_cache, report_cache

PREFIX = "fundquery-memory"


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _libc() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        libc.mallinfo2.restype = _MallInfo2
        return libc
    except (OSError, AttributeError):  # not glibc, or glibc before 2.33
        return None


_LIBC = _libc()
MIB = 1 << 20


def _status_mib() -> dict[str, float]:
    found = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                found[name.lower() + "_mib"] = round(int(value.split()[0]) / 1024, 1)
    return found


def snapshot(app: Flask) -> dict[str, Any]:
    """The process's memory now, by part (MiB)."""
    figures: dict[str, Any] = {"t": round(time.time(), 1), **_status_mib()}
    if _LIBC is not None:
        info = _LIBC.mallinfo2()
        figures["malloc_in_use_mib"] = round((info.uordblks + info.hblkhd) / MIB, 1)
        figures["malloc_free_mib"] = round(info.fordblks / MIB, 1)
    figures["python_blocks"] = sys.getallocatedblocks()
    cursor = app.extensions[db.EXTENSION].cursor()
    try:
        tags = duckdb_memory(cursor)
    finally:
        cursor.close()
    figures["duckdb_mib"] = round(sum(tags.values()) / MIB, 1)
    figures["duckdb_tags_mib"] = {k: round(v / MIB, 1) for k, v in tags.items()}
    pages = app.extensions.get(page_cache.EXTENSION)
    if pages is not None:
        figures["page_cache_mib"] = round(pages.size / MIB, 2)
        figures["page_cache_entries"] = len(pages)
    reports = app.extensions.get(report_cache.EXTENSION)
    if reports is not None:
        figures["report_cache_entries"] = len(reports)
    return figures


class MemoryLog:
    """A daemon thread started at this process's first request (after gunicorn's fork)."""

    def __init__(self, app: Flask, seconds: float) -> None:
        self.app, self.seconds = app, seconds
        self._started = False
        self._lock = threading.Lock()

    def ensure_running(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._run, name="memory-log", daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                line = json.dumps(snapshot(self.app), ensure_ascii=False)
            except Exception as exc:  # noqa: BLE001 (a figure missed must not stop the log)
                line = json.dumps({"error": f"{type(exc).__name__}: {exc}"})
            print(PREFIX, line, file=sys.stderr, flush=True)
            time.sleep(self.seconds)


def init_app(app: Flask) -> None:
    seconds = float(app.config.get("MEMORY_LOG_SECONDS", 0))
    if seconds <= 0:
        return
    log = MemoryLog(app, seconds)
    app.before_request(log.ensure_running)

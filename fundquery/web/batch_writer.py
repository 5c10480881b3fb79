"""Writes that must not cost a request its time: queued, then written by a thread in one transaction.

    writer = BatchWriter(app, "audit-writer", etl.audit.audit_lines)
    writer.add(item)          # on the request path: a list append under a lock
    writer.flush()            # the thread does this every ``flush_seconds``; also at exit

A failed write keeps its items for the next attempt.  A crash of the process
loses at most the last ``flush_seconds`` of items, which is why only counts
and lookup audit lines go this way, never a staff action.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import duckdb
from flask import Flask

from etl.transaction import transaction
from fundquery.web.db import EXTENSION


class BatchWriter:
    """Collects items and writes them with ``write(cursor, items)``, from its own thread."""

    def __init__(
        self,
        app: Flask,
        name: str,
        write: Callable[[duckdb.DuckDBPyConnection, list[Any]], None],
        flush_seconds: float = 0.5,
    ) -> None:
        self._app = app
        self._name = name
        self._write = write
        self._flush_seconds = flush_seconds
        self._items: list[Any] = []
        self._lock = threading.Lock()
        self._pid: int | None = None

    def add(self, item: Any) -> None:
        with self._lock:
            self._items.append(item)
            if self._pid != os.getpid():  # first item in this process (after gunicorn's fork)
                self._pid = os.getpid()
                threading.Thread(target=self._run, name=self._name, daemon=True).start()
                atexit.register(self.flush)

    def flush(self) -> int:
        """Write every waiting item now; returns how many."""
        with self._lock:
            items, self._items = self._items, []
        if not items:
            return 0
        cursor = self._app.extensions[EXTENSION].cursor()
        try:
            with transaction(cursor):
                self._write(cursor, items)
        except Exception as exc:
            with self._lock:  # keep them for the next attempt
                self._items[:0] = items
            if isinstance(
                exc, duckdb.FatalException
            ):  # invalidated (a full disk): reopen next time
                self._app.extensions[EXTENSION].mark_broken()
            self._app.logger.exception("%s could not write %d items", self._name, len(items))
            return 0
        finally:
            cursor.close()
        return len(items)

    def _run(self) -> None:
        while True:
            time.sleep(self._flush_seconds)
            self.flush()

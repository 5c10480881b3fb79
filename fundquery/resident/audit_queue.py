"""Audit lines of resident lookups, written off the request path in batches.

A synchronous INSERT costs a lookup ~2 ms and a commit that every thread
waits its turn for; the lookup page is the busiest page of the system.  So a
lookup's line goes into a list that a background thread writes every half
second in one transaction.  A line waits at most that long: a crash of the
process loses at most the last half second of lookup lines, never a staff
action (those stay synchronous through etl.audit).  With
``LOOKUP_AUDIT_ASYNC = False`` (the default under TESTING) lines are written
at once.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import threading
import time

from flask import Flask, current_app

from etl.audit import audit_lines
from etl.audit import line as audit_line
from etl.transaction import transaction
from fundquery.web.db import EXTENSION, get_db

WRITER_EXTENSION = "fundquery.audit_writer"
FLUSH_SECONDS = 0.5


class AuditWriter:
    """Collects audit lines and writes them in one transaction per batch, from its own thread."""

    def __init__(self, app: Flask, flush_seconds: float = FLUSH_SECONDS) -> None:
        self._app = app
        self._flush_seconds = flush_seconds
        self._lines: list[list] = []
        self._lock = threading.Lock()
        self._pid: int | None = None

    def add(self, actor: str, action: str, target: str | None, **detail) -> None:
        with self._lock:
            self._lines.append(audit_line(dt.datetime.now(), actor, action, target, **detail))
            if self._pid != os.getpid():  # first line in this process (after gunicorn's fork)
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="audit-writer", daemon=True).start()
                atexit.register(self.flush)

    def flush(self) -> int:
        """Write every waiting line now; returns how many."""
        with self._lock:
            lines, self._lines = self._lines, []
        if not lines:
            return 0
        cursor = self._app.extensions[EXTENSION].cursor()
        try:
            with transaction(cursor):
                audit_lines(cursor, lines)
        except Exception:
            with self._lock:  # keep them for the next attempt
                self._lines[:0] = lines
            self._app.logger.exception("could not write %d lookup audit lines", len(lines))
            return 0
        finally:
            cursor.close()
        return len(lines)

    def _run(self) -> None:
        while True:
            time.sleep(self._flush_seconds)
            self.flush()


def lookup_audit(actor: str, action: str, target: str | None = None, **detail) -> None:
    """Record one lookup: queued (LOOKUP_AUDIT_ASYNC) or written at once."""
    writer = current_app.extensions.get(WRITER_EXTENSION)
    if writer is None:
        audit_lines(get_db(), [audit_line(dt.datetime.now(), actor, action, target, **detail)])
    else:
        writer.add(actor, action, target, **detail)


def init_app(app: Flask) -> None:
    if app.config.get("LOOKUP_AUDIT_ASYNC", not app.testing):
        app.extensions[WRITER_EXTENSION] = AuditWriter(app)

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

import datetime as dt

from flask import Flask, current_app

from etl.audit import audit_lines
from etl.audit import line as audit_line
from fundquery.web.batch_writer import BatchWriter
from fundquery.web.db import get_db

WRITER_EXTENSION = "fundquery.audit_writer"
FLUSH_SECONDS = 0.5


def lookup_audit(actor: str, action: str, target: str | None = None, **detail) -> None:
    """Record one lookup: queued (LOOKUP_AUDIT_ASYNC) or written at once."""
    found = audit_line(dt.datetime.now(), actor, action, target, **detail)
    writer = current_app.extensions.get(WRITER_EXTENSION)
    if writer is None:
        audit_lines(get_db(), [found])
    else:
        writer.add(found)


def init_app(app: Flask) -> None:
    if app.config.get("LOOKUP_AUDIT_ASYNC", not app.testing):
        app.extensions[WRITER_EXTENSION] = BatchWriter(
            app, "audit-writer", audit_lines, FLUSH_SECONDS
        )

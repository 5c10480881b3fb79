"""Inspectors' reports computed once per store state (issue 18), apart from the public page cache.

What is kept is the *data* a report is computed from (a check's first rows with
its count and money, the delay buckets, the filter form's choices, the flags'
summary), never a rendered page: the page, its header with the signed-in name,
its CSRF tokens, the flags shown beside each finding and every audit line are
made anew for each request.  So nothing kept belongs to one user: a person's
full record (the audited reveal) is on the person page, which is never cached,
and the key is (store state, what, language, check, parameters, filters) with no
user in it.  Flags are office-wide (every inspector sees every flag) and are read fresh
for each page; the summary, made from them, is keyed on their digest.

The store state is ``queries.report_state``'s digest: any load, publish,
retract, flag change, message, calendar change gives a new one, and the
entries of the old state are dropped at once.  Memory is bounded: at most
``REPORT_CACHE_ENTRIES`` (64) entries, least recently used out first, and an
entry of more than ``ROWS_KEPT`` rows is not kept (a check's page shows its
first 500 rows, so at most 500 rows of a check are kept).  ``REPORT_CACHE``
(on by default, off under tests unless asked for) turns it off.  This is the
owner's process only: a public snapshot server serves no inspector page.
"""

from __future__ import annotations

import copy
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request

from fundquery.queries.report_state import report_state_text
from fundquery.web.db import get_db
from fundquery.web.i18n import current_language

EXTENSION = "fundquery.report_cache"
DEFAULT_ENTRIES = 64
ROWS_KEPT = 2000
HEADER = "X-Report-Cache"
T = TypeVar("T")


class ReportCache:
    """Values by key under one store state, least recently used out first, at most ``limit`` entries."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.state: str | None = None
        self.hits = self.misses = 0
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, state: str, key: Hashable) -> tuple[bool, Any]:
        with self._lock:
            if state != self.state:
                self.misses += 1
                return False, None
            if key not in self._values:
                self.misses += 1
                return False, None
            self._values.move_to_end(key)
            self.hits += 1
            return True, self._values[key]

    def put(self, state: str, key: Hashable, value: Any) -> None:
        with self._lock:
            if state != self.state:  # a new store state: what was kept under the old one is stale
                self._values.clear()
                self.state = state
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.limit:
                self._values.popitem(last=False)


def store_state() -> str:
    """This request's store state digest (read once per request)."""
    if "report_state" not in g:
        g.report_state = hashlib.sha256(report_state_text(get_db()).encode()).hexdigest()[:16]
    return g.report_state


def cached(
    what: str,
    key: tuple,
    compute: Callable[[], T],
    *,
    rows: Callable[[T], int] = lambda _v: 0,
    fresh_copy: bool = False,
) -> T:
    """``compute()``, or its value kept for ``(what, *key)`` under the store's present state.

    ``rows`` says how many rows a value holds (bigger than ROWS_KEPT: not kept);
    ``fresh_copy`` hands each request its own deep copy (for views that change what they get).
    """
    cache: ReportCache | None = current_app.extensions.get(EXTENSION)
    if cache is None:
        return compute()
    state = store_state()
    # The language too: nothing kept today is translated, but a value that one day is must not be
    # served in the other language.
    key = (what, current_language(), *key)
    found, value = cache.get(state, key)
    g.report_cache = "hit" if found and g.get("report_cache", "hit") == "hit" else "miss"
    if not found:
        value = compute()
        if rows(value) <= ROWS_KEPT:
            cache.put(state, key, value)
    return copy.deepcopy(value) if fresh_copy else value


def _mark(response: Response) -> Response:
    """Say whether the request's reports came from the cache (every one: hit; any computed: miss)."""
    if "report_cache" in g and request.method == "GET":
        response.headers[HEADER] = g.report_cache
    return response


def init_app(app: Flask) -> None:
    if not app.config.get("REPORT_CACHE", not app.testing):
        return
    app.extensions[EXTENSION] = ReportCache(
        int(app.config.get("REPORT_CACHE_ENTRIES", DEFAULT_ENTRIES))
    )
    app.after_request(_mark)

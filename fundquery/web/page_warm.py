"""The most-read public pages computed again right after a publication, before anyone asks (issue 18).

A publish, withdraw, retract, replace or calendar change makes every cached
page stale, and without this the first visitor of each page pays for its
computing (78 ms for a village notice at seed scale, against 3 ms from the
cache).  A thread of each server process reads the publication version every
``PAGE_CACHE_WARM_SECONDS`` (one statement; a public request that sees a new
version wakes it at once) and, when it changed, asks the app itself for the
``PAGE_CACHE_WARM`` most-read pages: the pages this process served most since
it started (per language and host), then a declared list (home, the fund
catalogue, notices, …, and each fund page, the most viewed first by the usage
counts) in the default language.  Only endpoints the page cache keeps are ever
asked for, anonymously and without cookies, so nothing personal is computed;
the warmer's requests are neither counted as reads nor as page views.
"""

from __future__ import annotations

import os
import threading
import time

from flask import Flask, url_for
from werkzeug.exceptions import HTTPException

from fundquery.queries.usage import most_read_funds
from fundquery.web import db
from fundquery.web.page_cache import CACHED, EXTENSION, WARMING, PageCache, page_key, version_digest

DEFAULT_PAGES = 40
DEFAULT_SECONDS = 5.0
# Read by most visitors whatever the county: the front door, the lists, the publication record.
DECLARED = (
    "public.home",
    "public.funds",
    "public.notices",
    "publication.index",
    "public.projects",
    "public.budgets",
    "public.staffing",
    "public.opendata",
    "public.messages",
    "rectification.public_notices",
)


class Warmer:
    """Recomputes the most-read pages of ``cache`` after each new publication version."""

    def __init__(self, app: Flask, cache: PageCache, pages: int, seconds: float) -> None:
        self.app = app
        self.cache = cache
        self.pages = pages
        self.seconds = seconds
        self.warmed_version: str | None = None
        self.last_warmed: list[str] = []
        self._due = threading.Event()
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        cache.on_new_version = self._due.set

    def ensure_running(self) -> None:
        """Start this process's thread (after gunicorn's fork: threads do not survive one)."""
        with self._lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="page-warmer", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        """End the thread (before the connection is closed: tests)."""
        self._stopped.set()
        self._due.set()
        if self._thread is not None and self._pid == os.getpid():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stopped.is_set():
            self._due.wait(self.seconds)
            self._due.clear()
            if self._stopped.is_set():
                return
            try:
                self.check()
            except Exception:  # a failed warm-up costs the next visitor some time, nothing more
                self.app.logger.exception("page warming failed")

    def check(self) -> int:
        """Read the version; when it is one not warmed yet, warm the pages. Returns how many were computed."""
        cursor = self.app.extensions[db.EXTENSION].cursor()
        try:
            version = version_digest(cursor)
        finally:
            cursor.close()
        self.cache.seen(version)
        if version == self.warmed_version:
            return 0
        count = self.warm(version)
        self.warmed_version = version
        return count

    def targets(self) -> list[tuple[str, str, str]]:
        """(language, host, path) of the pages to compute: the most read, then the declared ones."""
        found = self.cache.most_read(self.pages)
        if found:
            host = max({h for _, h, _ in found}, key=lambda h: sum(x[1] == h for x in found))
        else:
            host = "localhost"  # nobody asked yet: the declared pages under the test client's host
        language = self.app.config.get("LANGUAGES", ("zh",))[0]
        cursor = self.app.extensions[db.EXTENSION].cursor()
        try:
            funds = most_read_funds(cursor, self.pages)
        finally:
            cursor.close()
        with self.app.test_request_context(base_url=f"http://{host}"):
            declared = [url_for(e) for e in DECLARED] + [
                url_for("public.fund", year=f["year"], fund_code=f["fund_code"]) for f in funds
            ]
        pages = list(dict.fromkeys([*found, *((language, host, p + "?") for p in declared)]))
        return [p for p in pages if self._kept(p)][: self.pages]

    def _kept(self, page: tuple[str, str, str]) -> bool:
        """Whether the page cache would keep this page at all (never a lookup or anything personal)."""
        _, host, full_path = page
        try:
            endpoint, _ = self.app.url_map.bind(host).match(full_path.split("?", 1)[0])
        except HTTPException:
            return False
        return endpoint in CACHED

    def warm(self, version: str) -> int:
        """Ask the app for each target page not yet kept under ``version``, anonymously, one at a time."""
        client = self.app.test_client(use_cookies=False)
        done = []
        for language, host, path in self.targets():
            if page_key(version, language, host, path) in self.cache:
                continue
            client.get(
                path,
                base_url=f"http://{host}",
                headers={"Accept-Language": language},
                environ_base={WARMING: True, "REMOTE_ADDR": "127.0.0.1"},
            )
            done.append(f"{language} {host}{path}")
        self.last_warmed = done
        self.app.logger.info("warmed %d pages for publication version %s", len(done), version)
        return len(done)


def init_app(app: Flask) -> None:
    """Warm the page cache after each publication, if there is a cache and PAGE_CACHE_WARM is not 0."""
    cache = app.extensions.get(EXTENSION)
    pages = int(app.config.get("PAGE_CACHE_WARM", 0 if app.testing else DEFAULT_PAGES))
    if cache is None or pages <= 0:
        return
    seconds = float(app.config.get("PAGE_CACHE_WARM_SECONDS", DEFAULT_SECONDS))
    warmer = Warmer(app, cache, pages, seconds)
    app.extensions["fundquery.page_warm"] = warmer
    app.before_request(warmer.ensure_running)


def wait_warmed(app: Flask, timeout: float = 30.0) -> bool:
    """Tests and benches: wait until the warmer has warmed the store's current publication version."""
    warmer: Warmer = app.extensions["fundquery.page_warm"]
    cursor = app.extensions[db.EXTENSION].cursor()
    try:
        version = version_digest(cursor)
    finally:
        cursor.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if warmer.warmed_version == version:
            return True
        time.sleep(0.05)
    return False

"""Public pages at the cost of a static file (issue 18): cached per publication version.

What a public page shows changes only when something is published, withdrawn,
retracted, replaced or rejected, when a reply or a 整改公示 is published, or
when the holiday calendar changes; ``queries.publication.version_text`` reads
that state in one statement and its digest is the *version*.  A page is kept
under (version, language, host, path with query string), served again from
memory and with an ETag, so a browser's or proxy's revalidation costs a 304.

Never cached: a signed-in user's request (the header names them), a request
with flashed messages waiting, anything but a 200 to a GET, a response that
sets a cookie, streamed downloads (they get the ETag and the 304 only), and
any endpoint not listed in CACHED (lookups, message status, the yearly report
whose usage figures move all day).  The memory is bounded (PAGE_CACHE_MB,
least recently used first out).  PAGE_CACHE (on by default, off under tests
unless asked for) turns it off.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
from flask import Flask, Response, current_app, g, request, session

from fundquery.accounts.auth import current_user
from fundquery.queries.publication import version_text
from fundquery.web.db import get_db
from fundquery.web.i18n import current_language

EXTENSION = "fundquery.page_cache"
DEFAULT_MB = 64
CACHED = frozenset(
    {
        "public.home",
        "public.funds",
        "public.fund",
        "public.projects",
        "public.notices",
        "public.notice",
        "public.notice_print",
        "public.budgets",
        "public.staffing",
        "public.agency",
        "public.opendata",
        "public.download",
        "public.search",
        "public.messages",
        "api.index",
        "api.rows",
        "publication.index",
        "rectification.public_notices",
    }
)
KEPT_HEADERS = ("Content-Type", "Content-Security-Policy", "Content-Disposition")
# Set in the WSGI environ of the warmer's own requests (a client cannot set a key without HTTP_):
# they are not reads, nor page views.
WARMING = "FUNDQUERY_WARMING"
READS_KEPT = (
    2000  # pages whose reads are counted (for warming): the most read are kept when there are more
)


@dataclass(frozen=True)
class Entry:
    etag: str
    body: bytes
    headers: tuple[tuple[str, str], ...]


class PageCache:
    """Pages by key, least recently used out first, at most ``limit`` bytes of bodies."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.hits = self.misses = 0
        self._pages: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()
        # Reads per (language, host, path) since the start, and the version last seen: a new one
        # calls on_new_version (the warmer, fundquery/web/page_warm.py).
        self.reads: Counter[tuple[str, str, str]] = Counter()
        self.version: str | None = None
        self.on_new_version: Callable[[], None] | None = None

    def note(self, version: str, page: tuple[str, str, str]) -> None:
        """One read of ``page`` (language, host, path) under ``version``; a new version is announced."""
        with self._lock:
            self.reads[page] += 1
            if len(self.reads) > READS_KEPT:
                self.reads = Counter(dict(self.reads.most_common(READS_KEPT // 2)))
            changed = version != self.version
        if changed:
            self.seen(version)

    def seen(self, version: str) -> None:
        """``version`` is the publication version now; announce it if it is new."""
        with self._lock:
            if version == self.version:
                return
            self.version = version
        if self.on_new_version is not None:
            self.on_new_version()

    def most_read(self, n: int) -> list[tuple[str, str, str]]:
        with self._lock:
            return [page for page, _ in self.reads.most_common(n)]

    def __contains__(self, key: str) -> bool:
        with self._lock:
            return key in self._pages

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, key: str) -> Entry | None:
        with self._lock:
            found = self._pages.get(key)
            if found is None:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: str, entry: Entry) -> None:
        if len(entry.body) > self.limit // 8:  # one huge page must not push out every other
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self._pages[key] = entry
            self.size += len(entry.body)
            while self.size > self.limit and self._pages:
                _, dropped = self._pages.popitem(last=False)
                self.size -= len(dropped.body)


def _cacheable_request() -> bool:
    return (
        request.method == "GET"
        and request.endpoint in CACHED
        and not current_user.is_authenticated
        and not session.get("_flashes")
    )


def version_digest(con: duckdb.DuckDBPyConnection) -> str:
    """The publication version: the digest of everything a public page is computed from."""
    return hashlib.sha256(version_text(con).encode()).hexdigest()[:16]


def page_key(version: str, language: str, host: str, full_path: str) -> str:
    return f"{version}|{language}|{host}|{full_path}"


def _key_and_tag(cache: PageCache) -> tuple[str, str]:
    version = version_digest(get_db())
    page = (current_language(), request.host, request.full_path)
    if request.environ.get(WARMING):
        cache.seen(version)
    else:
        cache.note(version, page)
    key = page_key(version, *page)
    return key, hashlib.sha256(key.encode()).hexdigest()[:24]


def _serve_cached() -> Response | None:
    cache: PageCache | None = current_app.extensions.get(EXTENSION)
    if cache is None or not _cacheable_request():
        return None
    key, etag = _key_and_tag(cache)
    g.page_cache_key, g.page_cache_etag = key, etag
    if etag in request.if_none_match:
        response = Response(status=304)
        response.set_etag(etag)
        return response
    found = cache.get(key)
    if found is None:
        return None
    response = Response(found.body, status=200, headers=list(found.headers))
    response.set_etag(found.etag)
    response.headers["X-Page-Cache"] = "hit"
    return response


def _keep(response: Response) -> Response:
    key, etag = g.pop("page_cache_key", None), g.pop("page_cache_etag", None)
    if key is None or response.headers.get("X-Page-Cache") == "hit" or response.status_code != 200:
        return response
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, no-cache"  # may be kept; revalidated every time
    response.vary.update(("Accept-Language", "Cookie"))
    if response.is_streamed or "Set-Cookie" in response.headers or session.modified:
        return response  # a page that wrote to the session (a form's CSRF token) is this visitor's
    headers = tuple((k, v) for k, v in response.headers.items() if k in KEPT_HEADERS)
    current_app.extensions[EXTENSION].put(key, Entry(etag, response.get_data(), headers))
    return response


def init_app(app: Flask) -> None:
    if not app.config.get("PAGE_CACHE", not app.testing):
        return
    megabytes = float(app.config.get("PAGE_CACHE_MB", DEFAULT_MB))
    app.extensions[EXTENSION] = PageCache(int(megabytes * (1 << 20)))
    app.before_request(_serve_cached)
    app.after_request(_keep)

"""Usage counted without personal data (issue 17): page views per kind of page and day, lookups per
channel, query point and outcome.

A public page served to a GET (200, or 304 to a browser revalidating its copy) is one view of its endpoint (a fund
page also counts for its fund).  A lookup counts for its channel: ``kiosk``
(the touch screen at a query point, which says which point it is by a cookie
set once at ``/kiosk?point=CODE``), ``phone`` or ``desktop`` (by the browser's
own user agent).  Nothing else is kept: no address, no ID, no name, no time of
day.  Counts go through a BatchWriter every few seconds (``USAGE_ASYNC``, off
under TESTING, where each is written at once); counting never fails a page.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask, Response, current_app, request

from etl.transaction import transaction
from fundquery.queries import usage as uq
from fundquery.web.batch_writer import BatchWriter
from fundquery.web.db import get_db, note_failure
from fundquery.web.page_cache import WARMING

WRITER_EXTENSION = "fundquery.usage_writer"
FLUSH_SECONDS = 5.0
COUNTED_BLUEPRINTS = frozenset({"public", "rectification", "publication", "api"})
NOT_COUNTED = frozenset({"public.healthz"})
POINT_COOKIE = "fundquery_point"
POINT_COOKIE_DAYS = 3650  # a query point's kiosk stays that point until it is set up again
MOBILE_WORDS = ("Mobi", "Android", "iPhone", "iPad", "HarmonyOS")


def _record(hit: uq.Hit) -> None:
    writer = current_app.extensions.get(WRITER_EXTENSION)
    if writer is not None:
        writer.add(hit)
        return
    try:
        with transaction(get_db()):
            uq.add(get_db(), [hit])
    except Exception as exc:  # a count is never worth a failed page
        note_failure(exc)  # a full disk invalidated the database: the next request reopens it
        current_app.logger.warning("could not count %s: %s", hit[:3], exc)


def channel() -> str:
    """kiosk, phone or desktop: what kind of screen asked."""
    if request.endpoint == "public.kiosk":
        return "kiosk"
    agent = request.user_agent.string or ""
    return "phone" if any(word in agent for word in MOBILE_WORDS) else "desktop"


def count_lookup(found: bool) -> None:
    """One resident lookup, answered (found) or not."""
    kind = channel()
    point = request.cookies.get(POINT_COOKIE, "")[:32] if kind == "kiosk" else ""
    _record((dt.date.today(), "lookup", kind, point, "found" if found else "not_found"))


def _count_page(response: Response) -> Response:
    endpoint = request.endpoint or ""
    if (
        request.method == "GET"
        and response.status_code in (200, 304)  # a revalidated page is a view too
        and request.blueprint in COUNTED_BLUEPRINTS
        and endpoint not in NOT_COUNTED
        and not request.environ.get(WARMING)  # the page cache's warmer is not a visitor
    ):
        subject = (
            (request.view_args or {}).get("fund_code", "") if endpoint == "public.fund" else ""
        )
        _record((dt.date.today(), "page", endpoint, str(subject)[:32], ""))
    return response


def bind_point(response: Response, code: str) -> Response:
    """Make this browser the query point ``code`` (a kiosk, set up once by the administrator)."""
    response.set_cookie(
        POINT_COOKIE,
        code,
        max_age=POINT_COOKIE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response


def init_app(app: Flask) -> None:
    if app.config.get("USAGE_ASYNC", not app.testing):
        app.extensions[WRITER_EXTENSION] = BatchWriter(app, "usage-writer", uq.add, FLUSH_SECONDS)
    app.after_request(_count_page)

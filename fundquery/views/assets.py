"""plotly's JavaScript, served by the app itself: query points are often offline."""

from __future__ import annotations

import gzip
from functools import cache

from flask import Blueprint, Response, request, url_for
from plotly.offline import get_plotlyjs
from plotly.offline.offline import get_plotlyjs_version

bp = Blueprint("assets", __name__)

ONE_YEAR_SECONDS = 365 * 24 * 3600


@cache
def _plotly_bytes(compressed: bool) -> bytes:
    raw = get_plotlyjs().encode("utf-8")
    return gzip.compress(raw, compresslevel=6, mtime=0) if compressed else raw


def plotly_url() -> str:
    """The versioned URL of plotly.min.js, for the ``scripts`` block of chart pages."""
    return url_for("assets.plotly_js", v=get_plotlyjs_version())


@bp.get("/static/vendor/plotly.min.js")
def plotly_js() -> Response:
    """plotly.min.js (about 4.8 MB, 1.4 MB gzipped), cached by browsers for a year."""
    compressed = "gzip" in request.headers.get("Accept-Encoding", "")
    response = Response(_plotly_bytes(compressed), mimetype="text/javascript")
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.cache_control.public = True
    response.cache_control.max_age = ONE_YEAR_SECONDS
    response.set_etag(f"plotly-{get_plotlyjs_version()}-{int(compressed)}")
    return response.make_conditional(request)


@bp.app_context_processor
def asset_urls() -> dict:
    return {"plotly_url": plotly_url}

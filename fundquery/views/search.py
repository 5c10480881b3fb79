"""The public search box (GET /search?q=…): results grouped by kind, each a link to its page."""

from __future__ import annotations

from flask import Response, request

from fundquery.queries import search as sq
from fundquery.views import render
from fundquery.views.public import bp
from fundquery.web.db import get_db

MAX_QUERY = 200  # characters kept of what was typed


@bp.get("/search")
def search() -> Response | str:
    """Funds, projects, village notices, agencies and published replies matching ``q``; never a person."""
    query = request.args.get("q", "")[:MAX_QUERY].strip()
    found = sq.search(get_db(), query)
    data = {
        "q": query,
        "words": sq.words(query),
        "results": found,
        "total": sum(kind["count"] for kind in found.values()),
        "limit": sq.LIMIT,
    }
    return render("public/search.html", data)

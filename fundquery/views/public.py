"""Pages for residents and the public: the home page and the health check."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify

from etl import store
from fundquery.queries import overview
from fundquery.views import render, sections
from fundquery.web.db import get_db
from fundquery.web.i18n import current_language

bp = Blueprint("public", __name__)


@bp.get("/")
def home() -> Response | str:
    """Home: what the system is, where to go, and how much has been published."""
    kinds = overview.published_by_kind(get_db())
    title_key = "title_en" if current_language() == "en" else "title_zh"
    for entry in kinds:
        entry["title"] = entry[title_key]
    data = {
        "published": kinds,
        "published_batch_count": sum(k["batch_count"] for k in kinds),
        "services": [
            {"title": str(s["title"]), "summary": str(s["summary"]), "url": s["url"]}
            for s in sections()
            if s["endpoint"] != "public.home"
        ],
    }
    return render("public/home.html", data)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Liveness and schema check for the administrator and the service monitor."""
    database = Path(current_app.config["DATABASE"]).name
    try:
        version = store.schema_version(get_db())
    except store.StoreBusy:
        return jsonify(status="unavailable", schema_version=None, database=database), 503
    return jsonify(status="ok", schema_version=version, database=database), 200

"""The public list of published datasets: when, by which office, from which office."""

from __future__ import annotations

from flask import Blueprint, Response

from etl.specs import SPECS
from fundquery.queries import publication
from fundquery.views import render
from fundquery.web.db import get_db
from fundquery.web.i18n import current_language

bp = Blueprint("publication", __name__)


@bp.app_context_processor
def kind_titles() -> dict:
    """Dataset kind -> its title in the page's language, for the publication notes."""
    english = current_language() == "en"
    return {"kind_titles": {k: (s.title_en if english else s.title_zh) for k, s in SPECS.items()}}


@bp.get("/published")
def index() -> Response | str:
    """Every published batch with its publication date and offices."""
    return render("public/published.html", {"datasets": publication.published_datasets(get_db())})

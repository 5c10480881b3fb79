"""Finance staff: their office's batches, with retraction, replacement, and the reviewers' rejections."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from etl import batches
from etl.batches import BatchError
from fundquery.accounts.auth import current_user, roles_required
from fundquery.queries import batches as batch_queries
from fundquery.uploads.uploads import kind_title
from fundquery.views import render
from fundquery.web.db import get_db
from fundquery.web.i18n import current_language

bp = Blueprint("batches", __name__, url_prefix="/staff/batches")


class ActionForm(FlaskForm):
    """A button that posts (CSRF token only)."""


@bp.get("/")
@roles_required()
def index() -> Response | str:
    """The batches of the user's office (or their own), newest first, with what can be done."""
    language = current_language()
    rows = batch_queries.office_batches(get_db(), current_user.username, current_user.office)
    for row in rows:
        row["kind_title"] = kind_title(row["kind"], language)
        row["is_live"] = row["status"] in ("loaded", "published")
        row["can_replace"] = batch_queries.is_replaceable(row)
    attempts = batch_queries.office_attempts(get_db(), current_user.username, current_user.office)
    data = {"batches": rows, "office": current_user.office, "attempts": attempts}
    return render("staff/batches.html", data, action_form=ActionForm())


@bp.post("/<int:batch_id>/retract")
@roles_required()
def retract(batch_id: int) -> Response:
    """Take the batch out of every page and report (kept in history)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    row = batch_queries.batch(get_db(), batch_id)
    if row is None:
        abort(404)
    if not batch_queries.in_scope(row, current_user.username, current_user.office):
        abort(403)
    try:
        batches.retract(get_db(), batch_id, actor=current_user.username)
    except BatchError as exc:
        flash(str(exc), "error")
    else:
        flash(
            _("批次 %(batch)s 已撤回：不再出现在任何页面和报表中，历史记录保留。", batch=batch_id),
            "info",
        )
    return redirect(url_for("batches.index"))

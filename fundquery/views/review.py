"""Reviewers: the secrecy review (保密审查), publication, rejection and withdrawal; publication timeliness.

Each step is a transition of etl.batches, the same the command line takes.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from etl import batches
from etl.specs import SPECS
from fundquery.accounts.auth import current_user, roles_required
from fundquery.calendar.timeliness import RULE_WORKING_DAYS, batch_timeliness
from fundquery.queries import batches as batch_queries
from fundquery.uploads.uploads import kind_title
from fundquery.views import render
from fundquery.web.db import get_db
from fundquery.web.i18n import current_language

bp = Blueprint("review", __name__, url_prefix="/staff/review")


class PublishForm(FlaskForm):
    reviewed = BooleanField(
        _l("我已完成保密审查：公开内容不含身份证号、银行账号等不应公开的信息"),
        validators=[DataRequired(_l("请先确认已完成保密审查。"))],
    )
    note = StringField(_l("审查意见（可不填）"), validators=[Length(max=500)])
    notice_days = StringField(
        _l("村级公示天数（可不填：按资金目录的公示天数，或系统默认）"), validators=[Length(max=10)]
    )


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("退回原因（上传人会看到）"),
        validators=[DataRequired(_l("请写明退回原因。")), Length(max=500)],
    )


class WithdrawForm(FlaskForm):
    note = TextAreaField(
        _l("撤回原因"), validators=[DataRequired(_l("请写明撤回原因。")), Length(max=500)]
    )


def _titled(rows: list[dict]) -> list[dict]:
    language = current_language()
    for row in rows:
        row["kind_title"] = kind_title(row["kind"], language)
    return rows


@bp.get("/")
@roles_required()
def index() -> Response | str:
    """Batches waiting for review, and those published."""
    queue = batch_queries.review_queue(get_db())
    data = {
        "waiting": _titled(queue["waiting"]),
        "published": _titled(queue["published"]),
        "username": current_user.username,
    }
    return render("staff/review_index.html", data)


@bp.get("/<int:batch_id>")
@roles_required()
def batch(batch_id: int) -> Response | str:
    """What the public will see of the batch, its totals, and the publish or withdraw form."""
    row = batch_queries.batch(get_db(), batch_id)
    if row is None or row["status"] not in ("loaded", "published", "rejected"):
        abort(404)
    _titled([row])
    public = batch_queries.public_preview(get_db(), batch_id, row["kind"])
    spec, language = SPECS[row["kind"]], current_language()
    labels = {c.name: (c.label_en if language == "en" else c.label_zh) for c in spec.columns}
    public["columns"] = [
        {"name": n, "label": labels.get(n, n)}
        for n in (public["sample"][0] if public["sample"] else [])
    ]
    public["group_label"] = labels.get(public["group_by"], public["group_by"])
    timeliness = batch_timeliness(
        get_db(), batch_id, row["kind"], row["published_at"] or dt.datetime.now()
    )
    data = {
        "batch": row,
        "public": public,
        "replaced": _replaced(row),
        "history": batch_queries.reviews(get_db(), batch_id),
        "timeliness": timeliness,
        "rule_working_days": RULE_WORKING_DAYS,
        "own_upload": row["uploaded_by"] == current_user.username,
        "village_notice": row["kind"] == "payments"
        and batch_queries.in_village_notices(get_db(), batch_id),
    }
    return render(
        "staff/review_batch.html",
        data,
        # the days chosen at upload, for the reviewer to keep or change
        publish_form=PublishForm(notice_days=batch_queries.notice_days(get_db(), batch_id) or ""),
        reject_form=RejectForm(),
        withdraw_form=WithdrawForm(),
    )


def _replaced(row: dict) -> dict | None:
    """The batch a correction takes the place of, with its totals, while it is still up."""
    if row["takes_place_of"] is None or row["status"] != "loaded":
        return None
    replaced = batch_queries.batch(get_db(), row["takes_place_of"])
    if replaced is None or replaced["status"] not in ("loaded", "published"):
        return None
    totals = batch_queries.public_preview(get_db(), replaced["batch_id"], replaced["kind"])[
        "totals"
    ]
    return {**replaced, "totals": totals}


def _act(batch_id: int, form: FlaskForm, action, **given: object) -> Response | None:
    back = url_for("review.batch", batch_id=batch_id)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(back)
    try:
        action(
            get_db(),
            batch_id,
            actor=current_user.username,
            office=current_user.office,
            **(given or {"note": form.note.data}),
        )
    except batches.ReviewError as exc:
        flash(str(exc), "error")
        return redirect(back)
    return None


@bp.post("/<int:batch_id>/publish")
@roles_required()
def publish(batch_id: int) -> Response:
    """Publish a loaded batch (never one the reviewer uploaded)."""
    row = batch_queries.batch(get_db(), batch_id)
    if row is None:
        abort(404)
    if row["uploaded_by"] == current_user.username:
        abort(403)
    form = PublishForm()
    try:  # the batch's 公示期 in days, before the catalogue's and the setting's
        days = batches.parse_notice_days(form.notice_days.data)
    except batches.BatchError as exc:
        flash(str(exc), "error")
        return redirect(url_for("review.batch", batch_id=batch_id))
    refused = _act(batch_id, form, batches.publish, note=form.note.data, days=days)
    if refused:
        return refused
    flash(_("批次 %(batch)s 已公开。", batch=batch_id), "info")
    return redirect(url_for("review.index"))


@bp.post("/<int:batch_id>/reject")
@roles_required()
def reject(batch_id: int) -> Response:
    """Send a loaded batch back to its uploader with a reason (never one the reviewer uploaded)."""
    row = batch_queries.batch(get_db(), batch_id)
    if row is None:
        abort(404)
    if row["uploaded_by"] == current_user.username:
        abort(403)
    form = RejectForm()
    refused = _act(batch_id, form, batches.reject, reason=form.reason.data or "")
    if refused:
        return refused
    flash(_("批次 %(batch)s 已退回上传人，公众看不到它。", batch=batch_id), "info")
    return redirect(url_for("review.index"))


@bp.post("/<int:batch_id>/withdraw")
@roles_required()
def withdraw(batch_id: int) -> Response:
    """Take a published batch off the public pages (it stays loaded)."""
    if batch_queries.batch(get_db(), batch_id) is None:
        abort(404)
    refused = _act(batch_id, WithdrawForm(), batches.withdraw)
    if refused:
        return refused
    flash(
        _(
            "批次 %(batch)s 已撤回公开，公众不再能看到；数据仍保留，可重新审核公开。",
            batch=batch_id,
        ),
        "info",
    )
    return redirect(url_for("review.index"))


@bp.get("/timeliness")
@roles_required()
def timeliness() -> Response | str:
    """Every published payment or disbursement batch: working days from its payment dates to publication."""
    rows = []
    for row in _titled(batch_queries.review_queue(get_db())["published"]):
        found = batch_timeliness(get_db(), row["batch_id"], row["kind"], row["published_at"])
        if found is not None:
            rows.append({**row, "timeliness": found})
    return render(
        "staff/timeliness.html", {"batches": rows, "rule_working_days": RULE_WORKING_DAYS}
    )

"""Inspector flags and their rectification (整改): flag a finding, follow it step by step to an
outcome, sum up what was recovered, and publish the 整改公示 that everyone can read.

The routes are on the inspectors' blueprint (fundquery.views.inspect); the
published notices have a public blueprint of their own.  Flags and notices
are kept by fundquery.inspect.flags.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from fundquery.accounts.auth import current_user, may_use, roles_required
from fundquery.inspect import CHECKS, Filters, Params, answers, flags, run
from fundquery.inspect.catalogue import SEVERITIES, SEVERITY_ZH, finding_key
from fundquery.inspect.export import shown_row
from fundquery.views import render
from fundquery.views.flag_answers import DecideForm, figures_list
from fundquery.views.inspect import (
    bp,
    check_info,
    outcome_title,
    settings,
    severity_title,
    status_title,
)
from fundquery.web.db import get_db
from fundquery.web.formatting import jsonable
from fundquery.web.i18n import current_language
from fundquery.web.report_cache import cached

public_bp = Blueprint("rectification", __name__)

SEVERITY_CHOICES = [SelectChoice(s, _l(SEVERITY_ZH[s])) for s in SEVERITIES]


# -- flags ---------------------------------------------------------------------


class FlagForm(FlaskForm):
    note = TextAreaField(
        _l("问题说明"), validators=[DataRequired(_l("请写明问题。")), Length(max=2000)]
    )
    severity = SelectField(_l("严重程度"), choices=SEVERITY_CHOICES)
    assignee_office = StringField(
        _l("责任单位"), validators=[DataRequired(_l("请填写责任单位。")), Length(max=100)]
    )
    due_on = DateField(_l("整改期限"), validators=[Optional()])


class MoveForm(FlaskForm):
    to_status = SelectField(
        _l("改为"), choices=[SelectChoice(s, _l(flags.STATUS_ZH[s])) for s in flags.STATUSES]
    )
    note = TextAreaField(
        _l("处理说明"), validators=[DataRequired(_l("每一步都要写处理说明。")), Length(max=2000)]
    )
    outcome = SelectField(
        _l("整改结果"),
        choices=[SelectChoice("", "—")]
        + [SelectChoice(o, _l(flags.OUTCOME_ZH[o])) for o in flags.OUTCOMES],
        validators=[Optional()],
    )
    recovered_yuan = DecimalField(
        _l("追回或更正金额（元）"), places=2, validators=[Optional(), NumberRange(min=0)]
    )


def _finding(label: str, key: str, params: Params, filters: Filters) -> dict[str, Any] | None:
    found = CHECKS.get(label) or abort(404)
    for row in run(get_db(), found, params, filters).rows:
        if finding_key(found, row) == key:
            return row
    return None


@bp.route("/flags/new", methods=["GET", "POST"])
@roles_required()
def flag_new() -> Response | str:
    """Flag one finding of a check: note, severity, office, due date; the figures are kept as they are now."""
    label, key = request.args.get("label", ""), request.args.get("key", "")
    found = CHECKS.get(label) or abort(404)
    params, filters = settings()
    row = _finding(label, key, params, Filters()) or abort(404)
    # Figures as shown (names masked); the ID hash is kept apart, to link the person's record.
    figures = shown_row(found, row)
    if row.get("id_hash"):
        figures["_person"] = row["id_hash"]
    form = FlagForm(severity=found.severity)
    if form.validate_on_submit():
        amount = row.get(found.amount_column) if found.amount_column else None
        flag_id = flags.create(
            get_db(),
            check_label=label,
            record_kind=found.record_kind,
            record_key=key,
            title=found.title_zh,
            figures={**figures, "as_of": params.as_of},
            severity=form.severity.data,
            assignee_office=form.assignee_office.data.strip(),
            # no date given: the county's usual 20 working days (holiday table as elsewhere)
            due_on=form.due_on.data
            or answers.deadline(get_db(), dt.date.today(), answers.DEFAULT_WORKING_DAYS),
            note=form.note.data.strip(),
            actor=current_user.username,
            amount_yuan=amount,
            year=row.get("year"),
            fund_code=row.get("fund_code"),
            department=row.get("department"),
            township=row.get("township"),
        )
        flash(_("已标记，编号 %(id)s。", id=flag_id))
        return redirect(url_for(".flag", flag_id=flag_id))
    lang = current_language()
    data = {
        "check": check_info(found, lang),
        "key": key,
        "as_of": params.as_of,
        "figures": [
            {
                "title": c.en if lang == "en" else c.zh,
                "value": shown_row(found, row)[c.name],
                "kind": c.kind,
            }
            for c in found.columns
        ],
    }
    return render(
        "inspect/flag_new.html",
        jsonable(data),
        200 if request.method == "GET" or not form.errors else 400,
        form=form,
    )


@bp.get("/flags")
@roles_required()
def flag_list() -> Response | str:
    """Flags with filters (status, severity, office, overdue); overdue ones marked."""
    status = request.args.get("status") if request.args.get("status") in flags.STATUSES else None
    severity = request.args.get("severity") if request.args.get("severity") in SEVERITIES else None
    office = request.args.get("office") or None
    overdue = request.args.get("overdue") == "1"
    rows = flags.listing(
        get_db(), status=status, severity=severity, office=office, overdue_only=overdue
    )
    for row in rows:
        row["url"] = url_for(".flag", flag_id=row["flag_id"])
        row["status_title"] = status_title(row["status"])
        row["severity_title"] = severity_title(row["severity"])
    data = {
        "flags": rows,
        "filters": {"status": status, "severity": severity, "office": office, "overdue": overdue},
        "offices": flags.offices(get_db()),
        "statuses": {s: status_title(s) for s in flags.STATUSES},
        "overdue_count": sum(1 for r in rows if r["is_overdue"]),
    }
    return render("inspect/flags.html", jsonable(data))


@bp.get("/flags/<int:flag_id>")
@roles_required()
def flag(flag_id: int) -> Response | str:
    """One flag: the figures when flagged, every step with its note, the next step."""
    found = flags.get(get_db(), flag_id) or abort(404)
    person_hash = found["figures"].pop("_person", None)
    found["person_url"] = url_for(".person", id_hash=person_hash) if person_hash else None
    found["figures_list"] = figures_list(found)
    found["status_title"] = status_title(found["status"])
    found["severity_title"] = severity_title(found["severity"])
    found["outcome_title"] = outcome_title(found["outcome"]) if found["outcome"] else None
    history = flags.events(get_db(), flag_id)
    for event in history:
        event["to_title"] = status_title(event["to_status"])
    form = MoveForm()
    form.to_status.choices = [
        SelectChoice(s, status_title(s)) for s in flags.MOVES[found["status"]]
    ]
    data = {
        "flag": found,
        "history": history,
        "moves": list(flags.MOVES[found["status"]]),
        "answers": answers.answers(get_db(), flag_id),
    }
    return render("inspect/flag.html", jsonable(data), form=form, decide_form=DecideForm())


@bp.post("/flags/<int:flag_id>/move")
@roles_required()
def flag_move(flag_id: int) -> Response:
    form = MoveForm()
    back = redirect(url_for(".flag", flag_id=flag_id))
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return back
    try:
        flags.move(
            get_db(),
            flag_id,
            form.to_status.data,
            form.note.data,
            current_user.username,
            outcome=form.outcome.data or None,
            recovered_yuan=form.recovered_yuan.data,
        )
    except flags.FlagError as exc:
        flash(str(exc), "error")
        return back
    flash(_("已更新。"))
    return back


@bp.get("/summary")
@roles_required()
def summary() -> Response | str:
    """What was recovered or corrected, from the resolved flags; drafts and published 整改公示."""
    con = get_db()
    figures = cached(
        "summary",
        (),
        lambda: {
            "totals": flags.summary(con),
            "notices": flags.notices(con, published_only=False),
            "items": flags.resolved_for_notice(con),
            "recovered_by": {by: answers.recovered(con, by) for by in ("fund", "township", "year")},
        },
        rows=lambda f: len(f["items"]) + len(f["notices"]) + len(f["totals"]["resolved"]),
        fresh_copy=True,  # titles are added and bodies dropped below, in the request's own copy
    )
    totals = figures["totals"]
    for row in totals["resolved"]:
        c = CHECKS.get(row["check_label"])
        row["title"] = (
            c.title(current_language())
            if c
            else _("实地抽查")  # a field visit's flag (issue 16)
            if row["check_label"] == "field_check"
            else row["check_label"]
        )
        row["outcome_title"] = outcome_title(row["outcome"])
    notices = figures["notices"]
    for n in notices:
        n["url"] = url_for(".notice", notice_id=n["notice_id"])
        n["item_count"] = len(n["body"]["items"])
        n.pop("body")
    data = {
        "summary": totals,
        "items": figures["items"],
        "notices": notices,
        "statuses": {s: status_title(s) for s in flags.STATUSES},
        "can_draft": may_use("inspect.notice_create"),
        # recovered or returned money of resolved flags per fund, township and year
        "recovered_by": figures["recovered_by"],
    }
    return render("inspect/summary.html", jsonable(data))


@bp.post("/notices")
@roles_required()
def notice_create() -> Response:
    """Draft a 整改公示 from the resolved flags as they stand; a reviewer publishes it."""
    title = (request.form.get("title") or "").strip()[:200] or _("整改情况公示")
    try:
        notice_id = flags.create_notice(get_db(), title, current_user.username)
    except flags.FlagError as exc:  # a personal number in the title (issue 15)
        flash(str(exc), "error")
        return redirect(url_for(".summary"))
    flash(_("已生成公示草稿，待审核人员公开。"))
    return redirect(url_for(".notice", notice_id=notice_id))


@bp.get("/notices/<int:notice_id>")
@roles_required()
def notice(notice_id: int) -> Response | str:
    found = flags.notice(get_db(), notice_id) or abort(404)
    for item in found["body"]["items"]:
        item["outcome_title"] = outcome_title(item["outcome"])
    data = {
        "notice": found,
        "can_publish": may_use("inspect.notice_publish") and not found["published_at"],
    }
    return render("inspect/notice.html", jsonable(data))


@bp.post("/notices/<int:notice_id>/publish")
@roles_required()
def notice_publish(notice_id: int) -> Response:
    try:
        flags.publish_notice(get_db(), notice_id, current_user.username)
        flash(_("整改公示已公开。"))
    except flags.FlagError as exc:
        flash(str(exc), "error")
    return redirect(url_for(".notice", notice_id=notice_id))


@public_bp.get("/rectification")
def public_notices() -> Response | str:
    """Published 整改公示 (names masked, no ID numbers): open to everyone."""
    notices = flags.notices(get_db(), published_only=True)
    for n in notices:
        for item in n["body"]["items"]:
            item["outcome_title"] = outcome_title(item["outcome"])
            item.pop("assignee_office", None)
        n.pop("created_by")
    return render("inspect/public_notices.html", jsonable({"notices": notices}))

"""Field checks (明查暗访, issue 16): draw a sample, print its visit list, record each visit.

The routes are on the inspectors' blueprint (fundquery.views.inspect); the
draw, the visits and the summary are fundquery.inspect.samples and visits.
The sample page and the visit list name people in full for the inspector
(every view audit-logged: view_sample); ID numbers are masked, and the
birth date, household number and bank account are shown on the visit list
only after an audited reveal with a reason, for ten minutes.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Response, abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from etl.audit import audit
from fundquery.accounts.auth import current_user, roles_required
from fundquery.inspect import samples, visits
from fundquery.queries.inspect import report_choices
from fundquery.views import render
from fundquery.views.inspect import REVEAL_SECONDS, bp
from fundquery.web.db import get_db
from fundquery.web.formatting import jsonable
from fundquery.web.i18n import current_language

OUTCOME_CHOICES = [SelectChoice(o, _l(visits.OUTCOME_ZH[o])) for o in visits.OUTCOMES]


class DrawForm(FlaskForm):
    fund = SelectField(_l("资金"), validate_choice=False)
    year = SelectField(_l("年度"), validate_choice=False)
    township = SelectField(_l("乡镇"), validate_choice=False)
    village = StringField(_l("村"), validators=[Optional(), Length(max=100)])
    size = StringField(_l("抽样数量"), validators=[Length(max=20)])
    share = StringField(_l("或抽样比例（如 0.05）"), validators=[Length(max=20)])
    seed = StringField(_l("随机种子（不填则随机生成）"), validators=[Length(max=20)])


class VisitForm(FlaskForm):
    outcome = SelectField(_l("核查结果"), choices=OUTCOME_CHOICES, validate_choice=False)
    note = TextAreaField(_l("情况说明"), validators=[Length(max=visits.MAX_NOTE)])
    recover_yuan = StringField(_l("应追回金额（元）"), validators=[Length(max=40)])
    visited_on = DateField(_l("走访日期"), validators=[Optional()])
    assignee_office = StringField(_l("发现问题时的责任单位"), validators=[Length(max=100)])


def _choices(form: DrawForm) -> None:
    choices = report_choices(get_db())
    everything = [SelectChoice("", _("全部"))]
    form.fund.choices = everything + [
        SelectChoice(f["code"], f"{f['code']} {f['name']}") for f in choices["funds"]
    ]
    form.year.choices = everything + [SelectChoice(str(y), str(y)) for y in choices["years"]]
    form.township.choices = everything + [SelectChoice(t, t) for t in choices["townships"]]


def _audit(action: str, target: str, **detail: Any) -> None:
    audit(get_db(), current_user.username, action, target, **detail)


def _sample_or_404(sample_id: int) -> dict[str, Any]:
    found = samples.get(get_db(), sample_id) or abort(404)
    scope = samples.Scope(found["fund_code"], found["township"], found["village"], found["year"])
    found["scope_items"] = scope.described(current_language())
    return found


def _revealed(sample_id: int) -> bool:
    return session.get("sample_reveal", {}).get(str(sample_id), 0) > time.time()


def _members(sample_id: int) -> list[dict[str, Any]]:
    rows = samples.members(get_db(), sample_id)
    for m in rows:
        m["person_url"] = url_for(".person", id_hash=m.pop("id_hash"))
        m["visit_url"] = url_for(".sample_visit", sample_id=sample_id, member_no=m["member_no"])
        m["outcome_title"] = _(visits.OUTCOME_ZH[m["outcome"]]) if m["outcome"] else None
        m["flag_url"] = url_for(".flag", flag_id=m["flag_id"]) if m["flag_id"] else None
    return rows


def _summary(sample_id: int) -> dict[str, Any]:
    found = visits.summary(get_db(), sample_id)
    for o in found["by_outcome"]:
        o["title"] = _(o["title_zh"])
    return found


# -- samples -------------------------------------------------------------------


@bp.route("/samples", methods=["GET", "POST"])
@roles_required()
def samples_index() -> Response | str:
    """Every sample drawn, and the form to draw one."""
    form = DrawForm()
    _choices(form)
    status = 200
    if form.validate_on_submit():
        try:
            sample_id = samples.draw(
                get_db(),
                samples.Scope(
                    form.fund.data or None,
                    form.township.data or None,
                    (form.village.data or "").strip() or None,
                    int(form.year.data) if (form.year.data or "").isdigit() else None,
                ),
                size=samples.parse_whole(form.size.data, "size"),
                share=form.share.data,
                seed=samples.parse_whole(form.seed.data, "seed"),
                actor=current_user.username,
            )
        except samples.SampleError as exc:
            flash(str(exc), "error")
            status = 400
        else:
            flash(_("已抽取，编号 %(id)s。", id=sample_id))
            return redirect(url_for(".sample", sample_id=sample_id))
    elif request.method == "POST":
        status = 400
    found = samples.listing(get_db())
    for s in found:
        s["url"] = url_for(".sample", sample_id=s["sample_id"])
    return render(
        "inspect/samples.html",
        jsonable({"samples": found, "method": samples.METHOD}),
        status,
        form=form,
    )


@bp.get("/samples/<int:sample_id>")
@roles_required()
def sample(sample_id: int) -> Response | str:
    """One sample: how it was drawn, its members with their visits, the summary."""
    found = _sample_or_404(sample_id)
    members = _members(sample_id)
    _audit("view_sample", f"sample:{sample_id}", members=len(members))
    data = {
        "sample": found,
        "members": members,
        "summary": _summary(sample_id),
        "print_url": url_for(".sample_print", sample_id=sample_id),
    }
    return render("inspect/sample.html", jsonable(data))


@bp.get("/samples/<int:sample_id>/print")
@roles_required()
def sample_print(sample_id: int) -> Response | str:
    """The visit list to take on the ground: names and villages in full, IDs masked."""
    found = _sample_or_404(sample_id)
    members = _members(sample_id)
    revealed = _revealed(sample_id)
    if not revealed:
        for m in members:  # shown only after the audited reveal
            for key in ("birth_date", "sex", "household_no", "bank_account_masked"):
                m.pop(key)
    _audit(
        "view_sample", f"sample:{sample_id}", members=len(members), printed=True, revealed=revealed
    )
    data = {
        "sample": found,
        "members": members,
        "revealed": revealed,
        "reveal_minutes": REVEAL_SECONDS // 60,
    }
    return render("inspect/sample_print.html", jsonable(data))


@bp.post("/samples/<int:sample_id>/reveal")
@roles_required()
def sample_reveal(sample_id: int) -> Response:
    """Add birth dates, households and bank accounts to the visit list for ten minutes; the reason is logged."""
    _sample_or_404(sample_id)
    reason = (request.form.get("reason") or "").strip()
    back = redirect(url_for(".sample_print", sample_id=sample_id))
    if not reason:
        flash(_("请写明查看完整信息的理由。"), "error")
        return back
    _audit("reveal_sample", f"sample:{sample_id}", reason=reason[:500])
    granted = {k: v for k, v in session.get("sample_reveal", {}).items() if v > time.time()}
    granted[str(sample_id)] = time.time() + REVEAL_SECONDS
    session["sample_reveal"] = granted
    return back


@bp.route("/samples/<int:sample_id>/members/<int:member_no>", methods=["GET", "POST"])
@roles_required()
def sample_visit(sample_id: int, member_no: int) -> Response | str:
    """Record what a visit found; a problem becomes a flag for the office responsible."""
    _sample_or_404(sample_id)
    member = visits.member(get_db(), sample_id, member_no) or abort(404)
    form = VisitForm(assignee_office=visits.default_office(member))
    status = 200
    if form.validate_on_submit():
        try:
            visits.record(
                get_db(),
                sample_id,
                member_no,
                outcome=form.outcome.data,
                note=form.note.data or "",
                recover=form.recover_yuan.data,
                visited_on=form.visited_on.data,
                office=form.assignee_office.data,
                actor=current_user.username,
            )
        except visits.VisitError as exc:
            flash(str(exc), "error")
            status = 400
        else:
            flash(_("已记录第 %(n)s 号的走访结果。", n=member_no))
            return redirect(url_for(".sample", sample_id=sample_id) + f"#m{member_no}")
    elif request.method == "POST":
        status = 400
    member.pop("id_hash")
    data = {
        "sample_id": sample_id,
        "member": member,
        "outcome_title": _(visits.OUTCOME_ZH[member["outcome"]]) if member["outcome"] else None,
        "back_url": url_for(".sample", sample_id=sample_id),
    }
    return render("inspect/sample_visit.html", jsonable(data), status, form=form)

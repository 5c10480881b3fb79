"""Inspectors (纪检, 审计, 财政监督): the discrepancy report, its exports, flags, the person record.

Views only parse the request, call fundquery.inspect and build a dict; every
page is also served as JSON with ?format=json.  Names are masked; showing a
person's full record is a POSTed, audit-logged action that lasts ten minutes.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from etl.audit import audit
from fundquery.accounts.auth import current_user, roles_required
from fundquery.inspect import CATALOGUE, CHECKS, GROUPS, Filters, Params, charts, flags, person, run
from fundquery.inspect.catalogue import SEVERITIES, SEVERITY_ZH, finding_key
from fundquery.inspect.checks.delays import distribution
from fundquery.inspect.export import shown_row, write_csv, write_xlsx
from fundquery.views.staff import render_staff
from fundquery.web.db import get_db
from fundquery.web.formatting import jsonable
from fundquery.web.i18n import current_language
from fundquery.web.security import chart_page

bp = Blueprint("inspect", __name__, url_prefix="/staff/inspect")
public_bp = Blueprint("rectification", __name__)

PAGE_ROWS = 500
REVEAL_SECONDS = 600
SEVERITY_CHOICES = [SelectChoice(s, _l(SEVERITY_ZH[s])) for s in SEVERITIES]


# -- the request's settings and filters ---------------------------------------

def _arg_date(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _arg_int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def settings() -> tuple[Params, Filters]:
    params = Params(as_of=_arg_date("as_of") or dt.date.today())
    filters = Filters(year=_arg_int("year"), fund_code=request.args.get("fund") or None,
                      department=request.args.get("department") or None,
                      township=request.args.get("township") or None)
    return params, filters


def filter_args(params: Params, filters: Filters) -> dict[str, Any]:
    """The query arguments that reproduce the page's settings."""
    args = {"as_of": params.as_of.isoformat(), "year": filters.year, "fund": filters.fund_code,
            "department": filters.department, "township": filters.township}
    return {k: v for k, v in args.items() if v not in (None, "")}


def _choices() -> dict[str, list]:
    con = get_db()
    one = lambda sql: [r[0] for r in con.execute(sql).fetchall()]  # noqa: E731
    return {
        "years": one("SELECT DISTINCT year FROM live_funds ORDER BY 1 DESC"),
        "funds": [{"code": c, "name": n} for c, n in con.execute(
            "SELECT fund_code, arg_max(fund_name, year) FROM live_funds GROUP BY 1 ORDER BY 1").fetchall()],
        "departments": one("SELECT DISTINCT department FROM live_funds UNION SELECT DISTINCT department"
                           " FROM live_agencies WHERE department IS NOT NULL ORDER BY 1"),
        "townships": one("SELECT DISTINCT township FROM live_payments ORDER BY 1"),
    }


def _check_info(check, lang: str) -> dict[str, Any]:
    return {"label": check.label, "title": check.title(lang), "severity": check.severity,
            "severity_title": severity_title(check.severity), "meaning": check.meaning(lang),
            "action": check.action(lang), "group": check.group,
            "filters": list(check.filters)}


def status_title(code: str) -> str:
    return _(flags.STATUS_ZH[code])


def severity_title(code: str) -> str:
    return _(SEVERITY_ZH[code])


def outcome_title(code: str | None) -> str:
    return _(flags.OUTCOME_ZH[code]) if code in flags.OUTCOME_ZH else "—"


def _audit(action: str, target: str | None = None, **detail: Any) -> None:
    audit(get_db(), current_user.username, action, target, **detail)


# -- the report ----------------------------------------------------------------

@bp.get("/")
@roles_required("inspector")
@chart_page
def index() -> Response | str:
    """Every check with its count of findings and money at stake, and findings by township."""
    params, filters = settings()
    lang = current_language()
    results = [run(get_db(), check, params, filters) for check in CATALOGUE]
    groups = []
    for key, (zh, en) in GROUPS.items():
        entries = [{**_check_info(r.check, lang), "count": r.count, "amount_yuan": r.amount_yuan,
                    "url": url_for(".check", label=r.check.label, **filter_args(params, filters))}
                   for r in results if r.check.group == key]
        groups.append({"group": key, "title": en if lang == "en" else zh, "checks": entries})
    data = {"as_of": params.as_of, "filters": filters.active(), "groups": groups,
            "total_findings": sum(r.count for r in results), "choices": _choices(),
            "export_url": url_for(".export_xlsx", **filter_args(params, filters))}
    chart = charts.findings_by_township(results, _("各乡镇问题线索数"))
    return render_staff("inspect/index.html", jsonable(data), chart=chart, args=filter_args(params, filters))


@bp.get("/check/<label>")
@roles_required("inspector")
@chart_page
def check(label: str) -> Response | str:
    """One check's rows (names masked), with flag and person links."""
    found = CHECKS.get(label) or abort(404)
    params, filters = settings()
    lang = current_language()
    result = run(get_db(), found, params, filters)
    flagged = flags.flagged_keys(get_db(), label)
    rows = []
    for row in result.rows[:PAGE_ROWS]:
        key = finding_key(found, row)
        entry = {"cells": shown_row(found, row), "key": key, "flag": flagged.get(key)}
        if row.get("id_hash"):
            entry["person_url"] = url_for(".person", id_hash=row["id_hash"])
        entry["flag_url"] = url_for(".flag_new", label=label, key=key, **filter_args(params, filters))
        rows.append(entry)
    data = {"check": _check_info(found, lang), "as_of": params.as_of, "filters": filters.active(),
            "columns": [{"name": c.name, "title": c.en if lang == "en" else c.zh, "kind": c.kind} for c in found.columns],
            "count": result.count, "amount_yuan": result.amount_yuan, "rows": rows,
            "truncated": result.count > PAGE_ROWS, "choices": _choices(),
            "csv_url": url_for(".check_csv", label=label, **filter_args(params, filters)),
            "xlsx_url": url_for(".export_xlsx", label=label, **filter_args(params, filters))}
    chart = None
    if label == "over_quota":
        chart = charts.quota_against_actual(result.rows[:30], _("编制数与实有人数"),
                                            (_("编制数"), _("名册在职人数"), _("上报实有人数")))
    return render_staff("inspect/check.html", jsonable(data), chart=chart, args=filter_args(params, filters))


@bp.get("/check/<label>.csv")
@roles_required("inspector")
def check_csv(label: str) -> Response:
    """One check's rows as CSV (names masked, formulas neutralised)."""
    found = CHECKS.get(label) or abort(404)
    params, filters = settings()
    result = run(get_db(), found, params, filters)
    buffer = io.StringIO()
    write_csv(result, buffer, current_language())
    _audit("inspect_export", f"check:{label}", format="csv", rows=result.count, **filters.active())
    body = "\ufeff" + buffer.getvalue()
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={label}-{params.as_of.isoformat()}.csv"})


@bp.get("/report.xlsx")
@roles_required("inspector")
def export_xlsx() -> Response:
    """The whole catalogue (or ?label=) as a workbook: a summary sheet and one sheet per check."""
    params, filters = settings()
    label = request.args.get("label")
    checks = [CHECKS.get(label) or abort(404)] if label else list(CATALOGUE)
    results = [run(get_db(), c, params, filters) for c in checks]
    buffer = io.BytesIO()
    write_xlsx(results, buffer, generated_by=current_user.username)
    buffer.seek(0)
    _audit("inspect_export", f"check:{label or 'all'}", format="xlsx", rows=sum(r.count for r in results),
           **filters.active())
    return send_file(buffer, as_attachment=True, download_name=f"{label or 'inspect'}-{params.as_of.isoformat()}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/delays")
@roles_required("inspector")
@chart_page
def delays() -> Response | str:
    """The delay report: every disbursement bucketed, per fund and department, and the wait to the household."""
    params, filters = settings()
    con = get_db()
    stages = {}
    for stage in ("treasury", "payout"):
        stages[stage] = {by: distribution(con, params, filters, by=by, stage=stage) for by in ("all", "fund", "department")}
    data = {"as_of": params.as_of, "filters": filters.active(), "stages": stages, "choices": _choices(),
            "edges_days": list(params.delay_edges_days)}
    chart = charts.delay_distribution(stages["treasury"]["fund"], _("各项资金审核到拨出天数分布"), _("占拨付笔数"))
    payout_chart = charts.delay_distribution(stages["payout"]["fund"], _("各项资金拨出到农户到账天数分布"),
                                             _("占发放户次"))
    return render_staff("inspect/delays.html", jsonable(data), chart=chart, payout_chart=payout_chart,
                        args=filter_args(params, filters))


# -- flags ---------------------------------------------------------------------

class FlagForm(FlaskForm):
    note = TextAreaField(_l("问题说明"), validators=[DataRequired(_l("请写明问题。")), Length(max=2000)])
    severity = SelectField(_l("严重程度"), choices=SEVERITY_CHOICES)
    assignee_office = StringField(_l("责任单位"), validators=[DataRequired(_l("请填写责任单位。")), Length(max=100)])
    due_on = DateField(_l("整改期限"), validators=[Optional()])


class MoveForm(FlaskForm):
    to_status = SelectField(_l("改为"), choices=[SelectChoice(s, _l(flags.STATUS_ZH[s])) for s in flags.STATUSES])
    note = TextAreaField(_l("处理说明"), validators=[DataRequired(_l("每一步都要写处理说明。")), Length(max=2000)])
    outcome = SelectField(_l("整改结果"), choices=[SelectChoice("", "—")] + [SelectChoice(o, _l(flags.OUTCOME_ZH[o]))
                                                                           for o in flags.OUTCOMES],
                          validators=[Optional()])
    recovered_yuan = DecimalField(_l("追回或更正金额（元）"), places=2,
                                  validators=[Optional(), NumberRange(min=0)])


def _finding(label: str, key: str, params: Params, filters: Filters) -> dict[str, Any] | None:
    found = CHECKS.get(label) or abort(404)
    for row in run(get_db(), found, params, filters).rows:
        if finding_key(found, row) == key:
            return row
    return None


@bp.route("/flags/new", methods=["GET", "POST"])
@roles_required("inspector")
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
            get_db(), check_label=label, record_kind=found.record_kind, record_key=key,
            title=found.title_zh, figures={**figures, "as_of": params.as_of}, severity=form.severity.data,
            assignee_office=form.assignee_office.data.strip(), due_on=form.due_on.data, note=form.note.data.strip(),
            actor=current_user.username, amount_yuan=amount, year=row.get("year"), fund_code=row.get("fund_code"),
            department=row.get("department"), township=row.get("township"))
        flash(_("已标记，编号 %(id)s。", id=flag_id))
        return redirect(url_for(".flag", flag_id=flag_id))
    lang = current_language()
    data = {"check": _check_info(found, lang), "key": key, "as_of": params.as_of,
            "figures": [{"title": c.en if lang == "en" else c.zh, "value": shown_row(found, row)[c.name],
                         "kind": c.kind} for c in found.columns]}
    return render_staff("inspect/flag_new.html", jsonable(data), 200 if request.method == "GET" or not form.errors else 400,
                        form=form)


@bp.get("/flags")
@roles_required("inspector")
def flag_list() -> Response | str:
    """Flags with filters (status, severity, office, overdue); overdue ones marked."""
    status = request.args.get("status") if request.args.get("status") in flags.STATUSES else None
    severity = request.args.get("severity") if request.args.get("severity") in SEVERITIES else None
    office = request.args.get("office") or None
    overdue = request.args.get("overdue") == "1"
    rows = flags.listing(get_db(), status=status, severity=severity, office=office, overdue_only=overdue)
    for row in rows:
        row["url"] = url_for(".flag", flag_id=row["flag_id"])
        row["status_title"] = status_title(row["status"])
        row["severity_title"] = severity_title(row["severity"])
    data = {"flags": rows, "filters": {"status": status, "severity": severity, "office": office, "overdue": overdue},
            "offices": flags.offices(get_db()), "statuses": {s: status_title(s) for s in flags.STATUSES},
            "overdue_count": sum(1 for r in rows if r["is_overdue"])}
    return render_staff("inspect/flags.html", jsonable(data))


@bp.get("/flags/<int:flag_id>")
@roles_required("inspector")
def flag(flag_id: int) -> Response | str:
    """One flag: the figures when flagged, every step with its note, the next step."""
    found = flags.get(get_db(), flag_id) or abort(404)
    check_ = CHECKS.get(found["check_label"])
    lang = current_language()
    columns = {c.name: c for c in check_.columns} if check_ else {}
    person_hash = found["figures"].pop("_person", None)
    found["person_url"] = url_for(".person", id_hash=person_hash) if person_hash else None
    found["figures_list"] = [
        {"title": (columns[k].en if lang == "en" else columns[k].zh) if k in columns else _("统计截至") if k == "as_of" else k,
         "value": v, "kind": columns[k].kind if k in columns else "text"}
        for k, v in found["figures"].items()]
    found["status_title"] = status_title(found["status"])
    found["severity_title"] = severity_title(found["severity"])
    found["outcome_title"] = outcome_title(found["outcome"]) if found["outcome"] else None
    history = flags.events(get_db(), flag_id)
    for event in history:
        event["to_title"] = status_title(event["to_status"])
    form = MoveForm()
    form.to_status.choices = [SelectChoice(s, status_title(s)) for s in flags.MOVES[found["status"]]]
    data = {"flag": found, "history": history, "moves": list(flags.MOVES[found["status"]])}
    return render_staff("inspect/flag.html", jsonable(data), form=form)


@bp.post("/flags/<int:flag_id>/move")
@roles_required("inspector")
def flag_move(flag_id: int) -> Response:
    form = MoveForm()
    back = redirect(url_for(".flag", flag_id=flag_id))
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return back
    try:
        flags.move(get_db(), flag_id, form.to_status.data, form.note.data, current_user.username,
                   outcome=form.outcome.data or None, recovered_yuan=form.recovered_yuan.data)
    except flags.FlagError as exc:
        flash(str(exc), "error")
        return back
    flash(_("已更新。"))
    return back


@bp.get("/summary")
@roles_required("inspector", "reviewer")
def summary() -> Response | str:
    """What was recovered or corrected, from the resolved flags; drafts and published 整改公示."""
    con = get_db()
    totals = flags.summary(con)
    for row in totals["resolved"]:
        c = CHECKS.get(row["check_label"])
        row["title"] = c.title(current_language()) if c else row["check_label"]
        row["outcome_title"] = outcome_title(row["outcome"])
    notices = flags.notices(con, published_only=False)
    for n in notices:
        n["url"] = url_for(".notice", notice_id=n["notice_id"])
        n["item_count"] = len(n["body"]["items"])
        n.pop("body")
    data = {"summary": totals, "items": flags.resolved_for_notice(con), "notices": notices,
            "statuses": {s: status_title(s) for s in flags.STATUSES},
            "can_draft": current_user.has_role("inspector")}
    return render_staff("inspect/summary.html", jsonable(data))


@bp.post("/notices")
@roles_required("inspector")
def notice_create() -> Response:
    """Draft a 整改公示 from the resolved flags as they stand; a reviewer publishes it."""
    title = (request.form.get("title") or "").strip()[:200] or _("整改情况公示")
    notice_id = flags.create_notice(get_db(), title, current_user.username)
    flash(_("已生成公示草稿，待审核人员公开。"))
    return redirect(url_for(".notice", notice_id=notice_id))


@bp.get("/notices/<int:notice_id>")
@roles_required("inspector", "reviewer")
def notice(notice_id: int) -> Response | str:
    found = flags.notice(get_db(), notice_id) or abort(404)
    for item in found["body"]["items"]:
        item["outcome_title"] = outcome_title(item["outcome"])
    data = {"notice": found, "can_publish": current_user.has_role("reviewer") and not found["published_at"]}
    return render_staff("inspect/notice.html", jsonable(data))


@bp.post("/notices/<int:notice_id>/publish")
@roles_required("reviewer")
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
    return render_staff("inspect/public_notices.html", jsonable({"notices": notices}))


# -- a person ------------------------------------------------------------------

def _revealed(id_hash: str) -> bool:
    granted = session.get("inspect_reveal", {})
    return granted.get(id_hash, 0) > time.time()


@bp.get("/person/<id_hash>", endpoint="person")
@roles_required("inspector")
def person_page(id_hash: str) -> Response | str:
    """A person, masked; the full record after the audit-logged 'show full detail' action."""
    con = get_db()
    found = person.overview(con, id_hash) or abort(404)
    full = person.full_record(con, id_hash) if _revealed(id_hash) else None
    data = {"person": found, "full": full, "id_hash": id_hash, "reveal_minutes": REVEAL_SECONDS // 60}
    return render_staff("inspect/person.html", jsonable(data))


@bp.post("/person/<id_hash>/reveal")
@roles_required("inspector")
def person_reveal(id_hash: str) -> Response:
    """Show the person's full record for ten minutes; the reason goes to the audit log."""
    reason = (request.form.get("reason") or "").strip()
    if not reason:
        flash(_("请写明查看完整信息的理由。"), "error")
        return redirect(url_for(".person", id_hash=id_hash))
    if person.overview(get_db(), id_hash) is None:
        abort(404)
    _audit("reveal_person", f"person:{id_hash[:16]}", reason=reason[:500])
    granted = {k: v for k, v in session.get("inspect_reveal", {}).items() if v > time.time()}
    granted[id_hash] = time.time() + REVEAL_SECONDS
    session["inspect_reveal"] = granted
    return redirect(url_for(".person", id_hash=id_hash))


"""Inspectors (纪检, 审计, 财政监督): the discrepancy report, its exports, the person record.

Views only parse the request, call fundquery.inspect and build a dict; every
page is also served as JSON with ?format=json.  Names are masked; showing a
person's full record is a POSTed, audit-logged action that lasts ten minutes.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, request, send_file, session, url_for
from flask_babel import gettext as _

from etl.audit import audit
from fundquery.accounts.auth import current_user, roles_required
from fundquery.inspect import (
    CATALOGUE,
    CHECKS,
    GROUPS,
    Filters,
    Params,
    charts,
    flags,
    person,
    run,
    visits,
)
from fundquery.inspect.catalogue import SEVERITY_ZH, finding_key
from fundquery.inspect.checks.delays import stages as delay_stages
from fundquery.inspect.checks.registers import registers_read
from fundquery.inspect.export import shown_row, write_csv, write_xlsx
from fundquery.queries.inspect import report_choices
from fundquery.resident.masking import mask_name
from fundquery.views import render
from fundquery.web.db import get_db
from fundquery.web.formatting import jsonable
from fundquery.web.i18n import current_language
from fundquery.web.params import MAX_INT, int_arg
from fundquery.web.report_cache import cached
from fundquery.web.security import chart_page

bp = Blueprint("inspect", __name__, url_prefix="/staff/inspect")

PAGE_ROWS = 500
REVEAL_SECONDS = 600


# -- the request's settings and filters ---------------------------------------


def _arg_date(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _arg_int(name: str) -> int | None:
    return int_arg(name, high=MAX_INT)


def settings() -> tuple[Params, Filters]:
    params = Params(as_of=_arg_date("as_of") or dt.date.today())
    filters = Filters(
        year=_arg_int("year"),
        fund_code=request.args.get("fund") or None,
        department=request.args.get("department") or None,
        township=request.args.get("township") or None,
    )
    return params, filters


def filter_args(params: Params, filters: Filters) -> dict[str, Any]:
    """The query arguments that reproduce the page's settings."""
    args = {
        "as_of": params.as_of.isoformat(),
        "year": filters.year,
        "fund": filters.fund_code,
        "department": filters.department,
        "township": filters.township,
    }
    return {k: v for k, v in args.items() if v not in (None, "")}


def check_info(check, lang: str) -> dict[str, Any]:
    return {
        "label": check.label,
        "title": check.title(lang),
        "severity": check.severity,
        "severity_title": severity_title(check.severity),
        "meaning": check.meaning(lang),
        "action": check.action(lang),
        "group": check.group,
        "filters": list(check.filters),
    }


def status_title(code: str) -> str:
    return _(flags.STATUS_ZH[code])


def severity_title(code: str) -> str:
    return _(SEVERITY_ZH[code])


def outcome_title(code: str | None) -> str:
    return _(flags.OUTCOME_ZH[code]) if code in flags.OUTCOME_ZH else "—"


def choices() -> dict[str, list]:
    """The filter form's choices, kept per store state (fundquery/web/report_cache.py)."""
    return cached("choices", (), lambda: report_choices(get_db()))


@dataclass(frozen=True)
class CheckHead:
    """What a check's page shows of its result: the first rows, the count and the money at stake."""

    rows: list[dict[str, Any]]
    count: int
    amount_yuan: Any
    left_out: dict[
        str, str
    ]  # language -> “另有 N 张凭证无审核日期，未计入” ('' when nothing was left out)


def check_head(found, params: Params, filters: Filters) -> CheckHead:
    """A check's first PAGE_ROWS rows with its count and sum, kept per store state and settings."""

    def compute() -> CheckHead:
        result = run(get_db(), found, params, filters)
        left = {lang: result.left_out_text(lang) for lang in ("zh", "en")}
        return CheckHead(result.rows[:PAGE_ROWS], result.count, result.amount_yuan, left)

    return cached(
        "check", (found.label, repr(params), repr(filters)), compute, rows=lambda h: len(h.rows)
    )


def _audit(action: str, target: str | None = None, **detail: Any) -> None:
    audit(get_db(), current_user.username, action, target, **detail)


# -- the report ----------------------------------------------------------------


@bp.get("/")
@roles_required()
@chart_page
def index() -> Response | str:
    """Every check with its count of findings and money at stake, and findings by township."""
    params, filters = settings()
    lang = current_language()
    results = [run(get_db(), check, params, filters) for check in CATALOGUE]
    groups = []
    for key, (zh, en) in GROUPS.items():
        entries = [
            {
                **check_info(r.check, lang),
                "count": r.count,
                "amount_yuan": r.amount_yuan,
                "left_out": r.left_out_text(lang),
                "url": url_for(".check", label=r.check.label, **filter_args(params, filters)),
            }
            for r in results
            if r.check.group == key
        ]
        groups.append({"group": key, "title": en if lang == "en" else zh, "checks": entries})
    data = {
        "as_of": params.as_of,
        "filters": filters.active(),
        "groups": groups,
        "total_findings": sum(r.count for r in results),
        "choices": choices(),
        "export_url": url_for(".export_xlsx", **filter_args(params, filters)),
    }
    chart = charts.findings_by_township(results, _("各乡镇问题线索数"))
    return render(
        "inspect/index.html", jsonable(data), chart=chart, args=filter_args(params, filters)
    )


@bp.get("/check/<label>")
@roles_required()
@chart_page
def check(label: str) -> Response | str:
    """One check's rows (names masked), with flag and person links."""
    found = CHECKS.get(label) or abort(404)
    params, filters = settings()
    lang = current_language()
    result = check_head(found, params, filters)
    registers = registers_read(found)
    if registers:  # rows of another department's register: every view is in the audit log
        _audit(
            "view_register",
            f"check:{label}",
            registers=list(registers),
            rows=result.count,
            **filters.active(),
        )
    flagged = flags.flagged_keys(get_db(), label)
    rows = []
    for row in result.rows:
        key = finding_key(found, row)
        entry = {"cells": shown_row(found, row), "key": key, "flag": flagged.get(key)}
        if row.get("id_hash"):
            entry["person_url"] = url_for(".person", id_hash=row["id_hash"])
        entry["flag_url"] = url_for(
            ".flag_new", label=label, key=key, **filter_args(params, filters)
        )
        rows.append(entry)
    data = {
        "check": check_info(found, lang),
        "as_of": params.as_of,
        "filters": filters.active(),
        "columns": [
            {"name": c.name, "title": c.en if lang == "en" else c.zh, "kind": c.kind}
            for c in found.columns
        ],
        "count": result.count,
        "amount_yuan": result.amount_yuan,
        "left_out": result.left_out.get(lang, result.left_out["zh"]),
        "rows": rows,
        "truncated": result.count > PAGE_ROWS,
        "choices": choices(),
        "csv_url": url_for(".check_csv", label=label, **filter_args(params, filters)),
        "xlsx_url": url_for(".export_xlsx", label=label, **filter_args(params, filters)),
    }
    chart = None
    if label == "over_quota":
        chart = charts.quota_against_actual(
            result.rows[:30],
            _("编制数与实有人数"),
            (_("编制数"), _("名册在职人数"), _("上报实有人数")),
        )
    return render(
        "inspect/check.html", jsonable(data), chart=chart, args=filter_args(params, filters)
    )


@bp.get("/check/<label>.csv")
@roles_required()
def check_csv(label: str) -> Response:
    """One check's rows as CSV (names masked, formulas neutralised)."""
    found = CHECKS.get(label) or abort(404)
    params, filters = settings()
    result = run(get_db(), found, params, filters)
    buffer = io.StringIO()
    write_csv(result, buffer, current_language())
    _audit("inspect_export", f"check:{label}", format="csv", rows=result.count, **filters.active())
    body = "\ufeff" + buffer.getvalue()
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename={label}-{params.as_of.isoformat()}.csv"
        },
    )


@bp.get("/report.xlsx")
@roles_required()
def export_xlsx() -> Response:
    """The whole catalogue (or ?label=) as a workbook: a summary sheet and one sheet per check."""
    params, filters = settings()
    label = request.args.get("label")
    checks = [CHECKS.get(label) or abort(404)] if label else list(CATALOGUE)
    results = [run(get_db(), c, params, filters) for c in checks]
    buffer = io.BytesIO()
    # the whole catalogue also carries the field checks' summaries (issue 16)
    found_samples = [] if label else visits.summaries(get_db())
    write_xlsx(results, buffer, generated_by=current_user.username, samples=found_samples)
    buffer.seek(0)
    _audit(
        "inspect_export",
        f"check:{label or 'all'}",
        format="xlsx",
        rows=sum(r.count for r in results),
        **filters.active(),
    )
    return send_file(
        buffer,
        as_attachment=True,
        download_name=f"{label or 'inspect'}-{params.as_of.isoformat()}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.get("/delays")
@roles_required()
@chart_page
def delays() -> Response | str:
    """The delay report: every disbursement bucketed, per fund and department, and the wait to the household."""
    params, filters = settings()
    stages = cached(
        "delays", (repr(params), repr(filters)), lambda: delay_stages(get_db(), params, filters)
    )
    data = {
        "as_of": params.as_of,
        "filters": filters.active(),
        "stages": stages,
        "choices": choices(),
        "edges_days": list(params.delay_edges_days),
    }
    chart = charts.delay_distribution(
        stages["treasury"]["fund"], _("各项资金审核到拨出天数分布"), _("占拨付笔数")
    )
    payout_chart = charts.delay_distribution(
        stages["payout"]["fund"], _("各项资金拨出到农户到账天数分布"), _("占发放户次")
    )
    return render(
        "inspect/delays.html",
        jsonable(data),
        chart=chart,
        payout_chart=payout_chart,
        args=filter_args(params, filters),
    )


# -- a person ------------------------------------------------------------------


# Register columns holding a person's name: masked until the full record is shown.
_NAME_WORDS = ("姓名", "所有人", "法定代表人", "经营者", "权利人")


def shown_register(found: dict[str, Any], *, full: bool) -> dict[str, Any]:
    """One register's rows as the page shows them: declared columns in order, names masked unless ``full``."""
    lang = current_language()
    columns = found["columns"]
    masked = {
        name
        for name, zh, _en, _type in columns
        if name == "name" or any(word in zh for word in _NAME_WORDS)
    }
    return {
        "kind": found["kind"],
        "title": found["title_en"] if lang == "en" else found["title_zh"],
        "columns": [en if lang == "en" else zh for _name, zh, en, _type in columns],
        "rows": [
            {
                "cells": [
                    row.get(name) if full or name not in masked else mask_name(row.get(name))
                    for name, _zh, _en, _type in columns
                ],
                "batch": f"{row['batch_id']}:{row['row_no']}",
                "batch_status": row["batch_status"],
            }
            for row in found["rows"]
        ],
    }


def _revealed(id_hash: str) -> bool:
    granted = session.get("inspect_reveal", {})
    return granted.get(id_hash, 0) > time.time()


@bp.get("/person/<id_hash>", endpoint="person")
@roles_required()
def person_page(id_hash: str) -> Response | str:
    """A person, masked; the full record after the audit-logged 'show full detail' action."""
    con = get_db()
    found = person.overview(con, id_hash) or abort(404)
    full = person.full_record(con, id_hash) if _revealed(id_hash) else None
    registers = [
        shown_register(r, full=full is not None) for r in person.register_rows(con, id_hash)
    ]
    if registers:  # rows of other departments' registers: every view is in the audit log
        _audit(
            "view_register",
            f"person:{id_hash[:16]}",
            registers=[r["kind"] for r in registers],
            rows=sum(len(r["rows"]) for r in registers),
            full=full is not None,
        )
    data = {
        "person": found,
        "full": full,
        "registers": registers,
        "id_hash": id_hash,
        "reveal_minutes": REVEAL_SECONDS // 60,
    }
    return render("inspect/person.html", jsonable(data))


@bp.post("/person/<id_hash>/reveal")
@roles_required()
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

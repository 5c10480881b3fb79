"""Department budgets (with 三公经费) and agencies' staffing against quota."""

from __future__ import annotations

from flask import Response, abort, request, url_for
from flask_babel import gettext as _

from etl.personal import mask_all
from fundquery.queries import budgets as bq
from fundquery.queries import staffing as sq
from fundquery.views import render
from fundquery.views.public import bp
from fundquery.web import charts, security
from fundquery.web.db import get_db


@bp.get("/budgets")
def budgets() -> Response | str:
    """部门预算: per department and category, and the 三公经费 lines, for one year."""
    years = bq.years(get_db())
    year = request.args.get("year", type=int) or (years[0] if years else None)
    if year is not None and years and year not in years:
        abort(404)
    departments = bq.by_department(get_db(), year) if year else []
    data = {
        "years": years,
        "year": year,
        "categories": bq.categories(get_db(), year) if year else [],
        "departments": departments,
        "total_yuan": sum((d["total_yuan"] for d in departments), start=0),
        "three_public": bq.three_public(get_db(), year) if year else [],
        "downloads": {
            f: url_for("public.download", name="budgets", fmt=f, **({"year": year} if year else {}))
            for f in ("csv", "xlsx", "json")
        },
    }
    data["three_public_total_yuan"] = sum((r["amount_yuan"] for r in data["three_public"]), start=0)
    return render("public/budgets.html", data)


@bp.get("/staffing")
@security.chart_page
def staffing() -> Response | str:
    """机构编制: quota against serving staff by department, and every agency."""
    department = request.args.get("department") or None
    # Masked before the chart too: its labels are not the page's data (issue 15).
    agencies = mask_all(sq.agencies(get_db(), department))
    departments = mask_all(sq.by_department(get_db()))
    names = (_("编制数"), _("实有人数"))
    data = {
        "department": department,
        "departments": departments,
        "agencies": agencies,
        "downloads": {
            f: url_for(
                "public.download",
                name="agencies",
                fmt=f,
                **({"department": department} if department else {}),
            )
            for f in ("csv", "xlsx", "json")
        },
    }
    chart = (
        charts.quota_bars(
            agencies,
            "agency_name",
            _("%(department)s：编制数与实有人数", department=department),
            names,
        )
        if department
        else charts.quota_bars(departments, "department", _("各部门编制数与实有人数"), names)
    )
    return render("public/staffing.html", data, chart=chart)


@bp.get("/staffing/agency/<agency_name>")
@security.chart_page
def agency(agency_name: str) -> Response | str:
    """One agency: quota by 编制类型 against serving staff, and the real-name roll (no IDs)."""
    found = sq.agency(get_db(), agency_name)
    if found is None:
        abort(404)
    by_type = sq.quota_by_type(get_db(), agency_name)
    data = {
        "agency": found,
        "by_type": by_type,
        "roll": sq.roll(get_db(), agency_name),
        "downloads": {
            f: url_for("public.download", name="staff", fmt=f, agency_name=agency_name)
            for f in ("csv", "xlsx", "json")
        },
    }
    chart = charts.quota_bars(
        by_type, "staffing_type", _("按编制类型：编制数与实有人数"), (_("编制数"), _("实有人数"))
    )
    return render("public/agency.html", data, chart=chart)

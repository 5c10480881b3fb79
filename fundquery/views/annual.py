"""The yearly openness report as a public, printable page (/annual/YEAR); the CLI's `annual` prints the same."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, redirect, url_for

from fundquery.cli.annual import HANDLING, LINES, figure, partial
from fundquery.queries import annual as aq
from fundquery.views import render
from fundquery.views.public import bp
from fundquery.web.db import get_db


@bp.get("/annual")
def annual_latest() -> Response:
    """The newest year with a published fund, else the newest with anything to report."""
    year = aq.latest_fund_year(get_db())
    if year is None:
        years = aq.years(get_db())
        if not years:
            abort(404)
        year = years[0]
    return redirect(url_for("public.annual", year=year))


@bp.get("/annual/<int:year>")
def annual(year: int) -> Response | str:
    """政府信息公开年度报告: the year's figures, computed from what is published and recorded."""
    years = aq.years(get_db())
    if year not in years:
        abort(404)
    figures = aq.report(get_db(), year, today=dt.date.today())
    return render(
        "public/annual.html",
        figures,
        figures=figures,
        years=years,
        lines=LINES,
        handling=HANDLING,
        figure=figure,
        partial=partial,
    )

"""Where the money went: fund catalogue, fund pages, projects and village notices."""

from __future__ import annotations

import datetime as dt

import segno
from flask import Response, abort, current_app, url_for
from flask_babel import gettext as _

from etl.personal import mask_all
from fundquery.queries import funds as fq
from fundquery.queries import notices as nq
from fundquery.queries import publication
from fundquery.queries.datasets import DATASETS
from fundquery.views import render
from fundquery.views.pages import args_of, pager, paging
from fundquery.views.public import bp
from fundquery.web import charts, security
from fundquery.web.db import get_db
from fundquery.web.params import year_arg

DEFAULT_NOTICE_DAYS = 7  # 公示期 of a village notice, in calendar days (公示不少于 7 天)


def _filters(dataset: str) -> dict[str, str]:
    chosen = args_of(DATASETS[dataset].filters)
    if "year" in chosen:
        year_arg()  # 400 unless a year
    return chosen


def download_links(dataset: str, chosen: dict[str, str]) -> dict[str, str]:
    """The CSV/XLSX/JSON of exactly the rows the page lists."""
    return {
        fmt: url_for("public.download", name=dataset, fmt=fmt, **chosen)
        for fmt in ("csv", "xlsx", "json")
    }


@bp.get("/funds")
def funds() -> Response | str:
    """专项资金目录 with facets; counts and totals are those of the download of the same choice."""
    chosen = _filters("funds")
    number, per_page = paging()
    totals = fq.totals(get_db(), chosen)
    data = {
        "chosen": chosen,
        "facets": fq.facets(get_db(), chosen),
        "totals": totals,
        "funds": fq.FUNDS.page(get_db(), chosen, per_page, (number - 1) * per_page),
        "pager": pager(number, per_page, totals["fund_count"]),
        "downloads": download_links("funds", chosen),
    }
    return render("public/funds.html", data)


@bp.get("/funds/<int:year>/<fund_code>")
@security.chart_page
def fund(year: int, fund_code: str) -> Response | str:
    """One fund: budget, disbursed, paid to persons, by township and village, over time, projects."""
    found = fq.fund(get_db(), year, fund_code)
    if found is None:
        abort(404)
    villages = fq.by_village(get_db(), year, fund_code)
    months = fq.over_time(get_db(), year, fund_code)
    data = {
        "fund": found,
        "money": fq.money(get_db(), year, fund_code),
        "villages": villages,
        "months": months,
        "projects": fq.projects(get_db(), fund_code),
        "allocations": fq.allocations(get_db(), year, fund_code),
        "publications": publication.fund_publications(get_db(), year, fund_code),
    }
    value_key = "paid_yuan" if found["pays_to"] == "persons" else "projects_yuan"
    chart_data = {
        "village_chart": charts.village_treemap(
            villages, _("按乡镇、村分布（元）"), value_key, unvillaged=_("（未分村）")
        ),
        "month_chart": charts.monthly_bars(months, _("按发放月份（元）")),
    }
    return render("public/fund.html", data, **chart_data)


@bp.get("/projects")
def projects() -> Response | str:
    """Every published project, filterable by fund, township and status."""
    chosen = _filters("projects")
    number, per_page = paging()
    total = DATASETS["projects"].count(get_db(), chosen)
    data = {
        "chosen": chosen,
        "projects": DATASETS["projects"].page(get_db(), chosen, per_page, (number - 1) * per_page),
        "pager": pager(number, per_page, total),
        "downloads": download_links("projects", chosen),
    }
    return render("public/projects.html", data)


@bp.get("/notices")
def notices() -> Response | str:
    """The village notices there are, by year, fund and township."""
    chosen = {k: v for k, v in _filters("payments").items() if k in nq.NOTICE_FILTERS}
    number, per_page = paging()
    total, rows = nq.notices(get_db(), chosen, per_page, (number - 1) * per_page)
    data = {"chosen": chosen, "notices": rows, "pager": pager(number, per_page, total)}
    return render("public/notices.html", data, choices=mask_all(nq.choices(get_db())))


def _notice(year: int, fund_code: str, township: str, village: str) -> dict:
    found = fq.fund(get_db(), year, fund_code)
    rows = nq.notice_rows(get_db(), year, fund_code, township, village)
    if found is None or not rows:
        abort(404)
    where = {"year": year, "fund_code": fund_code, "township": township, "village": village}
    found_period = nq.notice_period(get_db(), year, fund_code, township, village)
    return {
        "notice_period": _period(found_period) if found_period else None,
        "objection_phone": current_app.config.get("FINANCE_OFFICE_PHONE"),
        "fund": found,
        "township": township,
        "village": village,
        "year": year,
        "rows": rows,
        "totals": nq.notice_totals(rows),
        "online_url": public_url("public.notice", **where),
        "print_url": url_for("public.notice_print", **where),
        "downloads": download_links("payments", where),
    }


def _period(found: dict) -> dict:
    """公示期: from the day the rows were published, for the days chosen for the batch, else the fund
    catalogue's 公示天数, else the setting NOTICE_DAYS (7 calendar days by default)."""
    days = (
        found["batch_days"]
        or found["fund_days"]
        or int(current_app.config.get("NOTICE_DAYS", DEFAULT_NOTICE_DAYS))
    )
    start = found["start"]
    return {"start": start, "end": start + dt.timedelta(days=days - 1), "days": days}


def public_url(endpoint: str, **values) -> str | None:
    """The page's address under PUBLIC_BASE_URL, or None when that is not set.

    Never built from the request's Host header: anyone can send a forged one, and a
    printed QR code pointing at it would send villagers to a look-alike site.
    """
    base = current_app.config.get("PUBLIC_BASE_URL")
    return base.rstrip("/") + url_for(endpoint, **values) if base else None


# <path:village>: a village may be named with a "/" (东风/一组); it is the last part of the address.
@bp.get("/notices/<int:year>/<fund_code>/<township>/<path:village>")
def notice(year: int, fund_code: str, township: str, village: str) -> Response | str:
    """公示: one fund's payments in one village and year, names masked, no identifiers."""
    return render("public/notice.html", _notice(year, fund_code, township, village))


@bp.get("/notices/<int:year>/<fund_code>/<township>/<path:village>/print")
def notice_print(year: int, fund_code: str, township: str, village: str) -> Response | str:
    """The notice as one sheet for the village notice board, with a QR code to the online notice.

    The QR code holds the configured PUBLIC_BASE_URL only; without it the sheet has no code,
    and the page says why (on screen, not on paper).
    """
    data = _notice(year, fund_code, township, village)
    qr_svg = None
    if data["online_url"]:
        qr = segno.make(data["online_url"], error="m")
        qr_svg = qr.svg_inline(scale=4, dark="#000", title=_("扫码查看网上公示"))
    return render("public/notice_print.html", data, qr_svg=qr_svg)
    qr = segno.make(data["online_url"], error="m")
    return render(
        "public/notice_print.html",
        data,
        qr_svg=qr.svg_inline(scale=4, dark="#000", title=_("扫码查看网上公示")),
    )

"""The staff statistics page (/staff/usage): page views and lookups per day, per query point and per
fund page, with plotly charts and an xlsx download.  Counts only: nothing identifies a person."""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter
from flask import Response, abort, request, send_file
from flask_babel import gettext as _

from fundquery.accounts.auth import roles_required
from fundquery.queries import usage as uq
from fundquery.views import render, sections
from fundquery.views.staff import bp
from fundquery.web import charts
from fundquery.web.db import get_db
from fundquery.web.security import chart_page

DEFAULT_DAYS = 30
MAX_DAYS = 3660
CHANNEL_ZH = {"kiosk": "查询点触摸屏", "phone": "手机", "desktop": "电脑"}
# Pages without a navigation section of their own (the others take the section's title).
PAGE_ZH = {
    "public.fund": "资金页面",
    "public.notice": "村公示",
    "public.notice_print": "村公示打印",
    "public.projects": "项目资金",
    "public.notices": "补贴发放公示",
    "public.agency": "单位编制",
    "public.download": "数据下载文件",
    "public.kiosk": "查询点触摸屏",
    "public.search": "搜索",
    "public.annual": "年度报告",
    "public.message_new": "提交留言",
    "public.message_status": "留言办理进度",
    "api.rows": "数据接口",
}


def _period() -> tuple[dt.date, dt.date]:
    """?start= and ?end= (YYYY-MM-DD), by default the last 30 days; 400 naming the bad value."""
    today = dt.date.today()
    try:
        end = dt.date.fromisoformat(request.args.get("end") or today.isoformat())
        start = dt.date.fromisoformat(
            request.args.get("start") or (end - dt.timedelta(days=DEFAULT_DAYS - 1)).isoformat()
        )
    except ValueError:
        abort(400, _("日期应写成 2024-12-31 这样的格式。"))
    if start > end or (end - start).days > MAX_DAYS:
        abort(400, _("开始日期应早于结束日期，且相隔不超过十年。"))
    return start, end


def _figures(start: dt.date, end: dt.date) -> dict:
    con = get_db()
    titles = {s["endpoint"]: s["title"] for s in sections()}
    pages = uq.pages(con, start, end)
    for row in pages:
        row["title"] = (
            _(PAGE_ZH[row["page"]])
            if row["page"] in PAGE_ZH
            else titles.get(row["page"], row["page"])
        )
    lookups = uq.lookups(con, start, end)
    for row in lookups:
        row["channel_title"] = _(CHANNEL_ZH.get(row["channel"], row["channel"]))
    return {
        "start": start,
        "end": end,
        "days": uq.per_day(con, start, end),
        "pages": pages,
        "fund_pages": uq.fund_pages(con, start, end),
        "lookups": lookups,
        "points": uq.points(con),
    }


@bp.get("/usage")
@roles_required()
@chart_page
def usage() -> Response | str:
    """Usage of the public site and the query points, counted without personal data."""
    start, end = _period()
    data = _figures(start, end)
    kiosk = [r for r in data["lookups"] if r["channel"] == "kiosk"]
    chart_objects = {
        "daily": charts.daily_counts(
            data["days"],
            (
                ("page_views", _("页面访问")),
                ("lookups", _("补贴查询")),
                ("lookups_found", _("查到结果")),
            ),
            _("每日访问和查询"),
        ),
        "points": charts.count_bars(
            [
                f"{r['township'] or '—'} · {r['point_name'] or r['point'] or _('未登记')}"
                for r in kiosk
            ],
            [int(r["lookups"]) for r in kiosk],
            _("补贴查询"),
            _("各乡镇查询点的查询次数"),
        ),
        "funds": charts.count_bars(
            [r["fund_name"] or r["fund_code"] for r in data["fund_pages"][:20]],
            [int(r["views"]) for r in data["fund_pages"][:20]],
            _("页面访问"),
            _("访问最多的资金页面"),
        ),
    }
    return render("staff/usage.html", data, charts=chart_objects, args=request.args)


@bp.get("/usage.xlsx")
@roles_required()
def usage_xlsx() -> Response:
    """The same figures as a workbook: one sheet per table."""
    start, end = _period()
    data = _figures(start, end)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    sheets = (
        (
            _("每日"),
            ("day", "page_views", "lookups", "lookups_found"),
            (_("日期"), _("页面访问"), _("补贴查询"), _("查到结果")),
            data["days"],
        ),
        (
            _("页面"),
            ("title", "page", "views"),
            (_("页面"), _("编码"), _("访问次数")),
            data["pages"],
        ),
        (
            _("资金页面"),
            ("fund_code", "fund_name", "views"),
            (_("资金编码"), _("资金名称"), _("访问次数")),
            data["fund_pages"],
        ),
        (
            _("查询"),
            ("channel_title", "township", "point", "point_name", "lookups", "found", "not_found"),
            (
                _("渠道"),
                _("乡镇"),
                _("查询点编码"),
                _("查询点"),
                _("查询次数"),
                _("查到结果"),
                _("未查到"),
            ),
            data["lookups"],
        ),
    )
    for title, keys, heads, rows in sheets:
        sheet = book.add_worksheet(title)
        sheet.write_row(0, 0, heads, bold)
        for i, row in enumerate(rows, start=1):
            sheet.write_row(
                i, 0, [str(row[k]) if isinstance(row[k], dt.date) else row[k] for k in keys]
            )
        sheet.set_column(0, len(keys) - 1, 16)
    book.close()
    out.seek(0)
    return send_file(
        out,
        as_attachment=True,
        download_name=f"usage-{start.isoformat()}-{end.isoformat()}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

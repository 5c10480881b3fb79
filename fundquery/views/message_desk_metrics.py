"""The desk's figures at /staff/messages/metrics: received, answered, answered on time, by department and month."""

from __future__ import annotations

import datetime as dt
from typing import Any

import plotly.graph_objects as go
from flask import Response
from flask_babel import gettext as _
from markupsafe import Markup

from fundquery.accounts.auth import roles_required
from fundquery.messages import metrics
from fundquery.views import render
from fundquery.views.message_desk import bp
from fundquery.web.charts import FONT, GREY, RED, plot_texts, script_json
from fundquery.web.db import get_db
from fundquery.web.formatting import jsonable
from fundquery.web.params import year_arg
from fundquery.web.security import chart_page


def _bars(rows: list[dict[str, Any]], title: str) -> Markup | None:
    """Received, answered and answered on time, side by side per label."""
    if not rows:
        return None
    labels = plot_texts([r["label"] for r in rows])
    fig = go.Figure(
        [
            go.Bar(name=_("收到"), x=labels, y=[r["received"] for r in rows], marker_color=GREY),
            go.Bar(
                name=_("已答复"), x=labels, y=[r["answered"] for r in rows], marker_color="#c9684f"
            ),
            go.Bar(name=_("按时答复"), x=labels, y=[r["on_time"] for r in rows], marker_color=RED),
        ]
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(
        gridcolor="#e5e8ec",
        rangemode="tozero",
        dtick=1 if max(r["received"] for r in rows) < 10 else None,
    )
    fig.update_layout(
        barmode="group",
        title={"text": title, "x": 0.015, "xanchor": "left"},
        height=360,
        font={"family": FONT, "size": 14},
        margin={"l": 16, "r": 16, "t": 56, "b": 16},
        paper_bgcolor="#fff",
        plot_bgcolor="#fff",
        legend={"orientation": "h", "y": -0.2},
    )
    return script_json(fig.to_json())


@bp.get("/metrics", endpoint="metrics")
@roles_required()
@chart_page
def metrics_page() -> Response | str:
    """Received, answered, answered on time, median days to answer: by department and month, from the rows."""
    year_value = year_arg()
    con, today = get_db(), dt.date.today()
    by_department = metrics.table(con, "department", today, year_value)
    by_month = metrics.table(con, "month", today, year_value)
    data = {
        "year": year_value,
        "years": metrics.years(con),
        "totals": metrics.totals(con, today, year_value),
        "by_department": by_department,
        "by_month": by_month,
        "by_type": metrics.table(con, "type", today, year_value),
    }
    charts = {
        "department": _bars(by_department, _("按承办部门")),
        "month": _bars(by_month, _("按留言月份")),
    }
    return render("staff/messages_metrics.html", jsonable(data), charts=charts)

"""plotly figures for the inspectors' pages, as JSON for <script type="application/json"> (no inline script).

static/js/charts.js draws them with the plotly.js the app serves itself.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from markupsafe import Markup

from fundquery.web.charts import FONT, checked_layout, figure_json, hbar, plot_text, plot_texts

BUCKET_COLOURS = ("#2e7d32", "#f9a825", "#b3261e", "#6a1b9a", "#37474f")


LAYOUT = checked_layout(
    font={"family": FONT, "size": 13},
    margin={"l": 10, "r": 10, "t": 50, "b": 10},
    paper_bgcolor="#fff",
    plot_bgcolor="#fff",
    legend={"orientation": "h", "y": -0.12},
    barmode="stack",
    yaxis={"automargin": True},
)
DELAY_LAYOUT = checked_layout(
    **{
        **LAYOUT,
        "legend": {**LAYOUT["legend"], "traceorder": "normal"},
        "yaxis": {"automargin": True, "autorange": "reversed"},
    }
)
TOWNSHIP_LAYOUT = checked_layout(**LAYOUT, xaxis={"type": "category"})
QUOTA_LAYOUT = checked_layout(
    **{**LAYOUT, "barmode": "group", "yaxis": {"automargin": True, "autorange": "reversed"}}
)


def _json(
    traces: list[Any], layout: dict[str, Any], title: str, height: int, **per_figure: Any
) -> Markup:
    return figure_json(
        traces,
        layout,
        title={"text": title, "x": 0, "xanchor": "left"},
        height=height,
        **per_figure,
    )


def delay_distribution(groups: list[dict[str, Any]], title: str, x_title: str) -> Markup | None:
    """One horizontal bar per fund, split into the delay buckets (per cent of its disbursements)."""
    groups = [g for g in groups if g["total"]]
    if not groups:
        return None
    labels = plot_texts([g["group"] for g in groups])
    traces = []
    for b, bucket in enumerate(groups[0]["labels"]):
        traces.append(
            go.Bar(
                name=plot_text(bucket),
                y=labels,
                x=[float(g["percentages"][b] or 0) for g in groups],
                orientation="h",
                marker_color=BUCKET_COLOURS[b % len(BUCKET_COLOURS)],
                customdata=[g["buckets"][b] for g in groups],
                hovertemplate="%{y}<br>"
                + plot_text(bucket)
                + "：%{customdata}（%{x:.2f}%）<extra></extra>",
            )
        )
    return _json(
        traces,
        DELAY_LAYOUT,
        title,
        max(300, 40 + 28 * len(groups)),
        xaxis={"title": {"text": x_title}, "range": [0, 100], "ticksuffix": "%"},
    )


def findings_by_township(results: list, title: str) -> Markup | None:
    """Findings per township, one colour per check (checks whose rows carry a township)."""
    traces = []
    townships: set[str] = set()
    for result in results:
        if "township" not in [c.name for c in result.check.columns] or not result.rows:
            continue
        counts: dict[str, int] = {}
        for row in result.rows:
            key = row.get("township") or "—"
            counts[key] = counts.get(key, 0) + 1
        townships |= set(counts)
        traces.append((result.check.title_zh, counts))
    if not traces:
        return None
    order = sorted(townships)
    bars = [
        go.Bar(
            name=plot_text(name),
            x=plot_texts(order),
            y=[counts.get(t, 0) for t in order],
            hovertemplate="%{x} " + plot_text(name) + "：%{y}<extra></extra>",
        )
        for name, counts in traces
    ]
    return _json(bars, TOWNSHIP_LAYOUT, title, 420)


def quota_against_actual(
    rows: list[dict[str, Any]], title: str, names: tuple[str, str, str]
) -> Markup | None:
    """Quota, staff on the roll and staff reported, per agency and 编制类型."""
    if not rows:
        return None
    labels = [f"{r['agency_name']} · {r['staffing_type']}" for r in rows]
    bars = [
        hbar(names[0], labels, [r["quota"] for r in rows], "#8c96a3"),
        hbar(names[1], labels, [r["on_roll"] for r in rows], "#b3261e"),
        hbar(names[2], labels, [r["actual_reported"] or 0 for r in rows], "#f9a825"),
    ]
    return _json(bars, QUOTA_LAYOUT, title, max(300, 60 + 60 * len(rows)))

"""plotly figures for the public pages, as JSON for a <script type="application/json"> block.

No inline scripts (the CSP forbids them): the page carries each figure's JSON
and static/js/charts.js draws it with the plotly.js the app serves itself.
Amounts are Decimal in the store; charts get floats, tables keep the exact values.
"""

from __future__ import annotations

import html
import json
from typing import Any

import pandas  # noqa: F401  (see below)
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup

# plotly (and DuckDB) import pandas lazily, on first use, in whichever request
# thread gets there first; under the soak (issue 8) another thread meanwhile saw
# the half-imported module ("partially initialized module 'pandas' has no
# attribute 'Series'") and a fund page answered 500.  Importing it here, when
# the app is created (before gunicorn forks its worker), closes that window.

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
RED, GREY = "#b3261e", "#8c96a3"
# Townships in muted, print-safe colours (plotly's default blue/orange clashes with the red pages).
TREEMAP_COLOURS = [
    "#b3261e",
    "#c9684f",
    "#7a8a99",
    "#a05a7a",
    "#5f7f5f",
    "#c29b48",
    "#4f6d8f",
    "#8c5a3c",
]


def script_json(text: str) -> Markup:
    """JSON text safe inside <script type="application/json">: no "</script>" from a village name."""
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))  # noqa: S704


def checked_layout(**layout: Any) -> dict[str, Any]:
    """A layout dict checked once by plotly (a typo raises here, at import), then reused as plain data."""
    go.Layout(**layout)
    return layout


def figure_json(traces: list[Any], layout: dict[str, Any], **per_figure: Any) -> Markup:
    """Traces (plotly objects, checked as they are built) and a layout as the page's JSON.

    ``layout`` comes from checked_layout; ``per_figure`` (title text, height, axis settings of the same shape
    every time) is merged in as data.  Building a go.Figure and calling update_layout re-checked and
    deep-copied everything on every request: about 45 ms of a fund page's 117 ms on the demo county
    (pyinstrument), more than its queries.
    """
    spec = {
        "data": [t.to_plotly_json() for t in traces],
        "layout": {"template": TEMPLATE, **layout, **per_figure},
    }
    return script_json(pio.to_json(spec, validate=False))


# The default template go.Figure would attach (plotly's look: axis lines, hover labels, colour scales), once.
TEMPLATE = json.loads(json.dumps(pio.templates[pio.templates.default].to_plotly_json()))

PAGE_LAYOUT = checked_layout(
    font={"family": FONT, "size": 14},
    treemapcolorway=TREEMAP_COLOURS,
    margin={"l": 16, "r": 16, "t": 56, "b": 16},
    paper_bgcolor="#fff",
    plot_bgcolor="#fff",
    legend={"orientation": "h", "y": -0.15},
)


MONTHLY_LAYOUT = checked_layout(
    **PAGE_LAYOUT, xaxis={"type": "category"}, yaxis={"tickformat": ",.0f", "gridcolor": "#e5e8ec"}
)
QUOTA_LAYOUT = checked_layout(
    **PAGE_LAYOUT,
    barmode="group",
    yaxis={"autorange": "reversed", "automargin": True},
    xaxis={"gridcolor": "#e5e8ec"},
)


def plot_text(text: Any) -> str:
    """A label or id as plotly shows it literally: plotly reads its text as HTML (``<a href>``
    becomes a link, ``<br>`` a line break), and a township may be named ``<a href="…">t</a>``."""
    return html.escape(str(text), quote=False)


def plot_texts(texts: list[Any]) -> list[str]:
    return [plot_text(t) for t in texts]


def hbar(name: str, labels: list[str], values: list[Any], colour: str) -> go.Bar:
    """One horizontal bar trace: a named series of values, one bar per label."""
    return go.Bar(
        name=plot_text(name),
        y=plot_texts(labels),
        x=values,
        orientation="h",
        marker_color=colour,
    )


def _title(text: str) -> dict[str, Any]:
    return {"text": text, "x": 0.015, "xanchor": "left", "y": 0.97, "yanchor": "top"}


def village_treemap(
    rows: list[dict[str, Any]], title: str, value_key: str, unvillaged: str = "—"
) -> Markup | None:
    """Township → village treemap of one fund's money (None when there is nothing to draw); payments with
    no village (a township-level roster, issue 14) are one box ``unvillaged`` under their township."""
    rows = [r for r in rows if r[value_key]]
    if not rows:
        return None
    ids, labels, parents, values = [], [], [], []
    townships: dict[str, float] = {}
    for r in rows:
        township = r["township"] or "—"
        townships[township] = townships.get(township, 0.0) + float(r[value_key])
        village = unvillaged if r["village"] is None else (r["village"] or "—")
        ids.append(f"{township}/{village}")
        labels.append(village)
        parents.append(township)
        values.append(float(r[value_key]))
    for township, total in townships.items():
        ids.append(township)
        labels.append(township)
        parents.append("")
        values.append(total)
    trace = go.Treemap(
        ids=plot_texts(ids),
        labels=plot_texts(labels),
        parents=[plot_text(p) if p else "" for p in parents],
        values=values,
        branchvalues="total",
        texttemplate="%{label}<br>%{value:,.2f}",
        hovertemplate="%{label}: %{value:,.2f}<extra></extra>",
    )
    return figure_json([trace], PAGE_LAYOUT, title=_title(title), height=480)


def monthly_bars(rows: list[dict[str, Any]], title: str) -> Markup | None:
    """Payments by month paid."""
    if not rows:
        return None
    trace = go.Bar(
        x=plot_texts([r["month"] for r in rows]),
        y=[float(r["paid_yuan"]) for r in rows],
        marker_color=RED,
        hovertemplate="%{x}: %{y:,.2f}<extra></extra>",
    )
    return figure_json([trace], MONTHLY_LAYOUT, title=_title(title), height=360)


def quota_bars(
    rows: list[dict[str, Any]], label_key: str, title: str, names: tuple[str, str]
) -> Markup | None:
    """Quota against serving staff, side by side, one pair of bars per department or agency."""
    if not rows:
        return None
    labels = [r[label_key] or "—" for r in rows]
    traces = [
        hbar(names[0], labels, [r["quota"] for r in rows], GREY),
        hbar(names[1], labels, [r["actual"] for r in rows], RED),
    ]
    return figure_json(
        traces, QUOTA_LAYOUT, title=_title(title), height=max(320, 60 + 48 * len(rows))
    )


def daily_counts(
    rows: list[dict[str, Any]], series: tuple[tuple[str, str], ...], title: str
) -> Markup | None:
    """Counts per day, one bar series per (key, name) of ``series`` (the staff usage page)."""
    if not rows:
        return None
    colours = (RED, GREY, "#4f6d7a")
    traces = [
        go.Bar(
            name=name,
            x=[r["day"].isoformat() for r in rows],
            y=[int(r[key]) for r in rows],
            marker_color=colours[i % len(colours)],
        )
        for i, (key, name) in enumerate(series)
    ]
    return figure_json(traces, MONTHLY_LAYOUT, title=_title(title), height=360, barmode="group")


def count_bars(labels: list[str], values: list[int], name: str, title: str) -> Markup | None:
    """One horizontal bar per label (query points, fund pages)."""
    if not labels:
        return None
    return figure_json(
        [hbar(name, labels, values, RED)],
        QUOTA_LAYOUT,
        title=_title(title),
        height=max(320, 60 + 36 * len(labels)),
    )

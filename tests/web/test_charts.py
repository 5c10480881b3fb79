"""Chart JSON: the fast path (traces + a layout checked once) is the figure plotly's own API builds.

Each expected figure is built here the slow, fully checked way (go.Figure, update_layout, update_axes),
independently of fundquery.web.charts, and compared whole with what the page embeds.
"""

from __future__ import annotations

import json
from decimal import Decimal

import plotly.graph_objects as go

from fundquery.inspect import charts as inspect_charts
from fundquery.web import charts

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
PAGE = dict(
    font={"family": FONT, "size": 14},
    treemapcolorway=[
        "#b3261e",
        "#c9684f",
        "#7a8a99",
        "#a05a7a",
        "#5f7f5f",
        "#c29b48",
        "#4f6d8f",
        "#8c5a3c",
    ],
    margin={"l": 16, "r": 16, "t": 56, "b": 16},
    paper_bgcolor="#fff",
    plot_bgcolor="#fff",
    legend={"orientation": "h", "y": -0.15},
)


def embedded(markup) -> dict:
    spec = json.loads(str(markup))
    go.Figure(spec)  # plotly's checker: raises on any key or value it does not know
    return spec


def reference(fig: go.Figure) -> dict:
    return json.loads(fig.to_json())


def page_title(text: str) -> dict:
    return {"text": text, "x": 0.015, "xanchor": "left", "y": 0.97, "yanchor": "top"}


def test_monthly_bars_is_the_checked_figure():
    rows = [
        {"month": "2024-01", "paid_yuan": Decimal("1200.50")},
        {"month": "2024-02", "paid_yuan": Decimal("99.99")},
    ]
    fig = go.Figure(
        go.Bar(
            x=["2024-01", "2024-02"],
            y=[1200.5, 99.99],
            marker_color="#b3261e",
            hovertemplate="%{x}: %{y:,.2f}<extra></extra>",
        )
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(tickformat=",.0f", gridcolor="#e5e8ec")
    fig.update_layout(title=page_title("按月"), height=360, **PAGE)
    assert embedded(charts.monthly_bars(rows, "按月")) == reference(fig)


def test_village_treemap_is_the_checked_figure():
    rows = [
        {"township": "城关镇", "village": "东村", "v": Decimal("10.00")},
        {"township": "城关镇", "village": "西村", "v": Decimal("5.50")},
        {"township": "河口乡", "village": None, "v": Decimal("1.25")},
        {"township": "河口乡", "village": "空村", "v": Decimal("0")},
    ]
    fig = go.Figure(
        go.Treemap(
            ids=["城关镇/东村", "城关镇/西村", "河口乡/—", "城关镇", "河口乡"],
            labels=["东村", "西村", "—", "城关镇", "河口乡"],
            parents=["城关镇", "城关镇", "河口乡", "", ""],
            values=[10.0, 5.5, 1.25, 15.5, 1.25],
            branchvalues="total",
            texttemplate="%{label}<br>%{value:,.2f}",
            hovertemplate="%{label}: %{value:,.2f}<extra></extra>",
        )
    )
    fig.update_layout(title=page_title("分布"), height=480, **PAGE)
    assert embedded(charts.village_treemap(rows, "分布", "v")) == reference(fig)


def test_quota_bars_is_the_checked_figure():
    rows = [
        {"d": "县财政局", "quota": 20, "actual": 23},
        {"d": "县民政局", "quota": 15, "actual": 12},
    ]
    fig = go.Figure(
        [
            go.Bar(
                name="编制数",
                y=["县财政局", "县民政局"],
                x=[20, 15],
                orientation="h",
                marker_color="#8c96a3",
            ),
            go.Bar(
                name="实有人数",
                y=["县财政局", "县民政局"],
                x=[23, 12],
                orientation="h",
                marker_color="#b3261e",
            ),
        ]
    )
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(gridcolor="#e5e8ec")
    fig.update_layout(title=page_title("编制"), height=max(320, 60 + 48 * 2), **PAGE)
    assert embedded(charts.quota_bars(rows, "d", "编制", ("编制数", "实有人数"))) == reference(fig)


def test_delay_distribution_is_the_checked_figure():
    groups = [
        {
            "group": "耕地地力保护补贴",
            "total": 10,
            "labels": ["≤3天", "4–10天", ">10天"],
            "percentages": [Decimal("70.00"), Decimal("20.00"), Decimal("10.00")],
            "buckets": [7, 2, 1],
        }
    ]
    colours = ("#2e7d32", "#f9a825", "#b3261e")
    fig = go.Figure(
        [
            go.Bar(
                name=label,
                y=["耕地地力保护补贴"],
                x=[pct],
                orientation="h",
                marker_color=colours[b],
                customdata=[n],
                hovertemplate="%{y}<br>" + label + "：%{customdata}（%{x:.2f}%）<extra></extra>",
            )
            for b, (label, pct, n) in enumerate(
                # plotly reads labels as HTML: ">10天" is given as text, "&gt;10天" (issue 15)
                zip(["≤3天", "4–10天", "&gt;10天"], [70.0, 20.0, 10.0], [7, 2, 1], strict=True)
            )
        ]
    )
    fig.update_xaxes(title="占比", range=[0, 100], ticksuffix="%")
    fig.update_layout(legend={"traceorder": "normal"})
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(
        title={"text": "延迟", "x": 0, "xanchor": "left"},
        height=300,
        font={"family": FONT, "size": 13},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        paper_bgcolor="#fff",
        plot_bgcolor="#fff",
        legend={"orientation": "h", "y": -0.12},
        barmode="stack",
    )
    fig.update_yaxes(automargin=True)
    assert embedded(inspect_charts.delay_distribution(groups, "延迟", "占比")) == reference(fig)

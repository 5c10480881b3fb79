"""Chart labels are text, not markup (issue 15 §3): a township named like a link stays a name.

plotly reads the text it draws as HTML: before, a township named
``<a href="…">t</a>`` became a clickable link on a public fund page.  The
figures the pages embed (fundquery.web.charts, fundquery.inspect.charts, the
message desk's bars) are drawn here in chromium with the plotly the app serves.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from fundquery.inspect import charts as inspect_charts
from fundquery.views.message_desk_metrics import _bars
from fundquery.web import charts
from fundquery.web.security import CHART_CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.browser

HOSTILE = '<a href="https://evil.example/">t</a>'


def figures() -> dict[str, str]:
    """Each chart helper's JSON, with the hostile name where a label or id comes from the data."""
    rows = [
        {"township": HOSTILE, "village": HOSTILE, "paid_yuan": Decimal("10.00")},
        {"township": "城关镇", "village": "东风村", "paid_yuan": Decimal("5.00")},
    ]
    quota = [{"department": HOSTILE, "quota": 3, "actual": 4}]
    delays = [
        {"group": HOSTILE, "total": 2, "labels": ["≤3天"], "percentages": [100], "buckets": [2]}
    ]
    return {
        "treemap": charts.village_treemap(rows, "去向", "paid_yuan"),
        "quota": charts.quota_bars(quota, "department", "编制", ("编制数", "实有人数")),
        "delays": inspect_charts.delay_distribution(delays, "拨付时间", "%"),
        "desk": _bars([{"label": HOSTILE, "received": 2, "answered": 1, "on_time": 1}], "办理"),
    }


@pytest.mark.parametrize("name", ["treemap", "quota", "delays", "desk"])
def test_a_label_named_like_a_link_is_shown_as_text(browser, live_server, artifacts, name):
    figure = str(figures()[name])
    page_html = (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<script src="/static/vendor/plotly.min.js"></script></head>'
        '<body><div id="chart" style="width:800px;height:500px"></div>'
        f'<script type="application/json" id="figure">{figure}</script></body></html>'
    )
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": CHART_CONTENT_SECURITY_POLICY.replace(
            "script-src", "script-src 'unsafe-inline'", 1
        ),
    }
    context = browser.new_context(locale="zh-CN", viewport={"width": 820, "height": 520})
    page = context.new_page()
    page.route("**/chart-label", lambda route: route.fulfill(headers=headers, body=page_html))
    page.goto(live_server.url + "/chart-label")
    page.evaluate(
        "const f = JSON.parse(document.getElementById('figure').textContent);"
        " Plotly.newPlot('chart', f.data, f.layout)"
    )
    page.locator("#chart .main-svg").first.wait_for()
    page.screenshot(path=artifacts / f"chart-label-{name}.png")
    links = page.locator('#chart a[href*="evil.example"], #chart [*|href*="evil.example"]').count()
    text = page.locator("#chart").inner_text() + page.evaluate(
        "Array.from(document.querySelectorAll('#chart text')).map(t => t.textContent).join('|')"
    )
    context.close()
    assert links == 0, f"{name}: the label became a link"
    assert HOSTILE in text, f"{name}: the name is not shown as written: {text[:500]}"

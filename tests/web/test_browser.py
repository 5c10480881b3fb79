"""The home page in Debian's chromium, driven by Playwright, against the real server."""

from __future__ import annotations

import pytest

from fundquery.web.security import CHART_CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.browser


def _open(browser, live_server, **context_options):
    context = browser.new_context(locale="zh-CN", **context_options)
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(live_server.url + "/")
    return context, page, problems


def test_home_switches_language_and_back(browser, live_server, artifacts):
    context, page, problems = _open(browser, live_server, viewport={"width": 1280, "height": 900})
    assert page.locator("h1").inner_text() == "财政资金公开查询系统"
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.screenshot(path=artifacts / "home-zh.png", full_page=True)

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/?lang=en")
    assert page.locator("h1").inner_text() == "Public Finance Transparency and Query System"
    page.screenshot(path=artifacts / "home-en.png", full_page=True)

    page.get_by_role("link", name="中文").click()
    page.wait_for_url("**/?lang=zh")
    assert page.locator("h1").inner_text() == "财政资金公开查询系统"
    context.close()
    assert problems == [], "console errors (a CSP violation shows up here)"


def test_home_fits_a_phone(browser, live_server, artifacts):
    context, page, problems = _open(
        browser,
        live_server,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
    )
    page.screenshot(path=artifacts / "home-phone.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 390, "the page scrolls sideways on a phone"
    assert problems == []


def test_plotly_draws_under_the_chart_policy(browser, live_server, artifacts):
    """plotly from the app itself, under the CSP chart pages get, with no console errors."""
    page_html = (
        '<!doctype html><html><head><script src="/static/vendor/plotly.min.js"></script></head>'
        '<body><div id="chart"></div></body></html>'
    )
    headers = {
        "Content-Type": "text/html",
        "Content-Security-Policy": CHART_CONTENT_SECURITY_POLICY,
    }
    context = browser.new_context(locale="zh-CN", viewport={"width": 800, "height": 500})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type != "log" else None)
    page.route("**/chart-probe", lambda route: route.fulfill(headers=headers, body=page_html))
    page.goto(live_server.url + "/chart-probe")
    page.evaluate(
        "Plotly.newPlot('chart', [{x: ['甲镇', '乙镇'], y: [3, 5], type: 'bar'}],"
        " {title: {text: '补贴发放'}})"
    )
    page.locator("#chart .main-svg").first.wait_for()
    page.screenshot(path=artifacts / "plotly-chart-policy.png")
    context.close()
    assert problems == []

"""Security basics: headers, cookie flags, CSRF, no inline scripts, plotly served locally."""

from __future__ import annotations

import gzip
import re

import pytest
from flask_wtf.csrf import generate_csrf

from fundquery.web.security import CHART_CONTENT_SECURITY_POLICY, chart_page


@pytest.mark.parametrize("path", ["/", "/healthz", "/no-such-page"], ids=["home", "health", "404"])
def test_every_response_has_security_headers(client, path):
    headers = client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


def test_session_cookie_is_httponly_and_lax(client):
    cookie = client.get("/?lang=en").headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_csrf_protects_posts(app, client):
    app.add_url_rule("/probe", "probe_get", lambda: generate_csrf())
    app.add_url_rule("/probe", "probe_post", lambda: "accepted", methods=["POST"])
    refused = client.post("/probe", data={"x": "1"})
    assert refused.status_code == 400
    assert "页面已过期" in refused.get_data(as_text=True)
    token = client.get("/probe").get_data(as_text=True)
    accepted = client.post("/probe", data={"x": "1", "csrf_token": token})
    assert accepted.status_code == 200


def test_pages_have_no_inline_script_or_style_and_no_plotly(client):
    html = client.get("/").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "style=" not in html and "<style" not in html
    assert "plotly" not in html
    assert "http://" not in html and "https://" not in html


def test_plotly_is_served_by_the_app_with_long_cache(client):
    plain = client.get("/static/vendor/plotly.min.js")
    assert plain.status_code == 200
    assert plain.mimetype == "text/javascript"
    assert plain.cache_control.max_age == 365 * 24 * 3600
    assert b"plotly" in plain.data[:2000].lower()
    zipped = client.get("/static/vendor/plotly.min.js", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    again = client.get(
        "/static/vendor/plotly.min.js", headers={"If-None-Match": plain.headers["ETag"]}
    )
    assert again.status_code == 304


def test_chart_pages_allow_inline_styles_but_no_inline_scripts(app, client):
    app.add_url_rule("/chart", "chart", chart_page(lambda: "chart"))
    csp = client.get("/chart").headers["Content-Security-Policy"]
    assert csp == CHART_CONTENT_SECURITY_POLICY
    assert "style-src 'self' 'unsafe-inline'" in csp
    assert "script-src" not in csp and "default-src 'self'" in csp
    assert "unsafe-inline" not in client.get("/").headers["Content-Security-Policy"]

"""Security basics every response gets: CSRF protection and protective headers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, Response, make_response
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

# No inline scripts or styles anywhere; charts get their data from JSON blocks.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

# plotly.js sets inline styles (modebar, hover labels) and breaks without them;
# scripts stay 'self' only.  Pages with charts opt in with @chart_page.
CHART_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY + "; style-src 'self' 'unsafe-inline'"

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
}


def add_security_headers(response: Response) -> Response:
    """Set the protective headers unless a view chose its own."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def chart_page(view: Callable[..., Any]) -> Callable[..., Response]:
    """Mark a view whose page draws plotly charts: allow inline styles, nothing else."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        response = make_response(view(*args, **kwargs))
        response.headers["Content-Security-Policy"] = CHART_CONTENT_SECURITY_POLICY
        return response

    return wrapped


def init_app(app: Flask) -> None:
    """Turn on CSRF protection for every form and the headers for every response."""
    csrf.init_app(app)
    app.after_request(add_security_headers)

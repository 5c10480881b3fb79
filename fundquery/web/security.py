"""Security basics every response gets: CSRF protection and protective headers.

Staff pages show personal data (a complaint's sender and phone, an
inspector's person and check pages, their CSV): every response under
/staff/, and every response to a signed-in user, is ``Cache-Control:
no-store``, so no browser or proxy keeps a copy.  Where cookies are Secure
(behind HTTPS), browsers are told to come back over HTTPS only (HSTS).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, Response, current_app, make_response, request
from flask_login import current_user
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


# A year, the value browsers' preload lists ask for; no includeSubDomains: other sites of the
# county's domain may not have HTTPS.
HSTS = "max-age=31536000"
STAFF_PREFIX = "/staff"
STATIC_PREFIX = "/static/"


def add_security_headers(response: Response) -> Response:
    """Set the protective headers unless a view chose its own."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def is_private(path: str) -> bool:
    """Whether a response may hold personal data: a staff page, or anything a signed-in user sees.

    Static files (CSS, JavaScript, images) are the same for everyone and stay cacheable.
    """
    if path == STAFF_PREFIX or path.startswith(STAFF_PREFIX + "/"):
        return True
    if path.startswith(STATIC_PREFIX):
        return False
    return bool(current_user and current_user.is_authenticated)


def no_store_for_staff(response: Response) -> Response:
    """After every request: nothing private is kept by a browser's or a proxy's cache."""
    if is_private(request.path):
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
        response.headers.pop("ETag", None)
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
    """Turn on CSRF protection for every form, the headers for every response, no-store for staff."""
    csrf.init_app(app)
    app.after_request(add_security_headers)
    app.after_request(no_store_for_staff)

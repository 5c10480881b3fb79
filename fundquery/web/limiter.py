"""Rate limits for the resident lookup (Flask-Limiter, in-memory: the app is one process).

Two budgets hold at once: one per client address and one for everybody
together, so that many addresses cannot enumerate people either.  The client
address is the socket's peer: an X-Forwarded-For header is believed only when
TRUSTED_PROXIES says how many reverse proxies stand in front of the app
(werkzeug's ProxyFix then takes that many hops from the right, the ones the
proxies wrote, never the ones the client wrote).
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

# DESIGN.md §5: lookups are rate-limited per client address.  A query point's
# kiosk is one address for every villager who uses it: raise the limit there
# with LOOKUP_RATE_LIMIT (e.g. "30 per minute;300 per hour").
DEFAULT_LOOKUP_RATE_LIMIT = "10 per minute;50 per hour"
# All clients together.  A county of ~300,000 people (DESIGN.md §1: 882,804
# person-times over several years) looks up far below 300 a minute even in the
# week the letters arrive; someone walking through ID numbers from many
# addresses is held to 5,000 an hour, against 10^7 possible numbers per birth year.
DEFAULT_LOOKUP_GLOBAL_RATE_LIMIT = "300 per minute;5000 per hour"
GLOBAL_KEY = "all-clients"

limiter = Limiter(get_remote_address, storage_uri="memory://", strategy="fixed-window")


def lookup_limit() -> str:
    """The configured per-client lookup limit (read per request, so tests and admins can change it)."""
    return current_app.config.get("LOOKUP_RATE_LIMIT", DEFAULT_LOOKUP_RATE_LIMIT)


def lookup_global_limit() -> str:
    """The configured limit on lookups from all clients together."""
    return current_app.config.get("LOOKUP_GLOBAL_RATE_LIMIT", DEFAULT_LOOKUP_GLOBAL_RATE_LIMIT)


def everybody() -> str:
    """The key of the global budget: the same for every client."""
    return GLOBAL_KEY


def init_app(app: Flask) -> None:
    """Attach the limiter (each app gets fresh in-memory counters); trust only configured proxies."""
    app.config.setdefault("LOOKUP_RATE_LIMIT", DEFAULT_LOOKUP_RATE_LIMIT)
    app.config.setdefault("LOOKUP_GLOBAL_RATE_LIMIT", DEFAULT_LOOKUP_GLOBAL_RATE_LIMIT)
    proxies = int(app.config.setdefault("TRUSTED_PROXIES", 0))
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)  # type: ignore[method-assign]
    limiter.init_app(app)

"""Rate limits for the resident lookup (Flask-Limiter, in-memory: the app is one process).

Two budgets hold at once: one per client address and one for everybody
together, so that many addresses cannot enumerate people either.  The client
address is the socket's peer: an X-Forwarded-For header is believed only when
TRUSTED_PROXIES says how many reverse proxies stand in front of the app
(werkzeug's ProxyFix then takes that many hops from the right, the ones the
proxies wrote, never the ones the client wrote).
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many
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

MEMORY_STORAGE = "memory://"
# No storage_uri here: Flask-Limiter's constructor argument would override RATELIMIT_STORAGE_URI.
limiter = Limiter(get_remote_address, strategy="fixed-window")


@lru_cache(maxsize=64)
def share(limit: str, workers: int) -> str:
    """``limit`` divided among ``workers`` processes that each count alone (rounded down, at least 1)."""
    if workers <= 1:
        return limit
    return ";".join(
        f"{max(1, item.amount // workers)} per {item.multiples} {item.GRANULARITY.name}"
        for item in parse_many(limit)
    )


def counting_processes() -> int:
    """How many processes count lookups apart: the workers, unless they share a store."""
    if current_app.config.get("RATELIMIT_STORAGE_URI", MEMORY_STORAGE) != MEMORY_STORAGE:
        return 1
    return int(current_app.config.get("LOOKUP_LIMIT_WORKERS", 1))


def lookup_limit() -> str:
    """The per-client lookup limit this process enforces (read per request, so tests and admins can change it)."""
    limit = current_app.config.get("LOOKUP_RATE_LIMIT", DEFAULT_LOOKUP_RATE_LIMIT)
    return share(limit, counting_processes())


def lookup_global_limit() -> str:
    """The limit on lookups from all clients together that this process enforces."""
    limit = current_app.config.get("LOOKUP_GLOBAL_RATE_LIMIT", DEFAULT_LOOKUP_GLOBAL_RATE_LIMIT)
    return share(limit, counting_processes())


def everybody() -> str:
    """The key of the global budget: the same for every client."""
    return GLOBAL_KEY


def init_app(app: Flask) -> None:
    """Attach the limiter (each app gets fresh in-memory counters); trust only configured proxies."""
    app.config.setdefault("LOOKUP_RATE_LIMIT", DEFAULT_LOOKUP_RATE_LIMIT)
    app.config.setdefault("LOOKUP_GLOBAL_RATE_LIMIT", DEFAULT_LOOKUP_GLOBAL_RATE_LIMIT)
    app.config.setdefault("RATELIMIT_STORAGE_URI", MEMORY_STORAGE)
    # Set by `fundquery serve --workers N` (fundquery/web/server.py): processes counting apart.
    app.config.setdefault("LOOKUP_LIMIT_WORKERS", 1)
    proxies = int(app.config.setdefault("TRUSTED_PROXIES", 0))
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)  # type: ignore[method-assign]
    limiter.init_app(app)

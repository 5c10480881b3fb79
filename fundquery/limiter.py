"""Rate limits for the resident lookup (Flask-Limiter, in-memory: the app is one process)."""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# DESIGN.md §5: lookups are rate-limited per client address.  A query point's
# kiosk is one address for every villager who uses it: raise the limit there
# with LOOKUP_RATE_LIMIT (e.g. "30 per minute;300 per hour").
DEFAULT_LOOKUP_RATE_LIMIT = "10 per minute;50 per hour"

limiter = Limiter(get_remote_address, storage_uri="memory://", strategy="fixed-window")


def lookup_limit() -> str:
    """The configured lookup limit (read per request, so tests and admins can change it)."""
    return current_app.config.get("LOOKUP_RATE_LIMIT", DEFAULT_LOOKUP_RATE_LIMIT)


def init_app(app: Flask) -> None:
    """Attach the limiter; each app gets fresh in-memory counters."""
    app.config.setdefault("LOOKUP_RATE_LIMIT", DEFAULT_LOOKUP_RATE_LIMIT)
    limiter.init_app(app)

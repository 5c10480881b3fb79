"""How many working days passed between a batch's payments and its publication.

政务公开 rules ask for information to be published within 20 working days
of being formed.  Working days come from the holiday table
(fundquery.calendar.workdays: statutory holidays and adjusted working days,
seeded from chinesecalendar; a year not loaded counts Monday–Friday and the
figure is marked provisional).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from fundquery.calendar.workdays import working_days_between
from fundquery.queries.batches import payment_dates

# 政府信息形成或者变更之日起 20 个工作日内公开: the one statement of the rule; the inspectors'
# late-publication check takes its default from here (fundquery.inspect.catalogue.Params).
RULE_WORKING_DAYS = 20
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 2), dt.date(2100, 12, 31)  # the calendar's range


def is_late(working_days: int) -> bool:
    """Whether this many working days from payment to publication breaks the rule."""
    return working_days > RULE_WORKING_DAYS


def publication_delay(
    con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date
) -> dict[str, Any]:
    """Working days in (start, end], counted as the late-publication check counts them, and whether late."""
    start, end = min(max(start, FIRST_DAY), LAST_DAY), min(max(end, FIRST_DAY), LAST_DAY)
    if end < start:
        return {"working_days": 0, "is_provisional": False, "is_late": False}
    days, provisional = working_days_between(con, start, end)
    return {"working_days": days, "is_provisional": provisional, "is_late": is_late(days)}


def batch_timeliness(
    con: duckdb.DuckDBPyConnection, batch_id: int, kind: str, published_at: dt.datetime | dt.date
) -> dict[str, Any] | None:
    """Working days from the first and the last payment date to publication (or today)."""
    dates = payment_dates(con, batch_id, kind)
    if not dates or dates["first_paid_on"] is None:
        return None
    published_on = published_at.date() if isinstance(published_at, dt.datetime) else published_at
    return {
        **dates,
        "published_on": published_on,
        "from_first": publication_delay(con, dates["first_paid_on"], published_on),
        "from_last": publication_delay(con, dates["last_paid_on"], published_on),
    }

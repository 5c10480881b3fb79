"""Deadlines in working days, on the store's holiday table (fundquery.calendar.workdays).

chinesecalendar knows 2004–2026; a later year not yet loaded by an
administrator counts Monday–Friday and the deadline is marked provisional.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from fundquery.queries.calendar import day_after_working_days


def add_working_days(
    con: duckdb.DuckDBPyConnection, start: dt.date, days: int
) -> tuple[dt.date, bool]:
    """The day on which the ``days``-th working day after ``start`` falls, and whether it is provisional.

    The day of receipt does not count: a message received on a Wednesday with
    3 working days is due on the following Monday (no holidays between).
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    return day_after_working_days(con, start, days)

"""Deadlines in working days, on the store's holiday table (fundquery.calendar.workdays).

chinesecalendar knows 2004–2026; a later year not yet loaded by an
administrator counts Monday–Friday and the deadline is marked provisional.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from fundquery.calendar.workdays import WORKDAY_INDEX


def add_working_days(con: duckdb.DuckDBPyConnection, start: dt.date, days: int) -> tuple[dt.date, bool]:
    """The day on which the ``days``-th working day after ``start`` falls, and whether it is provisional.

    The day of receipt does not count: a message received on a Wednesday with
    3 working days is due on the following Monday (no holidays between).
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    row = con.execute(
        f"WITH {WORKDAY_INDEX} "  # noqa: S608 (a fixed CTE, no input in it)
        "SELECT e.day, e.provisional_no > s.provisional_no "
        "FROM workday_index s, workday_index e "
        "WHERE s.day = ? AND e.workday_no = s.workday_no + ? AND e.day > s.day ORDER BY e.day LIMIT 1",
        [start, days],
    ).fetchone()
    return row[0], bool(row[1])

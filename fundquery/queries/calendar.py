"""The holiday schedule's SQL: the working-day index, the years and days as loaded, and their replacement.

The working-day index and the two expressions that count working days on it
(``WORKING_DAYS``, ``PROVISIONAL``) are the one definition of "working days
between two dates": the timeliness page (fundquery.calendar), the
inspectors' late-publication and late-reply checks and the messages'
deadlines all use them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from fundquery.queries.sql import fetch


def loaded_years(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Each loaded year with its days off, adjusted working days, source and who loaded it."""
    return fetch(
        con,
        "SELECT y.year, y.source, y.loaded_by, y.loaded_at,"
        " count(d.day) FILTER (WHERE NOT d.is_workday) AS days_off, count(d.day) FILTER (WHERE d.is_workday) AS days_on"
        " FROM holiday_years y LEFT JOIN holiday_days d ON year(d.day) = y.year GROUP BY ALL ORDER BY y.year DESC",
    )


# Cumulative working-day number of every day from 2000 to 2100: the working
# days in (a, b] are idx(b) - idx(a).  Days of a year missing from
# holiday_years count Monday–Friday and carry is_provisional.  The days come
# from unnest(generate_series(…)) in a subquery: a form sqlglot translates for
# Spark (fundquery.lake.translate), which a table function in FROM is not.
WORKDAY_INDEX = """
workday_index AS (
    SELECT day,
           sum(CAST(is_workday AS INTEGER)) OVER (ORDER BY day) AS workday_no,
           sum(CAST(is_provisional AS INTEGER)) OVER (ORDER BY day) AS provisional_no
    FROM (
        SELECT CAST(g.day AS DATE) AS day,
               CASE WHEN y.year IS NULL THEN isodow(g.day) < 6
                    ELSE coalesce(c.is_workday, isodow(g.day) < 6) END AS is_workday,
               y.year IS NULL AS is_provisional
        FROM (SELECT unnest(generate_series(DATE '2000-01-01', DATE '2100-12-31', INTERVAL 1 DAY)) AS day) AS g
        LEFT JOIN holiday_years y ON y.year = year(g.day)
        LEFT JOIN holiday_days c ON c.day = CAST(g.day AS DATE)
    )
)"""
# Working days in (s.day, e.day], with ``s`` and ``e`` rows of workday_index, and whether any was provisional.
WORKING_DAYS = "(e.workday_no - s.workday_no)"
PROVISIONAL = "((e.provisional_no - s.provisional_no) > 0)"


def year_sources(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Year -> source for every year whose schedule is in the store."""
    return dict(con.execute("SELECT year, source FROM holiday_years ORDER BY year").fetchall())


def day_is_workday(con: duckdb.DuckDBPyConnection, day: dt.date) -> bool | None:
    """The schedule's word on one day (None: an ordinary day of its week)."""
    row = con.execute("SELECT is_workday FROM holiday_days WHERE day = ?", [day]).fetchone()
    return row[0] if row else None


def working_days_between(
    con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date
) -> tuple[int, bool]:
    """Working days in (start, end] and whether any day of it was provisional."""
    row = con.execute(
        f"WITH {WORKDAY_INDEX} SELECT {WORKING_DAYS}, {PROVISIONAL} "  # noqa: S608 (fixed fragments)
        "FROM workday_index s, workday_index e WHERE s.day = ? AND e.day = ?",
        [start, end],
    ).fetchone()
    return int(row[0]), bool(row[1])


def day_after_working_days(
    con: duckdb.DuckDBPyConnection, start: dt.date, days: int
) -> tuple[dt.date, bool]:
    """The day on which the ``days``-th working day after ``start`` falls, and whether it is provisional."""
    row = con.execute(
        f"WITH {WORKDAY_INDEX} "  # noqa: S608 (a fixed CTE, no input in it)
        f"SELECT e.day, {PROVISIONAL} "
        "FROM workday_index s, workday_index e "
        "WHERE s.day = ? AND e.workday_no = s.workday_no + ? AND e.day > s.day ORDER BY e.day LIMIT 1",
        [start, days],
    ).fetchone()
    return row[0], bool(row[1])


def replace_year(
    con: duckdb.DuckDBPyConnection,
    year: int,
    days: dict[dt.date, tuple[bool, str]],
    *,
    source: str,
    actor: str,
) -> None:
    """Replace one year's days off and days worked; the caller holds the transaction."""
    con.execute("DELETE FROM holiday_days WHERE year(day) = ?", [year])
    con.execute("DELETE FROM holiday_years WHERE year = ?", [year])
    if days:
        con.executemany(
            "INSERT INTO holiday_days (day, is_workday, name, source) VALUES (?, ?, ?, ?)",
            [[d, w, n, source] for d, (w, n) in sorted(days.items())],
        )
    con.execute(
        "INSERT INTO holiday_years (year, source, loaded_by) VALUES (?, ?, ?)",
        [year, source, actor],
    )


def seed_statements(days: list[tuple[dt.date, bool, str]], source: str) -> str:
    """The INSERT statements that seed the schedule (etl/sql/004_inspect.sql carries them)."""
    years = sorted({d.year for d, _, _ in days})
    values = ",\n".join(
        f"(DATE '{d.isoformat()}', {str(w).lower()}, '{n}', '{source}')" for d, w, n in days
    )
    year_values = ", ".join(f"({y}, '{source}', 'seed')" for y in years)
    years_sql = f"INSERT INTO holiday_years (year, source, loaded_by) VALUES {year_values}\nON CONFLICT DO NOTHING;\n"  # noqa: S608
    days_sql = f"INSERT INTO holiday_days (day, is_workday, name, source) VALUES\n{values}\nON CONFLICT DO NOTHING;\n"  # noqa: S608
    return years_sql + days_sql

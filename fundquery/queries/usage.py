"""Usage counts (page views, lookups) and the county's query points: written in batches, read by the
staff statistics page and the yearly report.  Nothing here identifies a person or an address."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import duckdb

from fundquery.queries.sql import fetch

# (day, what, kind, subject, outcome): one view of a page or one lookup.
Hit = tuple[dt.date, str, str, str, str]


def add(con: duckdb.DuckDBPyConnection, hits: list[Hit]) -> None:
    """Add the hits to the day's counts (inside the caller's transaction)."""
    counted = Counter(hits)
    con.executemany(
        "INSERT INTO usage_daily (day, what, kind, subject, outcome, n) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (day, what, kind, subject, outcome) DO UPDATE SET n = usage_daily.n + excluded.n",
        [[*hit, n] for hit, n in counted.items()],
    )


def per_day(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Page views, lookups and lookups answered per day from ``start`` to ``end``."""
    return fetch(
        con,
        """
        SELECT day,
               coalesce(sum(n) FILTER (WHERE what = 'page'), 0) AS page_views,
               coalesce(sum(n) FILTER (WHERE what = 'lookup'), 0) AS lookups,
               coalesce(sum(n) FILTER (WHERE what = 'lookup' AND outcome = 'found'), 0) AS lookups_found
        FROM usage_daily WHERE day BETWEEN ? AND ? GROUP BY day ORDER BY day
        """,
        [start, end],
    )


def pages(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Views per kind of page."""
    return fetch(
        con,
        "SELECT kind AS page, sum(n) AS views FROM usage_daily WHERE what = 'page' AND day BETWEEN ? AND ?"
        " GROUP BY kind ORDER BY views DESC, page",
        [start, end],
    )


def fund_pages(
    con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """Views of each fund's page, with the fund's name."""
    return fetch(
        con,
        """
        SELECT u.subject AS fund_code, f.fund_name, sum(u.n) AS views
        FROM usage_daily u
        LEFT JOIN (SELECT fund_code, arg_max(fund_name, year) AS fund_name FROM public_funds GROUP BY ALL) f
          ON f.fund_code = u.subject
        WHERE u.what = 'page' AND u.kind = 'public.fund' AND u.day BETWEEN ? AND ?
        GROUP BY ALL ORDER BY views DESC, fund_code
        """,
        [start, end],
    )


def lookups(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Lookups per channel and query point (with its township), answered or not."""
    return fetch(
        con,
        """
        SELECT u.kind AS channel, u.subject AS point, p.name AS point_name, p.township,
               sum(u.n) AS lookups,
               coalesce(sum(u.n) FILTER (WHERE u.outcome = 'found'), 0) AS found,
               coalesce(sum(u.n) FILTER (WHERE u.outcome = 'not_found'), 0) AS not_found
        FROM usage_daily u LEFT JOIN query_points p ON p.code = u.subject
        WHERE u.what = 'lookup' AND u.day BETWEEN ? AND ?
        GROUP BY ALL ORDER BY p.township NULLS LAST, channel, point
        """,
        [start, end],
    )


def year_totals(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, int]:
    """The year's page views, lookups and lookups answered (the yearly report's usage line)."""
    return fetch(
        con,
        """
        SELECT coalesce(sum(n) FILTER (WHERE what = 'page'), 0) AS page_views,
               coalesce(sum(n) FILTER (WHERE what = 'lookup'), 0) AS lookups,
               coalesce(sum(n) FILTER (WHERE what = 'lookup' AND outcome = 'found'), 0) AS lookups_found,
               count(DISTINCT day) AS days_counted
        FROM usage_daily WHERE year(day) = ?
        """,
        [year],
    )[0]


def points(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return fetch(con, "SELECT code, name, township FROM query_points ORDER BY township, code")


def point(con: duckdb.DuckDBPyConnection, code: str) -> dict[str, Any] | None:
    found = fetch(con, "SELECT code, name, township FROM query_points WHERE code = ?", [code])
    return found[0] if found else None


def add_point(
    con: duckdb.DuckDBPyConnection, code: str, name: str, township: str | None, actor: str
) -> None:
    """Register (or rename) a query point."""
    con.execute(
        "INSERT INTO query_points (code, name, township, created_by) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (code) DO UPDATE SET name = excluded.name, township = excluded.township",
        [code, name, township, actor],
    )


def remove_point(con: duckdb.DuckDBPyConnection, code: str) -> bool:
    return (
        con.execute("DELETE FROM query_points WHERE code = ? RETURNING code", [code]).fetchone()
        is not None
    )


def most_read_funds(con: duckdb.DuckDBPyConnection, limit: int) -> list[dict[str, Any]]:
    """Published funds (year, fund_code), the most viewed fund pages first, then the newest year."""
    return fetch(
        con,
        """
        SELECT f.year, f.fund_code
        FROM (SELECT DISTINCT year, fund_code FROM public_funds) f
        LEFT JOIN (SELECT subject, sum(n) AS views FROM usage_daily
                   WHERE what = 'page' AND kind = 'public.fund' GROUP BY subject) u
               ON u.subject = f.fund_code
        ORDER BY coalesce(u.views, 0) DESC, f.year DESC, f.fund_code
        LIMIT ?
        """,
        [limit],
    )

"""The holiday schedule's years as loaded, for the administrator's calendar page."""

from __future__ import annotations

from typing import Any

import duckdb

from fundquery.queries.sql import fetch


def loaded_years(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Each loaded year with its days off, adjusted working days, source and who loaded it."""
    return fetch(con,
        "SELECT y.year, y.source, y.loaded_by, y.loaded_at,"
        " count(d.day) FILTER (WHERE NOT d.is_workday) AS days_off, count(d.day) FILTER (WHERE d.is_workday) AS days_on"
        " FROM holiday_years y LEFT JOIN holiday_days d ON year(d.day) = y.year GROUP BY ALL ORDER BY y.year DESC"
    )

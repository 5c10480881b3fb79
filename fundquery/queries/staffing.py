"""Agencies: staffing quota against serving staff, and the real-name roll (no IDs)."""

from __future__ import annotations

from typing import Any

import duckdb

from fundquery.queries.sql import fetch

# Actual headcount is counted from the published real-name roll (serving
# staff), not copied from the agency's own report; both are shown.
AGENCIES = """
WITH quota AS (
  SELECT agency_name, max(agency_code) AS agency_code, max(department) AS department,
         max(agency_type) AS agency_type, sum(quota) AS quota, sum(actual_reported) AS actual_reported
  FROM public_agencies GROUP BY agency_name
), roll AS (
  SELECT agency_name, count(*) AS actual FROM public_staff_roll GROUP BY agency_name
)
SELECT q.*, coalesce(r.actual, 0) AS actual, coalesce(r.actual, 0) - q.quota AS over_quota
FROM quota q LEFT JOIN roll r USING (agency_name)
"""


def agencies(con: duckdb.DuckDBPyConnection, department: str | None = None) -> list[dict[str, Any]]:
    """Every published agency with quota, reported and counted headcount."""
    if department:
        return fetch(
            con,
            f"SELECT * FROM ({AGENCIES}) WHERE department = ? ORDER BY department, agency_name",  # noqa: S608
            [department],
        )
    return fetch(con, f"SELECT * FROM ({AGENCIES}) ORDER BY department, agency_name")  # noqa: S608


def by_department(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Quota and serving staff summed by department (the chart's bars)."""
    return fetch(
        con,
        f"SELECT coalesce(department, '') AS department, sum(quota) AS quota, sum(actual) AS actual,"  # noqa: S608
        f" count(*) AS agency_count FROM ({AGENCIES}) GROUP BY ALL ORDER BY department",
    )


def agency(con: duckdb.DuckDBPyConnection, agency_name: str) -> dict[str, Any] | None:
    rows = fetch(con, f"SELECT * FROM ({AGENCIES}) WHERE agency_name = ?", [agency_name])  # noqa: S608
    return rows[0] if rows else None


def quota_by_type(con: duckdb.DuckDBPyConnection, agency_name: str) -> list[dict[str, Any]]:
    """Quota by 编制类型 against serving staff of that type."""
    return fetch(
        con,
        """
        WITH q AS (SELECT staffing_type, sum(quota) AS quota FROM public_agencies WHERE agency_name = $a GROUP BY ALL),
             r AS (SELECT staffing_type, count(*) AS actual FROM public_staff_roll WHERE agency_name = $a GROUP BY ALL)
        SELECT staffing_type, coalesce(quota, 0) AS quota, coalesce(actual, 0) AS actual
        FROM q FULL OUTER JOIN r USING (staffing_type) ORDER BY staffing_type
        """,
        {"a": agency_name},
    )


def roll(con: duckdb.DuckDBPyConnection, agency_name: str) -> list[dict[str, Any]]:
    """The real-name roll of one agency: name, post, 编制类型."""
    return fetch(
        con,
        "SELECT name, post, staffing_type FROM public_staff_roll WHERE agency_name = ?"
        " ORDER BY staffing_type, batch_id, row_no",
        [agency_name],
    )

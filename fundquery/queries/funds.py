"""The fund catalogue with its facets, and one fund's page: where its money went."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb

from fundquery.queries.datasets import DATASETS
from fundquery.queries.sql import fetch

FUNDS = DATASETS["funds"]
# Facets of the catalogue; each counts the funds and sums their budgets under
# the other facets' choices, so its numbers match the download of that choice.
FACETS = ("year", "department", "category", "pays_to")
# Funds whose catalogue gave no budget (issue 14: the 直达 system's 专项资金 list has no amount column):
# a budget total leaves them out, and every total says how many it lacks rather than pass for the whole.
UNBUDGETED = "count(*) FILTER (WHERE budget_yuan IS NULL) AS unbudgeted_count"


def facets(
    con: duckdb.DuckDBPyConnection, args: Mapping[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """For each facet, its values with the fund count and budget total (other facets applied)."""
    found = {}
    for facet in FACETS:
        others = {k: v for k, v in args.items() if k in FUNDS.filters and k != facet}
        where, params = FUNDS.where(others)
        order = "value DESC" if facet == "year" else "fund_count DESC, value"
        found[facet] = fetch(
            con,
            f'SELECT "{facet}" AS value, count(*) AS fund_count, sum(budget_yuan) AS budget_yuan,'  # noqa: S608
            f" {UNBUDGETED} FROM public_funds{where} GROUP BY ALL ORDER BY {order} NULLS LAST",
            params,
        )
    return found


def totals(con: duckdb.DuckDBPyConnection, args: Mapping[str, Any]) -> dict[str, Any]:
    """Fund count and budget total of the catalogue under ``args``, and how many funds the total lacks
    (``unbudgeted_count``: no published budget, so the total is partial and the page says so)."""
    where, params = FUNDS.where(args)
    return fetch(
        con,
        f"SELECT count(*) AS fund_count, coalesce(sum(budget_yuan), 0) AS budget_yuan, {UNBUDGETED}"  # noqa: S608
        f" FROM public_funds{where}",
        params,
    )[0]


def fund(con: duckdb.DuckDBPyConnection, year: int, fund_code: str) -> dict[str, Any] | None:
    """One published fund in one year, or None."""
    rows = fetch(
        con,
        "SELECT * FROM public_funds WHERE year = ? AND fund_code = ? LIMIT 1",
        [year, fund_code],
    )
    return rows[0] if rows else None


def money(con: duckdb.DuckDBPyConnection, year: int, fund_code: str) -> dict[str, Any]:
    """Disbursed, paid to persons and funded projects of one fund."""
    return fetch(
        con,
        """
        SELECT
          (SELECT coalesce(sum(amount_yuan), 0) FROM public_disbursements WHERE fund_code = $code)
            AS disbursed_yuan,
          (SELECT count(*) FROM public_disbursements WHERE fund_code = $code) AS disbursement_count,
          (SELECT coalesce(sum(amount_yuan), 0) FROM public_payments WHERE fund_code = $code AND year = $year)
            AS paid_to_persons_yuan,
          (SELECT count(*) FROM public_payments WHERE fund_code = $code AND year = $year) AS payment_count,
          (SELECT coalesce(sum(amount_yuan), 0) FROM public_projects WHERE fund_code = $code) AS projects_yuan,
          (SELECT count(*) FROM public_projects WHERE fund_code = $code) AS project_count
        """,
        {"code": fund_code, "year": year},
    )[0]


def by_village(con: duckdb.DuckDBPyConnection, year: int, fund_code: str) -> list[dict[str, Any]]:
    """Payments to persons and project money of one fund, by township and village."""
    return fetch(
        con,
        """
        WITH paid AS (
          SELECT township, village, count(*) AS payment_count, sum(amount_yuan) AS paid_yuan
          FROM public_payments WHERE fund_code = $code AND year = $year GROUP BY ALL
        ), proj AS (
          SELECT coalesce(township, '') AS township, coalesce(village, '') AS village,
                 count(*) AS project_count, sum(amount_yuan) AS projects_yuan
          FROM public_projects WHERE fund_code = $code GROUP BY ALL
        )
        SELECT township, village,
               coalesce(payment_count, 0) AS payment_count, coalesce(paid_yuan, 0) AS paid_yuan,
               coalesce(project_count, 0) AS project_count, coalesce(projects_yuan, 0) AS projects_yuan
        FROM paid FULL OUTER JOIN proj USING (township, village)
        ORDER BY township, village
        """,
        {"code": fund_code, "year": year},
    )


def over_time(con: duckdb.DuckDBPyConnection, year: int, fund_code: str) -> list[dict[str, Any]]:
    """Payments to persons of one fund by month paid (unpaid rows under no month)."""
    return fetch(
        con,
        """
        SELECT strftime(paid_on, '%Y-%m') AS month, count(*) AS payment_count, sum(amount_yuan) AS paid_yuan
        FROM public_payments WHERE fund_code = ? AND year = ? AND paid_on IS NOT NULL
        GROUP BY ALL ORDER BY month
        """,
        [fund_code, year],
    )


def allocations(con: duckdb.DuckDBPyConnection, year: int, fund_code: str) -> list[dict[str, Any]]:
    """One fund's published allocation table (资金分配 / 指标下达) by recipient, beside what was disbursed to
    it: its payee is the recipient or the recipient's 财政所 (as fundquery.inspect.checks.allocations)."""
    return fetch(
        con,
        """
        WITH a AS (
          SELECT recipient, sum(amount_yuan) AS allocated_yuan, min(allocated_on) AS allocated_on,
                 string_agg(DISTINCT doc_no, '、') AS doc_nos
          FROM public_allocations WHERE fund_code = $code AND year = $year GROUP BY recipient
        )
        SELECT a.recipient, a.allocated_yuan, a.allocated_on, a.doc_nos,
               (SELECT coalesce(sum(d.amount_yuan), 0) FROM public_disbursements d
                 WHERE d.fund_code = $code AND d.disbursed_on IS NOT NULL
                   AND (d.payee = a.recipient OR d.payee = a.recipient || '财政所')) AS disbursed_yuan
        FROM a ORDER BY a.allocated_yuan DESC, a.recipient
        """,
        {"code": fund_code, "year": year},
    )


def projects(con: duckdb.DuckDBPyConnection, fund_code: str) -> list[dict[str, Any]]:
    """The published projects of one fund."""
    return fetch(
        con,
        "SELECT project_name, township, village, contractor, amount_yuan, start_on, status"
        " FROM public_projects WHERE fund_code = ? ORDER BY township, village, project_name",
        [fund_code],
    )

"""Village notices (公示): per fund, year and village, names masked, no identifiers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb

from fundquery.queries.datasets import DATASETS
from fundquery.queries.sql import fetch, values

NOTICE_ROWS = DATASETS["payments"]
NOTICE_FILTERS = ("year", "fund_code", "township", "village")
# {where} is built by Dataset.where from declared column names; values are parameters.  A payment with
# no village (a township-level roster, issue 14) is in no village's notice: it counts for its township.
GROUPED = """
SELECT n.fund_code, n.year, n.township, n.village, count(*) AS payment_count,
       sum(n.amount_yuan) AS amount_yuan, max(f.fund_name) AS fund_name
FROM (SELECT * FROM public_notice_rows{where}) n
LEFT JOIN public_funds f ON f.fund_code = n.fund_code AND f.year = n.year
WHERE n.village IS NOT NULL
GROUP BY n.fund_code, n.year, n.township, n.village
"""


def notices(
    con: duckdb.DuckDBPyConnection, args: Mapping[str, Any], limit: int, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    """The notices there are (fund × year × village), with row counts and totals; and how many."""
    picked = {k: v for k, v in args.items() if k in NOTICE_FILTERS}
    where, params = NOTICE_ROWS.where(picked)
    grouped = GROUPED.format(where=where)
    total = fetch(con, f"SELECT count(*) AS n FROM ({grouped})", params)[0]["n"]  # noqa: S608
    rows = fetch(
        con,
        f"SELECT * FROM ({grouped}) ORDER BY year DESC, fund_code, township, village LIMIT ? OFFSET ?",  # noqa: S608
        [*params, limit, offset],
    )
    return total, rows


def choices(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """Values for the notice list's filters."""
    return {
        "year": values(con, "SELECT DISTINCT year FROM public_payments ORDER BY year DESC"),
        "township": values(con, "SELECT DISTINCT township FROM public_payments ORDER BY 1"),
        "fund": fetch(
            con,
            "SELECT DISTINCT p.fund_code, f.fund_name FROM (SELECT DISTINCT fund_code, year FROM public_payments) p"
            " LEFT JOIN public_funds f USING (fund_code, year) ORDER BY p.fund_code",
        ),
    }


def notice_rows(
    con: duckdb.DuckDBPyConnection, year: int, fund_code: str, township: str, village: str
) -> list[dict[str, Any]]:
    """Every published payment of one fund and year in one village, masked."""
    args = {"year": year, "fund_code": fund_code, "township": township, "village": village}
    where, params = NOTICE_ROWS.where(args)
    return fetch(con, NOTICE_ROWS.select_sql(where), params)


def notice_totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Row count and amount total of a notice (Decimal, exact)."""
    return {
        "payment_count": len(rows),
        "amount_yuan": sum((r["amount_yuan"] for r in rows), start=0),
    }


def notice_period(
    con: duckdb.DuckDBPyConnection, year: int, fund_code: str, township: str, village: str
) -> dict[str, Any] | None:
    """Where a village notice's 公示期 comes from, or None when none of its rows is published:
    ``start``, the day its latest rows were published (each month's list posts the notice anew);
    ``batch_days``, the 公示天数 chosen for that batch; ``fund_days``, the fund catalogue's (either
    None when not set)."""
    rows = fetch(
        con,
        "SELECT CAST(b.published_at AS DATE) AS start, b.notice_days AS batch_days,"
        " (SELECT max(f.notice_days) FROM public_funds f WHERE f.fund_code = ? AND f.year = ?) AS fund_days"
        " FROM public_notice_rows n JOIN public_batches b USING (batch_id)"
        " WHERE n.year = ? AND n.fund_code = ? AND n.township = ? AND n.village = ?"
        " ORDER BY b.published_at DESC, b.batch_id DESC LIMIT 1",
        [fund_code, year, year, fund_code, township, village],
    )
    return rows[0] if rows else None

"""Department budgets, with the 三公经费 lines shown on their own."""

from __future__ import annotations

from typing import Any

import duckdb

from fundquery.queries.sql import fetch, values

# 三公经费: the three items every department must publish (《中华人民共和国政府信息
# 公开条例》 practice and the Ministry of Finance's budget-disclosure rules).
THREE_PUBLIC_ITEMS = (
    "因公出国(境)费",
    "因公出国（境）费",
    "公务用车购置及运行费",
    "公务用车购置费",
    "公务用车运行维护费",
    "公务接待费",
)
_IS_THREE = "(category LIKE '%三公%' OR item IN (SELECT unnest(?::VARCHAR[])))"


def years(con: duckdb.DuckDBPyConnection) -> list[int]:
    return values(con, "SELECT DISTINCT year FROM public_budgets ORDER BY year DESC")


def by_department(con: duckdb.DuckDBPyConnection, year: int) -> list[dict[str, Any]]:
    """Per department: total, and the amounts by category (a dict), for one year."""
    rows = fetch(
        con,
        "SELECT department, category, sum(amount_yuan) AS amount_yuan FROM public_budgets"
        " WHERE year = ? GROUP BY ALL ORDER BY department, category",
        [year],
    )
    departments: dict[str, dict[str, Any]] = {}
    for r in rows:
        d = departments.setdefault(
            r["department"], {"department": r["department"], "total_yuan": 0, "by_category": {}}
        )
        d["by_category"][r["category"]] = r["amount_yuan"]
        d["total_yuan"] += r["amount_yuan"]
    return list(departments.values())


def categories(con: duckdb.DuckDBPyConnection, year: int) -> list[str]:
    return [
        r["category"]
        for r in fetch(
            con,
            "SELECT category FROM public_budgets WHERE year = ? GROUP BY ALL ORDER BY sum(amount_yuan) DESC",
            [year],
        )
    ]


def three_public(con: duckdb.DuckDBPyConnection, year: int) -> list[dict[str, Any]]:
    """The 三公经费 lines of every department in one year."""
    return fetch(
        con,
        "SELECT department, coalesce(item, category) AS item, sum(amount_yuan) AS amount_yuan"  # noqa: S608
        f" FROM public_budgets WHERE year = ? AND {_IS_THREE} GROUP BY ALL ORDER BY department, item",
        [year, list(THREE_PUBLIC_ITEMS)],
    )

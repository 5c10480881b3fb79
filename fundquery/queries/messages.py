"""What the public message pages read: choices for the form and the list's filters."""

from __future__ import annotations

from typing import Any

import duckdb

from fundquery.queries.sql import fetch, values


def form_choices(con: duckdb.DuckDBPyConnection) -> dict[str, list[Any]]:
    """Published funds and the townships of published data, for the form."""
    return {
        "funds": fetch(
            con,
            "SELECT fund_code, arg_max(fund_name, year) AS fund_name FROM public_funds GROUP BY fund_code ORDER BY fund_code",
        ),
        "townships": [
            r["township"]
            for r in fetch(
                con,
                "SELECT DISTINCT township FROM (SELECT township FROM public_payments UNION SELECT township FROM"
                " public_projects) WHERE township IS NOT NULL ORDER BY 1",
            )
        ],
    }


def list_choices(con: duckdb.DuckDBPyConnection) -> dict[str, list[Any]]:
    """The funds, townships and types that the published replies have."""
    return {
        "funds": fetch(
            con,
            "SELECT DISTINCT m.fund_code, f.fund_name FROM public_messages m LEFT JOIN"
            " (SELECT fund_code, arg_max(fund_name, year) AS fund_name FROM public_funds GROUP BY fund_code) f"
            " USING (fund_code) WHERE m.fund_code IS NOT NULL ORDER BY 1",
        ),
        "townships": values(con, "SELECT DISTINCT township FROM public_messages ORDER BY 1"),
        "types": values(con, "SELECT DISTINCT message_type FROM public_messages ORDER BY 1"),
    }

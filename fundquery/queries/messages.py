"""What the public message pages read: choices for the form and the list's filters."""

from __future__ import annotations

from typing import Any

from fundquery.web.db import query


def form_choices() -> dict[str, list[Any]]:
    """Published funds and the townships of published data, for the form."""
    return {
        "funds": query(
            "SELECT fund_code, arg_max(fund_name, year) AS fund_name FROM public_funds GROUP BY fund_code ORDER BY fund_code"
        ),
        "townships": [r["township"] for r in query(
            "SELECT DISTINCT township FROM (SELECT township FROM public_payments UNION SELECT township FROM"
            " public_projects) WHERE township IS NOT NULL ORDER BY 1")],
    }


def list_choices() -> dict[str, list[Any]]:
    """The funds, townships and types that the published replies have."""
    return {
        "funds": query(
            "SELECT DISTINCT m.fund_code, f.fund_name FROM public_messages m LEFT JOIN"
            " (SELECT fund_code, arg_max(fund_name, year) AS fund_name FROM public_funds GROUP BY fund_code) f"
            " USING (fund_code) WHERE m.fund_code IS NOT NULL ORDER BY 1"),
        "townships": [r["township"] for r in query("SELECT DISTINCT township FROM public_messages ORDER BY 1")],
        "types": [r["message_type"] for r in query("SELECT DISTINCT message_type FROM public_messages ORDER BY 1")],
    }

"""What the inspectors' report can be narrowed to: years, funds, departments and townships of the live data."""

from __future__ import annotations

import duckdb


def report_choices(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """The filter form's choices (live rows, published or not: inspectors see everything loaded)."""
    one = lambda sql: [r[0] for r in con.execute(sql).fetchall()]  # noqa: E731
    return {
        "years": one("SELECT DISTINCT year FROM live_funds ORDER BY 1 DESC"),
        "funds": [
            {"code": c, "name": n}
            for c, n in con.execute(
                "SELECT fund_code, arg_max(fund_name, year) FROM live_funds GROUP BY 1 ORDER BY 1"
            ).fetchall()
        ],
        "departments": one(
            "SELECT DISTINCT department FROM live_funds UNION SELECT DISTINCT department"
            " FROM live_agencies WHERE department IS NOT NULL ORDER BY 1"
        ),
        "townships": one("SELECT DISTINCT township FROM live_payments ORDER BY 1"),
    }

"""The yearly openness report (政府信息公开年度报告), computed from the store; no figure is typed in.

    figures = annual.report(con, 2024, today=dt.date.today())

Sections follow the seed county's report (seeds/002, fourth article): special
funds published, of which to persons/households and to projects; department
budgets; agencies and named staff; messages received and answered, and how
they were handled; the disbursement-speed table; money recovered or returned
through inspectors' flags and ghost staff removed; page views and lookups
(None for a year in which nothing was counted).  Money is in 万元, exact.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb

from fundquery.inspect.catalogue import Params
from fundquery.inspect.checks.delays import DELAY_DAYS, bucket_labels, percent
from fundquery.messages import metrics as message_metrics
from fundquery.queries import usage as usage_queries
from fundquery.queries.sql import fetch

WAN = Decimal(10000)
CENT = Decimal("0.01")

# A fund whose catalogue gave no budget (issue 14) counts as a fund and not in any budget total: the
# report says how many each total lacks (UNBUDGETED_ZH), never a smaller sum as the whole.
UNBUDGETED_ZH = "其中 {n} 项资金未公布预算，未计入"
UNBUDGETED_EN = "{n} of the funds have no published budget and are not counted"
FUNDS = """
SELECT count(*) AS funds,
       coalesce(sum(budget_yuan), 0) AS budget_yuan,
       count(*) FILTER (WHERE pays_to = 'persons') AS person_funds,
       coalesce(sum(budget_yuan) FILTER (WHERE pays_to = 'persons'), 0) AS person_budget_yuan,
       count(*) FILTER (WHERE pays_to = 'projects') AS project_funds,
       coalesce(sum(budget_yuan) FILTER (WHERE pays_to = 'projects'), 0) AS project_budget_yuan,
       count(*) FILTER (WHERE budget_yuan IS NULL) AS unbudgeted,
       count(*) FILTER (WHERE budget_yuan IS NULL AND pays_to = 'persons') AS person_unbudgeted,
       count(*) FILTER (WHERE budget_yuan IS NULL AND pays_to = 'projects') AS project_unbudgeted
FROM (SELECT DISTINCT ON (fund_code) * FROM public_funds WHERE year = $year)
"""
PAYMENTS = "SELECT count(*) AS times, coalesce(sum(amount_yuan), 0) AS amount_yuan FROM public_payments WHERE year = $year"
# Projects carry no year: a project belongs to the year of its fund.
PROJECTS = """
SELECT count(*) AS projects, coalesce(sum(amount_yuan), 0) AS amount_yuan
FROM public_projects WHERE fund_code IN (SELECT fund_code FROM public_funds WHERE year = $year)
"""
BUDGETS = """
SELECT count(DISTINCT department) AS departments, coalesce(sum(amount_yuan), 0) AS amount_yuan
FROM public_budgets WHERE year = $year
"""
STAFFING = """
SELECT (SELECT count(DISTINCT agency_name) FROM public_agencies) AS agencies,
       (SELECT count(*) FROM public_staff_roll) AS staff
"""
# A fund's disbursements belong to the fund's year (some are approved the December before).  A voucher
# with no approval date (issue 14) has no delay: bucket NULL, counted apart and said under the table.
SPEED = f"""
SELECT CASE WHEN d.approved_on IS NOT NULL
            THEN array_length(list_filter($edges, lambda e: e < {DELAY_DAYS})) END AS bucket, count(*) AS n
FROM public_disbursements d
WHERE d.disbursed_on IS NOT NULL AND d.disbursed_on <= $as_of
  AND d.fund_code IN (SELECT fund_code FROM public_funds WHERE year = $year)
GROUP BY ALL
"""  # noqa: S608
# How a message was handled: as the desk recorded it at registration (messages.handling); for a
# message registered before that was recorded, from the department in charge: the registering
# account's own office (directly), the discipline commission, another department (transferred).
HANDLING = """
WITH m AS (
  SELECT coalesce(m.handling, CASE
           WHEN m.department IS NULL THEN 'other'
           WHEN m.department = u.office THEN 'direct'
           WHEN regexp_matches(m.department, '纪委|纪检|监委|监察') THEN 'discipline'
           ELSE 'transferred' END) AS handling
  FROM messages m LEFT JOIN users u ON u.username = m.registered_by
  WHERE year(m.received_at) = $year
)
SELECT count(*) FILTER (WHERE handling = 'direct') AS direct,
       count(*) FILTER (WHERE handling = 'discipline') AS discipline,
       count(*) FILTER (WHERE handling = 'transferred') AS transferred,
       count(*) FILTER (WHERE handling = 'other') AS other
FROM m
"""
# Through inspectors' flags resolved in the year: money recovered, ghost staff taken off the roll.
FLAGS = """
SELECT
  coalesce(sum(recovered_yuan) FILTER (WHERE status = 'resolved'), 0) AS recovered_yuan,
  count(*) FILTER (WHERE status = 'resolved' AND outcome = 'recovered') AS recovered_flags,
  count(*) FILTER (WHERE status = 'resolved' AND outcome = 'removed'
                   AND (record_kind = 'staff' OR check_label IN {staff_checks})) AS staff_removed
FROM flags WHERE year(coalesce(updated_at, created_at)) = $year
""".format(staff_checks="('two_rolls', 'past_retirement', 'inactive_on_roll', 'over_quota')")


def wan(yuan: Decimal | int | None) -> Decimal:
    """Yuan as 万元 with two decimals, rounded half up as the county's reports do."""
    return (Decimal(yuan or 0) / WAN).quantize(CENT, ROUND_HALF_UP)


def speed_table(con: duckdb.DuckDBPyConnection, year: int, today: dt.date) -> dict[str, Any]:
    """The year's funds' published disbursements by days from approval to disbursement
    (≤3 / 4–10 / >10 as the inspectors' buckets), with shares; ``undated``: those with no approval date."""
    edges = Params(as_of=today).delay_edges_days
    counted = {
        r["bucket"]: r["n"]
        for r in fetch(con, SPEED, {"edges": list(edges), "year": year, "as_of": today})
    }
    counts = [counted.get(b, 0) for b in range(len(edges) + 1)]
    total = sum(counts)
    return {
        "edges_days": list(edges),
        "labels": bucket_labels(edges),
        "counts": counts,
        "total": total,
        "undated": counted.get(None, 0),  # no approval date: in no bucket, said beside the table
        "shares": [percent(n, total) for n in counts],
    }


def report(con: duckdb.DuckDBPyConnection, year: int, today: dt.date) -> dict[str, Any]:
    """Every figure of the year's report, computed from what is published and recorded."""
    at = {"year": year}
    funds = fetch(con, FUNDS, at)[0]
    payments = fetch(con, PAYMENTS, at)[0]
    projects = fetch(con, PROJECTS, at)[0]
    budgets = fetch(con, BUDGETS, at)[0]
    staffing = fetch(con, STAFFING)[0]
    totals = message_metrics.totals(con, today, year)
    handling = fetch(con, HANDLING, at)[0]
    flags = fetch(con, FLAGS, at)[0]
    usage = usage_queries.year_totals(con, year)
    return {
        "year": year,
        "as_of": today,
        "funds": {
            "count": funds["funds"],
            "budget_wan": wan(funds["budget_yuan"]),
            "unbudgeted": funds["unbudgeted"],  # funds with no published budget: not in budget_wan
            "person_times": payments["times"],
            "paid_wan": wan(payments["amount_yuan"]),
            "projects": projects["projects"],
        },
        "to_persons": {
            "count": funds["person_funds"],
            "budget_wan": wan(funds["person_budget_yuan"]),
            "unbudgeted": funds["person_unbudgeted"],
        },
        "to_projects": {
            "funds": funds["project_funds"],
            "budget_wan": wan(funds["project_budget_yuan"]),
            "unbudgeted": funds["project_unbudgeted"],
            "count": projects["projects"],
            "amount_wan": wan(projects["amount_yuan"]),
        },
        "budgets": {
            "departments": budgets["departments"],
            "amount_wan": wan(budgets["amount_yuan"]),
        },
        "staffing": {"agencies": staffing["agencies"], "staff": staffing["staff"]},
        "messages": {
            "received": totals["received"],
            "answered": totals["answered"],
            "response_rate": totals["response_rate"],
            "on_time": totals["on_time"],
            "on_time_rate": totals["on_time_rate"],
            "handling": handling,
        },
        "speed": speed_table(con, year, today),
        "rectification": {
            "recovered_wan": wan(flags["recovered_yuan"]),
            "recovered_flags": flags["recovered_flags"],
            "staff_removed": flags["staff_removed"],
        },
        # None for a year in which nothing was counted (before the county counted usage)
        "usage": usage if usage["days_counted"] else None,
    }


def years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The years with something to report (a published fund, a message, a flag, usage), newest first."""
    return [
        r["year"]
        for r in fetch(
            con,
            "SELECT year FROM public_funds UNION SELECT year(received_at) FROM messages"
            " UNION SELECT year(coalesce(updated_at, created_at)) FROM flags"
            " UNION SELECT year(day) FROM usage_daily ORDER BY 1 DESC",
        )
    ]


def latest_fund_year(con: duckdb.DuckDBPyConnection) -> int | None:
    """The newest year with a published fund: the report people look for first."""
    return fetch(con, "SELECT max(year) AS year FROM public_funds")[0]["year"]

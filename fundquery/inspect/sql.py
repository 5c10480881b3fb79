"""SQL fragments several checks share (constants only, never values).

Every fragment groups and joins by ``county_code`` as well (issue 7): over a
province's lake of many counties a check must never pair rows of two
counties, whose fund codes, voucher numbers and batch numbers overlap.
"""

from __future__ import annotations

# One line per county and fund code: its latest name, department and whom it pays.
FUND_INFO = """
fund_info AS (
    SELECT county_code, fund_code, arg_max(fund_name, year) AS fund_name,
           arg_max(department, year) AS department, arg_max(pays_to, year) AS pays_to
    FROM live_funds GROUP BY county_code, fund_code
)"""

# A disbursement ``d``'s year: of its approval, or, for a voucher with no approval date (issue 14: the
# 直达资金 system's 支付凭证), of its disbursement, as the lake partitions it (etl.specs year_else):
# where a check measures from approval the voucher is left out and counted under that year.
DISBURSEMENT_YEAR = "CAST(year(coalesce(d.approved_on, d.disbursed_on)) AS INTEGER)"

# Household payments that reached the household: not returned, not still pending.
PAID = "(p.card_status IS NULL OR p.card_status = '已发放') AND p.paid_on IS NOT NULL"

# Money for a fund paid to persons goes to a township's finance office (payee
# "<township>财政所"), which pays the households: the township it is for.
ALLOCATIONS = """
allocations AS (
    SELECT d.*, f.fund_name, f.department, nullif(regexp_extract(d.payee, '^(.+)财政所$', 1), '') AS township
    FROM live_disbursements d JOIN fund_info f USING (county_code, fund_code)
    WHERE f.pays_to = 'persons'
)"""

# Household payments that reached the household by the as-of date, grouped by
# day and place, linked to the disbursement that funded them: by the voucher
# number where the roll carries one, else the fund's latest disbursement to
# the payment's township on or before the day it was paid.  That "latest on
# or before" is a ranked join (row_number over the candidates, newest first,
# the voucher number breaking a tie) rather than DuckDB's ASOF JOIN, so that
# the same SQL runs on Spark (fundquery.lake.translate).  Grouping first
# turns 10 M payments into a few thousand rows before the join.  Needs
# fund_info, allocations.
PAYMENT_LINKS = f"""
disbursed AS (SELECT * FROM allocations WHERE disbursed_on IS NOT NULL AND disbursed_on <= $as_of),
links AS (
    SELECT d.county_code, d.voucher_no, p.township, p.paid_on, p.payment_count, p.amount_yuan,
           date_diff('day', d.disbursed_on, p.paid_on) AS wait_days
    FROM (SELECT p.county_code, p.voucher_no, p.township, p.paid_on, count(*) AS payment_count,
                 sum(p.amount_yuan) AS amount_yuan
          FROM live_payments p WHERE p.voucher_no IS NOT NULL AND {PAID} AND p.paid_on <= $as_of
          GROUP BY p.county_code, p.voucher_no, p.township, p.paid_on) p
    JOIN disbursed d ON d.county_code = p.county_code AND d.voucher_no = p.voucher_no
    UNION ALL
    SELECT ranked.county_code, ranked.voucher_no, ranked.township, ranked.paid_on, ranked.payment_count,
           ranked.amount_yuan, date_diff('day', ranked.disbursed_on, ranked.paid_on) AS wait_days
    FROM (
        SELECT p.county_code, p.township, p.paid_on, p.payment_count, p.amount_yuan, d.voucher_no, d.disbursed_on,
               row_number() OVER (PARTITION BY p.county_code, p.fund_code, p.township, p.paid_on
                                  ORDER BY d.disbursed_on DESC, d.voucher_no DESC) AS rank_no
        FROM (SELECT p.county_code, p.fund_code, p.township, p.paid_on, count(*) AS payment_count,
                     sum(p.amount_yuan) AS amount_yuan
              FROM live_payments p WHERE p.voucher_no IS NULL AND {PAID} AND p.paid_on <= $as_of
              GROUP BY p.county_code, p.fund_code, p.township, p.paid_on) p
        JOIN disbursed d ON d.county_code = p.county_code AND d.fund_code = p.fund_code
                        AND d.township = p.township AND d.disbursed_on <= p.paid_on
    ) ranked
    WHERE ranked.rank_no = 1
)"""  # noqa: S608


# A payment ``p`` that reached someone: not returned (退回), with a date to place it in time.
REACHED = "p.paid_on IS NOT NULL AND p.card_status IS DISTINCT FROM '退回'"


# Payments ``p`` with no ID number (issue 14: a roster without the 身份证号 column), carrying a fund
# check's filter columns (checks.common.FUND_FILTERS): what a check that matches people by the ID hash
# leaves out and counts (catalogue.LeftOut).  ``source`` is the payments the check looks at (a CTE of
# ``ctes``, or live_payments) and ``where`` its own conditions on them.  Needs nothing but ``ctes``.
def idless_payments(where: str = "true", source: str = "live_payments", ctes: str = "") -> str:
    """The ID-less payments of ``source`` meeting ``where``, with county, fund, department, year, township."""
    return f"""
WITH {ctes + "," if ctes else ""}{FUND_INFO}
SELECT p.county_code, p.fund_code, f.department, p.year, p.township
FROM {source} p LEFT JOIN fund_info f ON f.county_code = p.county_code AND f.fund_code = p.fund_code
WHERE p.id_hash IS NULL AND {where}"""  # noqa: S608 (declared fragments)


# A staff member counts as on the roll while their status is 在职 (or not given).
ON_ROLL = "coalesce(s.status, '在职') = '在职'"


# Staff roll rows ``s`` with no ID number (issue 14: a roll without the 身份证号 column) meeting
# ``where``: what a check that matches staff by the ID hash cannot see, and counts (catalogue.LeftOut,
# with no filter columns: a roll row has no year, fund or township).
def idless_staff(where: str = "true") -> str:
    """The ID-less rows of live_staff meeting ``where``, with their county."""
    return f"SELECT s.county_code FROM live_staff s WHERE s.id_hash IS NULL AND {where}"  # noqa: S608


def distinct_list(column: str, separator: str = "、") -> str:
    """The distinct values of ``column`` in a group, sorted, joined by ``separator``.

    Written with list functions, not ``string_agg(DISTINCT … ORDER BY …)``:
    Spark 4.3 fails (ClassCastException) on a query with two such ordered
    distinct aggregates, and this form means the same on both engines.
    """
    return f"array_to_string(list_sort(list_distinct(list({column}))), '{separator}')"

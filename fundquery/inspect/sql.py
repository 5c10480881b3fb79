"""SQL fragments several checks share (constants only, never values)."""

from __future__ import annotations

# One line per fund code: its latest name, department and whom it pays.
FUND_INFO = """
fund_info AS (
    SELECT fund_code, arg_max(fund_name, year) AS fund_name, arg_max(department, year) AS department,
           arg_max(pays_to, year) AS pays_to
    FROM live_funds GROUP BY fund_code
)"""

# Household payments that reached the household: not returned, not still pending.
PAID = "(p.card_status IS NULL OR p.card_status = '已发放') AND p.paid_on IS NOT NULL"

# Money for a fund paid to persons goes to a township's finance office (payee
# "<township>财政所"), which pays the households: the township it is for.
ALLOCATIONS = """
allocations AS (
    SELECT d.*, f.fund_name, f.department, nullif(regexp_extract(d.payee, '^(.+)财政所$', 1), '') AS township
    FROM live_disbursements d JOIN fund_info f USING (fund_code)
    WHERE f.pays_to = 'persons'
)"""

# Household payments that reached the household by the as-of date, grouped by
# day and place, linked to the disbursement that funded them: by the voucher
# number where the roll carries one, else the fund's latest disbursement to
# the payment's township on or before the day it was paid (an ASOF join).
# Grouping first turns 10 M payments into a few thousand rows before the
# join.  Needs fund_info, allocations.
PAYMENT_LINKS = f"""
disbursed AS (SELECT * FROM allocations WHERE disbursed_on IS NOT NULL AND disbursed_on <= $as_of),
links AS (
    SELECT d.voucher_no, p.township, p.paid_on, p.payment_count, p.amount_yuan,
           date_diff('day', d.disbursed_on, p.paid_on) AS wait_days
    FROM (SELECT p.voucher_no, p.township, p.paid_on, count(*) AS payment_count, sum(p.amount_yuan) AS amount_yuan
          FROM live_payments p WHERE p.voucher_no IS NOT NULL AND {PAID} AND p.paid_on <= $as_of GROUP BY ALL) p
    JOIN disbursed d ON d.voucher_no = p.voucher_no
    UNION ALL
    SELECT d.voucher_no, p.township, p.paid_on, p.payment_count, p.amount_yuan,
           date_diff('day', d.disbursed_on, p.paid_on)
    FROM (SELECT p.fund_code, p.township, p.paid_on, count(*) AS payment_count, sum(p.amount_yuan) AS amount_yuan
          FROM live_payments p WHERE p.voucher_no IS NULL AND {PAID} AND p.paid_on <= $as_of GROUP BY ALL) p
    ASOF JOIN disbursed d ON d.fund_code = p.fund_code AND d.township = p.township AND p.paid_on >= d.disbursed_on
)"""  # noqa: S608

# A staff member counts as on the roll while their status is 在职 (or not given).
ON_ROLL = "coalesce(s.status, '在职') = '在职'"

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

# What each disbursement voucher paid out, and where (the township most of its payments went to).
VOUCHER_PAYOUT = f"""
voucher_payout AS (
    SELECT p.voucher_no,
           sum(p.amount_yuan) FILTER (WHERE {PAID} AND p.paid_on <= $as_of) AS paid_yuan,
           count(*) FILTER (WHERE {PAID} AND p.paid_on <= $as_of) AS paid_count,
           mode(p.township) AS township,
           string_agg(DISTINCT p.township, '、' ORDER BY p.township) AS townships
    FROM live_payments p WHERE p.voucher_no IS NOT NULL GROUP BY p.voucher_no
)"""  # noqa: S608

# A staff member counts as on the roll while their status is 在职 (or not given).
ON_ROLL = "coalesce(s.status, '在职') = '在职'"

"""Column groups and row identities that checks in several groups declare alike."""

from __future__ import annotations

from fundquery.inspect.catalogue import Column

# Which fund a row is about: every disbursement and payment check shows these.
FUND_COLS = (
    Column("fund_code"),
    Column("fund_name"),
    Column("department"),
    Column("year", kind="int"),
)
# The filters of a check whose rows carry a fund and a township.
FUND_FILTERS = ("year", "fund_code", "department", "township")
# A check whose rows are disbursements, one a voucher, weighed by the amount disbursed.
ON_DISBURSEMENT = {
    "key": ("voucher_no",),
    "filters": FUND_FILTERS,
    "amount_column": "amount_yuan",
    "record_kind": "disbursements",
}

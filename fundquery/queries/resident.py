"""The resident lookup: published payments by ID hash, then by household.

DuckDB uses the ART index on payments.id_hash (or household_no) only when
that column is the whole WHERE clause (DESIGN.md §7): a second condition, even
the published-batch filter of the public_payments view, turns the lookup into
a full scan (75 ms instead of 1.7 ms on 3 M rows).  So each query first
materialises the index lookup on the key alone and only then keeps the rows
of published batches (public_batches).  A table macro doing the same was
measured 2-3x slower per call than this inline SQL (it is re-expanded and
planned every time), so the SQL lives here.
"""

from __future__ import annotations

from typing import Any

from fundquery.db import query

COLUMNS = (
    "fund_code, year, period, township, village, village_group, name, id_masked, household_no,"
    " quantity, standard_yuan, amount_yuan, paid_on, card_status, batch_id, row_no"
)

OF_ID = f"""
WITH hit AS MATERIALIZED (SELECT * FROM payments WHERE id_hash = ?)
SELECT {COLUMNS}, true AS is_own FROM hit WHERE batch_id IN (SELECT batch_id FROM public_batches)
"""  # noqa: S608 (constant column list)

OF_HOUSEHOLD = f"""
WITH hit AS MATERIALIZED (SELECT * FROM payments WHERE household_no = ?)
SELECT {COLUMNS}, false AS is_own FROM hit
WHERE batch_id IN (SELECT batch_id FROM public_batches) AND id_hash <> ?
"""  # noqa: S608 (constant column list)


def payments_of_id(id_hash: str) -> list[dict[str, Any]]:
    """Published payments to the person with this keyed ID hash."""
    return query(OF_ID, [id_hash])


def payments_of_household(household_no: str, id_hash: str) -> list[dict[str, Any]]:
    """Published payments under a household number, to anyone but this person."""
    return query(OF_HOUSEHOLD, [household_no, id_hash])


def fund_names(codes: list[str]) -> dict[tuple[str, int], str]:
    """(fund code, year) -> fund name, for the codes in a result."""
    if not codes:
        return {}
    rows = query(
        "SELECT fund_code, year, fund_name FROM public_funds WHERE fund_code IN (SELECT unnest(?::VARCHAR[]))",
        [codes],
    )
    return {(r["fund_code"], r["year"]): r["fund_name"] for r in rows}

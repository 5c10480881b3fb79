"""The resident lookup: published payments by ID hash, then by household.

Both go through the 005_public.sql table macros, which use the ART index on
the key column alone and then keep published batches only (DESIGN.md §7).
"""

from __future__ import annotations

from typing import Any

from fundquery.db import query

COLUMNS = (
    "fund_code, year, period, township, village, village_group, name, id_masked, household_no,"
    " quantity, standard_yuan, amount_yuan, paid_on, card_status, batch_id, row_no"
)


def payments_of_id(id_hash: str) -> list[dict[str, Any]]:
    """Published payments to the person with this keyed ID hash."""
    return query(f"SELECT {COLUMNS}, true AS is_own FROM public_payments_of_id(?)", [id_hash])  # noqa: S608


def payments_of_household(household_no: str, id_hash: str) -> list[dict[str, Any]]:
    """Published payments under a household number, to anyone but this person."""
    return query(
        f"SELECT {COLUMNS}, false AS is_own FROM public_payments_of_household(?) WHERE id_hash <> ?",  # noqa: S608
        [household_no, id_hash],
    )


def fund_names(codes: list[str]) -> dict[tuple[str, int], str]:
    """(fund code, year) -> fund name, for the codes in a result."""
    if not codes:
        return {}
    rows = query(
        "SELECT fund_code, year, fund_name FROM public_funds WHERE fund_code IN (SELECT unnest(?::VARCHAR[]))",
        [codes],
    )
    return {(r["fund_code"], r["year"]): r["fund_name"] for r in rows}

"""The resident lookup: published payments by ID hash, then by household.

DuckDB uses the ART index on payments.id_key (or household_no) only when
that column is the whole WHERE clause (DESIGN.md §7): a second condition, even
the published-batch filter of the public_payments view, turns the lookup into
a full scan (75 ms instead of 1 ms on 3 M rows).  So the index lookup reads
the key alone, and its few rows are then kept only if their batch is in
public_batches.  Measured on 10 M rows: the index query 0.96 ms plus the
published batch list 0.6 ms, against 3.1 ms for the same filter done in one
statement (a materialised CTE joined to public_batches) and 3.7-6 ms through
a table macro.
"""

from __future__ import annotations

import threading
from typing import Any

import duckdb

from etl.idnum import lookup_key
from fundquery.queries.sql import fetch

COLUMNS = (
    "fund_code, year, period, township, village, village_group, name, id_masked, household_no,"
    " quantity, standard_yuan, amount_yuan, paid_on, card_status, batch_id, row_no"
)
# By the 60-bit key (etl.idnum.lookup_key; its index costs a third of one on the hash at load), the rows
# then kept only if their hash is the person's: two people may share a key.
OF_ID = f"SELECT {COLUMNS}, id_hash, true AS is_own FROM payments WHERE id_key = ?"  # noqa: S608 (constant columns)
OF_HOUSEHOLD = f"SELECT {COLUMNS}, id_hash, false AS is_own FROM payments WHERE household_no = ?"  # noqa: S608


def published_batches(con: duckdb.DuckDBPyConnection) -> dict[str, frozenset[int]]:
    """The payment and fund batches a reviewer published (and nobody retracted or replaced)."""
    rows = fetch(
        con, "SELECT kind, batch_id FROM public_batches WHERE kind IN ('payments', 'funds')"
    )
    return {
        kind: frozenset(r["batch_id"] for r in rows if r["kind"] == kind)
        for kind in ("payments", "funds")
    }


def payments_of_id(
    con: duckdb.DuckDBPyConnection, id_hash: str, published: frozenset[int]
) -> list[dict[str, Any]]:
    """Published payments to the person with this keyed ID hash."""
    return published_only(stored_of_id(con, id_hash), published)


def stored_of_id(con: duckdb.DuckDBPyConnection, id_hash: str) -> list[dict[str, Any]]:
    """Every stored payment to the person with this keyed ID hash, published or not (one index lookup)."""
    rows = [r for r in fetch(con, OF_ID, [lookup_key(id_hash)]) if r["id_hash"] == id_hash]
    for r in rows:
        del r["id_hash"]
    return rows


def published_only(rows: list[dict[str, Any]], published: frozenset[int]) -> list[dict[str, Any]]:
    return [r for r in rows if r["batch_id"] in published]


def decoy_hash(
    con: duckdb.DuckDBPyConnection, database: str, published: frozenset[int]
) -> str | None:
    """The ID hash of some published payment (None: nothing is published), cached like fund names.

    The lookup reads this person's rows when the number typed is not in the
    store, so that a failed lookup does the same work either way (issue 15).
    """
    key = (database, published)
    found = _DECOYS.get(key)
    if found is None:
        rows = fetch(
            con,
            # not a payment with no ID number (issue 14): its NULL hash is nobody's to look up
            "SELECT id_hash FROM payments WHERE id_hash IS NOT NULL AND batch_id IN"
            " (SELECT batch_id FROM public_batches WHERE kind = 'payments') LIMIT 1",
        )
        found = rows[0]["id_hash"] if rows else ""
        with _FUND_NAMES_LOCK:
            while len(_DECOYS) >= _FUND_NAMES_KEPT:
                _DECOYS.pop(next(iter(_DECOYS)))
            _DECOYS[key] = found
    return found or None


def payments_of_household(
    con: duckdb.DuckDBPyConnection, household_no: str, id_hash: str, published: frozenset[int]
) -> list[dict[str, Any]]:
    """Published payments under a household number, to anyone but this person (no hash returned)."""
    rows = [
        r
        for r in fetch(con, OF_HOUSEHOLD, [household_no])
        if r["batch_id"] in published and r["id_hash"] != id_hash
    ]
    for r in rows:
        del r["id_hash"]
    return rows


def fund_names(
    con: duckdb.DuckDBPyConnection, database: str, funds_batches: frozenset[int]
) -> dict[tuple[str, int], str]:
    """(fund code, year) -> fund name of the published catalogue (a few hundred rows at most).

    Cached per database and set of published fund batches: publishing,
    retracting or replacing a catalogue changes the key, so the names are
    never stale, and a lookup saves a query (1.6 ms of its ~5 ms of SQL).
    """
    key = (database, funds_batches)
    names = _FUND_NAMES.get(key)
    if names is None:
        rows = fetch(con, "SELECT fund_code, year, fund_name FROM public_funds")
        names = {(r["fund_code"], r["year"]): r["fund_name"] for r in rows}
        with _FUND_NAMES_LOCK:
            while len(_FUND_NAMES) >= _FUND_NAMES_KEPT:
                _FUND_NAMES.pop(next(iter(_FUND_NAMES)))
            _FUND_NAMES[key] = names
    return names


_FUND_NAMES: dict[tuple[str, frozenset[int]], dict[tuple[str, int], str]] = {}
_FUND_NAMES_KEPT = 16
_FUND_NAMES_LOCK = threading.Lock()
_DECOYS: dict[tuple[str, frozenset[int]], str] = {}

"""Remembered column mappings: a clerk's mapping kept per office, kind and header layout (issue 14).

Every function takes the connection (the web passes its request cursor, the
CLI the store it opened), so the same SQL serves both.  Saving and removing
are audit-logged.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb

from etl.audit import audit
from etl.filevalues import FILE_LEVEL

# File-level values that stay the same from one month's file to the next: kept with the mapping.
# The year, the period and a payroll's month change with every file: chosen again each time (or read
# from the title), never carried over to next month's file of the same form.
STABLE_VALUES = FILE_LEVEL - {"year", "period", "month"}

_COLUMNS = (
    "mapping_id, office, kind, fingerprint, mapping, file_values, headers, file_name, saved_by,"
    " saved_at, last_used_at, use_count"
)


def _row(row: tuple | None) -> dict[str, Any] | None:
    if row is None:
        return None
    keys = [k.strip() for k in _COLUMNS.split(",")]
    out = dict(zip(keys, row, strict=True))
    for key in ("mapping", "file_values", "headers"):
        out[key] = json.loads(out[key]) if out[key] else ({} if key != "headers" else [])
    out["values"] = out.pop("file_values")
    out["office"] = out["office"] or None
    return out


def find(
    con: duckdb.DuckDBPyConnection, office: str | None, kind: str | None, fingerprint: str
) -> dict | None:
    """The mapping saved for this office and header layout (any kind when ``kind`` is None)."""
    row = con.execute(
        f"SELECT {_COLUMNS} FROM remembered_mappings WHERE office = ? AND fingerprint = ?"  # noqa: S608
        " AND (? IS NULL OR kind = ?) ORDER BY coalesce(last_used_at, saved_at) DESC LIMIT 1",
        [office or "", fingerprint, kind, kind],
    ).fetchall()
    return _row(row[0]) if row else None


def get(con: duckdb.DuckDBPyConnection, mapping_id: int) -> dict | None:
    rows = con.execute(
        f"SELECT {_COLUMNS} FROM remembered_mappings WHERE mapping_id = ?",  # noqa: S608
        [mapping_id],
    ).fetchall()
    return _row(rows[0]) if rows else None


def listing(con: duckdb.DuckDBPyConnection, office: str | None = None) -> list[dict]:
    """Every saved mapping (of one office when given), the most recently used first."""
    rows = con.execute(
        f"SELECT {_COLUMNS} FROM remembered_mappings WHERE ? IS NULL OR office = ?"  # noqa: S608
        " ORDER BY coalesce(last_used_at, saved_at) DESC, mapping_id DESC",
        [office, office or ""],
    ).fetchall()
    return [_row(r) for r in rows]


def remember(
    con: duckdb.DuckDBPyConnection,
    *,
    office: str | None,
    kind: str,
    fingerprint: str,
    mapping: dict[str, str],
    values: dict[str, str],
    headers: list[str],
    file_name: str,
    saved_by: str,
) -> int:
    """Save (or replace) the mapping for this office, kind and header layout; return its id."""
    kept = {k: v for k, v in values.items() if k in STABLE_VALUES}
    args = [
        json.dumps(mapping, ensure_ascii=False),
        json.dumps(kept, ensure_ascii=False),
        json.dumps(headers, ensure_ascii=False),
        file_name,
        saved_by,
    ]
    found = con.execute(
        "SELECT mapping_id FROM remembered_mappings WHERE office = ? AND kind = ? AND fingerprint = ?",
        [office or "", kind, fingerprint],
    ).fetchall()
    if found:
        mapping_id = found[0][0]
        con.execute(
            "UPDATE remembered_mappings SET mapping = ?, file_values = ?, headers = ?, file_name = ?, saved_by = ?,"
            " saved_at = current_timestamp, last_used_at = current_timestamp, use_count = use_count + 1"
            " WHERE mapping_id = ?",
            [*args, mapping_id],
        )
    else:
        mapping_id = con.execute(
            "INSERT INTO remembered_mappings (office, kind, fingerprint, mapping, file_values, headers, file_name,"
            " saved_by, last_used_at, use_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, current_timestamp, 1)"
            " RETURNING mapping_id",
            [office or "", kind, fingerprint, *args],
        ).fetchone()[0]
    audit(
        con,
        saved_by,
        "mapping_save",
        f"mapping:{mapping_id}",
        kind=kind,
        office=office,
        fingerprint=fingerprint,
        mapping=mapping,
        values=kept,
    )
    return mapping_id


def used(con: duckdb.DuckDBPyConnection, mapping_id: int) -> None:
    """Note that a load used the saved mapping as it was."""
    con.execute(
        "UPDATE remembered_mappings SET last_used_at = current_timestamp, use_count = use_count + 1"
        " WHERE mapping_id = ?",
        [mapping_id],
    )


def remove(con: duckdb.DuckDBPyConnection, mapping_id: int, actor: str) -> bool:
    """Forget a saved mapping; False when there is none with that id."""
    found = get(con, mapping_id)
    if found is None:
        return False
    con.execute("DELETE FROM remembered_mappings WHERE mapping_id = ?", [mapping_id])
    audit(
        con,
        actor,
        "mapping_remove",
        f"mapping:{mapping_id}",
        kind=found["kind"],
        office=found["office"],
        fingerprint=found["fingerprint"],
    )
    return True


def fund_choices(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The catalogue's funds (loaded or published) a clerk may choose for a roster that has no fund column."""
    rows = con.execute(
        "SELECT fund_code, any_value(fund_name), max(year) FROM live_funds GROUP BY fund_code ORDER BY fund_code"
    ).fetchall()
    return [{"fund_code": code, "fund_name": name, "year": year} for code, name, year in rows]

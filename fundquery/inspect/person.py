"""One person as an inspector sees them, matched by the keyed ID hash.

The full ID number is never stored (only its hash and the masked form), so
"full detail" is the full record: names as written, household number,
village and group, masked bank account, and every payment and staff row in
every batch, including retracted and superseded ones.  Showing it is an
explicit, audit-logged action (fundquery.views.inspect).

Beside the payments stand the person's rows in every register from another
department (issue 16): every declared kind with ``Spec.register`` and an ID
number, found from the specs, so a register declared later appears here with
no edit.  Those rows are shown on every view (names masked until the full
record is shown), and every view that shows any is audit-logged by the caller.
"""

from __future__ import annotations

from typing import Any

import duckdb

from etl.idnum import lookup_key
from etl.kinds import has_id_hash
from etl.specs import SPECS
from etl.spectypes import Spec
from fundquery.resident.masking import mask_name


def hit(table: str, keyed: bool = True) -> str:
    """A person's rows of ``table`` as the CTE ``hit``: by the indexed key alone (DESIGN.md §7: the index
    is used only when its column is the whole WHERE clause), then the rows whose hash is the person's
    (two people may share a key).  Its two parameters: ``lookup_key(id_hash), id_hash``.  A register
    declared without ``lookup_key`` (a department's new one) has no key: by the hash, one parameter."""
    if not keyed:
        return f"WITH hit AS (SELECT * FROM {table} WHERE id_hash = ?)"  # noqa: S608 (a declared table)
    return (
        f"WITH keyed AS MATERIALIZED (SELECT * FROM {table} WHERE id_key = ?),"  # noqa: S608 (a declared table)
        " hit AS (SELECT * FROM keyed WHERE id_hash = ?)"
    )


PAYMENTS_HIT = hit("payments")
STAFF_HIT = hit("staff")


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def overview(con: duckdb.DuckDBPyConnection, id_hash: str) -> dict[str, Any] | None:
    """What may be shown without the explicit action: masked ID and name, counts, funds."""
    row = con.execute(
        PAYMENTS_HIT  # noqa: S608 (constants)
        + " SELECT any_value(id_masked), any_value(name), count(*), count(DISTINCT fund_code),"
        " sum(amount_yuan), any_value(sex), min(birth_date) FROM hit WHERE batch_id IN (SELECT batch_id FROM live_batches)",
        [lookup_key(id_hash), id_hash],
    ).fetchone()
    staff = con.execute(
        STAFF_HIT  # noqa: S608 (constants)
        + " SELECT any_value(id_masked), any_value(name), count(*), string_agg(DISTINCT agency_name, '、'),"
        " any_value(sex) FROM hit WHERE batch_id IN (SELECT batch_id FROM live_batches)",
        [lookup_key(id_hash), id_hash],
    ).fetchone()
    registered = register_rows(con, id_hash) if not row[2] and not staff[2] else []
    if not row[2] and not staff[2] and not registered:
        return None
    first = registered[0]["rows"][0] if registered else {}
    name = row[1] or staff[1] or first.get("name")
    return {
        "id_masked": row[0] or staff[0] or first.get("id_masked"),
        "name_masked": mask_name(name),
        "sex": row[5] or staff[4] or first.get("sex"),
        "birth_year": row[6].year if row[6] else None,
        "payment_count": row[2],
        "fund_count": row[3],
        "amount_yuan": row[4],
        "staff_count": staff[2],
        "agencies": staff[3],
    }


def full_record(con: duckdb.DuckDBPyConnection, id_hash: str) -> dict[str, Any]:
    """Every payment and staff row of the person, in every batch, with the batch's file and status."""
    payments = _rows(
        con.execute(
            PAYMENTS_HIT  # noqa: S608 (constants)
            + " SELECT h.name, h.id_masked, h.fund_code, f.fund_name, h.year, h.period, h.township, h.village,"
            " h.village_group, h.household_no, h.quantity, h.standard_yuan, h.amount_yuan, h.paid_on,"
            " h.bank_account_masked, h.card_status, h.voucher_no, h.batch_id, h.row_no, b.file_name, b.status AS batch_status"
            " FROM hit h JOIN batches b USING (batch_id)"
            " LEFT JOIN (SELECT fund_code, arg_max(fund_name, year) AS fund_name FROM funds GROUP BY fund_code) f USING (fund_code)"
            " ORDER BY h.year, h.fund_code, h.period, h.batch_id, h.row_no",
            [lookup_key(id_hash), id_hash],
        )
    )
    staff = _rows(
        con.execute(
            STAFF_HIT  # noqa: S608 (constants)
            + " SELECT h.name, h.id_masked, h.sex, h.birth_date, h.agency_code, h.agency_name, h.staffing_type, h.post,"
            " h.hired_on, h.status, h.batch_id, h.row_no, b.file_name, b.status AS batch_status"
            " FROM hit h JOIN batches b USING (batch_id) ORDER BY h.batch_id, h.row_no",
            [lookup_key(id_hash), id_hash],
        )
    )
    households = sorted({p["household_no"] for p in payments if p["household_no"]})
    members = []
    if households:
        placeholders = ", ".join("?" for _ in households)
        members = _rows(
            con.execute(
                f"SELECT DISTINCT household_no, name, id_masked FROM live_payments WHERE household_no IN ({placeholders})"  # noqa: S608
                " ORDER BY household_no, name",
                households,
            )
        )
    return {
        "payments": payments,
        "staff": staff,
        "households": households,
        "household_members": members,
        "names": sorted({r["name"] for r in payments + staff}),
    }


def registers() -> list[Spec]:
    """Every declared register from another department that names people by ID number."""
    return [s for s in SPECS.values() if s.register and has_id_hash(s)]


def register_columns(spec: Spec) -> list[tuple[str, str, str, str]]:
    """A register's shown columns as (stored name, 中文, English, type): its declared columns, the ID masked."""
    shown = []
    for col in spec.columns:
        if not col.stored:
            continue
        if col.type == "id_number":
            shown.append(("id_masked", col.label_zh, col.label_en, "id"))
        elif col.name == "bank_account":
            shown.append(("bank_account_masked", col.label_zh, col.label_en, "text"))
        else:
            shown.append((col.name, col.label_zh, col.label_en, col.type))
    return shown


def register_rows(con: duckdb.DuckDBPyConnection, id_hash: str) -> list[dict[str, Any]]:
    """The person's rows in each register, in every batch with its status: [{kind, title, columns, rows}]."""
    found = []
    for spec in registers():
        keyed = spec.lookup_key
        rows = _rows(
            con.execute(
                hit(spec.table, keyed)  # noqa: S608 (a declared table)
                + (" SELECT h.* EXCLUDE (id_key)," if keyed else " SELECT h.*,")
                + " b.file_name, b.status AS batch_status"
                " FROM hit h JOIN batches b USING (batch_id) ORDER BY h.batch_id, h.row_no",
                [lookup_key(id_hash), id_hash] if keyed else [id_hash],
            )
        )
        if rows:
            found.append(
                {
                    "kind": spec.kind,
                    "title_zh": spec.title_zh,
                    "title_en": spec.title_en,
                    "columns": register_columns(spec),
                    "rows": rows,
                }
            )
    return found

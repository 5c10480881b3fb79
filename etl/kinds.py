"""A dataset kind's table and views, generated from its spec (issue 16: a kind is one declaration).

``table_ddl`` writes the CREATE TABLE from the spec's columns and types; for the
seven kinds of etl/sql/001_init.sql it is the schema those stores already have
(tests/test_kinds.py compares them), so an existing store goes on as it is.
``ensure`` makes, in a store, whatever a declared kind lacks: its table, the
index on its ID hash, ``live_<table>`` (loaded and published batches) and,
for a kind the public may see, ``public_<table>`` (published batches only).
A register from another department gets no ``public_`` view at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from etl.specs import SPECS
from etl.spectypes import Column, Spec
from etl.transaction import transaction

SQL_TYPES = {
    "text": "VARCHAR",
    "code": "VARCHAR",
    "int": "INTEGER",
    "year": "INTEGER",
    "amount": "DECIMAL(18,2)",
    "decimal": "DECIMAL(18,4)",
    "date": "DATE",
    "month": "DATE",  # the month's first day
    "flag": "BOOLEAN",
    "enum": "VARCHAR",
}

# live_batches (etl/sql/012_review_reject.sql): loaded or published, less what a waiting correction
# holds back, so a declared kind follows the same rule as the seven of the migrations.
LIVE_BATCHES = "SELECT batch_id FROM live_batches"
PUBLIC_BATCHES = "SELECT batch_id FROM batches WHERE status = 'published'"


@dataclass(frozen=True)
class StoredColumn:
    name: str
    sql_type: str
    not_null: bool = False
    default: str | None = None
    check_values: tuple[str, ...] = ()

    def ddl(self) -> str:
        text = f"{self.name} {self.sql_type}"
        if self.not_null:
            text += " NOT NULL"
        if self.default is not None:
            text += f" DEFAULT {self.default}"
        if self.check_values:
            values = ", ".join("'" + v.replace("'", "''") + "'" for v in self.check_values)
            text += f" CHECK ({self.name} IN ({values}))"
        return text


def _stored(col: Column) -> list[StoredColumn]:
    if col.type == "id_number":  # the number itself is never stored (DESIGN.md §5)
        return [
            StoredColumn("id_hash", "VARCHAR", col.required),
            StoredColumn("id_masked", "VARCHAR", col.required),
            StoredColumn("sex", "VARCHAR"),
            StoredColumn("birth_date", "DATE"),
        ]
    if col.name == "bank_account":  # etl.load keeps the last four digits only
        return [StoredColumn("bank_account_masked", "VARCHAR")]
    if col.type == "flag":  # the cleaner reads a blank as false
        return [StoredColumn(col.name, "BOOLEAN", True, "false")]
    checked = tuple(dict.fromkeys(col.values.values())) if col.type == "enum" and col.check else ()
    return [StoredColumn(col.name, SQL_TYPES[col.type], col.required, None, checked)]


def stored_columns(spec: Spec) -> list[StoredColumn]:
    """The table's columns, in order: the batch and row, then each stored spec column."""
    columns = [StoredColumn("batch_id", "INTEGER", True), StoredColumn("row_no", "INTEGER", True)]
    for col in spec.columns:
        if col.stored:
            columns += _stored(col)
    if spec.lookup_key:  # etl/sql/025_lookup_key.sql: the resident lookup's indexed key, last
        columns.append(StoredColumn("id_key", "BIGINT"))
    return columns


def table_ddl(spec: Spec) -> str:
    body = ",\n    ".join(c.ddl() for c in stored_columns(spec))
    return f"CREATE TABLE {spec.table} (\n    {body}\n)"


def has_id_hash(spec: Spec) -> bool:
    return any(c.type == "id_number" and c.stored for c in spec.columns)


def view_ddl(spec: Spec, prefix: str) -> str:
    """live_<table> or public_<table>: the rows of live (published) batches, with the county's code."""
    batches = {"live_": LIVE_BATCHES, "public_": PUBLIC_BATCHES}[prefix]
    return (
        f"CREATE OR REPLACE VIEW {prefix}{spec.table} AS SELECT t.*, c.county_code"  # noqa: S608 (declared names)
        f" FROM {spec.table} t CROSS JOIN county c WHERE t.batch_id IN ({batches})"
    )


def views(spec: Spec) -> tuple[str, ...]:
    """The view prefixes a kind has: a register is never public."""
    return ("live_",) if spec.register or spec.open_data is None else ("live_", "public_")


def _existing(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    ).fetchall()
    return {r[0] for r in rows}


def missing(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The statements a store lacks for the declared kinds (empty for an up-to-date store)."""
    have = _existing(con)
    todo: list[str] = []
    for spec in SPECS.values():
        if spec.table not in have:
            todo.append(table_ddl(spec))
            if has_id_hash(spec):
                # the matching and the person record go by the key (or hash) alone (DESIGN.md §7)
                key = "id_key" if spec.lookup_key else "id_hash"
                todo.append(
                    f"CREATE INDEX IF NOT EXISTS {spec.table}_{key} ON {spec.table} ({key})"
                )
        todo += [view_ddl(spec, p) for p in views(spec) if f"{p}{spec.table}" not in have]
    return todo


def ensure(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Make what the declared kinds lack in the store, in one transaction; return what was run."""
    todo = missing(con)
    if todo:
        with transaction(con):
            for statement in todo:
                con.execute(statement)
    return todo

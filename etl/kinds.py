"""A dataset kind's table and views, generated from its spec (issue 16: a kind is one declaration).

``table_ddl`` writes the CREATE TABLE from the spec's columns and types; for the
seven kinds of etl/sql/001_init.sql it is the schema those stores already have
(tests/test_kinds.py compares them), so an existing store goes on as it is.
``ensure`` makes, in a store, whatever a declared kind lacks: its table, the
index on its ID key (or hash), ``live_<table>`` (loaded and published batches)
and, for a kind the public may see, ``public_<table>`` (published batches only);
a table made before its kind had ``id_key`` is rebuilt with it (``rekeyed``).
A register from another department gets no ``public_`` view at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from etl.idnum import LOOKUP_KEY_SQL
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


def _index_ddl(spec: Spec) -> str:
    """The index the person record goes by, alone in its WHERE clause (DESIGN.md §7): the key, or the hash."""
    key = "id_key" if spec.lookup_key else "id_hash"
    return f"CREATE INDEX IF NOT EXISTS {spec.table}_{key} ON {spec.table} ({key})"


def _lacks_key(con: duckdb.DuckDBPyConnection, spec: Spec) -> bool:
    """Whether the store's table of a kind declared with ``lookup_key`` was made before it had one."""
    if not (spec.lookup_key and has_id_hash(spec)):
        return False
    found = con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = ? AND column_name = 'id_key'",
        [spec.table],
    ).fetchone()[0]
    return not found


def rekeyed(spec: Spec) -> list[str]:
    """A table made before its kind had ``id_key`` (a register of a store older than
    etl/sql/027_staff_id_key.sql), rebuilt with the key filled and indexed in place of the hash.
    Rebuilt, not altered: DuckDB refuses ALTER on an indexed table and an index made in the
    transaction that UPDATEs its table (025 did the same for payments).  BY NAME fails loudly should
    the table hold a column its spec does not."""
    table, new = spec.table, f"{spec.table}_rekeyed"
    return [
        table_ddl(spec).replace(f"CREATE TABLE {table} (", f"CREATE TABLE {new} (", 1),
        f"INSERT INTO {new} BY NAME SELECT *, {LOOKUP_KEY_SQL} AS id_key FROM {table}"  # noqa: S608
        " ORDER BY batch_id, row_no",
        f"DROP TABLE {table}",
        f"ALTER TABLE {new} RENAME TO {table}",
        _index_ddl(spec),
        *(view_ddl(spec, p) for p in views(spec)),
    ]


def missing(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The statements a store lacks for the declared kinds (empty for an up-to-date store)."""
    have = _existing(con)
    todo: list[str] = []
    for spec in SPECS.values():
        if spec.table not in have:
            todo.append(table_ddl(spec))
            if has_id_hash(spec):
                todo.append(_index_ddl(spec))
        elif _lacks_key(con, spec):
            todo += rekeyed(spec)
            continue
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

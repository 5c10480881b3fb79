"""A read-only published snapshot: what the public side of a county needs, and nothing else (issue 18).

``fundquery snapshot DIR`` writes one DuckDB file with the store's own schema
(so the same queries and pages run on it unchanged) holding only:

- published batches (their file name, checksum and uploader blanked) and the
  rows of the county's own kinds in them; a kind's columns that the public
  never sees and the lookup does not need (a payment's bank digits, sex and
  birth date; a staff member's ID hash) are left empty; registers from other
  departments are never copied;
- the review line that published each batch, and the publishing accounts'
  office (no password hash, not able to sign in);
- published replies (the question as published; no sender name, phone or
  check code), published 整改公示, the holiday calendar, the county, the
  query points.

ID numbers were never stored (only a keyed hash and a masked form), so none
can be copied.  The file is written under a new name, made read-only, and
only then named in ``DIR/CURRENT`` (a rename, so a server never reads a half
written file); the public servers reopen it when CURRENT changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl import store
from etl.idnum import Hasher
from etl.kinds import stored_columns
from etl.specs import SPECS
from fundquery.queries.publication import version_text

CURRENT = "CURRENT"
KEEP = 3  # snapshot files kept in DIR: the current one and two before it (a server may still read them)

# A kind's columns the lookup reads although the public pages do not show them.
LOOKUP_COLUMNS = {"payments": frozenset({"id_hash", "id_key", "id_masked", "household_no", "name"})}
# Columns that a public view filters on or a public page reads although open data does not list them.
VIEW_COLUMNS = {
    "staff": frozenset({"status"}),
    "funds": frozenset({"notice_days"}),  # a village notice's 公示期 (queries.notices)
}
# The copies of everything else the public pages read, owner (main) into snapshot (snap).
OTHER_TABLES = (
    ("county", "SELECT * FROM main.county"),
    ("query_points", "SELECT * FROM main.query_points"),
    ("holiday_years", "SELECT * FROM main.holiday_years"),
    ("holiday_days", "SELECT * FROM main.holiday_days"),
    (
        "batches",
        "SELECT * REPLACE ('' AS file_name, '' AS sha256, '' AS uploaded_by)"
        " FROM main.batches WHERE status = 'published'",
    ),
    (
        "batch_reviews",
        "SELECT * FROM main.batch_reviews WHERE action = 'publish'"
        " AND batch_id IN (SELECT batch_id FROM main.batches WHERE status = 'published')",
    ),
    (
        "users",
        "SELECT user_id, username, '!' AS password_hash, office, false AS is_active,"
        " 1 AS session_version, created_at, NULL AS changed_at FROM main.users"
        " WHERE username IN (SELECT published_by FROM main.batches WHERE status = 'published')",
    ),
    (
        "messages",
        "SELECT * REPLACE ('' AS code_hash, 0 AS code_failures, NULL AS code_locked_until,"
        " coalesce(public_body, '') AS body, NULL AS sender_name, NULL AS sender_phone,"
        " NULL AS registered_by, NULL AS routed_by, NULL AS answered_by, NULL AS reviewed_by,"
        " NULL AS published_by, NULL AS flag_id)"
        " FROM main.messages WHERE status = 'published'",
    ),
    (
        "rectification_notices",
        "SELECT * REPLACE ('' AS created_by, '' AS published_by)"
        " FROM main.rectification_notices WHERE published_at IS NOT NULL",
    ),
)


# Hashed with the ID-hash key like an ID number, but not one: tells a public server whether its key
# is the owner's (with another, every lookup would silently find nothing) and reveals nothing of it.
KEY_CHECK_TEXT = "FUNDQUERY-SNAPSHOT-KEY-CHECK"


def key_check(key: bytes) -> str:
    """What the ID-hash ``key`` makes of a fixed text: equal on the owner and a server with its key."""
    return Hasher(key)(KEY_CHECK_TEXT)[:16]


@dataclass(frozen=True)
class Snapshot:
    path: Path
    version: str
    rows: dict[str, int]


def public_kinds() -> list[str]:
    """The county's own kinds, whose published rows the public side serves (never a register)."""
    return [kind for kind, spec in SPECS.items() if not spec.register]


def kept_columns(kind: str) -> list[tuple[str, bool]]:
    """(stored column, copied?) for a kind: public, needed by the lookup or a view, or required."""
    spec = SPECS[kind]
    public = {c.name for c in spec.columns if c.public}
    if any(c.name == "bank_account" for c in spec.columns if c.public):
        public.add("bank_account_masked")
    needed = public | LOOKUP_COLUMNS.get(kind, frozenset()) | VIEW_COLUMNS.get(kind, frozenset())
    return [
        (c.name, c.name in needed or c.name in ("batch_id", "row_no") or c.not_null)
        for c in stored_columns(spec)
    ]


def _kind_select(kind: str) -> str:
    table = SPECS[kind].table
    columns = ", ".join(name if kept else f"NULL AS {name}" for name, kept in kept_columns(kind))
    return (
        f"SELECT {columns} FROM main.{table}"  # noqa: S608 (declared names)
        " WHERE batch_id IN (SELECT batch_id FROM main.batches WHERE status = 'published')"
    )


def _write(con: duckdb.DuckDBPyConnection, target: Path) -> dict[str, int]:
    store.connect(target).close()  # the schema, exactly as a store has it
    con.execute("ATTACH ? AS snap", [str(target)])
    try:
        con.execute("BEGIN TRANSACTION")
        # Migrations seed a few tables (the holiday calendar): the owner's copy replaces them.
        for table, _ in OTHER_TABLES:
            con.execute(f"DELETE FROM snap.{table}")  # noqa: S608 (declared names)
        rows = {}
        copies = [(t, q) for t, q in OTHER_TABLES] + [
            (SPECS[k].table, _kind_select(k)) for k in public_kinds()
        ]
        for table, select in copies:
            con.execute(f"INSERT INTO snap.{table} BY NAME {select}")  # noqa: S608 (declared names)
            rows[table] = con.execute(f"SELECT count(*) FROM snap.{table}").fetchone()[0]  # noqa: S608
        con.execute("COMMIT")
    finally:
        con.execute("DETACH snap")
    return rows


def export_snapshot(
    con: duckdb.DuckDBPyConnection, folder: str | os.PathLike, key: bytes
) -> Snapshot:
    """Write the published snapshot of the store ``con`` (hashed with ``key``) into ``folder``; make it current."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    version = hashlib.sha256(version_text(con).encode()).hexdigest()[:16]
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
    target = folder / f"snapshot-{stamp}-{version}.duckdb"
    partial = target.with_suffix(".partial")
    rows = _write(con, partial)
    partial.chmod(0o444)
    partial.rename(target)
    info = {
        "file": target.name,
        "version": version,
        "written_at": stamp,
        "rows": rows,
        "id_key_check": key_check(key),
    }
    target.with_suffix(".json").write_text(json.dumps(info, ensure_ascii=False, indent=1))
    pointer = folder / f".{CURRENT}.{os.getpid()}"
    pointer.write_text(target.name + "\n", encoding="utf-8")
    pointer.replace(folder / CURRENT)
    for old in sorted(folder.glob("snapshot-*.duckdb"))[:-KEEP]:
        old.unlink()
        old.with_suffix(".json").unlink(missing_ok=True)
    return Snapshot(target, version, rows)


def current_info(folder: str | os.PathLike) -> dict:
    """The description written beside the current snapshot (version, rows, key check)."""
    return json.loads(current_file(folder).with_suffix(".json").read_text(encoding="utf-8"))


def current_file(folder: str | os.PathLike) -> Path:
    """The snapshot DIR/CURRENT names (raises FileNotFoundError when DIR holds none)."""
    folder = Path(folder)
    return folder / (folder / CURRENT).read_text(encoding="utf-8").strip()

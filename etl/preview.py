"""A dry run of the load: the same read and validation as etl.load, nothing stored.

The web upload shows this before the user decides to load: the header found,
how each column was mapped, the rows skipped and why, the first rows as they
will be stored (ID numbers masked, bank accounts shortened, personal numbers in
text masked) and every
finding.  Validation builds temp tables only, on a cursor of its own that is
closed here, so the store is not touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl import filevalues, personal
from etl.extract import Extract
from etl.findings import Report
from etl.idnum import Hasher
from etl.load import sha256_file
from etl.read import read
from etl.spectypes import Spec
from etl.validate import validate
from etl.xlsx import column_letter

SAMPLE_ROWS = 20


@dataclass
class Preview:
    kind: str
    sha256: str
    extract: Extract
    report: Report
    sample_columns: list[str] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)
    duplicate_of: int | None = None

    @property
    def mapping(self) -> list[dict]:
        """Each spec column: the user's header for it (or None) and its sheet column letter."""
        m = self.extract.match
        out = []
        for col in m.spec.columns:
            pos = m.mapping.get(col.name)
            out.append(
                {
                    "column": col.name,
                    "label_zh": col.label_zh,
                    "label_en": col.label_en,
                    "required": col.required,
                    "header": m.labels[pos] if pos is not None else None,
                    "sheet_column": column_letter(pos) if pos is not None else None,
                }
            )
        return out


def stored_columns(spec: Spec) -> list[tuple[str, str]]:
    """(name, SQL over ``incoming``) of a row as stored, without the ID hash."""
    cols = []
    for c in spec.columns:
        if not c.stored:  # read for a check only (应发金额), not stored
            continue
        if c.type == "id_number":
            cols += [("id_masked", "id_masked"), ("sex", "sex"), ("birth_date", "birth_date")]
        elif c.name == "bank_account":
            cols.append(
                (
                    "bank_account_masked",
                    "CASE WHEN bank_account IS NOT NULL THEN '****' || right(bank_account, 4) END",
                )
            )
        else:
            cols.append((c.name, f'"{c.name}"'))
    return cols


def dry_run(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    kind: str = "auto",
    *,
    hasher: Hasher,
    sample_rows: int = SAMPLE_ROWS,
    file_name: str | None = None,
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    on_read: Callable[[str, Extract], None] | None = None,
) -> Preview:
    """Read and validate ``path`` as etl.load_file would (the same mapping and values); raises UnreadableFile.

    ``on_read(sha256, extract)`` is given the file's read as etl.read returns it, before anything here
    changes it: the web keeps it for the load that follows (``etl.load.EarlierRead``)."""
    path = Path(path)
    digest = sha256_file(path)
    extract = read(
        path, None if kind == "auto" else kind, name=file_name, mapping=mapping, values=values
    )
    if on_read is not None:
        on_read(digest, extract)
    filevalues.infer_fund(con, extract.match)
    extract.table = filevalues.fill(extract.table, extract.match)
    cur = con.cursor()
    try:
        held = cur.execute(
            "SELECT batch_id FROM batches WHERE sha256 = ? AND status IN ('loaded', 'published')"
            " ORDER BY batch_id LIMIT 1",
            [digest],
        ).fetchall()  # fetchall: DuckDB refuses new work while a result is unfinished
        report = validate(cur, extract, hasher)
        preview = Preview(
            extract.kind, digest, extract, report, duplicate_of=held[0][0] if held else None
        )
        # No ``incoming`` when a required column is missing: validation stops before parsing.
        has_incoming = cur.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'incoming' AND temporary"
        ).fetchall()[0][0]
        if has_incoming:
            cols = stored_columns(extract.match.spec)
            sql = ", ".join(f'{expr} AS "{name}"' for name, expr in cols)
            rows = cur.execute(
                f"SELECT _row, {sql} FROM incoming ORDER BY _row LIMIT ?",  # noqa: S608
                [sample_rows],
            ).fetchall()
            preview.sample_columns = ["_row"] + [name for name, _ in cols]
            # A personal number typed into a text column is shown masked here too (issue 15).
            preview.sample = [
                {
                    k: personal.masked(v) if isinstance(v, str) else v
                    for k, v in zip(preview.sample_columns, r, strict=True)
                }
                for r in rows
            ]
    finally:
        cur.close()
    return preview

"""Load an upload into the store: archive, read, validate, then all or nothing.

The original file is archived under its SHA-256 before anything else.  A
file already held by a live batch is recognised and adds nothing.  A
rejected or unreadable file changes nothing in the database.  A load is one
transaction: the batch row, its data rows, its validation report, the
superseding of the batch it replaces and the audit line commit together.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

import etl.filevalues as filevalues
from etl import attempts
from etl.audit import audit
from etl.idnum import Hasher
from etl.read import Extract, UnreadableFile, read, release_memory
from etl.specs import SPECS, Spec
from etl.store import StoreUnwritable, write_failure
from etl.validate import Report, validate


class BatchError(ValueError):
    """A batch operation that cannot be done (unknown batch, wrong status or kind)."""


@dataclass
class LoadResult:
    status: str  # loaded | rejected | duplicate
    file_name: str
    sha256: str
    kind: str | None = None
    kind_guessed: bool = False
    batch: int | None = None
    rows: int = 0
    duplicate_of: int | None = None
    report: Report | None = None
    extract: Extract | None = None

    def as_json(self) -> dict:
        findings = self.report.findings if self.report else []
        keys = ("row", "column", "value", "expected", "rule", "message", "message_en")
        pick = lambda f: {k: getattr(f, k) for k in keys}  # noqa: E731
        return {
            "batch": self.batch, "status": self.status, "rows": self.rows, "kind": self.kind,
            "kind_guessed": self.kind_guessed, "file": self.file_name, "sha256": self.sha256,
            "duplicate_of": self.duplicate_of,
            "skipped": self.report.skipped if self.report else {},
            "errors": [pick(f) for f in findings if f.severity == "error"],
            "warnings": [pick(f) for f in findings if f.severity == "warning"],
            "mapping": self.report.mapping if self.report else {},
            "values": self.report.values if self.report else {},
            "computed": self.report.computed if self.report else {},
            "fingerprint": self.report.fingerprint if self.report else None,
            "detection": self.report.detection if self.report and self.kind_guessed else None,
        }


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def archive(path: Path, digest: str, archive_dir: Path) -> Path:
    """Copy the original under its digest: written to a .part file, flushed to disk, then renamed.

    A copy already there is kept only if its digest still matches, so a crash
    (or a full disk) can never leave a damaged original under a good name.
    """
    archive_dir.mkdir(parents=True, exist_ok=True)
    target = archive_dir / (digest + path.suffix.lower()[:8])
    if target.exists() and sha256_file(target) == digest:
        return target
    tmp = target.with_suffix(target.suffix + ".part")
    try:
        shutil.copyfile(path, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _insert_sql(spec: Spec) -> str:
    cols, exprs = ["batch_id", "row_no"], ["?", "_row"]
    for c in spec.columns:
        if not c.stored:
            continue
        if c.type == "id_number":
            cols += ["id_hash", "id_masked", "sex", "birth_date"]
            exprs += ["id_hash", "id_masked", "sex", "birth_date"]
        elif c.name == "bank_account":
            cols.append("bank_account_masked")
            exprs.append("CASE WHEN bank_account IS NOT NULL THEN '****' || right(bank_account, 4) END")
        else:
            cols.append(c.name)
            exprs.append(f'"{c.name}"')
    return f"INSERT INTO {spec.table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM incoming ORDER BY _row"  # noqa: S608


def _live_batch(con: duckdb.DuckDBPyConnection, batch_id: int) -> tuple[str, str]:
    row = con.execute("SELECT kind, status FROM batches WHERE batch_id = ?", [batch_id]).fetchone()
    if row is None:
        raise BatchError(f"批次 {batch_id} 不存在。/ Batch {batch_id} does not exist.")
    if row[1] not in ("loaded", "published"):
        raise BatchError(f"批次 {batch_id} 的状态是“{row[1]}”，不能再操作。/ Batch {batch_id} is {row[1]}.")
    return row


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    kind: str = "auto",
    *,
    hasher: Hasher,
    uploaded_by: str,
    archive_dir: str | Path,
    replaces: int | None = None,
    publish: bool = False,
    office: str | None = None,
    file_name: str | None = None,
    on_stage: Callable[[str], None] | None = None,
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> LoadResult:
    """Archive, read, validate and (if no errors) load one file.  Raises etl.read.UnreadableFile.

    ``mapping`` is the clerk's: header as the file shows it (two-level: "上/下") -> canonical
    column, or "" for "not needed"; it overrides the header matcher for those columns and is
    reported with the result (``LoadResult.as_json()["mapping"]``).

    ``values`` is the clerk's choice at upload: canonical column -> one value for every row
    (``{"fund_code": "F2024001", "year": "2024"}``) for a column the form lacks; a required
    column still missing is taken from the title when it names exactly one (a year, a
    township, a village, a fund of the catalogue by name), with a warning.  Where the file
    has the column after all, the file's column wins (warning ``value_unused``).  A roster with a
    quantity and no amount takes its amount as quantity × ``standard_yuan`` (a value, a column or the
    title); a catalogue with fund names and no code column gets codes from year + name (see
    etl.filevalues; reported as ``as_json()["computed"]``).  The values
    used and where each came from are reported (``as_json()["values"]``); see etl.filevalues.
    """
    stage = on_stage or (lambda _s: None)
    path = Path(path)
    name = file_name or path.name
    if kind != "auto" and kind not in SPECS:
        raise BatchError(f"未知的数据类别“{kind}”，可选：{', '.join(SPECS)}。/ Unknown kind {kind}.")
    replaced_kind = None
    if replaces is not None:
        replaced_kind, _ = _live_batch(con, replaces)
    stage("archive")
    try:
        digest = sha256_file(path)
    except OSError as exc:
        raise UnreadableFile(f"无法打开文件 {name}：{exc.strerror}。/ Cannot open {name}.") from exc
    try:
        archive(path, digest, Path(archive_dir))
    except OSError as exc:
        raise StoreUnwritable(write_failure(exc) or f"无法保存上传文件的原件：{exc}。/ Cannot archive {name}.") from exc
    result = LoadResult("rejected", name, digest)
    held = con.execute(
        "SELECT batch_id FROM batches WHERE sha256 = ? AND status IN ('loaded', 'published') ORDER BY batch_id LIMIT 1",
        [digest],
    ).fetchone()
    if held:
        result.status, result.duplicate_of = "duplicate", held[0]
        return result
    try:
        attempt = attempts.start(con, sha256=digest, file_name=name, kind=kind, uploaded_by=uploaded_by,
                                 office=office)
    except duckdb.Error as exc:
        message = write_failure(exc)
        if message:
            raise StoreUnwritable(message) from exc
        raise
    outcome, why = "failed", None
    try:
        _load_attempt(con, path, kind, result, attempt, hasher=hasher, uploaded_by=uploaded_by, replaces=replaces,
                      replaced_kind=replaced_kind, publish=publish,
                      office=office, stage=stage, mapping=mapping, values=values)
        outcome = result.status
    except duckdb.Error as exc:
        why = write_failure(exc)
        if why:
            raise StoreUnwritable(why) from exc
        why = str(exc)
        raise
    except (UnreadableFile, BatchError) as exc:
        why = str(exc)
        raise
    except OSError as exc:  # e.g. a temporary file on a full disk while reading
        why = write_failure(exc)
        if why:
            raise StoreUnwritable(why) from exc
        why = str(exc)
        raise
    finally:
        attempts.finish(con, attempt, outcome, why)
    return result


def _load_attempt(con: duckdb.DuckDBPyConnection, path: Path, kind: str, result: LoadResult, attempt: int, *,
                  hasher: Hasher, uploaded_by: str, replaces: int | None, replaced_kind: str | None, publish: bool,
                  office: str | None, stage: Callable[[str], None], mapping: dict[str, str] | None = None,
                  values: dict[str, str] | None = None) -> None:
    """Read, validate and (if no errors) store one archived file; fills ``result``."""
    name, digest = result.file_name, result.sha256
    stage("read")
    extract = read(path, None if kind == "auto" else kind, name=name, mapping=mapping, values=values)
    filevalues.infer_fund(con, extract.match)
    extract.table = filevalues.fill(extract.table, extract.match)
    result.extract, result.kind, result.kind_guessed = extract, extract.kind, kind == "auto"
    if replaces is not None and replaced_kind != extract.kind:
        raise BatchError(f"批次 {replaces} 是“{replaced_kind}”，不能用“{extract.kind}”文件替换。/ Kind mismatch.")
    attempts.stage(con, attempt, "validate", extract.kind)  # recorded before it is announced
    stage("validate")
    report = validate(con, extract, hasher)
    result.report = report
    release_memory()  # what validation freed, before the store's work
    if report.errors:
        return
    attempts.stage(con, attempt, "load")
    stage("load")
    spec = extract.match.spec
    con.execute("BEGIN TRANSACTION")
    try:
        if replaces is not None:
            con.execute("UPDATE batches SET status = 'superseded', changed_at = current_timestamp WHERE batch_id = ?", [replaces])
        status = "published" if publish else "loaded"
        batch_id = con.execute(
            "INSERT INTO batches (kind, file_name, sha256, uploaded_by, office, row_count, status, replaces,"
            " published_at, published_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? THEN current_timestamp END, ?)"
            " RETURNING batch_id",
            [spec.kind, name, digest, uploaded_by, office, report.rows, status, replaces, publish,
             uploaded_by if publish else None],
        ).fetchone()[0]
        con.execute(_insert_sql(spec), [batch_id])
        con.execute(
            "INSERT INTO upload_reports (batch_id, kind, file_name, sha256, status, rows_read, error_count,"
            " warning_count, findings, created_by, mapping, file_values, fingerprint)"
            " VALUES (?, ?, ?, ?, 'loaded', ?, 0, ?, ?, ?, ?, ?, ?)",
            [batch_id, spec.kind, name, digest, report.rows_read, report.total("warning"),
             json.dumps([f.as_dict() for f in report.findings], ensure_ascii=False), uploaded_by,
             json.dumps(report.mapping, ensure_ascii=False), json.dumps(report.values, ensure_ascii=False),
             report.fingerprint],
        )
        audit(con, uploaded_by, "load", f"batch:{batch_id}", kind=spec.kind, file=name, sha256=digest,
              rows=report.rows, replaces=replaces, published=publish)
        attempts.loaded(con, attempt, batch_id)
        con.execute("COMMIT")
    except BaseException:
        # A failed COMMIT (disk full) has already rolled back: keep its error, not ROLLBACK's.
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    result.status, result.batch, result.rows = "loaded", batch_id, report.rows


def set_status(con: duckdb.DuckDBPyConnection, batch_id: int, action: str, actor: str) -> None:
    """Retract or publish a live batch (one transaction, audit-logged)."""
    _kind, status = _live_batch(con, batch_id)
    new = {"retract": "retracted", "publish": "published"}[action]
    if status == new:
        raise BatchError(f"批次 {batch_id} 已经是“{new}”。/ Batch {batch_id} is already {new}.")
    con.execute("BEGIN TRANSACTION")
    try:
        if new == "published":
            con.execute("UPDATE batches SET status = 'published', published_at = current_timestamp, published_by = ?,"
                        " changed_at = current_timestamp WHERE batch_id = ?", [actor, batch_id])
        else:
            con.execute("UPDATE batches SET status = ?, changed_at = current_timestamp WHERE batch_id = ?", [new, batch_id])
        audit(con, actor, action, f"batch:{batch_id}", previous=status)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise

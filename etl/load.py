"""Load an upload into the store: archive, read, validate, then all or nothing.

The original file is archived under its SHA-256 before anything else.  A
file already held by a live batch is recognised and adds nothing.  A
rejected or unreadable file changes nothing in the database.  A load is one
transaction (etl.transaction): the batch row, its data rows, its validation
report and the audit line commit together, and so does the review row when a
demo or test load publishes at once (through etl.batches, which owns every
change of a batch's status).  A correction (``replaces``) leaves the batch it
replaces as it is, public if it was, until the correction is published.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.compute as pc

import etl.filevalues as filevalues
from etl import attempts, batches
from etl.batches import BatchError
from etl.extract import Extract, UnreadableFile, release_memory
from etl.findings import Report
from etl.idnum import Hasher
from etl.read import read
from etl.specs import SPECS
from etl.spectypes import Spec
from etl.store import StoreUnwritable, write_failure
from etl.transaction import transaction
from etl.validate import validate


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
    read_earlier: bool = False  # the file was not read again: an EarlierRead of it was used

    def as_json(self) -> dict:
        findings = self.report.findings if self.report else []
        keys = ("row", "column", "value", "expected", "rule", "message", "message_en")
        pick = lambda f: {k: getattr(f, k) for k in keys}  # noqa: E731
        return {
            "batch": self.batch,
            "status": self.status,
            "rows": self.rows,
            "kind": self.kind,
            "kind_guessed": self.kind_guessed,
            "file": self.file_name,
            "sha256": self.sha256,
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


@dataclass(frozen=True)
class EarlierRead:
    """A read of a file made before the load (the web preview's), with the digest of the file it read.

    The load takes it instead of reading the file again only when the file it archives has this digest;
    the caller answers for the rest: the extract was read, as etl.read returns it, with the kind, mapping
    and values the load is given (fundquery.uploads.readcache keys it so)."""

    sha256: str
    extract: Extract


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


def _insert_sql(spec: Spec, ordered: bool = False) -> str:
    """The statement storing ``incoming`` into the kind's table; ``ordered``: ``incoming`` is already in
    ``_row`` order, so the sort (a third of the store's time at 1 M rows) is left out and a scan of it
    keeps that order (DuckDB's ``preserve_insertion_order``, on by default)."""
    cols, exprs = ["batch_id", "row_no"], ["?", "_row"]
    for c in spec.columns:
        if not c.stored:
            continue
        if c.type == "id_number":
            cols += ["id_hash", "id_masked", "sex", "birth_date"]
            exprs += ["id_hash", "id_masked", "sex", "birth_date"]
        elif c.name == "bank_account":
            cols.append("bank_account_masked")
            exprs.append(
                "CASE WHEN bank_account IS NOT NULL THEN '****' || right(bank_account, 4) END"
            )
        else:
            cols.append(c.name)
            exprs.append(f'"{c.name}"')
    if spec.lookup_key:  # computed once per ID number in etl.clean (etl.idnum.LOOKUP_KEY_SQL)
        cols.append("id_key")
        exprs.append("id_key")
    order = "" if ordered else " ORDER BY _row"
    return f"INSERT INTO {spec.table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM incoming{order}"  # noqa: S608


def _in_row_order(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``incoming``'s rows lie in spreadsheet order (the reader's order, kept by every step that
    builds it unless DuckDB turned a join around): one column scanned and compared in Arrow."""
    rows = con.sql("SELECT _row FROM incoming").to_arrow_table()["_row"].combine_chunks()
    if len(rows) < 2:
        return True
    return pc.all(pc.less(rows.slice(0, len(rows) - 1), rows.slice(1))).as_py()


def record_report(
    con: duckdb.DuckDBPyConnection,
    *,
    batch_id: int | None,
    kind: str,
    file_name: str,
    sha256: str,
    status: str,
    rows_read: int,
    error_count: int,
    warning_count: int,
    findings: list[dict],
    created_by: str,
    mapping: dict | None = None,
    file_values: dict | None = None,
    fingerprint: str | None = None,
) -> None:
    """One upload report (a loaded file's, or a rejected one's with ``batch_id`` None), with the
    clerk's column mapping, the file-level values and the header's fingerprint it was read with."""
    con.execute(
        "INSERT INTO upload_reports (batch_id, kind, file_name, sha256, status, rows_read, error_count,"
        " warning_count, findings, created_by, mapping, file_values, fingerprint)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            batch_id,
            kind,
            file_name,
            sha256,
            status,
            rows_read,
            error_count,
            warning_count,
            json.dumps(findings, ensure_ascii=False),
            created_by,
            None if mapping is None else json.dumps(mapping, ensure_ascii=False),
            None if file_values is None else json.dumps(file_values, ensure_ascii=False),
            fingerprint,
        ],
    )


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
    reviewer: str | None = None,
    reviewer_office: str | None = None,
    office: str | None = None,
    file_name: str | None = None,
    on_stage: Callable[[str], None] | None = None,
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    published_on: dt.date | None = None,
    notice_days: int | str | None = None,
    earlier: EarlierRead | None = None,
) -> LoadResult:
    """Archive, read, validate and (if no errors) load one file.  Raises etl.extract.UnreadableFile.

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
    ``publish`` publishes the batch in the same transaction, by ``reviewer`` of ``reviewer_office``
    (who must not be the uploader: ``etl.batches`` decides), as of ``published_on`` when given (the
    demo's dates, an administrator's back-filled history: ``etl.batches.check_published_on``).
    ``notice_days``: the batch's 公示天数 chosen at upload (a notice's 公示期 before the catalogue's and
    the setting's); a value that is not 1–365 days is refused before anything is archived.
    ``earlier``: the file's read made before, used when its digest is the archived file's (see
    ``EarlierRead``; ``LoadResult.read_earlier`` says whether it was).
    """
    stage = on_stage or (lambda _s: None)
    path = Path(path)
    name = file_name or path.name
    if publish and not reviewer:
        raise BatchError("公开须写明审核人。/ Publishing needs a reviewer.")
    notice_days = batches.parse_notice_days(notice_days)
    if publish and published_on is not None:  # refused before anything is archived or recorded
        batches.check_published_on(con, reviewer, published_on)
    if kind != "auto" and kind not in SPECS:
        raise BatchError(
            f"未知的数据类别“{kind}”，可选：{', '.join(SPECS)}。/ Unknown kind {kind}."
        )
    replaced_kind = None
    if replaces is not None:
        replaced_kind, _ = batches.replaceable(con, replaces)
    stage("archive")
    try:
        digest = sha256_file(path)
    except OSError as exc:
        raise UnreadableFile(f"无法打开文件 {name}：{exc.strerror}。/ Cannot open {name}.") from exc
    try:
        archive(path, digest, Path(archive_dir))
    except OSError as exc:
        raise StoreUnwritable(
            write_failure(exc) or f"无法保存上传文件的原件：{exc}。/ Cannot archive {name}."
        ) from exc
    result = LoadResult("rejected", name, digest)
    held = batches.held_by(con, digest)
    if held is not None:
        result.status, result.duplicate_of = "duplicate", held
        return result
    try:
        attempt = attempts.start(
            con, sha256=digest, file_name=name, kind=kind, uploaded_by=uploaded_by, office=office
        )
    except duckdb.Error as exc:
        message = write_failure(exc)
        if message:
            raise StoreUnwritable(message) from exc
        raise
    outcome, why = "failed", None
    try:
        _load_attempt(
            con,
            path,
            kind,
            result,
            attempt,
            hasher=hasher,
            uploaded_by=uploaded_by,
            replaces=replaces,
            replaced_kind=replaced_kind,
            publish=publish,
            reviewer=reviewer,
            reviewer_office=reviewer_office,
            office=office,
            stage=stage,
            mapping=mapping,
            values=values,
            published_on=published_on,
            notice_days=notice_days,
            earlier=earlier.extract if earlier is not None and earlier.sha256 == digest else None,
        )
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


def _load_attempt(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    kind: str,
    result: LoadResult,
    attempt: int,
    *,
    hasher: Hasher,
    uploaded_by: str,
    replaces: int | None,
    replaced_kind: str | None,
    publish: bool,
    reviewer: str | None,
    reviewer_office: str | None,
    office: str | None,
    stage: Callable[[str], None],
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    published_on: dt.date | None = None,
    notice_days: int | None = None,
    earlier: Extract | None = None,
) -> None:
    """Read (unless ``earlier`` is this file's read), validate and (if no errors) store one archived
    file; fills ``result``."""
    name, digest = result.file_name, result.sha256
    stage("read")
    if earlier is not None:
        extract, result.read_earlier = earlier, True
    else:
        extract = read(
            path, None if kind == "auto" else kind, name=name, mapping=mapping, values=values
        )
    filevalues.infer_fund(con, extract.match)
    extract.table = filevalues.fill(extract.table, extract.match)
    result.extract, result.kind, result.kind_guessed = extract, extract.kind, kind == "auto"
    if replaces is not None and replaced_kind != extract.kind:
        raise BatchError(
            f"批次 {replaces} 是“{replaced_kind}”，不能用“{extract.kind}”文件替换。/ Kind mismatch."
        )
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
    with transaction(con):
        batch_id = batches.record_load(
            con,
            kind=spec.kind,
            file_name=name,
            sha256=digest,
            uploaded_by=uploaded_by,
            office=office,
            row_count=report.rows,
            replaces=replaces,
            published=publish,
            notice_days=notice_days,
        )
        con.execute(_insert_sql(spec, ordered=_in_row_order(con)), [batch_id])
        record_report(
            con,
            batch_id=batch_id,
            kind=spec.kind,
            file_name=name,
            sha256=digest,
            status="loaded",
            rows_read=report.rows_read,
            error_count=0,
            warning_count=report.total("warning"),
            findings=[f.as_dict() for f in report.findings],
            created_by=uploaded_by,
            mapping=report.mapping,
            file_values=report.values,
            fingerprint=report.fingerprint,
        )
        if publish:
            batches.publish_loaded(
                con, batch_id, actor=reviewer, office=reviewer_office, published_on=published_on
            )
        attempts.loaded(con, attempt, batch_id)
    result.status, result.batch, result.rows = "loaded", batch_id, report.rows

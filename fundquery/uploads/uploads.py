"""The web upload's work between the form and the loader: previews and loads.

Both go through the same ETL as ``fundquery load``: etl.preview.dry_run for
the preview (read + validate, nothing stored) and etl.load.load_file for the
load.  A preview is turned into a plain dict (what the page and its JSON
show) and cached beside the staged file.
"""

from __future__ import annotations

import datetime as dt
import decimal
import gc
import json
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
from flask import current_app

from etl.audit import audit
from etl.idnum import Hasher
from etl.load import LoadResult, load_file
from etl.preview import Preview, dry_run
from etl.specs import SPECS
from fundquery.uploads import staging
from fundquery.web.config import id_hash_key
from fundquery.web.db import get_db

SKIPPED_SHOWN = 20  # row numbers listed per skip reason


def hasher() -> Hasher:
    """The deployment's ID hasher, under the key the lookup uses (``fundquery.web.config.id_hash_key``)."""
    return Hasher(id_hash_key(current_app))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


class StageTimer:
    """Logs how long each loader stage took (stage names and seconds only: never row content)."""

    def __init__(self, label: str) -> None:
        self.label, self.stage, self.start, self.times = label, None, time.perf_counter(), {}

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        if self.stage:
            self.times[self.stage] = round(now - self.start, 2)
        self.stage, self.start = stage, now

    def done(self, outcome: str) -> None:
        self("end")
        current_app.logger.info("%s: %s %s", self.label, outcome, self.times)


def preview_dict(preview: Preview, staged: staging.StagedFile, kind_asked: str) -> dict[str, Any]:
    """Everything the preview page shows, as JSON-ready values."""
    extract, report = preview.extract, preview.report
    spec = extract.match.spec
    findings = [
        {k: _plain(v) for k, v in f.as_dict().items()} for f in report.findings
    ]
    used = set(extract.match.mapping.values()) | {w.position for w in extract.match.wide}
    labels = {c.name: (c.label_zh, c.label_en) for c in spec.columns}
    labels.update({"_row": ("行号", "Row"), "id_masked": ("身份证号（脱敏）", "ID number (masked)"),
                   "sex": ("性别", "Sex"), "birth_date": ("出生日期", "Birth date"),
                   "bank_account_masked": ("银行账号（脱敏）", "Bank account (masked)")})
    return {
        "sha256": preview.sha256,
        "file_name": staged.file_name,
        "size": staged.size,
        "kind": spec.kind,
        "kind_title_zh": spec.title_zh,
        "kind_title_en": spec.title_en,
        "kind_guessed": kind_asked == "auto",
        "file_format": extract.file_format,
        "sheet": extract.sheet_name,
        "encoding": extract.encoding,
        "header_rows": [r + 1 for r in extract.match.header_rows],
        "mapping": preview.mapping,
        "ignored_headers": [h for p, h in enumerate(extract.match.labels) if h and p not in used],
        "rows_read": report.rows_read,
        "rows": report.rows,
        "skipped": {reason: {"count": len(rows), "rows": rows[:SKIPPED_SHOWN]}
                    for reason, rows in report.skipped.items()},
        "sample_columns": [{"name": c, "label_zh": labels[c][0], "label_en": labels[c][1]}
                           for c in preview.sample_columns],
        "sample": [{k: _plain(v) for k, v in row.items()} for row in preview.sample],
        "errors": [f for f in findings if f["severity"] == "error"],
        "warnings": [f for f in findings if f["severity"] == "warning"],
        "error_total": report.total("error"),
        "warning_total": report.total("warning"),
        "duplicate_of": preview.duplicate_of,
    }


def release_memory() -> None:
    """Hand a large file's tables back to the system before the next step (the worker lives on)."""
    gc.collect()
    pa.default_memory_pool().release_unused()


def make_preview(staged: staging.StagedFile, kind: str, username: str) -> dict[str, Any]:
    """The cached preview of ``staged`` read as ``kind``, computing (and logging a rejection) if needed."""
    cached = staging.cached_preview(staged.sha256, kind)
    if cached is not None:
        return cached
    con = get_db()
    start = time.perf_counter()
    preview = dry_run(con, staged.path, kind, hasher=hasher(), file_name=staged.file_name)
    current_app.logger.info("preview %s: %.2f s", staged.sha256[:12], time.perf_counter() - start)
    data = preview_dict(preview, staged, kind)
    del preview
    release_memory()
    if data["error_total"]:
        _log_rejection(con, data, username)
    staging.keep_preview(staged.sha256, kind, data)
    if kind == "auto":  # the load names the kind found: the same preview, under that name too
        staging.keep_preview(staged.sha256, data["kind"], {**data, "kind_guessed": False})
    return data


def _log_rejection(con, data: dict[str, Any], username: str) -> None:
    """A file whose errors block the load: an upload report and an audit line, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "INSERT INTO upload_reports (batch_id, kind, file_name, sha256, status, rows_read, error_count,"
            " warning_count, findings, created_by) VALUES (NULL, ?, ?, ?, 'rejected', ?, ?, ?, ?, ?)",
            [data["kind"], data["file_name"], data["sha256"], data["rows_read"], data["error_total"],
             data["warning_total"], json.dumps(data["errors"] + data["warnings"], ensure_ascii=False), username],
        )
        audit(con, username, "reject", f"sha256:{data['sha256']}", kind=data["kind"], file=data["file_name"],
              errors=data["error_total"], warnings=data["warning_total"])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def load(staged: staging.StagedFile, kind: str, *, username: str, office: str | None,
         replaces: int | None, warnings_accepted: int) -> LoadResult:
    """Load the staged file through etl.load.load_file, as the CLI does."""
    con = get_db()
    timer = StageTimer(f"load {staged.sha256[:12]}")
    result = load_file(
        con, staged.path, kind, hasher=hasher(), uploaded_by=username, archive_dir=staging.uploads_dir(),
        replaces=replaces, office=office, file_name=staged.file_name, on_stage=timer,
    )
    timer.done(result.status)
    result.extract = None  # the table is not needed past the load
    release_memory()
    if result.status == "loaded" and warnings_accepted:
        audit(con, username, "load_with_warnings", f"batch:{result.batch}", warnings=warnings_accepted)
    staging.forget_previews(staged.sha256)
    return result


def kind_title(kind: str, language: str) -> str:
    spec = SPECS[kind]
    return spec.title_en if language == "en" else spec.title_zh


def staged_suffix_ok(file_name: str) -> bool:
    return bool(staging.suffix_of(Path(file_name).name))

"""The web upload's work between the form and the loader: previews and loads.

Both go through the same ETL as ``fundquery load``: etl.preview.dry_run for
the preview (read + validate, nothing stored) and etl.load.load_file for the
load.  A preview is turned into a plain dict (what the page and its JSON
show) and cached beside the staged file, and so is the file's read
(fundquery.uploads.readcache): the load that follows does not read it again.
"""

from __future__ import annotations

import datetime as dt
import decimal
import gc
import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
from flask import current_app

from etl.audit import audit
from etl.extract import Extract
from etl.filevalues import FILE_LEVEL
from etl.headermatch import HeaderMatch
from etl.headers import header_at
from etl.idnum import Hasher
from etl.load import EarlierRead, LoadResult, load_file, record_report
from etl.peek import SAMPLES, first_rows, peek
from etl.preview import Preview, column_letter, dry_run
from etl.specs import SPECS
from etl.transaction import transaction
from fundquery.queries import mappings as saved_mappings
from fundquery.uploads import readcache, remembered, staging
from fundquery.web.config import id_hash_key
from fundquery.web.db import get_db

SKIPPED_SHOWN = 20  # row numbers listed per skip reason
# The findings that mean the header needs the clerk: the mapping form opens for them.
HEADER_RULES = (
    "column_missing",
    "column_ambiguous",
    "column_values_foreign",
    "mapping_invalid",
    "value_invalid",
)
ASKED_ALWAYS = (
    "fund_code",
    "year",
)  # file-level values the page offers whenever the form has no column for them


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


def _saved_json(saved: dict | None) -> dict | None:
    if saved is None:
        return None
    return {
        "id": saved["mapping_id"],
        "office": saved["office"],
        "saved_by": saved["saved_by"],
        "saved_at": _plain(saved["saved_at"]),
        "file_name": saved["file_name"],
        "use_count": saved["use_count"],
    }


def mapping_page(
    preview: Preview, staged: staging.StagedFile, choice: remembered.Choice
) -> dict[str, Any]:
    """The two sides of the mapping form: the file's columns (with a few masked values) and the kind's columns."""
    match, report = preview.extract.match, preview.report
    samples = peek(
        staged.path, match.spec.kind, name=staged.file_name, mapping=choice.mapping or None
    ).samples
    file_columns, fields, asked = _sides(match, samples, report.values, choice.values)
    rules = {f.rule for f in report.findings if f.severity == "error"}
    unimported = [c["header"] for c in file_columns if c["status"] in ("unused", "not_needed")]
    return {
        "file_columns": file_columns,
        "fields": fields,
        "asked_values": asked,
        "unimported": unimported,
        "needs_mapping": bool(rules & set(HEADER_RULES)),
        "foreign_values": "column_values_foreign" in rules,
        "has_unrecognised": any(c["status"] == "unused" for c in file_columns),
        "fingerprint": match.fingerprint,
        "choice": {"mapping": choice.mapping, "values": choice.values},
        "saved_mapping": _saved_json(choice.recalled),
        "values_used": report.values,
        # A roster without a village (a township-level list) is in no village's notice: no 公示天数 to ask.
        "village_notice": any(
            f["column"] == "village" and f["status"] not in ("missing", "absent") for f in fields
        ),
    }


def _sides(
    match: HeaderMatch, samples: dict[int, list[str]], given: dict, chosen: dict
) -> tuple[list[dict], list[dict], list[dict]]:
    """The file's columns, the kind's columns and the file-level values asked, for the mapping form.

    ``given``: the values the check used (column -> {value, source}); ``chosen``: the clerk's."""
    labels = {c.name: (c.label_zh, c.label_en) for c in match.spec.columns}
    file_columns = []
    for col in match.columns():
        pos = col["position"]
        shown = col.get("group") or "、".join(
            labels.get(name, ("", ""))[0] for name in [col["column"] or "", *col.get("also", [])]
        )
        file_columns.append(
            {
                **col,
                "letter": column_letter(pos),
                "samples": samples.get(pos, []),
                "label_zh": shown,
                "label_en": labels.get(col["column"] or "", ("", ""))[1],
            }
        )
    fields = match.fields()
    for f in fields:
        value = given.get(f["column"])
        if value and f["status"] in ("missing", "absent"):
            f["status"], f["value"], f["value_source"] = "value", value["value"], value["source"]
    taken = set(match.mapping) | ({match.spec.wide.group_column} if match.wide else set())
    asked = [
        {
            "column": c.name,
            "label_zh": c.label_zh,
            "label_en": c.label_en,
            "required": c.required,
            "value": (given.get(c.name) or {}).get("value", chosen.get(c.name, "")),
            "source": (given.get(c.name) or {}).get("source"),
        }
        for c in match.spec.columns
        if c.name in FILE_LEVEL
        and c.name not in taken
        and (c.name in ASKED_ALWAYS or (c.required and c.name not in taken) or c.name in chosen)
    ]
    return file_columns, fields, asked


def header_pick(
    staged: staging.StagedFile, kind: str, row: int | None, choice: remembered.Choice
) -> dict[str, Any]:
    """No header was found: the file's first rows, for the clerk to say which is the header, and once
    said (``row``, 0-based) that row's cells beside the kind's columns, to map as on the mapping form."""
    head = first_rows(staged.path, staged.file_name)
    width = max((len(r) for r in head), default=0)
    spec = SPECS.get(kind)  # None: "auto", the page asks for the kind too
    data: dict[str, Any] = {
        "kind": kind,
        "kind_title_zh": spec.title_zh if spec else "",
        "kind_title_en": spec.title_en if spec else "",
        "head": [[*r, *[None] * (width - len(r))] for r in head],
        "head_letters": [column_letter(p) for p in range(width)],
        "header_row": row,
    }
    if spec is None or row is None or not 0 <= row < len(head):
        return data | {"header_row": None}
    match = header_at(head, row, kind, choice.mapping or None)
    below = [r for r in head[row + 1 :] if any(r)]
    samples = {
        pos: [v for v in (r[pos] if pos < len(r) else None for r in below) if v][:SAMPLES]
        for pos in range(width)
    }
    file_columns, fields, asked = _sides(match, samples, {}, choice.values)
    return data | {
        "file_columns": file_columns,
        "fields": fields,
        "asked_values": asked,
        "needs_mapping": True,
        "has_unrecognised": True,
        "saved_mapping": None,
    }


def preview_dict(preview: Preview, staged: staging.StagedFile, kind_asked: str) -> dict[str, Any]:
    """Everything the preview page shows, as JSON-ready values."""
    extract, report = preview.extract, preview.report
    spec = extract.match.spec
    findings = [{k: _plain(v) for k, v in f.as_dict().items()} for f in report.findings]
    used = set(extract.match.mapping.values()) | {w.position for w in extract.match.wide}
    labels = {c.name: (c.label_zh, c.label_en) for c in spec.columns}
    labels.update(
        {
            "_row": ("行号", "Row"),
            "id_masked": ("身份证号（脱敏）", "ID number (masked)"),
            "sex": ("性别", "Sex"),
            "birth_date": ("出生日期", "Birth date"),
            "bank_account_masked": ("银行账号（脱敏）", "Bank account (masked)"),
        }
    )
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
        "skipped": {
            reason: {"count": len(rows), "rows": rows[:SKIPPED_SHOWN]}
            for reason, rows in report.skipped.items()
        },
        "sample_columns": [
            {"name": c, "label_zh": labels[c][0], "label_en": labels[c][1]}
            for c in preview.sample_columns
        ],
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


def current_choice(
    staged: staging.StagedFile, kind: str, username: str, office: str | None
) -> remembered.Choice:
    """What the file is read with: the clerk's choice on this page, else the office's saved mapping for the form.

    The first look-up is kept beside the staged file, so a reload does not read the header again.
    """
    kept = staging.get_choice(staged.sha256, username)
    if kept is None:
        found = remembered.choose(get_db(), staged.path, kind, office, name=staged.file_name)
        kept = {
            "mapping": found.mapping,
            "values": found.values,
            "recalled": found.recalled["mapping_id"] if found.recalled else None,
            "auto": True,
        }
        staging.keep_choice(staged.sha256, username, kept)
    saved = saved_mappings.get(get_db(), kept["recalled"]) if kept.get("recalled") else None
    return remembered.Choice(kept["mapping"], kept["values"], saved)


def choose(
    staged: staging.StagedFile,
    username: str,
    *,
    mapping: dict[str, str],
    values: dict[str, str],
    use_saved: bool = True,
) -> None:
    """The clerk's mapping and values from the page (or none, and no saved mapping either: ``use_saved=False``)."""
    staging.keep_choice(
        staged.sha256,
        username,
        {
            "mapping": mapping,
            "values": values,
            "recalled": None,
            "auto": False,
            "use_saved": use_saved,
        },
    )
    staging.forget_previews(staged.sha256)
    readcache.forget(staged.sha256)


def _key(kind: str, choice: remembered.Choice) -> str:
    text = json.dumps(
        [choice.mapping, choice.values, choice.recalled and choice.recalled["mapping_id"]],
        sort_keys=True,
        ensure_ascii=False,
    )
    return f"{kind}.{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def make_preview(
    staged: staging.StagedFile, kind: str, username: str, office: str | None = None
) -> dict[str, Any]:
    """The cached preview of ``staged`` read as ``kind``, computing (and logging a rejection) if needed."""
    choice = current_choice(staged, kind, username, office)
    cached = staging.cached_preview(staged.sha256, _key(kind, choice))
    if cached is not None:
        return cached
    con = get_db()
    start = time.perf_counter()

    def keep_read(digest: str, extract: Extract) -> None:
        if (
            digest == staged.sha256
        ):  # else the staged file changed since it was staged: keep nothing
            found = [extract.kind] if kind == "auto" else []  # the load asks for the kind found
            readcache.keep(digest, [_key(k, choice) for k in [kind, *found]], extract)

    preview = dry_run(
        con,
        staged.path,
        kind,
        hasher=hasher(),
        file_name=staged.file_name,
        mapping=choice.mapping or None,
        values=choice.values or None,
        on_read=keep_read,
    )
    current_app.logger.info("preview %s: %.2f s", staged.sha256[:12], time.perf_counter() - start)
    data = preview_dict(preview, staged, kind) | mapping_page(preview, staged, choice)
    del preview
    release_memory()
    if data["error_total"]:
        _log_rejection(con, data, username)
    staging.keep_preview(staged.sha256, _key(kind, choice), data)
    if kind == "auto":  # the load names the kind found: the same preview, under that name too
        staging.keep_preview(
            staged.sha256, _key(data["kind"], choice), {**data, "kind_guessed": False}
        )
    return data


def _log_rejection(con, data: dict[str, Any], username: str) -> None:
    """A file whose errors block the load: an upload report and an audit line, in one transaction."""
    with transaction(con):
        record_report(
            con,
            batch_id=None,
            kind=data["kind"],
            file_name=data["file_name"],
            sha256=data["sha256"],
            status="rejected",
            rows_read=data["rows_read"],
            error_count=data["error_total"],
            warning_count=data["warning_total"],
            findings=data["errors"] + data["warnings"],
            created_by=username,
        )
        audit(
            con,
            username,
            "reject",
            f"sha256:{data['sha256']}",
            kind=data["kind"],
            file=data["file_name"],
            errors=data["error_total"],
            warnings=data["warning_total"],
        )


def load(
    staged: staging.StagedFile,
    kind: str,
    *,
    username: str,
    office: str | None,
    replaces: int | None,
    warnings_accepted: int,
    notice_days: str | None = None,
) -> LoadResult:
    """Load the staged file through etl.load.load_file, as the CLI does; remember the mapping used."""
    con = get_db()
    choice = current_choice(staged, kind, username, office)
    timer = StageTimer(f"load {staged.sha256[:12]}")
    earlier = readcache.kept(staged.sha256, _key(kind, choice))
    result = load_file(
        con,
        staged.path,
        kind,
        hasher=hasher(),
        uploaded_by=username,
        archive_dir=staging.uploads_dir(),
        replaces=replaces,
        office=office,
        file_name=staged.file_name,
        on_stage=timer,
        mapping=choice.mapping or None,
        values=choice.values or None,
        notice_days=notice_days,
        earlier=None if earlier is None else EarlierRead(staged.sha256, earlier),
    )
    del earlier
    timer.done(result.status + (" (the preview's read)" if result.read_earlier else ""))
    if result.status == "loaded":
        remembered.remember(con, result, choice, office=office, username=username)
    result.extract = None  # the table is not needed past the load
    release_memory()
    if result.status == "loaded" and warnings_accepted:
        audit(
            con, username, "load_with_warnings", f"batch:{result.batch}", warnings=warnings_accepted
        )
    staging.forget_previews(staged.sha256)
    readcache.forget(staged.sha256)
    if result.status == "loaded":
        staging.forget_choice(staged.sha256, username)
    return result


def kind_title(kind: str, language: str) -> str:
    spec = SPECS[kind]
    return spec.title_en if language == "en" else spec.title_zh


def staged_suffix_ok(file_name: str) -> bool:
    return bool(staging.suffix_of(Path(file_name).name))

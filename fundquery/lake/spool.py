"""What snapshot servers spooled, taken into the owner's store (issue 18, docs/province.md).

A public server on a snapshot writes nothing into it: each process appends its
lookup audit lines (``lookup-audit-<pid>.jsonl``) and usage counts
(``usage-<pid>.jsonl``) to its spool folder, which the province copies back to
the county.  ``take_in`` appends them with the owner's own writers.  A spool
file keeps growing while its server runs and is copied again and again, so
each file is remembered by its path under the folder and the number of lines
already taken (an audit line ``spool_in`` written in the same transaction):
taking the same folder twice, or a longer copy of a file, adds only what is new.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.audit import audit, audit_lines
from etl.transaction import transaction
from fundquery.queries import usage as uq

KINDS = {"lookup-audit": "audit", "usage": "usage"}


class SpoolError(ValueError):
    """A spool line that is not what a snapshot server writes: named by file and line."""


@dataclass
class TakenIn:
    files: int = 0
    audit_lines: int = 0
    usage_counts: int = 0
    skipped_lines: int = 0
    per_file: dict[str, int] = field(default_factory=dict)


def _taken(con: duckdb.DuckDBPyConnection, name: str) -> int:
    found = con.execute(
        "SELECT max(CAST(json_extract_string(detail, '$.lines_to') AS INTEGER)) FROM audit_log"
        " WHERE action = 'spool_in' AND target = ?",
        [name],
    ).fetchone()[0]
    return found or 0


def _kind(path: Path) -> str | None:
    stem = path.name.rsplit("-", 1)[0]
    return KINDS.get(stem)


def _parse(name: str, number: int, text: str) -> list:
    try:
        item = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpoolError(
            f"{name} 第 {number} 行不是 JSON（{exc.msg}）：{text[:80]!r}。"
            f" / {name} line {number} is not JSON ({exc.msg}): {text[:80]!r}."
        ) from exc
    width = 5
    if not isinstance(item, list) or len(item) != width:
        raise SpoolError(
            f"{name} 第 {number} 行应为 {width} 个值的列表，实为 {text[:80]!r}。"
            f" / {name} line {number}: expected a list of {width} values, found {text[:80]!r}."
        )
    return item


def take_in(con: duckdb.DuckDBPyConnection, folder: str | os.PathLike, actor: str) -> TakenIn:
    """Append every spooled line not taken yet; all files in one transaction, or nothing."""
    folder = Path(folder)
    result = TakenIn()
    with transaction(con):
        for path in sorted(folder.rglob("*.jsonl")):
            kind = _kind(path)
            if kind is None:
                continue
            name = path.relative_to(folder).as_posix()
            text = path.read_text(encoding="utf-8")
            lines = text.splitlines()
            if lines and not text.endswith("\n"):
                lines = lines[:-1]  # a line still being written when the file was copied
            start = _taken(con, name)
            items = [
                _parse(name, n, line)
                for n, line in enumerate(lines[start:], start + 1)
                if line.strip()
            ]
            result.skipped_lines += min(start, len(lines))
            if not items:
                continue
            if kind == "audit":
                audit_lines(con, items)
                result.audit_lines += len(items)
            else:
                uq.add(con, [tuple(i) for i in items])
                result.usage_counts += len(items)
            audit(con, actor, "spool_in", name, lines_from=start + 1, lines_to=len(lines))
            result.files += 1
            result.per_file[name] = len(items)
    return result

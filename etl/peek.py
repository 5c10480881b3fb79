"""A look at a file's header only: which form it is (its fingerprint) and a few values per column.

The upload preview and ``fundquery load`` look a remembered mapping up by the
header layout before the file is read in full, and the mapping page shows the
clerk each column of the file with a few of its values.  Only the first
``HEAD_ROWS`` rows are read; long runs of digits (ID, card and phone numbers)
are masked in the samples, so no full ID number reaches a page.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from etl import isolated, spreadsheetml, workbook
from etl.csvread import decode, head_rows
from etl.extract import UnreadableFile
from etl.headermatch import HeaderMatch
from etl.headers import HEAD_ROWS, detect, sheet_rank
from etl.read import check_container, is_xlsx, sniff_format
from etl.text import cell_text, mask_digits, norm

SAMPLES = 3
CSV_HEAD_BYTES = 256 * 1024
_PHONE_LIKE = re.compile(r"\d{7,14}")


@dataclass
class Peek:
    match: HeaderMatch | None  # None: no header of the kind in the first rows
    samples: dict[int, list[str]] = field(default_factory=dict)  # position -> first values (masked)


def mask_sample(text: str) -> str:
    """A value shown as a sample: ID and card numbers as 422822********9856, phones as 138****5678."""
    text = mask_digits(text)
    return _PHONE_LIKE.sub(
        lambda m: m.group(0)[:3] + "*" * (len(m.group(0)) - 7) + m.group(0)[-4:], text
    )


def _heads(path: Path, name: str) -> list[list[list[str | None]]]:
    """The first rows of each sheet (a csv has one), as text."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(CSV_HEAD_BYTES)
    except OSError as exc:
        raise UnreadableFile(f"无法打开文件 {name}：{exc.strerror} / Cannot open {name}.") from exc
    fmt = sniff_format(data, name)
    if fmt == "csv":
        text, _enc = decode(_whole_lines(data), name)
        return [head_rows(text.splitlines()[: HEAD_ROWS + 2])[1]]
    if fmt == "spreadsheetml":  # XML: every sheet's rows are parsed to reach the next sheet
        return spreadsheetml.heads(path.read_bytes(), name)
    if fmt == "xlsx" and is_xlsx(check_container(path, name)):
        heads = _xlsx_heads(path)
        if heads is not None:
            return heads
        return workbook.checked_calamine_heads(path, name)
    return isolated.heads(path, name)  # an xls, an ods: calamine parses every sheet whole


def _whole_lines(data: bytes) -> bytes:
    """The first bytes of a csv to its last line end, so that a line cut by the read is not decoded; in UTF-16
    (Excel's "Unicode 文本") a line end is two bytes, at an even place."""
    newline = {codecs.BOM_UTF16_LE: b"\n\x00", codecs.BOM_UTF16_BE: b"\x00\n"}.get(data[:2], b"\n")
    cut = data.rfind(newline)
    while cut > 0 and len(newline) == 2 and cut % 2:  # 0A 00 across two characters: go on back
        cut = data.rfind(newline, 0, cut + 1)
    end = cut + len(newline)
    return data[:end] if 0 < cut and end < len(data) else data


def _xlsx_heads(path: Path) -> list[list[list[str | None]]] | None:
    """The first rows of each sheet of an xlsx, streamed (openpyxl read-only): calamine would parse the whole sheet.

    Rows and columns are trimmed as calamine trims its range (leading empty rows and columns), so the
    header found here is the one the full read finds.  None when openpyxl cannot read the file.
    """
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any trouble: calamine reads it (and says what is wrong)
        return None
    try:
        heads = []
        for sheet in book.worksheets:
            rows = [
                [norm(cell_text(v)) for v in row]
                for row in sheet.iter_rows(max_row=HEAD_ROWS * 4, values_only=True)
            ]
            while rows and not any(rows[0]):
                rows.pop(0)
            rows = rows[:HEAD_ROWS]
            lead = min((next(i for i, v in enumerate(r) if v) for r in rows if any(r)), default=0)
            heads.append([r[lead:] for r in rows])
        return heads
    except Exception:  # noqa: BLE001
        return None
    finally:
        book.close()


def first_rows(path: str | Path, name: str | None = None) -> list[list[str | None]]:
    """The first rows of the file's sheet that looks most like a table (as the full read trims them), masked
    as samples are: what the upload page shows when no header was found, for the clerk to say which row it
    is.  A form's sheet has rows of many filled cells; a 填表说明 or cover sheet before it, lines of text:
    the sheet with the widest row wins, the first of equals."""
    path = Path(path)
    heads = [h for h in _heads(path, name or path.name) if any(any(row) for row in h)]
    if not heads:
        return []
    head = max(heads, key=lambda h: max(sum(1 for cell in row if cell) for row in h))
    return [[mask_sample(cell) if cell else None for cell in row] for row in head]


def peek(
    path: str | Path,
    kind: str | None = None,
    *,
    name: str | None = None,
    mapping: dict[str, str] | None = None,
) -> Peek:
    """The header the full read would find (same detection, same sheet choice) and a few values per column."""
    path = Path(path)
    best: tuple[HeaderMatch, list] | None = None
    for head in _heads(path, name or path.name):
        match = detect(head, kind, mapping)
        if match and (best is None or sheet_rank(match, head) > sheet_rank(*best)):
            best = (match, head)
    if best is None:
        return Peek(None)
    match, head = best
    samples: dict[int, list[str]] = {}
    rows = [r for r in head[match.data_start :] if any(r)]
    for pos, label in enumerate(match.labels):
        if label:
            values = [norm(r[pos]) if pos < len(r) else None for r in rows]
            samples[pos] = [mask_sample(v) for v in values if v][:SAMPLES]
    return Peek(match, samples)

"""What a reader returns and what every reader shares: the ``Extract``, ``UnreadableFile``, the finish.

The finish skips blank, 合计/小计/总计, repeated header rows, a signature footer
(制表人：…) (counted with their reason), names the columns after the spec's and melts the wide layout.
The csv reader (etl.csvread) and the workbook readers (etl.workbook) end here.
"""

from __future__ import annotations

import ctypes
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from etl.filevalues import FILE_LEVEL, VILLAGE_ADDRESS
from etl.headermatch import HeaderMatch
from etl.headers import HEAD_ROWS
from etl.specs import SPECS

# pyarrow's compute kernels release the GIL: normalise columns on every core.
POOL = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="fundquery-read")
_TOTAL_ROW_SQL = r"^(合计|小计|总计|共计|累计|总合计)[::]?$"
# A signature line under a table (制表人：张三, 审核人：, 制表时间：2024-03-31, 单位负责人：): a row whose
# every filled cell is one is the form's footer, not data (dibao-zijin-fenji-tongji).
_FOOTER = re.compile(
    r"^(制表|填表|填报|审核|复核|审批|经办|单位负责|财务负责|分管领导|主管领导|负责)"
    r"(人|日期|时间)?[::]"
)
# The notes under a form (注：1.规划投入资金指… then 2.… 3.…, 说明：…, 填表说明：…: a 扶贫 统计表, tests/realfiles
# fupin-bangfu-zijin-tongji): a row holding one cell that opens a note, and the numbered lines under it,
# each one cell.  A numbered line is a note only under such an opening, never on its own.
_NOTE_HEAD = re.compile(r"^(注|附注|说明|备注|填表说明|填报说明|编制说明)[::]")
_NOTE_LINE = re.compile(r"^([(（]?(\d{1,2}|[一二三四五六七八九十]{1,3})[.、．)）])")
# Rows at the end of a sheet looked at for signature lines and notes.  The scan stops at the first row
# that is neither, so the bound only caps the work; a 填表说明 can run to a dozen numbered lines and more.
FOOTER_ROWS = 100


class UnreadableFile(Exception):
    """The file is not a spreadsheet we can read; ``str()`` is a sentence for a person."""


class NoHeader(UnreadableFile):
    """The file was read, but no header row of the kind was found in its first rows: the clerk may say
    which row it is (the upload page's header picker).  Never raised for a hostile or damaged file.
    ``found`` is the message without its advice (the template): the page that asks for the row says it."""

    def __init__(self, message: str, found: str | None = None) -> None:
        super().__init__(message)
        self.found = found or message

    def __reduce__(self):  # pickled whole from an isolated reader (etl/isolated.py)
        return (NoHeader, (str(self), self.found))


@dataclass
class Extract:
    path: Path
    file_format: str  # xlsx | xls | csv | spreadsheetml
    sheet_name: str | None
    encoding: str | None
    match: HeaderMatch
    table: pa.Table  # _row + canonical columns, all text
    rows_read: int
    skipped: dict[str, list[int]] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.match.spec.kind


def no_header(name: str, kind: str | None) -> NoHeader:
    """The file has no header row the loader knows; the example headers are the kind's own required
    columns (a clerk loading an allocation table is not helped by a payment roster's headers)."""
    spec = SPECS.get(kind) if kind else None
    if spec is None:
        what_zh, what_en, example = (
            "任何一类",
            "any dataset kind",
            "如发放清册的 姓名、身份证号、发放金额",
        )
    else:
        # the columns only the file itself can hold first (a fund or year may be chosen at upload)
        # (a column required when present, as a roster's 身份证号, is one a clerk should look for too)
        required = [c for c in spec.columns if (c.required or c.required_if_present) and c.aliases]
        columns = sorted(required, key=lambda c: c.name in FILE_LEVEL)[:4]
        what_zh, what_en = f"“{spec.title_zh}”", spec.title_en
        example = "如 " + "、".join(c.aliases[0] for c in columns)
    zh = f"在文件 {name} 的前 {HEAD_ROWS} 行中找不到{what_zh}数据的表头（{example}）。"
    en = f" / No header row for {what_en} in the first {HEAD_ROWS} rows of {name}."
    return NoHeader(f"{zh}请下载空白模板对照表头。{en}", zh + en)


try:  # glibc's malloc_trim (not on macOS, Windows or musl)
    _MALLOC_TRIM = (
        getattr(ctypes.CDLL("libc.so.6"), "malloc_trim", None)
        if sys.platform.startswith("linux")
        else None
    )
except OSError:
    _MALLOC_TRIM = None


def release_memory() -> None:
    """Give freed memory back to the system: Arrow's pool, and the heap pages calamine's cells were in.

    The sheet's millions of small strings leave glibc's heap fragmented, and Arrow's
    allocator keeps what it freed: without this the memory stays in the process and the
    validation and the store's work come on top of it (a web upload reads the file twice,
    for the preview and for the load).
    """
    pa.default_memory_pool().release_unused()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def column_positions(match: HeaderMatch) -> list[int]:
    keep = set(match.mapping.values()) | {w.position for w in match.wide}
    if match.village_address is not None:  # read beside the area, for etl.filevalues.fill to choose
        keep.add(match.village_address)
    probes = [p for p in range(min(3, len(match.labels))) if p not in keep]
    return sorted(keep | set(probes))


def finish(
    path: Path,
    fmt: str,
    sheet: str | None,
    encoding: str | None,
    match: HeaderMatch,
    table: pa.Table,
) -> Extract:
    rows_read = table.num_rows
    value_cols = [c for c in table.column_names if c != "_row"]
    blank = pa.repeat(pa.scalar(True), table.num_rows) if not value_cols else None
    for c in value_cols:
        is_null = pc.is_null(table[c])
        blank = is_null if blank is None else pc.and_(blank, is_null)
    total = pa.repeat(pa.scalar(False), table.num_rows)
    for hit in POOL.map(_total_cells, [table[c] for c in value_cols]):  # a column per core
        if hit is not None:
            total = pc.or_(total, hit)
    footer = _footer_rows(table, value_cols)
    total = pc.and_(total, pc.invert(footer))
    repeat = pa.repeat(pa.scalar(bool(match.mapping)), table.num_rows)
    for pos in match.mapping.values():
        label = match.labels[pos]
        repeat = pc.and_(repeat, pc.fill_null(pc.equal(table[f"c{pos}"], label), False))
    rows = table["_row"]
    skipped = {
        "blank": pc.filter(rows, blank).to_pylist(),
        "total": pc.filter(rows, pc.and_(total, pc.invert(blank))).to_pylist(),
        "header_repeat": pc.filter(
            rows, pc.and_(repeat, pc.invert(pc.or_(total, blank)))
        ).to_pylist(),
    }
    skipped["footer"] = pc.filter(rows, footer).to_pylist()
    keep = pc.invert(pc.or_(pc.or_(pc.or_(blank, total), repeat), footer))
    table = kept_rows(table, keep)
    if match.wide:
        table = _melt(table, match)
    else:
        table = pa.table(
            {
                "_row": table["_row"],
                **{name: table[f"c{pos}"] for name, pos in match.mapping.items()},
                **(
                    {VILLAGE_ADDRESS: table[f"c{match.village_address}"]}
                    if match.village_address is not None
                    else {}
                ),
            }
        )
    return Extract(
        path, fmt, sheet, encoding, match, table, rows_read, {k: v for k, v in skipped.items() if v}
    )


def row_numbers(first: int, count: int) -> pa.Array:
    """The spreadsheet row numbers ``first`` .. ``first + count - 1`` (int32), made in numpy: from a Python
    range, a million of them cost 0.1 s."""
    return pa.array(np.arange(first, first + count, dtype=np.int32))


def kept_rows(table: pa.Table, keep: pa.Array) -> pa.Table:
    """``table.filter(keep)``; a slice (no copy) when the kept rows are one run, as they are when only a total
    row or the signature lines under the table, or title lines above it, are left out (a copy of a million
    rows' columns costs 0.1-0.3 s)."""
    kept = pc.indices_nonzero(keep)
    if len(kept) == 0:
        return table.slice(0, 0)
    first, last = kept[0].as_py(), kept[-1].as_py()
    if last - first + 1 == len(kept):
        return table.slice(first, len(kept))
    return table.filter(keep)


def _footer_rows(table: pa.Table, value_cols: list[str]) -> pa.Array:
    """The signature lines and notes at the end of the sheet (制表人：…, 审核人：…; 注：… and its numbered
    lines): rows, from the last up, whose every filled cell is a signature, or that hold one cell opening
    a note or continuing one under its opening (blank rows between them pass); the first other row ends
    them, and numbered lines with no opening above them are rows.  Only the last ``FOOTER_ROWS`` rows are
    looked at: a footer is under the table, and a million-row file pays nothing."""
    flags = np.zeros(table.num_rows, dtype=bool)
    numbered: list[int] = []  # numbered lines seen, notes once their opening is found above them
    for i in range(table.num_rows - 1, max(-1, table.num_rows - 1 - FOOTER_ROWS), -1):
        filled = [
            v.replace(" ", "") for v in (table[c][i].as_py() for c in value_cols) if v is not None
        ]
        if not filled:
            continue
        if len(filled) == 1 and _NOTE_HEAD.match(filled[0]):
            flags[[i, *numbered]] = True
            numbered = []
        elif len(filled) == 1 and _NOTE_LINE.match(filled[0]):
            numbered.append(i)
        elif all(_FOOTER.match(v) for v in filled) and not numbered:
            flags[i] = True
        else:
            break
    return pa.array(flags)


def _total_cells(column: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """Where a column says 合计/小计/总计 (a total row), or None when no cell has 计 at all."""
    if not mentions(column, "计"):  # cheap literal test first
        return None
    return pc.fill_null(
        pc.match_substring_regex(pc.replace_substring(column, " ", ""), _TOTAL_ROW_SQL), False
    )


def mentions(column: pa.Array | pa.ChunkedArray, text: str) -> bool:
    """Whether ``text`` may occur in a cell of a text column: False only when it does not.

    One substring search over each chunk's character data, where every cell's text lies, instead of one
    per cell: a million-row roster's fourteen columns cost 0.3 CPU s cell by cell (load_bench, branch
    speed2).  The data of a sliced column may hold text outside the slice, so True is only a maybe.
    """
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    needle = text.encode()
    for chunk in chunks:
        if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
            return True
        data = chunk.buffers()[2]
        if data is None or data.size == 0:
            continue
        if needle in data.to_pybytes():
            return True
    return False


def _melt(table: pa.Table, match: HeaderMatch) -> pa.Table:
    """One row per agency and 编制类型 from the wide official table."""
    spec = match.spec
    parts = []
    groups = sorted({w.group for w in match.wide}, key=[w.group for w in match.wide].index)
    for group in groups:
        cols = {w.measure: table[f"c{w.position}"] for w in match.wide if w.group == group}
        present = None
        for arr in cols.values():
            has = pc.and_(pc.is_valid(arr), pc.not_equal(pc.fill_null(arr, "0"), "0"))
            present = has if present is None else pc.or_(present, has)
        part = {"_row": table["_row"]}
        part.update(
            {name: table[f"c{pos}"] for name, pos in match.mapping.items() if name not in cols}
        )
        part[spec.wide.group_column] = pa.array([group] * table.num_rows, pa.string())
        for measure in spec.wide.measures:
            if spec_has(spec, measure):
                part[measure] = cols.get(measure, pa.nulls(table.num_rows, pa.string()))
        parts.append(pa.table(part).filter(present))
    melted = pa.concat_tables(parts)
    return melted.take(pc.sort_indices(melted, [("_row", "ascending")]))


def spec_has(spec, name: str) -> bool:
    return any(c.name == name for c in spec.columns)

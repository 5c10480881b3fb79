"""Read a spreadsheet as it comes: xlsx/xls through calamine, csv in UTF-8/GBK.

The result is an ``Extract``: which sheet, which header, and a pyarrow table
of text with the spreadsheet's own row number in ``_row`` and one column per
canonical column of the spec.  Blank rows, 合计/小计/总计 rows and repeated
header rows are skipped and counted with their reason.  Nothing here parses
values: that is etl.clean's job, so every problem can be reported against
the text the user actually wrote.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine

from etl import filevalues
from etl.headers import HEAD_ROWS, HeaderMatch, detect, kind_tie_message
from etl.text import cell_text, column_text, norm, norm_array

CHUNK_ROWS = 50_000
# pyarrow's compute kernels release the GIL: normalise columns on every core.
_POOL = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="fundquery-read")
_TOTAL_ROW_SQL = r"^(合计|小计|总计|共计|累计|总合计)[::]?$"
# An xlsx is a zip: its parts are inflated before they are read.  A zip bomb (a
# few MB that inflate to GBs) is refused from the sizes the zip declares, before
# anything is inflated (calamine's zip reader stops at the declared size, so a
# part cannot inflate to more than it declares).  Excel's largest sheet,
# 1,048,576 rows of 20 text columns, is about 700 MB of XML; real sheets inflate
# 5-30 times, a bomb hundreds of times.
MAX_INFLATED_BYTES = 1 << 30
MAX_INFLATE_RATIO = 100
RATIO_CHECKED_ABOVE_BYTES = 16 << 20


class UnreadableFile(Exception):
    """The file is not a spreadsheet we can read; ``str()`` is a sentence for a person."""


@dataclass
class Extract:
    path: Path
    file_format: str  # xlsx | xls | csv
    sheet_name: str | None
    encoding: str | None
    match: HeaderMatch
    table: pa.Table  # _row + canonical columns, all text
    rows_read: int
    skipped: dict[str, list[int]] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.match.spec.kind


def sniff_format(data: bytes, name: str) -> str:
    """xlsx, xls or csv from the file's first bytes, not its name."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if not data.strip():
        raise UnreadableFile(f"文件 {name} 是空的。/ The file {name} is empty.")
    start = data.lstrip(codecs.BOM_UTF8).lstrip()[:64].lower()
    if start.startswith((b"<html", b"<!doctype", b"<?xml", b"<table", b"<meta")):
        raise UnreadableFile(
            f"文件 {name} 其实是网页（HTML），不是 Excel 表格：请在 Excel 中打开后“另存为” .xlsx 再上传。"
            f" / {name} is really a web page (HTML), not a spreadsheet: open it in Excel and save as .xlsx."
        )
    return "csv"


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Text and encoding of a csv: UTF-8 (with or without BOM), UTF-16, else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    candidates = ("utf-16",) if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        f"文件 {name} 既不是 UTF-8 也不是 GBK 编码的文本，无法读取。/ {name} is neither UTF-8 nor GBK text."
    )


def _no_header(name: str, kind: str | None) -> UnreadableFile:
    what = f"“{kind}”类" if kind else "任何一类"
    return UnreadableFile(
        f"在文件 {name} 的前 {HEAD_ROWS} 行中找不到{what}数据的表头（如 姓名、身份证号、发放金额）。"
        "请下载空白模板对照表头。"
        f" / No header row for {kind or 'any dataset kind'} in the first {HEAD_ROWS} rows of {name}."
    )


def read(path: str | Path, kind: str | None = None, *, name: str | None = None,
         mapping: dict[str, str] | None = None, values: dict[str, str] | None = None) -> Extract:
    """Read ``path`` for ``kind`` (None: guess the kind from the headers); messages call the file ``name``.

    ``mapping`` is a clerk's: header as the file shows it -> canonical column, or "" for "not needed".
    ``values`` is a clerk's too: canonical column -> one value for every row, for a column the form
    lacks (the fund, the year); a required column still missing may come from the title (etl.filevalues).

    ``name`` is the name the user knows the file by (a web upload is staged under its digest).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"无法打开文件 {path}：{exc.strerror} / Cannot open {path}.") from exc
    name = name or path.name
    fmt = sniff_format(data, name)
    if fmt == "csv":
        extract = _read_csv(path, data, kind, name, mapping, values)
    else:
        del data
        if fmt == "xlsx":
            check_container(path, name)
        extract = _read_workbook(path, fmt, kind, name, mapping, values)
    extract.table = filevalues.fill(extract.table, extract.match)
    return extract


def check_container(path: Path, name: str | None = None) -> None:
    """Refuse a damaged zip or a zip bomb before any part of it is inflated."""
    name = name or path.name
    try:
        with zipfile.ZipFile(path) as container:
            parts = container.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFile(
            f"文件 {name} 看起来是 Excel（.xlsx）文件，但已损坏或不完整（可能没有上传完整）：{exc}。请重新保存后再上传。"
            f" / {name} looks like an .xlsx file but is damaged or truncated ({exc})."
        ) from exc
    total = sum(p.file_size for p in parts)
    if total > MAX_INFLATED_BYTES:
        raise UnreadableFile(
            f"文件 {name} 解压后有 {total / 2**20:,.0f} MB，超过了 {MAX_INFLATED_BYTES / 2**20:,.0f} MB 的上限："
            "请把数据分成几个文件上传。"
            f" / {name} inflates to {total / 2**20:,.0f} MB, over the {MAX_INFLATED_BYTES / 2**20:,.0f} MB limit:"
            " split it into several files."
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_CHECKED_ABOVE_BYTES and ratio > MAX_INFLATE_RATIO:
            raise UnreadableFile(
                f"文件 {name} 中的 {part.filename} 压缩比异常（{ratio:,.0f} 倍，正常表格不超过 {MAX_INFLATE_RATIO} 倍），"
                "可能是恶意构造的文件，已拒绝读取。"
                f" / In {name}, {part.filename} inflates {ratio:,.0f} times (a spreadsheet stays under"
                f" {MAX_INFLATE_RATIO}): refused as a possible zip bomb."
            )


# --- workbooks -------------------------------------------------------------


def _read_workbook(path: Path, fmt: str, kind: str | None, name: str, mapping: dict[str, str] | None,
                   values: dict[str, str] | None = None) -> Extract:
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        best = None
        for sheet_name in book.sheet_names:
            sheet = book.get_sheet_by_name(sheet_name)
            head = [[norm(cell_text(v)) for v in row] for row in itertools.islice(sheet.iter_rows(), HEAD_ROWS)]
            match = detect(head, kind, mapping)
            if match and (best is None or match.score > best[1].score):
                best = (sheet, match, head)
        if best is None:
            raise _no_header(name, kind)
        sheet, match, head = best
        filevalues.apply(match, values, filevalues.notes_above(head, match))
        if match.kind_tie:
            raise UnreadableFile(kind_tie_message(match, name))
        first_row_no = sheet.start[0] + 1 if sheet.start else 1
        rows = itertools.islice(sheet.iter_rows(), match.data_start, None)
        table = _columns(rows, match, first_row_no + match.data_start)
    except (python_calamine.CalamineError, ValueError, OSError) as exc:
        if isinstance(exc, UnreadableFile):
            raise
        raise UnreadableFile(
            f"文件 {name} 看起来是 Excel 文件，但已损坏或无法读取（{exc}）。"
            f" / {name} looks like an Excel file but is damaged or unreadable."
        ) from exc
    return _finish(path, fmt, sheet.name, None, match, table)


def _positions(match: HeaderMatch) -> list[int]:
    keep = set(match.mapping.values()) | {w.position for w in match.wide}
    probes = [p for p in range(min(3, len(match.labels))) if p not in keep]
    return sorted(keep | set(probes))


def _columns(rows, match: HeaderMatch, first_row_no: int) -> pa.Table:
    """Chunked, columnar conversion of the data rows (only the columns we need)."""
    positions = _positions(match)
    chunks: list[pa.Table] = []
    row_no = first_row_no
    while True:
        chunk = list(itertools.islice(rows, CHUNK_ROWS))
        if not chunk:
            break
        arrays = {"_row": pa.array(range(row_no, row_no + len(chunk)), pa.int32())}
        width = max(positions, default=-1) + 1
        if any(len(r) < width for r in chunk):
            chunk = [list(r) + [None] * (width - len(r)) for r in chunk]
        columns = list(zip(*chunk, strict=False))
        texts = [column_text(columns[pos]) for pos in positions]
        for pos, arr in zip(positions, _POOL.map(norm_array, texts), strict=True):
            arrays[f"c{pos}"] = arr
        chunks.append(pa.table(arrays))
        row_no += len(chunk)
    if not chunks:
        schema = pa.schema([("_row", pa.int32())] + [(f"c{p}", pa.string()) for p in positions])
        return schema.empty_table()
    return pa.concat_tables(chunks)


# --- csv ---------------------------------------------------------------------


def _read_csv(path: Path, data: bytes, kind: str | None, name: str, mapping: dict[str, str] | None,
              values: dict[str, str] | None = None) -> Extract:
    text, encoding = decode(data, name)
    del data
    first_lines = text[: 200_000].splitlines()[: HEAD_ROWS + 2]
    sample = "\n".join(first_lines)
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    head = [[norm(v) for v in row] for row in csv.reader(io.StringIO(sample), delimiter=delimiter)][:HEAD_ROWS]
    match = detect(head, kind, mapping)
    if match is None:
        raise _no_header(name, kind)
    if match.kind_tie:
        raise UnreadableFile(kind_tie_message(match, name))
    filevalues.apply(match, values, filevalues.notes_above(head, match))
    width = max(len(match.labels), max((len(r) for r in head), default=0))
    # DuckDB skips empty lines; keep them (as one empty field) so row numbers stay those of the file.
    text = re.sub(r"(?m)^[ \t]*$", delimiter, text.replace("\r\n", "\n").rstrip())
    with tempfile.TemporaryDirectory(prefix="fundquery-csv-") as tmp:
        utf8 = Path(tmp) / "data.csv"
        utf8.write_text(text, encoding="utf-8")
        del text
        columns = {f"c{i}": "VARCHAR" for i in range(width)}
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")  # stdout carries `fundquery load --json`
        try:
            raw = _duckdb_csv(con, utf8, delimiter, columns, parallel=True)
        except duckdb.Error as exc:
            if "parallel" not in str(exc):
                raise _csv_error(name, exc) from exc
            # A cell with a line break inside quotes (Alt+Enter in Excel): DuckDB's parallel
            # scanner cannot pad short rows around it, the single-threaded one can.
            try:
                raw = _duckdb_csv(con, utf8, delimiter, columns, parallel=False)
            except duckdb.Error as exc2:
                raise _csv_error(name, exc2) from exc2
        finally:
            con.close()
    raw = raw.slice(match.data_start)
    keep = _positions(match)
    arrays = {"_row": pa.array(range(match.data_start + 1, match.data_start + 1 + raw.num_rows), pa.int32())}
    present = [pos for pos in keep if pos < width]
    normed = _POOL.map(norm_array, [raw.column(f"c{pos}").combine_chunks() for pos in present])
    arrays.update({f"c{pos}": arr for pos, arr in zip(present, normed, strict=True)})
    arrays.update({f"c{pos}": pa.nulls(raw.num_rows, pa.string()) for pos in keep if pos >= width})
    return _finish(path, "csv", None, encoding, match, pa.table(arrays))


def _duckdb_csv(con: duckdb.DuckDBPyConnection, utf8: Path, delimiter: str, columns: dict[str, str], *,
                parallel: bool) -> pa.Table:
    rel = con.read_csv(
        str(utf8), header=False, all_varchar=True, null_padding=True, strict_mode=False, parallel=parallel,
        auto_detect=False, delimiter=delimiter, quotechar='"', escapechar='"', columns=columns,
    )
    return rel.to_arrow_table()


def _csv_error(name: str, exc: Exception) -> UnreadableFile:
    """DuckDB's parser error as a sentence: the line it stopped at, never its settings dump."""
    found = re.search(r"Line: (\d+)", str(exc))
    line = f"第 {found.group(1)} 行附近" if found else ""
    line_en = f" near line {found.group(1)}" if found else ""
    return UnreadableFile(
        f"无法解析 CSV 文件 {name}：{line}的格式不对（常见原因：引号不成对，或一格内容跨了多行）。"
        f"请在 Excel 中打开后另存为 .xlsx 再上传。"
        f" / Cannot parse the CSV {name}{line_en} (an unmatched quote, or a cell running over several lines):"
        " open it in Excel and save it as .xlsx."
    )


# --- common: skip rows, name columns, melt the wide layout -------------------


def _finish(path: Path, fmt: str, sheet: str | None, encoding: str | None, match: HeaderMatch, table: pa.Table) -> Extract:
    rows_read = table.num_rows
    value_cols = [c for c in table.column_names if c != "_row"]
    blank = pa.array([True] * table.num_rows, pa.bool_()) if not value_cols else None
    for c in value_cols:
        is_null = pc.is_null(table[c])
        blank = is_null if blank is None else pc.and_(blank, is_null)
    total = pa.array([False] * table.num_rows, pa.bool_())
    for c in value_cols:
        if not pc.any(pc.match_substring(table[c], "计")).as_py():  # cheap literal test first
            continue
        hit = pc.fill_null(pc.match_substring_regex(pc.replace_substring(table[c], " ", ""), _TOTAL_ROW_SQL), False)
        total = pc.or_(total, hit)
    repeat = pa.array([bool(match.mapping)] * table.num_rows, pa.bool_())
    for pos in match.mapping.values():
        label = match.labels[pos]
        repeat = pc.and_(repeat, pc.fill_null(pc.equal(table[f"c{pos}"], label), False))
    rows = table["_row"]
    skipped = {
        "blank": pc.filter(rows, blank).to_pylist(),
        "total": pc.filter(rows, pc.and_(total, pc.invert(blank))).to_pylist(),
        "header_repeat": pc.filter(rows, pc.and_(repeat, pc.invert(pc.or_(total, blank)))).to_pylist(),
    }
    keep = pc.invert(pc.or_(pc.or_(blank, total), repeat))
    table = table.filter(keep)
    if match.wide:
        table = _melt(table, match)
    else:
        table = pa.table({"_row": table["_row"], **{name: table[f"c{pos}"] for name, pos in match.mapping.items()}})
    return Extract(path, fmt, sheet, encoding, match, table, rows_read, {k: v for k, v in skipped.items() if v})


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
        part.update({name: table[f"c{pos}"] for name, pos in match.mapping.items() if name not in cols})
        part[spec.wide.group_column] = pa.array([group] * table.num_rows, pa.string())
        for measure in spec.wide.measures:
            if spec_has(spec, measure):
                part[measure] = cols.get(measure, pa.nulls(table.num_rows, pa.string()))
        parts.append(pa.table(part).filter(present))
    melted = pa.concat_tables(parts)
    return melted.take(pc.sort_indices(melted, [("_row", "ascending")]))


def spec_has(spec, name: str) -> bool:
    return any(c.name == name for c in spec.columns)

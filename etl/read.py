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
import ctypes
import io
import itertools
import os
import re
import sys
import tempfile
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

import duckdb
import fastexcel
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import python_calamine

from etl import filevalues, xlsx
from etl.headers import HEAD_ROWS, HeaderMatch, detect, kind_tie_message
from etl.text import cell_text, column_text, float_text, norm, norm_array

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
    candidates = (
        ("utf-16",)
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        else ("utf-8", "gb18030")
    )
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


def read(
    path: str | Path,
    kind: str | None = None,
    *,
    name: str | None = None,
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Extract:
    """Read ``path`` for ``kind`` (None: guess the kind from the headers); messages call the file ``name``.

    ``mapping`` is a clerk's: header as the file shows it -> canonical column, or "" for "not needed".
    ``values`` is a clerk's too: canonical column -> one value for every row, for a column the form
    lacks (the fund, the year); a required column still missing may come from the title (etl.filevalues).

    ``name`` is the name the user knows the file by (a web upload is staged under its digest).
    """
    path = Path(path)
    release_memory()  # what an earlier read or validation freed, before this file's read
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
        extract = None
        if fmt == "xlsx":
            check_container(path, name)
            extract = _read_xlsx(path, kind, name, mapping, values)
        if extract is None:
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


def _damaged(name: str, exc: Exception) -> UnreadableFile:
    return UnreadableFile(
        f"文件 {name} 看起来是 Excel 文件，但已损坏或无法读取（{exc}）。"
        f" / {name} looks like an Excel file but is damaged or unreadable."
    )


def _too_large(name: str, exc: xlsx.SheetTooLarge) -> UnreadableFile:
    return UnreadableFile(
        f"文件 {name} 的工作表“{exc.sheet}”范围过大（约 {exc.rows:,} 行 × {exc.cols:,} 列，"
        f"可能有远处的零散单元格），超过 {xlsx.MAX_GRID_CELLS:,} 个单元格的上限：请删除多余的行列或把数据分成几个文件。"
        f" / In {name}, sheet {exc.sheet} spans about {exc.rows:,} rows by {exc.cols:,} columns (a stray cell far away?),"
        f" over the {xlsx.MAX_GRID_CELLS:,}-cell limit: delete the stray rows and columns or split the file."
    )


try:  # glibc's malloc_trim (not on macOS, Windows or musl)
    _MALLOC_TRIM = (
        getattr(ctypes.CDLL("libc.so.6"), "malloc_trim", None)
        if sys.platform.startswith("linux")
        else None
    )
except OSError:
    _MALLOC_TRIM = None

_XLSX_ERRORS = (
    zipfile.BadZipFile,
    ParseError,
    KeyError,
    ValueError,
    EOFError,
    zlib.error,
    OSError,
    RuntimeError,
    NotImplementedError,
)


def _read_xlsx(
    path: Path,
    kind: str | None,
    name: str,
    mapping: dict[str, str] | None,
    values: dict[str, str] | None,
) -> Extract | None:
    """An xlsx through fastexcel (calamine straight to Arrow); None: read it through python-calamine.

    The header is found in each sheet's first rows, read from the XML (etl.xlsx), so
    the chosen sheet is parsed once, after its extent was checked.  Only the columns
    the spec needs are converted, each with one type for the whole column; a column
    mixing types (text and numbers), or a cell fastexcel cannot convert, sends the
    file to python-calamine, whose cell-by-cell text is the reference (etl.text).
    """
    try:
        package = xlsx.Package(path)
    except xlsx.NoWorkbookPart:
        return None  # an .ods or another zip: calamine says what it is
    except (xlsx.NotPlainXlsx, ParseError):
        # A workbook part this module does not follow (e.g. strict OOXML's namespace): calamine
        # may read it, once every worksheet part has been checked.
        try:
            xlsx.check_every_sheet(path)
        except xlsx.SheetTooLarge as exc:
            raise _too_large(name, exc) from exc
        except _XLSX_ERRORS as exc:
            raise _damaged(name, exc) from exc
        return None
    except _XLSX_ERRORS as exc:
        raise _damaged(name, exc) from exc
    try:
        best = None
        for sheet_name, part in package.sheets:
            head = package.head(part, HEAD_ROWS)
            rows = [[norm(cell_text(v)) for v in row] for row in head.rows]
            match = detect(rows, kind, mapping)
            if match and (best is None or match.score > best[2].score):
                best = (sheet_name, part, match, head, rows)
        if best is None:
            # No header in the first rows as the XML has them: let calamine look (dates as dates), after
            # every sheet's extent was checked.
            for sheet_name, part in package.sheets:
                package.check_extent(sheet_name, part)
            return None
        sheet_name, part, match, head, rows = best
        filevalues.apply(match, values, filevalues.notes_above(rows, match))
        if match.kind_tie:
            raise UnreadableFile(kind_tie_message(match, name))
        # Every sheet is checked (python-calamine, the fallback, loads them all); the chosen one
        # also for a cell left of its head, which would shift every column.
        plain = True
        for other, other_part in package.sheets:
            if other_part == part:
                plain = package.check_extent(sheet_name, part, head.first_col)
            else:
                package.check_extent(other, other_part)
    except xlsx.SheetTooLarge as exc:
        raise _too_large(name, exc) from exc
    except (xlsx.NotPlainXlsx, *_XLSX_ERRORS) as exc:
        raise _damaged(name, exc) from exc
    finally:
        package.close()
    table = (
        _fastexcel_columns(path, sheet_name, match, head.first_row + match.data_start)
        if plain
        else None
    )
    if table is None:
        return None
    return _finish(path, "xlsx", sheet_name, None, match, table)


def _fastexcel_columns(
    path: Path, sheet_name: str, match: HeaderMatch, skip: int
) -> pa.Table | None:
    """The data rows' columns as text, or None when a column needs the cell-by-cell reader."""
    positions = _positions(match)
    wanted = set(positions)
    source = str(path) if path.suffix.lower() in (".xlsx", ".xlsm") else path.read_bytes()
    try:
        reader = fastexcel.read_excel(source)
        sheet = reader.load_sheet(
            sheet_name,
            header_row=None,
            skip_rows=skip,
            schema_sample_rows=None,
            dtype_coercion="strict",
            use_columns=lambda c: c.index in wanted,
        )
        batch, errors = sheet.to_arrow_with_errors()
    except fastexcel.FastExcelError:
        return None
    del sheet, reader, source
    if errors is not None and any("got 'Error(" not in e.detail for e in errors.errors):
        return None  # e.g. "N/A" typed in a number column: fastexcel would drop it
    by_index = {int(n.removeprefix("__UNNAMED__")): batch.column(n) for n in batch.schema.names}
    n = batch.num_rows
    texts, typed = [], []
    for pos in positions:
        arr = by_index.get(pos)
        text = pa.nulls(n, pa.string()) if arr is None else _distinct_text(arr)
        if text is None:
            return None
        texts.append(text)
        typed.append(arr is not None and not pa.types.is_string(arr.type))
    del batch, by_index
    release_memory()
    arrays = {"_row": pa.array(range(skip + 1, skip + 1 + n), pa.int32())}
    # Text made from numbers, dates and booleans is already normal (digits, ISO dates, 是/否).
    normed = _POOL.map(lambda t: t[0] if t[1] else norm_array(t[0]), zip(texts, typed, strict=True))
    for pos, arr in zip(positions, normed, strict=True):
        arrays[f"c{pos}"] = arr
    return pa.table(arrays)


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


def _distinct_text(arr: pa.Array) -> pa.Array | None:
    """``_arrow_text`` of each distinct value of a long typed column, taken back to every row."""
    if len(arr) > 10_000 and not (pa.types.is_string(arr.type) or pa.types.is_null(arr.type)):
        encoded = pc.dictionary_encode(arr)
        if len(encoded.dictionary) < len(arr) // 2:
            text = _arrow_text(encoded.dictionary)
            return None if text is None else pc.take(text, encoded.indices)
    return _arrow_text(arr)


# python-calamine's reading of Excel serials (etl.text.cell_text of what it returns): under 1, a
# time of day; from 1 to 9999-12-31, a date (midnight) or a datetime.  fastexcel gives timestamps.
# calamine reads serials below 60 with Lotus' 1900 leap day taken out: serial 0 is 1899-12-31.
_MS_SERIAL_0 = -2_209_075_200_000  # 1899-12-31 00:00, serial 0
_MS_SERIAL_1 = -2_208_988_800_000  # 1900-01-01 00:00, serial 1
_MS_MAX = 253_402_300_799_999  # 9999-12-31 23:59:59.999


def _arrow_text(arr: pa.Array) -> pa.Array | None:
    """One typed column as the text etl.text gives each cell, or None where that is not known."""
    kind = arr.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return arr.cast(pa.string())
    if pa.types.is_null(kind):
        return pa.nulls(len(arr), pa.string())
    if pa.types.is_floating(kind):
        return float_text(arr)
    if pa.types.is_integer(kind):
        return pc.cast(arr, pa.string())
    if pa.types.is_boolean(kind):
        return pc.if_else(arr, "是", "否")
    if pa.types.is_timestamp(kind):
        ms = pc.cast(arr.cast(pa.timestamp("ms")), pa.int64())
        if pc.any(pc.or_(pc.less(ms, _MS_SERIAL_0), pc.greater(ms, _MS_MAX))).as_py():
            return None  # python-calamine keeps these as numbers
        return _timestamp_text(ms)
    return None  # dates written as ISO text in the XML, durations: rare, read cell by cell


def _timestamp_text(ms: pa.Array) -> pa.Array | None:
    """Milliseconds since 1970 as cell_text writes python-calamine's date, datetime or time."""
    frac_ms = pc.subtract(ms, pc.multiply(pc.divide(ms, 1000), 1000))  # truncated: the sign of ms
    fractional = pc.not_equal(frac_ms, 0)
    if pc.any(pc.and_(fractional, pc.less(ms, 0))).as_py():
        return None  # a fraction of a second before 1970: rare, read cell by cell
    seconds = pc.cast(pc.divide(ms, 1000), pa.int64()).cast(pa.timestamp("s"))
    day = pc.strftime(seconds, "%Y-%m-%d")
    clock = pc.strftime(seconds, "%H:%M:%S")
    micros = pc.utf8_lpad(pc.cast(pc.multiply(frac_ms, 1000), pa.string()), 6, "0")
    clock = pc.if_else(fractional, pc.binary_join_element_wise(clock, micros, "."), clock)
    midnight = pc.and_(pc.equal(clock, "00:00:00"), pc.invert(fractional))
    stamp = pc.if_else(midnight, day, pc.binary_join_element_wise(day, clock, " "))
    return pc.if_else(pc.less(ms, _MS_SERIAL_1), clock, stamp)


def _read_workbook(
    path: Path,
    fmt: str,
    kind: str | None,
    name: str,
    mapping: dict[str, str] | None,
    values: dict[str, str] | None = None,
) -> Extract:
    try:
        if path.suffix.lower() in {"xlsx": (".xlsx", ".xlsm"), "xls": (".xls",)}.get(fmt, ()):
            book = python_calamine.CalamineWorkbook.from_path(str(path))
        else:  # calamine goes by the name: an xlsx named .xls (or a staged upload) is read from its bytes
            with open(path, "rb") as fh:
                book = python_calamine.CalamineWorkbook.from_filelike(fh)
        best = None
        for sheet_name in book.sheet_names:
            sheet = book.get_sheet_by_name(sheet_name)
            head = [
                [norm(cell_text(v)) for v in row]
                for row in itertools.islice(sheet.iter_rows(), HEAD_ROWS)
            ]
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


def sniff_encoding(data: bytes, name: str) -> str:
    """``decode``'s choice of encoding without building the text: UTF-8 (BOM or valid), UTF-16 (BOM), else GB18030.

    GB18030 is only checked by the reader that decodes it (pyarrow raises on a byte sequence it cannot decode).
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), 1 << 24):
            decoder.decode(data[start : start + (1 << 24)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _read_csv(
    path: Path,
    data: bytes,
    kind: str | None,
    name: str,
    mapping: dict[str, str] | None,
    values: dict[str, str] | None = None,
) -> Extract:
    """A csv through pyarrow.csv (it transcodes GB18030 itself); files it cannot take go through DuckDB."""
    encoding = sniff_encoding(data, name)
    if encoding != "utf-16":
        start = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            text = start.decode(data[:800_000])
        except UnicodeDecodeError as exc:
            raise _not_text(name) from exc
        first_lines = text[:200_000].splitlines()[: HEAD_ROWS + 2]
        trailing = data[len(data.rstrip()) :].count(b"\n") - 1  # blank lines at the end: not rows
        quoted = (
            b'"' in data
        )  # without quotes no value holds a line break: pyarrow parses in parallel
        del data, text
        found = _pyarrow_csv(
            path, name, kind, encoding, first_lines, max(trailing, 0), quoted, mapping, values
        )
        if found is not None:
            return found
        data = path.read_bytes()
    return _read_csv_duckdb(path, data, kind, name, mapping, values)


def _csv_head(
    first_lines: list[str],
    kind: str | None,
    name: str,
    mapping: dict[str, str] | None,
    values: dict[str, str] | None,
) -> tuple[str, HeaderMatch, int]:
    sample = "\n".join(first_lines)
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    head = [[norm(v) for v in row] for row in csv.reader(io.StringIO(sample), delimiter=delimiter)][
        :HEAD_ROWS
    ]
    match = detect(head, kind, mapping)
    if match is None:
        raise _no_header(name, kind)
    if match.kind_tie:
        raise UnreadableFile(kind_tie_message(match, name))
    filevalues.apply(match, values, filevalues.notes_above(head, match))
    width = max(len(match.labels), max((len(r) for r in head), default=0))
    return delimiter, match, width


def _pyarrow_csv(
    path: Path,
    name: str,
    kind: str | None,
    encoding: str,
    first_lines: list[str],
    trailing_blank: int,
    quoted: bool,
    mapping: dict[str, str] | None,
    values: dict[str, str] | None,
) -> Extract | None:
    """None when a row has another number of fields than the header (DuckDB pads them), or a line is only spaces."""
    delimiter, match, width = _csv_head(first_lines, kind, name, mapping, values)
    names = [f"c{i}" for i in range(width)]
    uneven: list[object] = []

    def on_invalid(row) -> str:
        uneven.append(row)
        return "skip"

    try:
        raw = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                encoding="utf8" if encoding.startswith("utf-8") else encoding,
                column_names=names,
                skip_rows_after_names=match.data_start,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=quoted,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except UnicodeDecodeError as exc:
        raise _not_text(name) from exc
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if uneven:
        return None
    if trailing_blank:
        raw = raw.slice(0, max(raw.num_rows - trailing_blank, 0))
    keep = _positions(match)
    first = match.data_start + 1
    arrays = {"_row": pa.array(range(first, first + raw.num_rows), pa.int32())}
    present = [pos for pos in keep if pos < width]
    normed = _POOL.map(norm_array, [raw.column(f"c{pos}") for pos in present])
    arrays.update({f"c{pos}": arr for pos, arr in zip(present, normed, strict=True)})
    arrays.update({f"c{pos}": pa.nulls(raw.num_rows, pa.string()) for pos in keep if pos >= width})
    del raw
    return _finish(path, "csv", None, encoding, match, pa.table(arrays))


def _not_text(name: str) -> UnreadableFile:
    return UnreadableFile(
        f"文件 {name} 既不是 UTF-8 也不是 GBK 编码的文本，无法读取。/ {name} is neither UTF-8 nor GBK text."
    )


def _read_csv_duckdb(
    path: Path,
    data: bytes,
    kind: str | None,
    name: str,
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Extract:
    text, encoding = decode(data, name)
    del data
    first_lines = text[:200_000].splitlines()[: HEAD_ROWS + 2]
    delimiter, match, width = _csv_head(first_lines, kind, name, mapping, values)
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
    arrays = {
        "_row": pa.array(
            range(match.data_start + 1, match.data_start + 1 + raw.num_rows), pa.int32()
        )
    }
    present = [pos for pos in keep if pos < width]
    normed = _POOL.map(norm_array, [raw.column(f"c{pos}").combine_chunks() for pos in present])
    arrays.update({f"c{pos}": arr for pos, arr in zip(present, normed, strict=True)})
    arrays.update({f"c{pos}": pa.nulls(raw.num_rows, pa.string()) for pos in keep if pos >= width})
    return _finish(path, "csv", None, encoding, match, pa.table(arrays))


def _duckdb_csv(
    con: duckdb.DuckDBPyConnection,
    utf8: Path,
    delimiter: str,
    columns: dict[str, str],
    *,
    parallel: bool,
) -> pa.Table:
    rel = con.read_csv(
        str(utf8),
        header=False,
        all_varchar=True,
        null_padding=True,
        strict_mode=False,
        parallel=parallel,
        auto_detect=False,
        delimiter=delimiter,
        quotechar='"',
        escapechar='"',
        columns=columns,
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


def _finish(
    path: Path,
    fmt: str,
    sheet: str | None,
    encoding: str | None,
    match: HeaderMatch,
    table: pa.Table,
) -> Extract:
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
        hit = pc.fill_null(
            pc.match_substring_regex(pc.replace_substring(table[c], " ", ""), _TOTAL_ROW_SQL), False
        )
        total = pc.or_(total, hit)
    repeat = pa.array([bool(match.mapping)] * table.num_rows, pa.bool_())
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
    keep = pc.invert(pc.or_(pc.or_(blank, total), repeat))
    table = table.filter(keep)
    if match.wide:
        table = _melt(table, match)
    else:
        table = pa.table(
            {
                "_row": table["_row"],
                **{name: table[f"c{pos}"] for name, pos in match.mapping.items()},
            }
        )
    return Extract(
        path, fmt, sheet, encoding, match, table, rows_read, {k: v for k, v in skipped.items() if v}
    )


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

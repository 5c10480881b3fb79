"""Read an XML Spreadsheet 2003 (SpreadsheetML): the "XML 表格" that Java systems send as .xls, and that
a clerk who saves "XML 表格" from WPS or Excel uploads as .xml (UTF-8, UTF-16 or GBK).

A FreeMarker template saved from WPS or Excel as XML 表格, filled by the system: Excel and WPS open
it, calamine does not, and no maintained package reads it.  It is parsed here with the standard
library's expat behind defusedxml's XMLParser, fed in blocks, with a target of its own (no element is
built): an entity declaration (an entity-expansion bomb) or an external entity is refused before
anything is expanded or fetched.

The sheet is laid out as calamine lays out a workbook's, so header detection, the finish and all
that follows are the other readers': rows from the first row holding a value, columns from the first
column holding a value in the head rows, the rows and columns an ``ss:Index`` skips left empty, a
merged cell's value in its first cell only (etl.headers reads a span from the cells it covers), a
number as the text etl.text gives Excel's numbers, a date as an ISO date.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path

import pyarrow as pa
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, XMLParser

from etl import filevalues
from etl.extract import Extract, UnreadableFile, column_positions, finish, no_header, row_numbers
from etl.headermatch import HeaderMatch, kind_tie_message
from etl.headers import HEAD_ROWS, detect, sheet_rank
from etl.text import cell_text, norm, norm_array
from etl.workbook import damaged, too_large
from etl.xlsx import EXCEL_MAX_ROW, MAX_GRID_CELLS, SheetTooLarge

# Names as ElementTree gives them: "{namespace}name".
SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
_WORKSHEET, _ROW, _CELL, _DATA = (SS + t for t in ("Worksheet", "Row", "Cell", "Data"))
_NAME, _INDEX, _TYPE, _SPAN = (SS + a for a in ("Name", "Index", "Type", "Span"))
_ACROSS, _DOWN = SS + "MergeAcross", SS + "MergeDown"
EXCEL_MAX_COLUMN = 16_384  # XFD
# The XML an xlsx may inflate to (etl.read.MAX_INFLATED_BYTES): this file is that XML, not inflated.
MAX_BYTES = 1 << 30
CHUNK_ROWS = 50_000
PARSE_BLOCK = 1 << 20  # bytes handed to expat at a time; the rows they end are read in between
# Digits Excel keeps of a number: a value written with more (2.2999999999999998, an ID number in
# scientific form) is shown by Excel rounded to 15.
_EXCEL_DIGITS = 15
_PLAIN_NUMBER = re.compile(r"([+-]?\d+)(?:\.(\d*))?")
_DECLARED = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_NATIVE = {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "ascii"}  # expat reads these itself
# Excel writes a time of day as a DateTime on its day 0 (1899-12-31); OLE's day 0 is 1899-12-30.
_DAY_ZERO = (dt.date(1899, 12, 31), dt.date(1899, 12, 30))


def number_text(text: str) -> str:
    """A Number cell as the text the clerk sees, never a float with binary noise.

    Digits written as digits are kept, every one of them (an ID or account number that the system wrote
    as a Number); a fraction is rounded to the 15 digits Excel keeps (2.2999999999999998 -> 2.3); a
    number of 16 digits or more in scientific form (4.10102199001011E+17) lost its last digits before
    the file was written: it keeps the form etl.text gives such a float, so the validator says so.
    """
    text = text.strip()
    plain = _PLAIN_NUMBER.fullmatch(text)
    if plain:
        whole, fraction = plain.group(1), (plain.group(2) or "").rstrip("0")
        if not fraction:
            return str(int(whole))
        if len(whole.lstrip("+-0")) + len(fraction) <= _EXCEL_DIGITS:
            return f"{'-' if whole.startswith('-') else ''}{abs(int(whole))}.{fraction}"
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text  # not a number after all: the validator says what it expected
    if not value.is_finite():
        return text
    if abs(value) >= 10**_EXCEL_DIGITS:
        return cell_text(float(value))
    with localcontext() as ctx:
        ctx.prec = _EXCEL_DIGITS
        value = +value
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def datetime_text(text: str) -> str:
    """A DateTime cell as etl.text writes a date (2024-03-05), a date and time, or a time of day."""
    try:
        value = dt.datetime.fromisoformat(text.strip()).replace(tzinfo=None)
    except ValueError:
        return text
    if value.date() in _DAY_ZERO:
        return str(value.time())
    return cell_text(value)


def typed_text(kind: str | None, text: str) -> str | None:
    """The text of a <Data> (its rich text's runs joined) by its ss:Type, as the other readers give it."""
    if not text:
        return None
    if kind == "Number":
        return number_text(text)
    if kind == "DateTime":
        return datetime_text(text)
    if kind == "Boolean":
        return {"1": "是", "0": "否"}.get(text.strip(), text)
    if kind == "Error":
        return None  # #N/A, #DIV/0!: no value, as the other readers give it
    return text


def _utf8(data: bytes) -> bytes:
    """``data`` as UTF-8 when its declaration names an encoding expat cannot read (GBK, GB2312)."""
    declared = _DECLARED.search(data[:512])
    if declared is None:
        return data
    try:
        codec = codecs.lookup(declared.group(1).decode("ascii")).name
    except LookupError:
        return data  # expat says it does not know the encoding
    if codec in _NATIVE:
        return data
    if codec in ("gbk", "gb2312"):
        codec = "gb18030"  # what Windows writes as GBK has more characters than the table
    text = data.decode(codec)
    start, end = declared.span(1)  # the declaration is ASCII: as many characters as bytes
    return (data[:start].decode("ascii") + "UTF-8" + text[end:]).encode("utf-8")


@dataclass
class _Sheet:
    """One worksheet as it is read: its head rows, then the columns of its data rows."""

    name: str
    wanted: tuple = (None, None, None)  # the reader's kind, mapping and values
    keep: bool = False  # False: the head only (etl.peek)
    head: dict[int, dict[int, str]] = field(default_factory=dict)  # row -> column -> text
    first_row: int | None = None
    rows: list[list[str | None]] | None = None  # the head as calamine's grid, once complete
    first_col: int = 0
    match: HeaderMatch | None = None
    cols: list[int] = field(default_factory=list)  # sheet columns kept (every header column)
    where: dict[int, int] = field(default_factory=dict)  # sheet column -> its place in ``cols``
    chunks: list[list[pa.Array]] = field(default_factory=list)
    pending: list[list[str | None]] = field(default_factory=list)
    start: int = 0  # sheet row (0-based) of the first data row
    count: int = 0  # data rows so far

    def add(self, row_no: int, cells: list[tuple[int, str]]) -> None:
        if (
            self.rows is None
            and self.first_row is not None
            and row_no >= self.first_row + HEAD_ROWS
        ):
            self.close_head()
        if self.rows is None:
            self.first_row = row_no if self.first_row is None else self.first_row
            self.head[row_no] = dict(cells)
            return
        if self.match is None:
            return
        where = self.where
        values = [None] * len(self.cols)
        for c, value in cells:
            i = where.get(c)
            if i is not None:
                values[i] = value
        self._append(row_no, values)  # a value in a column with no header holds the row too

    def _append(self, row_no: int, values: list[str | None]) -> None:
        gap = row_no - (self.start + self.count)  # rows an ss:Index skipped: blank, as in the grid
        for column, value in zip(self.pending, values, strict=True):
            if gap:
                column.extend([None] * gap)
            column.append(value)
        self.count += gap + 1
        if len(self.pending[0]) >= CHUNK_ROWS:
            self._flush()

    def _flush(self) -> None:
        for chunks, column in zip(self.chunks, self.pending, strict=True):
            chunks.append(pa.array(column, pa.string()))
            column.clear()

    def close_head(self) -> None:
        """The head rows as calamine's grid, its header found, and its data rows so far kept."""
        if self.rows is not None:
            return
        self.rows = []
        if self.first_row is None:
            return
        self.first_col = min(min(cells) for cells in self.head.values())
        width = max(max(cells) for cells in self.head.values()) - self.first_col + 1
        last = max(self.head)
        raw = [
            [self.head.get(r, {}).get(self.first_col + i) for i in range(width)]
            for r in range(self.first_row, last + 1)
        ]
        self.rows = [[norm(v) for v in row] for row in raw]
        if not self.keep:
            return
        self.match = detect(self.rows, *self.wanted)
        if self.match is None:
            return
        self.cols = [self.first_col + i for i in range(width)]
        self.where = {c: i for i, c in enumerate(self.cols)}
        self.chunks = [[] for _ in self.cols]
        self.pending = [[] for _ in self.cols]
        self.start = self.first_row + self.match.data_start
        for r, row in enumerate(raw[self.match.data_start :]):
            if any(v is not None for v in row):
                self._append(self.start + r, list(row))
        self.head = {}

    def table(self, positions: list[int]) -> pa.Table:
        """``_row`` and the columns at ``positions`` (of the head's grid) as normalised text."""
        self._flush()
        arrays = {"_row": row_numbers(self.start + 1, self.count)}
        for pos in positions:
            chunks = self.chunks[pos] if pos < len(self.chunks) else []
            column = pa.concat_arrays(chunks) if chunks else pa.nulls(0, pa.string())
            arrays[f"c{pos}"] = norm_array(column) if len(column) else column
        return pa.table(arrays)


class _Rows:
    """The parser's target (ElementTree's start, end, data): each <Row> as (sheet, row, [(column, text)]) in
    ``ready``, 0-based, where ss:Index puts them, only the cells with a value; (sheet, None, []) at each
    sheet's end.

    No element is built (ElementTree's tree builder, in defusedxml's Python-level parser, costs three
    times the time for a cell); the limits are checked as each row ends."""

    def __init__(self, name: str) -> None:
        self.name, self.sheet, self.ready = name, "", []
        self.row_no, self.max_row, self.max_col = -1, 0, 0
        self.cells: list | None = None  # the open row's cells
        self.col = -1  # the last column the open row's cells cover
        self.depth, self.cell_depth, self.data_depth = 0, -1, -1
        self.at, self.kind, self.text, self.span = 0, None, [], 0

    def start(self, tag: str, attrs: dict) -> None:
        self.depth += 1
        if tag == _CELL and self.cells is not None and self.cell_depth < 0:
            self.cell_depth = self.depth
            if not attrs:  # most cells: the one after the last
                self.col = self.at = self.col + 1
                return
            self.at = _position(attrs.get(_INDEX), self.col, self, "单元格")
            self.col = self.at + _count(attrs.get(_ACROSS))  # the merged cells it covers
            self.max_row = max(self.max_row, self.row_no + _count(attrs.get(_DOWN)))
        elif tag == _DATA and self.depth == self.cell_depth + 1:
            self.data_depth, self.kind, self.text = self.depth, attrs.get(_TYPE), []
        elif tag == _ROW:
            self.row_no = _position(attrs.get(_INDEX), self.row_no, self, "行")
            self.cells, self.col, self.span = [], -1, _count(attrs.get(_SPAN))
        elif tag == _WORKSHEET:
            self.sheet, self.row_no, self.max_row, self.max_col = attrs.get(_NAME) or "", -1, 0, 0

    def end(self, tag: str) -> None:
        if self.depth == self.data_depth:
            value = typed_text(self.kind, "".join(self.text))
            if value is not None:
                self.cells.append((self.at, value))
            self.data_depth = -1
        elif self.depth == self.cell_depth:
            self.cell_depth = -1
        elif tag == _ROW and self.cells is not None:
            self.max_col = max(self.max_col, self.col)
            self.max_row = max(self.max_row, self.row_no)
            if self.max_row >= EXCEL_MAX_ROW or self.max_col >= EXCEL_MAX_COLUMN:
                raise SheetTooLarge(self.sheet, self.max_row + 1, self.max_col + 1)
            if (self.max_row + 1) * (self.max_col + 1) > MAX_GRID_CELLS:
                raise SheetTooLarge(self.sheet, self.max_row + 1, self.max_col + 1)
            if self.cells:
                self.ready.append((self.sheet, self.row_no, self.cells))
            self.row_no += self.span  # rows of the same format written once
            self.cells = None
        elif tag == _WORKSHEET:
            self.ready.append((self.sheet, None, []))
        self.depth -= 1

    def data(self, text: str) -> None:
        if self.data_depth >= 0:  # the Data's text, and its rich text's runs
            self.text.append(text)


def _count(value: str | None) -> int:
    return int(value) if value else 0


def _rows(data: bytes, name: str) -> Iterator[tuple[str, int | None, list]]:
    """(sheet, row, [(column, text)]) for each <Row> with a value (``_Rows``); (sheet, None, []) at each
    sheet's end.

    Refuses a file over ``MAX_BYTES``; a sheet reaching beyond Excel's last row or column, or whose grid
    would exceed the xlsx reader's ``MAX_GRID_CELLS`` (a crafted ss:Index="16384" far down); an entity
    declaration or an external entity, through defusedxml's handlers on its expat parser."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile(
            f"文件 {name} 有 {len(data) / 2**20:,.0f} MB，超过了 {MAX_BYTES / 2**20:,.0f} MB 的上限："
            "请把数据分成几个文件上传。"
            f" / {name} is {len(data) / 2**20:,.0f} MB, over the {MAX_BYTES / 2**20:,.0f} MB limit:"
            " split it into several files."
        )
    try:
        data = _utf8(data)
    except UnicodeDecodeError as exc:
        raise damaged(name, exc) from exc
    rows = _Rows(name)
    # defusedxml's XMLParser (documented): its expat refuses entity declarations and external entities
    parser = XMLParser(target=rows)
    view = memoryview(data)
    try:
        for at in range(0, len(view), PARSE_BLOCK):
            parser.feed(view[at : at + PARSE_BLOCK])
            yield from rows.ready
            rows.ready.clear()
        parser.close()
        yield from rows.ready
    except SheetTooLarge as exc:
        raise too_large(name, exc) from exc
    except DefusedXmlException as exc:
        raise UnreadableFile(
            f"文件 {name} 含有 XML 实体声明或外部引用（{type(exc).__name__}），正常的 Excel 表格没有，"
            "可能是恶意构造的文件，已拒绝读取。请在 Excel 或 WPS 中打开后“另存为” .xlsx 再上传。"
            f" / {name} declares XML entities or external references ({type(exc).__name__}), which no"
            " spreadsheet needs: refused as a possibly hostile file. Save it as .xlsx in Excel or WPS."
        ) from exc
    except (ParseError, ValueError) as exc:
        raise damaged(name, exc) from exc


def _position(index: str | None, previous: int, rows: _Rows, what: str) -> int:
    """The 0-based position ss:Index gives a row or a cell, else the one after ``previous``."""
    if index is None:
        return previous + 1
    try:
        at = int(index) - 1
    except ValueError:
        at = -1
    if at <= previous:
        row = rows.row_no + 1 if what == "单元格" else previous + 2
        raise UnreadableFile(
            f"文件 {rows.name} 的工作表“{rows.sheet}”第 {row} 行：{what}的 ss:Index=“{index}”"
            "不是比前一个更大的正整数，Excel 也打不开这样的文件：请让导出系统重新导出。"
            f" / In {rows.name}, sheet {rows.sheet}, row {row}: the {'cell' if what == '单元格' else 'row'}'s"
            f" ss:Index “{index}” is not a whole number past the previous one's (Excel refuses it too)."
        )
    return at


def read_spreadsheetml(
    data: bytes,
    path: Path,
    kind: str | None,
    name: str,
    mapping: dict[str, str] | None,
    values: dict[str, str] | None,
) -> Extract:
    """An Extract of the sheet whose header fits best, as the other readers choose it (etl.headers)."""
    sheets: list[_Sheet] = []
    current: _Sheet | None = None
    for sheet, row_no, cells in _rows(data, name):
        if current is None:
            current = _Sheet(sheet, (kind, mapping, values), keep=True)
        if row_no is None:
            current.close_head()
            sheets.append(current)
            current = None
            continue
        current.add(row_no, cells)
    best: _Sheet | None = None
    for sheet in sheets:
        if sheet.match and (
            best is None or sheet_rank(sheet.match, sheet.rows) > sheet_rank(best.match, best.rows)
        ):
            best = sheet
    if best is None:
        raise no_header(name, kind)
    match = best.match
    filevalues.apply(match, values, filevalues.notes_above(best.rows, match))
    if match.kind_tie:
        raise UnreadableFile(kind_tie_message(match, name))
    table = best.table(column_positions(match))
    return finish(path, "spreadsheetml", best.name, None, match, table)


def heads(data: bytes, name: str) -> list[list[list[str | None]]]:
    """The first rows of each sheet as text, laid out as the full read lays them out (etl.peek)."""
    out: list[list[list[str | None]]] = []
    current: _Sheet | None = None
    for sheet, row_no, cells in _rows(data, name):
        current = current or _Sheet(sheet)
        if row_no is None:
            current.close_head()
            out.append(current.rows or [])
            current = None
        else:
            current.add(row_no, cells)
    return out


def sheet_rows(data: bytes, name: str, sheet_name: str | None) -> tuple[list[list], int, int]:
    """Every row of one sheet as text from its first row holding a value, and that row and the head's
    first column (0-based): what etl.annotate writes its marked copy from."""
    found: dict[int, dict[int, str]] = {}
    for sheet, row_no, cells in _rows(data, name):
        if row_no is None or sheet != sheet_name:
            continue
        found[row_no] = dict(cells)
    if not found:
        return [], 0, 0
    first_row = min(found)
    head = [found[r] for r in sorted(found) if r < first_row + HEAD_ROWS]
    first_col = min(min(cells) for cells in head)
    rows = []
    for r in range(first_row, max(found) + 1):
        cells = found.get(r, {})
        width = max(cells, default=first_col - 1) - first_col + 1
        rows.append([cells.get(first_col + i) for i in range(max(width, 0))])
    return rows, first_row, first_col

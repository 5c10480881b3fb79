"""An xlsx's parts read straight from the zip: sheet names, a sheet's first rows, its extent.

Reading a sheet through calamine (python-calamine or fastexcel) parses the
whole sheet into a dense grid sized from its cell references, so two things
are done here from the XML itself, without building any grid:

- ``head``: the first rows of a sheet (for header detection), streamed and
  stopped early, so the big sheet is parsed once, by the reader that keeps it;
- ``check_extent``: the sheet's cell references scanned before calamine sees
  them.  A 1.6 KB xlsx with a cell at XFD1048576 makes calamine abort the
  whole process and one at XFD3000 costs 2.6 GB (DESIGN.md §7): a sheet whose
  grid would exceed ``MAX_GRID_CELLS`` is refused.

Anything unexpected in the package (an .ods, a strict-OOXML file, a missing
part) raises ``NotPlainXlsx``: the caller then reads the file the slow way.
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import struct
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from xml.etree.ElementTree import XMLPullParser

import pyarrow as pa
import pyarrow.compute as pc
from zlib_ng import zlib_ng

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# calamine keeps every cell of the grid in 32 bytes, empty or not: 32 M cells is 1 GiB
# (Excel's 1,048,576 rows by 30 columns fit; XFD3000, 49 M cells, does not).
MAX_GRID_CELLS = 32 << 20
EXCEL_MAX_ROW = 1_048_576
# Inflated in 2 MiB blocks: each is scanned while it is still in the cache.  load_bench's 1 M-row
# sheet (720 MB inflated): 0.73-0.87 CPU s for the check against 1.15-1.18 in 16 MiB blocks.
CHUNK = 2 << 20
SEAM = 32  # bytes of one block searched again with the next: longer than any reference looked for
_LOCAL_HEADER = 30  # a zip entry's local file header, before its name and extra field
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Cell and row references that are rare in an ordinary sheet, so the scan stays cheap:
# a column of two or three letters (AA and beyond), a row of seven digits or more.
_RARE_REF = re.compile(rb"r=[\"'](?:([A-Z]{2,})(\d*)|[A-Z]?(\d{7,}))")
_RARE_REF_RE2 = r"r=[\"'](?:[A-Z]{2,}|[A-Z]?\d{7,})"  # the same references, as RE2 finds them
_ANY_ROW = re.compile(rb"r=[\"'][A-Z]*(\d+)")


class NotPlainXlsx(Exception):
    """The package claims to be an xlsx but its parts do not hold together."""


class NoWorkbookPart(NotPlainXlsx):
    """No xl/workbook.xml: not an xlsx at all (an .ods, a .docx ...)."""


class SheetTooLarge(Exception):
    def __init__(self, sheet: str, rows: int, cols: int):
        super().__init__(sheet, rows, cols)
        self.sheet, self.rows, self.cols = sheet, rows, cols


@dataclass
class Head:
    rows: list[list[str | None]]  # normalised text, relative to first_row / first_col
    first_row: int  # 0-based sheet row of rows[0]: the first row holding a value
    first_col: int  # 0-based sheet column of each row's first entry


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def column_letter(pos: int) -> str:
    """0 -> A, 26 -> AA: the column as Excel names it (``col_index``'s inverse)."""
    letters = ""
    pos += 1
    while pos:
        pos, rest = divmod(pos - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _text_of(elem) -> str:
    """The text of an <si> or <is>: its <t>, or its runs' <t>, without phonetic runs."""
    parts = []
    for child in elem:
        if child.tag == MAIN + "t":
            parts.append(child.text or "")
        elif child.tag == MAIN + "r":
            parts.extend(t.text or "" for t in child.iter(MAIN + "t"))
    return _unescape("".join(parts))


class Package:
    """An open xlsx: its sheets by name and their parts."""

    def __init__(self, path):
        self.zip = zipfile.ZipFile(path)
        try:
            self._open()
        except BaseException:
            self.zip.close()  # a part this module cannot follow: the caller reads the file otherwise
            raise

    def _open(self) -> None:
        names = set(self.zip.namelist())
        if "xl/workbook.xml" not in names:
            raise NoWorkbookPart("no xl/workbook.xml")
        rels = {}
        if "xl/_rels/workbook.xml.rels" in names:
            for _ev, el in _iter(self.zip, "xl/_rels/workbook.xml.rels", "end"):
                if el.tag == PKG_REL + "Relationship":
                    target = el.get("Target", "")
                    full = (
                        target.lstrip("/")
                        if target.startswith("/")
                        else posixpath.normpath("xl/" + target)
                    )
                    rels[el.get("Id")] = (el.get("Type", "").rsplit("/", 1)[-1], full)
        self.sheets: list[tuple[str, str]] = []
        for _ev, el in _iter(self.zip, "xl/workbook.xml", "end"):
            if el.tag == MAIN + "sheet":
                rel = rels.get(el.get(REL + "id"))
                if rel is not None and rel[0] in ("chartsheet", "dialogsheet", "macrosheet"):
                    continue  # no cells to read
                if rel is None or rel[0] != "worksheet" or rel[1] not in names:
                    raise NotPlainXlsx(f"sheet {el.get('name')} has no worksheet part")
                self.sheets.append((el.get("name"), rel[1]))
        if not self.sheets:
            raise NotPlainXlsx("no worksheet")
        self.rels = rels
        sst = [p for t, p in rels.values() if t == "sharedStrings"]
        self._sst_part = sst[0] if sst and sst[0] in names else None
        self._sst: list[str] = []
        self._sst_iter = None

    def close(self) -> None:
        # A part still open (the shared strings read part way, a head stopped early) keeps the
        # zip's file open after ZipFile.close(): close those first.
        if self._sst_iter is not None:
            self._sst_iter.close()
        self.zip.close()

    def shared(self, index: int) -> str:
        """Shared string ``index``, parsing the table only as far as needed."""
        if self._sst_part is None:
            raise NotPlainXlsx("shared string without a table")
        if self._sst_iter is None:
            self._sst_iter = _iter(self.zip, self._sst_part, "end")
        while len(self._sst) <= index:
            for _ev, el in self._sst_iter:
                if el.tag == MAIN + "si":
                    self._sst.append(_text_of(el))
                    el.clear()
                    break
            else:
                raise NotPlainXlsx(f"shared string {index} beyond the table")
        return self._sst[index]

    def head(self, part: str, rows: int) -> Head:
        """The first ``rows`` rows from the first row holding a value, as calamine would lay them out."""
        with contextlib.closing(_iter(self.zip, part, "end")) as events:
            found, first_row = self._head_rows(events, rows)
        if first_row is None:
            return Head([], 0, 0)
        first_col = min(min(cells) for cells in found.values())
        width = max(max(cells) for cells in found.values()) - first_col + 1
        last = max(found)
        out = [
            [found.get(r, {}).get(first_col + i) for i in range(width)]
            for r in range(first_row, last + 1)
        ]
        return Head(out, first_row, first_col)

    def _head_rows(self, events, rows: int) -> tuple[dict[int, dict[int, object]], int | None]:
        """Cells by row and column of the first ``rows`` rows from the first holding a value."""
        found: dict[int, dict[int, object]] = {}
        first_row = None
        row_no = -1
        for _ev, el in events:
            if el.tag != MAIN + "row":
                if el.tag == MAIN + "sheetData":
                    break
                continue
            r = el.get("r")
            row_no = int(r) - 1 if r else row_no + 1
            if first_row is not None and row_no >= first_row + rows:
                break
            col_no = -1
            cells = {}
            for c in el.iter(MAIN + "c"):
                ref = c.get("r")
                col_no = col_index(ref.rstrip("0123456789")) if ref else col_no + 1
                value = self._value(c)
                if value is not None:
                    cells[col_no] = value
            el.clear()
            if cells:
                if first_row is None:
                    first_row = row_no
                found[row_no] = cells
        return found, first_row

    def _value(self, c) -> object:
        kind = c.get("t", "n")
        if kind == "inlineStr":
            inline = c.find(MAIN + "is")
            return _text_of(inline) if inline is not None else None
        v = c.find(MAIN + "v")
        if v is None or v.text is None:
            return None
        if kind == "s":
            return self.shared(int(v.text))
        if kind in ("str", "d"):
            return _unescape(v.text)
        if kind == "b":
            return v.text.strip() == "1"
        if kind == "e":
            return None
        try:
            return float(v.text)
        except ValueError:
            return v.text

    def check_extent(self, name: str, part: str, first_col: int = 0, sink=None) -> bool:
        return check_extent(self.zip, name, part, first_col, sink)

    def parts_calamine_reads(self) -> list[str]:
        """The package's parts besides the worksheets that calamine reads to lay out a sheet's values."""
        wanted = {
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
        }
        wanted |= {path for kind, path in self.rels.values() if kind == "styles"}
        wanted |= {self._sst_part} - {None}
        return [name for name in self.zip.namelist() if name in wanted]


def check_extent(zf: zipfile.ZipFile, name: str, part: str, first_col: int = 0, sink=None) -> bool:
    """Refuse (SheetTooLarge) a sheet whose grid would exceed MAX_GRID_CELLS.

    Only references that are rare in an ordinary sheet are collected (columns
    AA and beyond, rows from 1,000,000), so a sheet of up to 26 columns costs
    one pass of inflating and one regular expression.  Returns False when a
    cell lies left of ``first_col`` (the grid then starts further left than
    the head said), True otherwise.  ``sink``, if given, is handed each
    inflated block in order (etl.sheetsplit cuts the sheet into pieces).
    """
    max_col, far_row, left = 25, 0, False
    left_of = (
        re.compile(rb"r=[\"'][A-%s]\d" % bytes([64 + first_col])) if 0 < first_col < 26 else None
    )
    tail = b""
    for block in _blocks(zf, part):
        if sink is not None:
            sink(block)
        # A reference across two blocks lies in ``seam`` (a match needs at most 11 bytes): the block itself
        # is searched where it lies, not copied after the previous one's tail (686 MB of copies for
        # load_bench's sheet); only a block with a rare reference is joined to the tail for re to read.
        seam = tail + block[:SEAM]
        tail = (tail + block)[-SEAM:] if len(block) < SEAM else block[-SEAM:]
        if left_of is not None and not left and (left_of.search(seam) or left_of.search(block)):
            left = True
        # RE2 (pyarrow) says whether the block has any rare reference, without holding the GIL
        # (the next block inflates meanwhile); Python's re then reads the few there are.
        if not (_has_rare_ref(block) or _has_rare_ref(seam)):
            continue
        data = seam[: len(seam) - min(len(block), SEAM)] + block
        for letters, digits, far in set(_RARE_REF.findall(data)):
            if letters:
                max_col = max(max_col, col_index(letters.decode()))
                far = digits if len(digits) >= 7 else far
            if far:
                far_row = max(far_row, int(far))
    cols = max_col + 1
    rows = far_row or 999_999
    if rows > EXCEL_MAX_ROW:
        raise SheetTooLarge(name, rows, cols)
    if rows * cols > MAX_GRID_CELLS and not far_row:
        rows = _exact_rows(zf, part)
    if rows * cols > MAX_GRID_CELLS:
        raise SheetTooLarge(name, rows, cols)
    return not left and first_col < 26  # a head from column AA on: not checked, read the slow way


def _exact_rows(zf: zipfile.ZipFile, part: str) -> int:
    top, tail = 0, b""
    for block in _blocks(zf, part):
        data = tail + block
        top = max([top, *map(int, _ANY_ROW.findall(data))])
        tail = data[-32:]
    return top


def check_every_sheet(path) -> None:
    """The extent check on every worksheet part of an xlsx whose workbook part could not be followed."""
    with zipfile.ZipFile(path) as zf:
        for part in zf.namelist():
            if re.fullmatch(r"xl/worksheets/[^/]+\.xml", part):
                check_extent(zf, part.rsplit("/", 1)[-1], part)


def _has_rare_ref(data: bytes) -> bool:
    offsets = pa.py_buffer(struct.pack("<qq", 0, len(data)))
    block = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    return pc.count_substring_regex(block, _RARE_REF_RE2)[0].as_py() > 0


def _blocks(zf: zipfile.ZipFile, part: str):
    """A zip part inflated in blocks, the next one inflated in a thread (zlib-ng lets go of the GIL)
    while the caller scans the current one."""
    blocks = _inflated(zf, part)
    with (
        contextlib.closing(blocks),
        ThreadPoolExecutor(1, thread_name_prefix="fundquery-inflate") as pool,
    ):
        pending = pool.submit(next, blocks, b"")
        while block := pending.result():
            pending = pool.submit(next, blocks, b"")
            yield block


def _inflated(zf: zipfile.ZipFile, part: str):
    """A deflated part's bytes, at most CHUNK at a time, inflated by zlib-ng rather than zipfile's zlib.

    The extent check inflates the whole sheet before calamine reads it: zlib-ng does it in half zlib's
    time (load_bench's 1 M-row sheet, 72 MB to 686 MB: 0.64 s against 1.31 s of CPU).  Each call inflates
    at most CHUNK bytes, so a zip bomb never fills memory; as zipfile, it stops at the declared size and
    checks the CRC (zlib-ng's crc32: 0.02 s for the sheet).  A part that is stored, encrypted or in a zip
    opened from something other than a path goes through zipfile as before.
    """
    info = zf.getinfo(part)
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1 or not zf.filename:
        with zf.open(part) as fh:
            while block := fh.read(CHUNK):
                yield block
        return
    inflater = zlib_ng.decompressobj(-zlib_ng.MAX_WBITS)
    with open(zf.filename, "rb") as fh:
        fh.seek(info.header_offset)
        local = fh.read(_LOCAL_HEADER)
        if len(local) < _LOCAL_HEADER or local[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"bad local header of {part}")
        name_len, extra_len = struct.unpack("<HH", local[26:30])
        fh.seek(info.header_offset + _LOCAL_HEADER + name_len + extra_len)
        left, pending, size, crc = info.compress_size, b"", 0, 0
        try:
            while not inflater.eof:
                if not pending and left > 0:
                    pending = fh.read(min(left, 1 << 20))
                    left -= len(pending)
                    if not pending:
                        raise zipfile.BadZipFile(f"{part} ends early")
                # with no input left, what zlib still holds
                block = inflater.decompress(pending, CHUNK)
                if not block and not pending and left <= 0 and not inflater.eof:
                    raise zipfile.BadZipFile(f"{part} ends early")
                pending = inflater.unconsumed_tail
                size += len(block)
                if (
                    size > info.file_size
                ):  # a bomb that lies about its size: zipfile stops there too
                    raise zipfile.BadZipFile(f"{part} inflates beyond its declared size")
                crc = zlib_ng.crc32(block, crc)
                if block:
                    yield block
        except zlib_ng.error as exc:
            raise zlib.error(str(exc)) from exc
    if size != info.file_size or crc != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 or size of {part}")


def _iter(zf: zipfile.ZipFile, part: str, *events: str):
    """(event, element) of a zip part, streamed."""
    parser = XMLPullParser(events)
    with zf.open(part) as fh:
        while True:
            block = fh.read(1 << 16)
            if not block:
                break
            parser.feed(block)
            yield from parser.read_events()
    parser.close()
    yield from parser.read_events()

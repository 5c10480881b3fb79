"""Hostile spreadsheets made inside the tests: zip bombs, truncated containers, sparse giants, and
SpreadsheetML (XML 表格) with entity bombs, external entities, a cut end or a stray ss:Index.

    bomb = zip_bomb(tmp_path / "bomb.xlsx", inflated_bytes=2 << 30)

A zip bomb here is a real xlsx (xlsxwriter's parts) whose sheet XML inflates
to ``inflated_bytes`` of well-formed rows.  It is built without compressing
gigabytes: one block of rows is deflated once, ending on a full flush (so it
refers to nothing before it), and the same compressed bytes are repeated.
``declared_bytes`` lets the zip's headers lie about the inflated size.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import xlsxwriter
import xlwt

from tests.sheets import PAY_HEADER, pay_row
from tests.xmlsheets import cell, row_xml, sheet_xml, write_book

SHEET = "xl/worksheets/sheet1.xml"
_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_TAIL = b"</sheetData></worksheet>"


def _inline_row(values: list[str]) -> bytes:
    """A row without its r= number: readers count it as the next row."""
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
    return f"<row>{cells}</row>".encode()


def _deflate_piece(data: bytes, final: bool = False) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def _zip(path: Path, entries: list[tuple[str, bytes, int, int, int]]) -> Path:
    """Write a zip by hand: (name, deflated bytes, crc, compressed size, declared inflated size) each."""
    out, central, offset = [], [], 0
    for name, data, crc, csize, usize in entries:
        raw = name.encode()
        header = (
            struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, csize, usize, len(raw), 0
            )
            + raw
        )
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                csize,
                usize,
                len(raw),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + raw
        )
        out += [header, data]
        offset += len(header) + len(data)
    directory = b"".join(central)
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0
    )
    with open(path, "wb") as fh:
        fh.writelines(out)
        fh.write(directory)
        fh.write(end)
    return path


def zip_bomb(path: Path, inflated_bytes: int = 2 << 30, declared_bytes: int | None = None) -> Path:
    """An xlsx whose sheet XML inflates to about ``inflated_bytes`` (headers may declare otherwise)."""
    plain = path.with_suffix(".plain.xlsx")
    book = xlsxwriter.Workbook(str(plain))
    book.add_worksheet("清册").write_row(0, 0, PAY_HEADER)
    book.close()
    head = _HEAD + _inline_row(PAY_HEADER)
    row = _inline_row(pay_row(1))
    block = row * max(1, (1 << 20) // len(row))
    repeats = max(1, (inflated_bytes - len(head) - len(_TAIL)) // len(block))
    pieces = [_deflate_piece(head), _deflate_piece(block), _deflate_piece(_TAIL, final=True)]
    crc = zlib.crc32(head)
    block_crc_state = crc
    for _ in range(repeats):
        block_crc_state = zlib.crc32(block, block_crc_state)
    crc = zlib.crc32(_TAIL, block_crc_state)
    size = len(head) + repeats * len(block) + len(_TAIL)
    deflated = pieces[0] + pieces[1] * repeats + pieces[2]
    entries = []
    with zipfile.ZipFile(plain) as src:
        for info in src.infolist():
            if info.filename == SHEET:
                entries.append((SHEET, deflated, crc, len(deflated), declared_bytes or size))
                continue
            data = src.read(info.filename)
            packed = _deflate_piece(data, final=True)
            entries.append((info.filename, packed, zlib.crc32(data), len(packed), len(data)))
    plain.unlink()
    return _zip(path, entries)


def sparse_giant(path: Path, last_row: int = 1_048_576) -> Path:
    """A small payments sheet with one stray cell on Excel's last row: the sheet spans a million rows."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("清册")
    for r, row in enumerate([PAY_HEADER, pay_row(1), pay_row(2)]):
        ws.write_row(r, 0, row)
    ws.write_string(last_row - 1, len(PAY_HEADER) - 1, "备注")
    book.close()
    return path


# --- dimension bombs: tiny files whose grid is absurd (issue 15 §3) -------------------------

EXCEL_LAST_ROW, EXCEL_LAST_COL = 1_048_576, 16_384  # XFD1048576
XLS_LAST_ROW = 65_536  # an xls cell record holds 16-bit row and column numbers


def far_cell_xlsx(
    path: Path,
    row: int,
    col: int,
    header: list[str] | None = PAY_HEADER,
    declared: str | None = None,
) -> Path:
    """A payments sheet (``header`` None: no header) with one stray cell at 1-based ``row``, ``col``.

    ``row=1_048_576, col=16_384`` is the dimension bomb (1.6 KB whose grid is 17 G cells);
    ``row=3_000, col=16_384`` its milder form (49 M cells, 2.6 GB once).  ``declared`` rewrites the
    sheet's ``<dimension ref=...>`` (e.g. ``A1:XFD1048576`` on a small sheet).
    """
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("清册")
    rows = [header, pay_row(1), pay_row(2)] if header else [["说明"], ["附件"]]
    for r, values in enumerate(rows):
        ws.write_row(r, 0, values)
    if row and col:
        ws.write_string(row - 1, col - 1, "备注")
    book.close()
    if declared:
        _rewrite_part(
            path,
            SHEET,
            lambda xml: re.sub(
                rb'<dimension ref="[^"]*"/>', f'<dimension ref="{declared}"/>'.encode(), xml
            ),
        )
    return path


def strict_far_cell_xlsx(path: Path, row: int, col: int) -> Path:
    """``far_cell_xlsx`` whose workbook part uses strict OOXML's namespace: etl.xlsx cannot follow it."""
    far_cell_xlsx(path, row, col)
    _rewrite_part(
        path,
        "xl/workbook.xml",
        lambda xml: xml.replace(
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        ),
    )
    return path


def _rewrite_part(path: Path, part: str, change) -> None:
    with zipfile.ZipFile(path) as src:
        parts = [(info, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in parts:
            out.writestr(info, change(data) if info.filename == part else data)


def far_cell_xls(path: Path, row: int, col: int) -> Path:
    """An xls payments sheet with one stray cell at 1-based ``row`` (to 65,536), ``col`` (to 65,536).

    Excel stops at 256 columns, but the cell record's column is 16 bits: xlwt writes the cell in
    column 256 and its LABELSST record is patched to the column asked for.
    """
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("清册")
    for r, values in enumerate([PAY_HEADER, pay_row(1), pay_row(2)]):
        for c, value in enumerate(values):
            ws.write(r, c, value)
    ws.write(row - 1, 255, "备注")
    buf = io.BytesIO()
    book.save(buf)
    data = bytearray(buf.getvalue())
    record = b"\xfd\x00\x0a\x00" + struct.pack("<HH", row - 1, 255)  # LABELSST: row, column
    at = data.find(record)
    assert at > 0 and data.find(record, at + 1) < 0, "the stray cell's record"
    data[at + 6 : at + 8] = struct.pack("<H", col - 1)
    path.write_bytes(bytes(data))
    return path


def repeated_ods(path: Path, rows: int, cols: int) -> Path:
    """An .ods payments sheet ending in ``rows`` repeats of a row of ``cols`` repeated cells.

    ``rows=2_998, cols=16_384`` is the ods form of the milder dimension bomb: under 1 KB, 49 M cells.
    """

    def cell(value: str, repeat: int = 1) -> str:
        return (
            f'<table:table-cell office:value-type="string" table:number-columns-repeated="{repeat}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in values) + "</table:table-row>"
        for values in (PAY_HEADER, pay_row(1), pay_row(2))
    )
    body += f'<table:table-row table:number-rows-repeated="{rows}">{cell("备注", cols)}</table:table-row>'
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="清册">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
        ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as out:
        out.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        out.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        out.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


# --- SpreadsheetML (XML 表格): XML's own attacks, a damaged file, a crafted ss:Index -----------------

# Nine levels of ten: 10^9 "ha" from a few hundred bytes, if an entity were ever expanded.
ENTITY_BOMB = (
    '<!DOCTYPE Workbook [<!ENTITY a "ha">'
    + "".join(
        f'<!ENTITY {b} "{("&" + a + ";") * 10}">'
        for a, b in zip("abcdefghi", "bcdefghij", strict=True)
    )
    + "]>\n"
)


def spreadsheetml_payments(
    path: Path, doctype: str = "", name: str = "张三", far: tuple[int, int] | None = None
) -> Path:
    """A payments sheet as an XML Spreadsheet 2003 (tests.xmlsheets); ``name`` the first payee's cell
    as written (an entity reference, say); ``far`` a stray cell at 1-based (row, column) by ss:Index."""
    rows = row_xml(PAY_HEADER) + row_xml(pay_row(1, name=("String", name))) + row_xml(pay_row(2))
    if far:
        rows += f'<Row ss:Index="{far[0]}">{cell("备注", index=far[1])}</Row>\n'
    return write_book(path, sheet_xml("清册", rows), doctype=doctype)


def entity_bomb_xml(path: Path) -> Path:
    """The billion laughs in the payee's cell."""
    return spreadsheetml_payments(path, ENTITY_BOMB, "&j;")


def external_entity_xml(path: Path, target: Path) -> Path:
    """The payee's cell an external entity naming ``target``, a file of the server's."""
    doctype = f'<!DOCTYPE Workbook [<!ENTITY secret SYSTEM "file://{target}">]>\n'
    return spreadsheetml_payments(path, doctype, "&secret;")


def truncated_xml(path: Path, keep: float) -> Path:
    """A good sheet cut short (an upload that stopped): its first ``keep`` (0-1) of the bytes between the
    namespace (so it is still known as SpreadsheetML) and the end of its closing </Workbook>."""
    data = spreadsheetml_payments(path).read_bytes()
    start = data.index(b"urn:schemas-microsoft-com:office:spreadsheet") + 64
    end = data.rindex(b"</Workbook>") + len(b"</Workbook>") - 1
    path.write_bytes(data[: start + int((end - start) * keep)])
    return path


def far_index_xml(path: Path, row: int, col: int) -> Path:
    """The dimension bomb as SpreadsheetML: a stray cell at 1-based ``row``, ``col`` by ss:Index."""
    return spreadsheetml_payments(path, far=(row, col))

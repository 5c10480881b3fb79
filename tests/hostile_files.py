"""Hostile spreadsheets made inside the tests: zip bombs, truncated containers, sparse giants.

    bomb = zip_bomb(tmp_path / "bomb.xlsx", inflated_bytes=2 << 30)

A zip bomb here is a real xlsx (xlsxwriter's parts) whose sheet XML inflates
to ``inflated_bytes`` of well-formed rows.  It is built without compressing
gigabytes: one block of rows is deflated once, ending on a full flush (so it
refers to nothing before it), and the same compressed bytes are repeated.
``declared_bytes`` lets the zip's headers lie about the inflated size.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import xlsxwriter

from tests.sheets import PAY_HEADER, pay_row

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

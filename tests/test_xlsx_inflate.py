"""etl.xlsx inflates a sheet with zlib-ng for the extent check: the same bytes zipfile gives, bounded blocks."""

from __future__ import annotations

import zipfile
import zlib

import pytest

from etl.xlsx import CHUNK, _inflated

PART = "xl/worksheets/sheet1.xml"


def _zip(path, data: bytes, method: int) -> None:
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        zf.writestr(PART, data)


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_the_inflated_blocks_are_the_part_zipfile_reads(tmp_path, method):
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, 20001)
    )
    data = b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>"
    _zip(tmp_path / "a.xlsx", data, method)
    with zipfile.ZipFile(tmp_path / "a.xlsx") as zf:
        assert b"".join(_inflated(zf, PART)) == zf.read(PART) == data


def test_a_zip_bomb_comes_out_a_block_at_a_time(tmp_path):
    _zip(tmp_path / "bomb.xlsx", b"\0" * (3 * CHUNK + 5), zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(tmp_path / "bomb.xlsx") as zf:
        assert zf.getinfo(PART).compress_size < CHUNK // 100
        sizes = [len(b) for b in _inflated(zf, PART)]
    assert max(sizes) <= CHUNK and sum(sizes) == 3 * CHUNK + 5


def test_a_damaged_deflate_stream_raises_zlibs_error(tmp_path):
    data = bytes(range(256)) * 4000
    _zip(tmp_path / "d.xlsx", data, zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(tmp_path / "d.xlsx") as zf:
        info = zf.getinfo(PART)
    raw = bytearray((tmp_path / "d.xlsx").read_bytes())
    start = info.header_offset + 30 + len(PART.encode())
    raw[start : start + 8] = b"\xff" * 8  # the first deflate block's header: not a valid block type
    (tmp_path / "d.xlsx").write_bytes(bytes(raw))
    with zipfile.ZipFile(tmp_path / "d.xlsx") as zf, pytest.raises(zlib.error):
        b"".join(_inflated(zf, PART))


def test_a_deflate_stream_cut_short_raises_instead_of_looping(tmp_path):
    data = bytes(range(256)) * 4000
    _zip(tmp_path / "c.xlsx", data, zipfile.ZIP_DEFLATED)
    raw = bytearray((tmp_path / "c.xlsx").read_bytes())
    with zipfile.ZipFile(tmp_path / "c.xlsx") as zf:
        size = zf.getinfo(PART).compress_size
    entry = raw.rindex(b"PK\x01\x02")  # the sheet's central directory entry (written last)
    assert raw[entry + 46 : entry + 46 + len(PART)] == PART.encode()
    raw[entry + 20 : entry + 24] = (size // 2).to_bytes(4, "little")  # its compressed size, halved
    (tmp_path / "c.xlsx").write_bytes(bytes(raw))
    with (
        zipfile.ZipFile(tmp_path / "c.xlsx") as zf,
        pytest.raises(zipfile.BadZipFile, match="early"),
    ):
        b"".join(_inflated(zf, PART))


def test_a_part_that_inflates_beyond_its_declared_size_is_damaged(tmp_path):
    data = b"<row/>" * 100_000
    _zip(tmp_path / "l.xlsx", data, zipfile.ZIP_DEFLATED)
    raw = bytearray((tmp_path / "l.xlsx").read_bytes())
    entry = raw.rindex(b"PK\x01\x02")
    raw[entry + 24 : entry + 28] = (len(data) // 10).to_bytes(4, "little")  # declared size, a tenth
    (tmp_path / "l.xlsx").write_bytes(bytes(raw))
    with zipfile.ZipFile(tmp_path / "l.xlsx") as zf, pytest.raises(zipfile.BadZipFile):
        b"".join(_inflated(zf, PART))

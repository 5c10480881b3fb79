"""A big sheet read in pieces, a piece per core, gives what the sheet read whole gives (etl.sheetsplit).

Every test cuts small sheets as it would cut a big one (``PART_BYTES`` of one
byte, three pieces) and compares the read with python-calamine's cell-by-cell
read of the original file, the reference of tests/test_fast_read.py: the
text, the row numbers, the rows skipped and why.  Each also checks that the
sheet really was cut (or, where it must not be, that it was not).
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from etl import sheetsplit, workbook, xlsx
from etl.extract import UnreadableFile
from etl.read import read
from tests.sheets import PAY_HEADER, make_id, write_cell
from tests.test_fast_read import _same, _typed_row, no_fallback  # noqa: F401 (a fixture)

# The old cell-by-cell reader is the reference, never the path taken.
pytestmark = pytest.mark.usefixtures("no_fallback")


@pytest.fixture(autouse=True)
def three_pieces(monkeypatch):
    monkeypatch.setattr(sheetsplit, "PART_BYTES", 1)
    monkeypatch.setattr(sheetsplit, "SPLIT_PARTS", 3)


def _pieces(path: Path, kind: str = "payments") -> list[sheetsplit.Piece] | None:
    """The pieces the reader cuts ``path`` into (None: it reads the sheet whole)."""
    with contextlib.ExitStack() as folder:
        found = workbook._checked_sheet(path, kind, path.name, None, None, folder)
        assert found is not None
        return found[3]


def _roster(path: Path, rows: list[list | None], *, constant_memory=False, sheets=("发放清册",)):
    """A title, the header and ``rows`` (None: a blank row; a value None: an empty cell, formatted)."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    boxed = book.add_format({"border": 1})
    for other in sheets[:-1]:
        book.add_worksheet(other).write_string(0, 0, "填表说明：金额单位为元")
    ws = book.add_worksheet(sheets[-1])
    ws.write_string(0, 0, "2024年耕地地力保护补贴发放清册")
    ws.write_row(1, 0, PAY_HEADER)
    for r, row in enumerate(rows, start=2):
        if row is None:
            continue
        for c, v in enumerate(row):
            write_cell(ws, r, c, v, date_fmt, boxed)
    book.close()
    return path


def _rows(n: int, **over) -> list[list | None]:
    """``n`` typed rows; every 7th blank, every 11th with only formatted empty cells, a 合计 at the end."""
    rows: list[list | None] = []
    for i in range(1, n + 1):
        if i % 7 == 0:
            rows.append(None)
        elif i % 11 == 0:
            rows.append([None] * len(PAY_HEADER))
        else:
            rows.append(_typed_row(i, 身份证号=make_id(seq=i), **over))
    rows.append([None] * 7 + ["合计"] + [None] * 4 + [12345.5, None])
    return rows


@pytest.mark.parametrize("constant_memory", [False, True], ids=["shared-strings", "inline"])
def test_a_sheet_cut_in_three_reads_as_the_whole_sheet(tmp_path, constant_memory):
    path = _roster(tmp_path / "p.xlsx", _rows(400), constant_memory=constant_memory)
    pieces = _pieces(path)
    assert pieces is not None and len(pieces) == 3
    assert pieces[0].skip == 2 and 2 < pieces[1].skip < pieces[2].skip
    fast = _same(path)
    table = fast.table.to_pydict()
    kept = [i for i in range(1, 401) if i % 7 and i % 11]
    assert table["_row"] == [i + 2 for i in kept]  # the spreadsheet's own row numbers
    assert table["id_number"] == [make_id(seq=i) for i in kept]
    assert table["paid_on"][-1] == "2024-03-15" and table["amount_yuan"][-1] == "892.5"
    blank = [i + 2 for i in range(1, 401) if not (i % 7 and i % 11)]
    assert fast.skipped["blank"] == blank and fast.skipped["total"] == [403]


def test_a_cut_next_to_blank_rows_keeps_their_numbers(tmp_path):
    """Rows missing from the XML, or holding only formatted empty cells, on either side of each cut."""
    rows: list[list | None] = [_typed_row(i) for i in range(1, 301)]
    pieces = _pieces(_roster(tmp_path / "probe.xlsx", rows))
    # The rows around where the cuts fell, blank or formatted only, and the file written again.
    for piece in pieces[1:]:
        first = piece.skip - 2  # the piece's first data row, as an index of ``rows``
        for i in range(first - 3, first + 3):
            rows[i] = None if i % 2 else [None] * len(PAY_HEADER)
    path = _roster(tmp_path / "p.xlsx", rows)
    assert len(_pieces(path)) == 3
    fast = _same(path)
    assert len(fast.skipped["blank"]) == 12 and len(fast.table) == 288


def test_a_column_text_in_one_piece_and_numbers_in_another(tmp_path):
    """Whole, a column of numbers and text goes cell by cell; in pieces each piece has one type."""

    def written(first_text: int) -> Path:
        rows = _rows(300)
        for i, row in enumerate(rows[:-1]):
            if i >= first_text and row is not None and row[0] is not None:
                row[12] = f"{i}.50"  # 发放金额 written as text from ``first_text`` on
        rows[-1][12] = "45000.00"  # and in the 合计 row
        return _roster(tmp_path / "p.xlsx", rows)

    first_text = 300
    for _ in range(6):  # the text changes the sheet's size, and so where the cuts fall
        pieces = _pieces(written(first_text))
        if pieces[1].skip - 2 == first_text:
            break
        # the second piece's first data row, as an index of the rows
        first_text = pieces[1].skip - 2
    assert pieces[1].skip - 2 == first_text and len(pieces) == 3
    fast = _same(tmp_path / "p.xlsx")
    amounts = fast.table["amount_yuan"].to_pylist()
    assert amounts[0] == "892.5" and amounts[-1] == "299.50"


def test_a_first_column_empty_in_the_later_pieces(tmp_path):
    """序号 left empty from the middle on: the later pieces' grids still start in column A."""
    rows = _rows(300)
    for row in rows[100:-1]:
        if row is not None:
            row[0] = None
    path = _roster(tmp_path / "p.xlsx", rows)
    assert len(_pieces(path)) == 3
    fast = _same(path)
    assert fast.table["name"].to_pylist()[-1] == "张三"


def test_the_chosen_sheet_after_others(tmp_path):
    path = _roster(tmp_path / "p.xlsx", _rows(200), sheets=("说明", "附表", "发放清册"))
    assert len(_pieces(path)) == 3
    assert _same(path).sheet_name == "发放清册"


def _rewrite_sheet(path: Path, change) -> Path:
    """The xlsx at ``path`` with its last worksheet's XML passed through ``change``."""
    out = path.with_name("re-" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        sheets = sorted(n for n in src.namelist() if n.startswith("xl/worksheets/sheet"))
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, change(data) if info.filename == sheets[-1] else data)
    return out


def test_a_sheet_with_a_namespace_prefix(tmp_path):
    """<x:worksheet xmlns:x=…><x:row …>, as some exporters write it."""

    def prefixed(xml: bytes) -> bytes:
        xml = re.sub(rb"<(/?)(?!\?)([A-Za-z])", rb"<\1x:\2", xml)
        return xml.replace(b' xmlns="', b' xmlns:x="', 1)

    path = _rewrite_sheet(_roster(tmp_path / "p.xlsx", _rows(200)), prefixed)
    with zipfile.ZipFile(path) as zf:
        assert b"<x:row " in zf.read("xl/worksheets/sheet1.xml")
    assert len(_pieces(path)) == 3
    _same(path)


def test_rows_that_do_not_say_their_numbers_are_read_whole(tmp_path):
    """A row without r="…" after a cut would be counted from the sheet's top: no pieces, no guess."""

    def unnumbered(xml: bytes) -> bytes:
        return re.sub(rb'(<row|<c) r="[A-Z]*\d+"', rb"\1", xml)

    path = _rewrite_sheet(
        _roster(tmp_path / "p.xlsx", [_typed_row(i) for i in range(1, 201)]), unnumbered
    )
    assert _pieces(path) is None
    assert len(_same(path).table) == 200


def test_a_far_cell_in_a_sheet_being_cut_is_refused_and_leaves_no_files(tmp_path):
    rows = _rows(200)
    path = _roster(tmp_path / "p.xlsx", rows)
    far = _rewrite_sheet(
        path,
        lambda xml: xml.replace(
            b"</sheetData>",
            b'<row r="5000"><c r="XFD5000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        ),
    )
    before = set(Path(tempfile.gettempdir()).glob("fundquery-pieces-*"))
    with pytest.raises(UnreadableFile, match="范围过大"):
        read(far, "payments")
    assert set(Path(tempfile.gettempdir()).glob("fundquery-pieces-*")) == before


def test_a_row_out_of_order_in_a_later_piece_is_not_lost(tmp_path):
    """Excel repairs a sheet whose rows are not in order; calamine places each row by its number.
    A row numbered above a later piece's first row sends the sheet to be read whole."""

    def moved(xml: bytes) -> bytes:
        row = re.search(rb'<row r="5".*?</row>', xml).group(0)
        return xml.replace(row, b"").replace(b"</sheetData>", row + b"</sheetData>")

    path = _rewrite_sheet(
        _roster(tmp_path / "p.xlsx", [_typed_row(i) for i in range(1, 201)]), moved
    )
    assert len(_pieces(path)) == 3
    fast = _same(path)
    assert fast.table["_row"].to_pylist()[:4] == [3, 4, 5, 6] and len(fast.table) == 200


def test_pieces_go_to_a_disk_not_to_memory(tmp_path, monkeypatch):
    """A tmpfs (Debian's /tmp) would hold the pieces in the RAM the read needs: beside the file instead."""
    shm = Path("/dev/shm")  # noqa: S108 (a tmpfs to refuse, not a place to write)
    if sheetsplit._filesystem(shm) != "tmpfs" or not os.access(shm, os.W_OK):
        pytest.skip("no writable tmpfs at /dev/shm")
    assert sheetsplit._filesystem(tmp_path) not in ("tmpfs", "ramfs")
    path = _roster(tmp_path / "p.xlsx", _rows(200))
    monkeypatch.setattr(tempfile, "tempdir", str(shm))
    assert sheetsplit.room_for(path, 1 << 20) == tmp_path
    before = set(shm.glob("fundquery-pieces-*"))
    assert len(_pieces(path)) == 3 and set(shm.glob("fundquery-pieces-*")) == before
    _same(path)


def test_no_room_for_the_pieces_reads_the_sheet_whole(tmp_path, monkeypatch):
    path = _roster(tmp_path / "p.xlsx", _rows(200))
    monkeypatch.setattr(sheetsplit, "ROOM_TO_SPARE", 1 << 60)
    assert sheetsplit.room_for(path, 1 << 20) is None and _pieces(path) is None
    assert len(_same(path).table) > 0


_FULL_DISK = """
import resource, signal, sys, tempfile
from pathlib import Path
from etl import sheetsplit
from etl.read import read
sheetsplit.PART_BYTES, sheetsplit.SPLIT_PARTS = 1, 3
tempfile.tempdir = sys.argv[2]
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[3]), int(sys.argv[3])))
table = read(sys.argv[1], "payments").table
print(table.num_rows, table["_row"].to_pylist()[-1], len(list(Path(sys.argv[2]).iterdir())))
"""


def test_a_disk_filling_up_while_the_pieces_are_written_reads_the_sheet_whole(tmp_path):
    """Files may grow to 20 KB in the child: the first piece's sheet cannot be written."""
    path = _roster(tmp_path / "p.xlsx", _rows(400))
    work = tmp_path / "tmp"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, str(path), str(work), str(20_000)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    whole = _same(path)  # in this process, with no limit
    assert done.stdout.split() == [str(len(whole.table)), "402", "0"]


def test_big_shared_strings_are_not_parsed_once_per_piece(tmp_path, monkeypatch):
    """Each piece carries the shared strings and calamine parses them in each: past a limit, read whole."""
    path = _roster(tmp_path / "p.xlsx", _rows(200))
    with zipfile.ZipFile(path) as zf:
        shared = zf.getinfo("xl/sharedStrings.xml").file_size
    monkeypatch.setattr(sheetsplit, "COPIED_LIMIT", shared - 1)
    assert _pieces(path) is None
    monkeypatch.setattr(sheetsplit, "COPIED_LIMIT", shared + 10_000)  # the other parts are small
    assert len(_pieces(path)) == 3


@pytest.mark.parametrize("chunk", [7, 11, 16, 23, 40, 64, 101, 4096])
@pytest.mark.parametrize("prefix", [False, True], ids=["plain", "x-prefix"])
def test_cuts_that_fall_across_the_inflated_blocks(tmp_path, monkeypatch, chunk, prefix):
    """The sheet inflated a few bytes at a time: a </row> or the next <row r="…"> cut by a block's end."""

    def prefixed(xml: bytes) -> bytes:
        xml = re.sub(rb"<(/?)(?!\?)([A-Za-z])", rb"<\1x:\2", xml)
        return xml.replace(b' xmlns="', b' xmlns:x="', 1)

    path = _roster(tmp_path / "p.xlsx", _rows(120))
    if prefix:
        path = _rewrite_sheet(path, prefixed)
    monkeypatch.setattr(xlsx, "CHUNK", chunk)
    pieces = _pieces(path)
    assert pieces is not None and len(pieces) == 3
    _same(path)

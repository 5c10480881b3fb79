"""The extent check reads a sheet's XML in blocks: a reference cut by a block's end is still seen (issue 14)."""

from __future__ import annotations

import zipfile

import pytest
import xlsxwriter

from etl import xlsx


def _sheet(path, far: tuple[int, int] | None, left_col: int | None = None):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("S")
    for r in range(30):
        sheet.write_row(r, 2, [f"v{r}", r, "甲乙"])
    if far is not None:
        sheet.write(*far, "远")
    if left_col is not None:
        sheet.write(15, left_col, "左")
    book.close()
    return path


def _extent(path, first_col: int = 0):
    with zipfile.ZipFile(path) as zf:
        return xlsx.check_extent(zf, "S", "xl/worksheets/sheet1.xml", first_col)


@pytest.mark.parametrize("chunk", range(7, 80))
def test_a_far_cell_cut_by_a_blocks_end_is_refused(tmp_path, monkeypatch, chunk):
    """A cell at AZ900000 (52 columns by 900,000 rows: over the grid limit) is refused however the blocks
    fall (every block size from 7 to 79 bytes cuts its reference somewhere)."""
    path = _sheet(tmp_path / "far.xlsx", (899_999, 51))
    monkeypatch.setattr(xlsx, "CHUNK", chunk)
    with pytest.raises(xlsx.SheetTooLarge):
        _extent(path)


@pytest.mark.parametrize("chunk", range(7, 80, 3))
def test_a_cell_left_of_the_head_cut_by_a_blocks_end_is_seen(tmp_path, monkeypatch, chunk):
    """The head starts at column C; a cell in column A is seen (the sheet is then read the slow way) and a
    sheet without one is not, whatever the block size."""
    monkeypatch.setattr(xlsx, "CHUNK", chunk)
    assert _extent(_sheet(tmp_path / "left.xlsx", None, left_col=0), first_col=2) is False
    assert _extent(_sheet(tmp_path / "plain.xlsx", None), first_col=2) is True

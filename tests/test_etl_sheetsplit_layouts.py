"""Every real layout of tests/layouts read in pieces (etl.sheetsplit) gives what it gives read whole.

The forms' title rows, two-level headers, notes, totals and signatures, with the clerk's mapping and
upload values, cut in three as a big sheet would be (``PART_BYTES`` of one byte): the same extract, or
the same refusal.  Some forms go to python-calamine (a column of numbers and text): both ways, then.
"""

from __future__ import annotations

import contextlib

import pytest

from etl import sheetsplit, workbook
from etl.extract import UnreadableFile
from etl.read import read
from tests.layouts.build import all_layouts, build


@pytest.fixture(autouse=True)
def three_pieces(monkeypatch):
    monkeypatch.setattr(sheetsplit, "PART_BYTES", 1)
    monkeypatch.setattr(sheetsplit, "SPLIT_PARTS", 3)


XLSX_LAYOUTS = [layout for layout in all_layouts() if layout["format"] == "xlsx"]


@pytest.mark.parametrize("layout", XLSX_LAYOUTS, ids=[lo["slug"] for lo in XLSX_LAYOUTS])
def test_every_real_layout_reads_the_same_in_pieces(tmp_path, monkeypatch, layout):
    """The real forms of tests/layouts (title rows, two-level headers, notes, totals, signatures), with
    the clerk's mapping and upload values, read in three pieces and whole: the same extract, or the same
    refusal."""
    built = build(layout, tmp_path)
    kw = {"mapping": layout.get("mapping"), "values": layout.get("values")}

    def outcome():
        try:
            got = read(built.path, layout["kind"], **kw)
        except UnreadableFile as exc:
            return str(exc)
        return got.table, got.skipped, got.rows_read, got.match.header_rows

    pieces = outcome()
    monkeypatch.setattr(sheetsplit, "SPLIT_PARTS", 1)
    whole = outcome()
    if isinstance(whole, str):
        assert pieces == whole
        return
    assert pieces[0].equals(whole[0]), layout["slug"]
    assert pieces[1:] == whole[1:]


def _cut(path, kind, mapping, values) -> bool:
    with contextlib.ExitStack() as folder:
        try:
            found = workbook._checked_sheet(path, kind, path.name, mapping, values, folder)
        except UnreadableFile:
            return False
        return bool(found and found[3])


def test_most_layouts_are_really_cut(tmp_path):
    """The test above proves little about a layout it never cut: at least four in five are."""
    uncut = []
    for layout in XLSX_LAYOUTS:
        built = build(layout, tmp_path)
        if not _cut(built.path, layout["kind"], layout.get("mapping"), layout.get("values")):
            uncut.append(layout["slug"])
    assert len(uncut) <= 0.2 * len(XLSX_LAYOUTS), uncut

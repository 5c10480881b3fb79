# ruff: noqa: F811  (pytest fixtures imported from tests.web.staffing are parameters here)
"""An XML Spreadsheet 2003 .xls through the upload page: the preview and the marked copy, as an xlsx's."""

from __future__ import annotations

import io

import openpyxl

from tests.sheets import make_id, write_xlsx
from tests.web.staffing import (  # noqa: F401 (fixtures)
    finance,
    funds_file,
    messy_rows,
    preview,
    staff_app,
    with_funds,
)
from tests.xmlsheets import rows_xml, sheet_xml, write_book


def test_preview_of_a_spreadsheetml_xls_shows_its_rows_and_errors(staff_app, with_funds, tmp_path):
    """The system's .xls (SpreadsheetML) of the messy roster previews as the same roster in an xlsx: the
    same header, rows, skipped rows, sample and errors; its marked copy marks the same cell; no ID
    number in full."""
    xml = write_book(tmp_path / "清册.xls", sheet_xml("Sheet1", rows_xml(messy_rows())))
    url, data = preview(with_funds, xml)
    _, reference = preview(with_funds, write_xlsx(tmp_path / "清册.xlsx", messy_rows()))
    assert data["file_format"] == "spreadsheetml" and "unreadable" not in data
    assert data["rows_read"] == 5 and data["rows"] == 3
    assert [r["_row"] for r in data["sample"]] == [3, 4, 5]
    for key in ("kind", "header_rows", "mapping", "skipped", "sample", "errors", "can_load"):
        assert data[key] == reference[key], key
    html = with_funds.get(url).get_data(as_text=True)
    for number in (make_id(seq=n) for n in (1, 2)):
        assert number not in str(data) and number not in html
    assert "二百" in html
    marked = with_funds.get(f"/staff/upload/{data['sha256']}/marked.xlsx?kind=auto")
    assert marked.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(marked.data))
    assert "不是金额" in book.worksheets[0]["M4"].comment.text

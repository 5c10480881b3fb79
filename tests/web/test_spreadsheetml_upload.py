# ruff: noqa: F811  (pytest fixtures imported from tests.web.staffing are parameters here)
"""An XML Spreadsheet 2003 .xls or .xml through the upload page: the preview and the marked copy, as an
xlsx's; a .xml that is not one, refused saying what was expected."""

from __future__ import annotations

import io

import openpyxl

from fundquery.web.db import get_db
from tests.conftest import snapshot
from tests.sheets import PAY_HEADER, make_id, pay_row, write_xlsx
from tests.web.staffing import (  # noqa: F401 (fixtures)
    batches_of,
    finance,
    funds_file,
    load,
    messy_rows,
    preview,
    staff_app,
    upload,
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


def test_an_xml_table_saved_as_xml_is_taken_and_loads(staff_app, with_funds, tmp_path):
    """WPS and Excel save "XML 表格" as .xml: the upload page lists it and takes it, its rows load."""
    page = with_funds.get("/staff/upload").get_data(as_text=True)
    assert "XML 表格（.xml）" in page and 'accept=".xlsx,.xls,.xml,.csv,.txt"' in page
    rows = [PAY_HEADER, pay_row(1), pay_row(2, name="李四")]
    xml = write_book(tmp_path / "清册.xml", sheet_xml("清册", rows_xml(rows)))
    url, data = preview(with_funds, xml)
    assert data["file_format"] == "spreadsheetml" and data["rows"] == 2 and not data["errors"]
    before = len(batches_of(staff_app))
    assert load(with_funds, url, data).location == "/staff/batches/"
    assert [b[1] for b in batches_of(staff_app)[before:]] == ["payments"]


def test_an_xml_that_is_not_an_xml_table_is_refused_saying_what_was_expected(
    staff_app, with_funds, tmp_path
):
    """Another XML named .xml is taken by the form, then refused on its preview page, naming the XML
    Spreadsheet 2003 it should be; nothing stored.  A .pdf is still refused by the form, naming .xml
    among what it takes."""
    other = tmp_path / "导出.xml"
    other.write_text('<?xml version="1.0"?>\n<发放><人 姓名="张三"/></发放>', encoding="utf-8")
    with staff_app.app_context():
        stored = snapshot(get_db())
    url, data = preview(with_funds, other)
    assert "导出.xml" in data["unreadable"] and "XML 表格" in data["unreadable"], data
    assert "urn:schemas-microsoft-com:office:spreadsheet" in data["unreadable"]
    page = with_funds.get(url)
    assert page.status_code == 422 and "XML Spreadsheet 2003" in page.get_data(as_text=True)
    with staff_app.app_context():
        assert snapshot(get_db()) == stored
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    refused = upload(with_funds, pdf)
    assert refused.status_code == 400
    assert "只能上传 Excel（.xlsx、.xls）、XML 表格（.xml）或 CSV 文件。" in refused.get_data(
        as_text=True
    )

"""The XML Spreadsheet 2003 (SpreadsheetML) that Java systems send as .xls, written here by hand as XML.

Where the same sheet can be written as an xlsx, the xlsx reader is the reference: both files must give
the same header and the same rows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import xlsxwriter

from etl.extract import UnreadableFile
from etl.peek import peek
from etl.read import read
from tests.conftest import snapshot
from tests.hostile_files import ENTITY_BOMB as BOMB
from tests.sheets import PAY_HEADER, make_id, pay_row, write_xlsx
from tests.xmlsheets import cell, row_xml, rows_xml, sheet_xml, write_book


def same_read(a, b) -> None:
    """Two reads of one sheet: the same header, the same rows, the same rows skipped."""
    assert a.match.labels == b.match.labels
    assert a.match.header_rows == b.match.header_rows
    assert a.match.mapping == b.match.mapping
    assert a.table.to_pydict() == b.table.to_pydict()
    assert a.rows_read == b.rows_read and a.skipped == b.skipped


ROSTER = [
    ["城关镇2024年耕地地力保护补贴发放清册"],
    ["填报单位：城关镇财政所", None, None, "单位：元"],
    PAY_HEADER,
    pay_row(1),
    [None] * 15,
    pay_row(2, name="李四", amount="210", area="2"),
    ["合计", *[None] * 9, "10.5", None, "1102.50"],
]


def test_index_gaps_give_the_rows_and_columns_the_xlsx_has(tmp_path):
    """A row left out (ss:Index on the next row) and cells left out (ss:Index on the next cell): the
    same rows, columns, blank row and total row as the same sheet written as an xlsx."""
    xml = write_book(tmp_path / "清册.xls", sheet_xml("Sheet1", rows_xml(ROSTER)))
    assert 'Row ss:Index="6"' in xml.read_text() and 'Cell ss:Index="11"' in xml.read_text()
    got = read(xml, "payments")
    same_read(got, read(write_xlsx(tmp_path / "清册.xlsx", ROSTER), "payments"))
    assert got.file_format == "spreadsheetml" and got.sheet_name == "Sheet1"
    assert got.skipped == {"blank": [5], "total": [7]}
    assert got.table["_row"].to_pylist() == [4, 6]
    assert got.table["name"].to_pylist() == ["张三", "李四"]


def test_a_sheet_starting_right_and_down_is_laid_out_as_calamine_lays_it(tmp_path):
    """A table that starts in C4 (ss:Index on its first row and cells): header and rows as the xlsx
    reader finds them in the same sheet."""
    rows = [[None, None, *r] for r in ROSTER[2:4]]
    xml = write_book(
        tmp_path / "清册.xls", sheet_xml("Sheet1", row_xml(rows[0], 4) + row_xml(rows[1]))
    )
    reference = write_xlsx(tmp_path / "清册.xlsx", [[None]] * 3 + rows)
    same_read(read(xml, "payments"), read(reference, "payments"))


def test_merged_group_header_reads_as_the_xlsx_with_the_same_merge(tmp_path):
    """补贴情况 merged across 面积 / 补助标准 / 发放金额 (MergeAcross="2"), the other header cells merged
    down over both header rows (MergeDown="1"): as the xlsx reader reads the same merged cells."""
    top = PAY_HEADER[:10]
    leaves = ["面积", "补助标准", "发放金额"]
    header = "".join(cell(text, down=1) for text in top)
    header += cell("补贴情况", across=2) + cell("发放日期", down=1)
    second = cell(leaves[0], index=11) + cell(leaves[1]) + cell(leaves[2])
    data = [pay_row(1)[:14], pay_row(2, name="李四")[:14]]
    xml = write_book(
        tmp_path / "清册.xls",
        sheet_xml("Sheet1", f"<Row>{header}</Row><Row>{second}</Row>" + rows_xml(data)),
    )
    reference = tmp_path / "清册.xlsx"
    book = xlsxwriter.Workbook(str(reference))
    ws = book.add_worksheet("Sheet1")
    merged = book.add_format({"align": "center"})
    for c, text in enumerate(top):
        ws.merge_range(0, c, 1, c, text, merged)
    ws.merge_range(0, 10, 0, 12, "补贴情况", merged)
    ws.merge_range(0, 13, 1, 13, "发放日期", merged)
    ws.write_row(1, 10, leaves)
    for r, values in enumerate(data, start=2):
        ws.write_row(r, 0, values)
    book.close()
    got = read(xml, "payments")
    same_read(got, read(reference, "payments"))
    assert got.match.header_rows == (0, 1)
    assert got.table["amount_yuan"].to_pylist() == ["892.50", "892.50"]


def test_datetime_cells_are_dates(tmp_path, funds_loaded, load, store):
    """ss:Type="DateTime": a date as the date (stored as one), a time of day on it kept; as the xlsx reader
    gives a date cell."""
    rows = [PAY_HEADER, pay_row(1, paid=dt.date(2024, 3, 15)), pay_row(2, paid=dt.date(2024, 4, 1))]
    xml = write_book(tmp_path / "清册.xls", sheet_xml("Sheet1", rows_xml(rows)))
    assert '<Data ss:Type="DateTime">2024-03-15T00:00:00.000</Data>' in xml.read_text()
    same_read(read(xml, "payments"), read(write_xlsx(tmp_path / "x.xlsx", rows), "payments"))
    result = load(xml, "payments")
    assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT paid_on FROM payments ORDER BY row_no").fetchall() == [
        (dt.date(2024, 3, 15),),
        (dt.date(2024, 4, 1),),
    ]
    timed = pay_row(1, paid=("DateTime", "2024-03-15T08:30:00.000"))
    clock = pay_row(1, paid=("DateTime", "1899-12-31T08:30:00.000"))
    xml = write_book(tmp_path / "时刻.xls", sheet_xml("S", rows_xml([PAY_HEADER, timed, clock])))
    assert read(xml, "payments").table["paid_on"].to_pylist() == ["2024-03-15 08:30:00", "08:30:00"]


@pytest.mark.parametrize("as_type", ["String", "Number"])
def test_an_id_number_keeps_its_18_digits_as_string_and_as_number(tmp_path, as_type):
    """The system wrote all 18 digits: as text, or as a Number (Excel would show 4.10102E+17, but the
    digits are in the file); none is lost."""
    ids = [make_id("410102", "19900101", seq=n) for n in (1, 2)]
    rows = [PAY_HEADER, *(pay_row(n, id_number=(as_type, i)) for n, i in enumerate(ids, 1))]
    xml = write_book(tmp_path / "清册.xls", sheet_xml("Sheet1", rows_xml(rows)))
    assert f'<Data ss:Type="{as_type}">{ids[0]}</Data>' in xml.read_text()
    assert read(xml, "payments").table["id_number"].to_pylist() == ids


def test_an_id_number_excel_wrote_in_scientific_form_is_an_error(
    tmp_path, funds_loaded, load, store
):
    """4.10102199001011E+17 (what Excel writes of an ID number typed as a number): its last digits were
    lost before the file was written; the load says so and stores nothing."""
    rows = [PAY_HEADER, pay_row(1, id_number=("Number", "4.10102199001011E+17"))]
    xml = write_book(tmp_path / "清册.xls", sheet_xml("Sheet1", rows_xml(rows)))
    before = snapshot(store)
    result = load(xml, "payments")
    assert result.status != "loaded"
    assert [(e.row, e.rule) for e in result.report.errors] == [(2, "id_scientific")]
    assert snapshot(store) == before


def test_numbers_are_the_text_excel_shows_never_binary_noise(tmp_path, funds_loaded, load, store):
    """892.49999999999989 (a float written with 17 digits) is 892.5 to Excel's 15 digits; 1.05E+2 is
    105; amounts stored exact."""
    rows = [
        PAY_HEADER,
        pay_row(1, amount=("Number", "892.49999999999989"), standard=("Number", "1.05E+2")),
        pay_row(2, amount=("Number", "210"), area=("Number", "2.0000000000000004")),
    ]
    xml = write_book(tmp_path / "清册.xls", sheet_xml("Sheet1", rows_xml(rows)))
    got = read(xml, "payments")
    assert got.table["amount_yuan"].to_pylist() == ["892.5", "210"]
    assert got.table["standard_yuan"].to_pylist() == ["105", "105"]
    assert got.table["quantity"].to_pylist() == ["8.5", "2"]
    result = load(xml, "payments")
    assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT amount_yuan FROM payments ORDER BY row_no").fetchall() == [
        (Decimal("892.50"),),
        (Decimal("210.00"),),
    ]


def test_rich_text_is_its_text(tmp_path):
    """A cell with inline formatting (<ss:Data> holding html:B and html:Font runs) is its runs' text; the
    note a clerk left on it (<Comment> with its own <ss:Data>) is not part of it."""
    rich = (
        '<Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40">'
        '<B>张</B><Font html:Color="#FF0000">三</Font>丰</ss:Data>'
        '<Comment ss:Author="审核"><ss:Data xmlns="http://www.w3.org/TR/REC-html40">'
        "<B>已核实</B></ss:Data></Comment></Cell>"
    )
    before = "".join(cell(v) for v in pay_row(1)[:7])
    after = "".join(cell(v) for v in pay_row(1)[8:])
    rows = row_xml(PAY_HEADER) + f"<Row>{before}{rich}{after}</Row>"
    xml = write_book(tmp_path / "清册.xls", sheet_xml("Sheet1", rows))
    assert read(xml, "payments").table["name"].to_pylist() == ["张三丰"]


def test_the_sheet_is_chosen_as_in_a_workbook(tmp_path):
    """A 填表说明 sheet first and an empty copy of the form last: the sheet with the header and rows
    under it is read, as the xlsx reader chooses it."""
    notes = [["填表说明"], ["一、身份证号填写18位"], ["二、金额单位为元"]]
    roster = [PAY_HEADER, pay_row(1), pay_row(2, name="李四")]
    xml = write_book(
        tmp_path / "清册.xls",
        sheet_xml("填表说明", rows_xml(notes)),
        sheet_xml("清册", rows_xml(roster)),
        sheet_xml("空表", rows_xml([PAY_HEADER])),
    )
    got = read(xml, "payments")
    assert got.sheet_name == "清册" and got.table["name"].to_pylist() == ["张三", "李四"]
    reference = tmp_path / "清册.xlsx"
    book = xlsxwriter.Workbook(str(reference))
    for name, rows in (("填表说明", notes), ("清册", roster), ("空表", [PAY_HEADER])):
        ws = book.add_worksheet(name)
        for r, values in enumerate(rows):
            ws.write_row(r, 0, values)
    book.close()
    assert read(reference, "payments").sheet_name == "清册"
    assert peek(xml, "payments").match.labels == got.match.labels


@pytest.mark.parametrize(
    ("doctype", "name_cell"),
    [
        pytest.param(BOMB, ("String", "&j;"), id="entity-expansion-bomb"),
        pytest.param(
            '<!DOCTYPE Workbook [<!ENTITY secret SYSTEM "file://{secret}">]>\n',
            ("String", "&secret;"),
            id="external-entity",
        ),
    ],
)
def test_entities_are_refused_and_nothing_is_stored(
    tmp_path, funds_loaded, load, store, doctype, name_cell
):
    """An entity-expansion bomb (10^9 characters from a few hundred bytes) and an external entity (a file
    of the server's) are refused before anything is expanded or read, with a message saying why."""
    secret = tmp_path / "secret.txt"
    secret.write_text("口令：不应出现")
    rows = [PAY_HEADER, pay_row(1, name=name_cell)]
    xml = write_book(
        tmp_path / "清册.xls",
        sheet_xml("Sheet1", rows_xml(rows)),
        doctype=doctype.replace("{secret}", str(secret)),
    )
    with pytest.raises(UnreadableFile, match="实体") as caught:
        read(xml, "payments")
    assert "不应出现" not in str(caught.value)
    before = snapshot(store)
    with pytest.raises(UnreadableFile, match="恶意"):
        load(xml, "payments")
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("far_row", "far_cell"),
    [
        pytest.param(3, 16_385, id="past-column-XFD"),
        pytest.param(3_000, 16_384, id="XFD3000-49M-cells"),
        pytest.param(1_048_577, 1, id="past-the-last-row"),
    ],
)
def test_a_crafted_index_far_away_is_refused(tmp_path, far_row, far_cell):
    """A stray cell far away (ss:Index on its row and cell) would make a grid too large for the other
    readers: refused with the xlsx reader's message, from a file of a few hundred bytes."""
    rows = row_xml(PAY_HEADER) + row_xml(pay_row(1))
    rows += f'<Row ss:Index="{far_row}">{cell("x", index=far_cell)}</Row>'
    xml = write_book(tmp_path / "清册.xls", sheet_xml("Sheet1", rows))
    assert xml.stat().st_size < 4096
    with pytest.raises(UnreadableFile, match="上限"):
        read(xml, "payments")


@pytest.mark.parametrize(
    ("across", "down"),
    [pytest.param(16_384, 0, id="merged-past-XFD"), pytest.param(0, 2_000_000, id="merged-down")],
)
def test_a_merge_reaching_far_away_is_refused(tmp_path, across, down):
    """A title merged across or down past Excel's last column or row: refused as a stray cell is."""
    rows = f"<Row>{cell('2024年清册', across=across, down=down)}</Row>"
    rows += row_xml(PAY_HEADER) + row_xml(pay_row(1))
    xml = write_book(tmp_path / "清册.xls", sheet_xml("Sheet1", rows))
    with pytest.raises(UnreadableFile, match="上限"):
        read(xml, "payments")


def test_a_cell_index_going_back_is_refused_naming_the_row(tmp_path):
    """ss:Index must grow along a row (Excel refuses the file otherwise): refused, naming the row,
    never a value silently written over another."""
    rows = row_xml(PAY_HEADER) + f"<Row>{cell('1')}{cell('F001')}{cell('x', index=1)}</Row>"
    xml = write_book(tmp_path / "清册.xls", sheet_xml("Sheet1", rows))
    with pytest.raises(UnreadableFile, match="第 2 行.*ss:Index=“1”"):
        read(xml, "payments")


def test_a_gbk_file_is_read(tmp_path):
    """A system that declares encoding="GBK" (expat reads no multi-byte encoding of its own)."""
    rows = [PAY_HEADER, pay_row(1), pay_row(2, name="李四")]
    xml = write_book(
        tmp_path / "清册.xls", sheet_xml("清册", rows_xml(rows)), encoding="GBK", codec="gbk"
    )
    assert "清册".encode("gbk") in xml.read_bytes()
    got = read(xml, "payments")
    assert got.sheet_name == "清册" and got.table["name"].to_pylist() == ["张三", "李四"]


@pytest.mark.parametrize(
    ("codec", "bom", "first"),
    [
        pytest.param("utf-16-le", True, b"\xff\xfe<\x00", id="UTF-16LE-with-BOM"),
        pytest.param("utf-16-be", True, b"\xfe\xff\x00<", id="UTF-16BE-with-BOM"),
        pytest.param("utf-16-le", False, b"<\x00?\x00", id="UTF-16LE-no-BOM"),
        pytest.param("utf-16-be", False, b"\x00<\x00?", id="UTF-16BE-no-BOM"),
    ],
)
def test_a_utf16_file_is_read_as_its_utf8_twin(tmp_path, codec, bom, first):
    """Excel's "XML 表格" saved as UTF-16 (encoding="UTF-16", a byte-order mark first): the same header and
    rows as the same sheet in UTF-8, by the full read and by the look at its header (etl.peek)."""
    rows = [PAY_HEADER, pay_row(1), pay_row(2, name="李四")]
    sheet = sheet_xml("清册", rows_xml(rows))
    xml = write_book(tmp_path / "清册.xml", sheet, encoding="UTF-16", codec=codec, bom=bom)
    assert xml.read_bytes().startswith(first)
    twin = write_book(tmp_path / "清册-utf8.xml", sheet)
    got = read(xml, "payments")
    assert got.file_format == "spreadsheetml"
    same_read(got, read(twin, "payments"))
    assert got.table["name"].to_pylist() == ["张三", "李四"]
    assert peek(xml, "payments").match.labels == got.match.labels


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            ",".join(PAY_HEADER) + "\r\n" + ",".join(pay_row(1)) + "\r\n", "csv", id="a-csv"
        ),
        pytest.param(
            "<html><body><table><tr><td>姓名</td></tr></table></body></html>", "网页", id="html"
        ),
    ],
)
def test_a_utf16_file_that_is_not_spreadsheetml_is_read_as_what_it_is(tmp_path, content, expected):
    """Near cases: a UTF-16 csv is still a csv (its rows read), a UTF-16 web page still a web page."""
    path = tmp_path / "清册.xls"
    path.write_bytes(content.encode("utf-16"))
    if expected == "csv":
        got = read(path, "payments")
        assert got.file_format == "csv" and got.table["name"].to_pylist() == ["张三"]
        return
    with pytest.raises(UnreadableFile, match=expected):
        read(path, "payments")


def test_a_damaged_file_says_so(tmp_path):
    xml = write_book(tmp_path / "清册.xls", sheet_xml("Sheet1", rows_xml([PAY_HEADER, pay_row(1)])))
    xml.write_bytes(xml.read_bytes()[:-200])
    with pytest.raises(UnreadableFile, match="损坏"):
        read(xml, "payments")

"""The fast readers give the text the reference readers give (issue 14: a load at the speed of the read).

xlsx goes through fastexcel (calamine straight to Arrow) and csv through
pyarrow.csv; the reference is the old path, kept as the fallback:
python-calamine cell by cell (etl.text.cell_text) and DuckDB's csv reader.
Each test compares the two readers' tables on one file, and checks which
path was taken.  The sheet extent check (DESIGN.md §7) refuses a sheet whose
grid calamine would make too large, before calamine sees it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import subprocess
import sys
import zipfile

import duckdb
import pytest
import xlsxwriter

import etl.read as reader
from etl import csvread, workbook, xlsx
from etl.clean import hash_sql
from etl.extract import UnreadableFile
from etl.idnum import Hasher
from etl.read import read
from tests.sheets import PAY_HEADER, make_id, pay_row, write_csv

ID = make_id(seq=3)
OLD_WORKBOOK, OLD_CSV = (
    workbook.read_workbook,
    csvread.read_csv_duckdb,
)  # before no_fallback replaces them


def _reference(path, kind="payments"):
    """The old reading: python-calamine for a workbook, DuckDB for a csv."""
    if reader.sniff_format(path.read_bytes(), path.name) == "csv":
        return OLD_CSV(path, path.read_bytes(), kind, path.name, None)
    return OLD_WORKBOOK(path, "xlsx", kind, path.name, None)


def _same(path, kind="payments"):
    fast, ref = read(path, kind), _reference(path, kind)
    assert fast.table.column_names == ref.table.column_names
    for name in fast.table.column_names:
        assert fast.table[name].to_pylist() == ref.table[name].to_pylist(), name
    assert fast.skipped == ref.skipped and fast.rows_read == ref.rows_read
    assert fast.match.header_rows == ref.match.header_rows and fast.sheet_name == ref.sheet_name
    return fast


@pytest.fixture
def no_fallback(monkeypatch):
    """Fail the test if the old path is taken."""

    def refuse(*_a, **_k):
        raise AssertionError("the fallback reader was used")

    monkeypatch.setattr(workbook, "read_workbook", refuse)
    monkeypatch.setattr(csvread, "read_csv_duckdb", refuse)


def _typed_sheet(path, rows, *, title=True, first_col=0, formats=None):
    """Header and rows written with their Python types: str as text, numbers, dates, booleans."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("发放清册")
    fmt = {k: book.add_format({"num_format": v}) for k, v in (formats or {}).items()}
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    r0 = 0
    if title:
        ws.write_string(0, first_col, "2024年补贴发放清册")
        r0 = 1
    for c, h in enumerate(PAY_HEADER):
        ws.write_string(r0, first_col + c, h)
    for r, row in enumerate(rows, start=r0 + 1):
        for c, v in enumerate(row):
            col = first_col + c
            if v is None:
                continue
            if isinstance(v, bool):
                ws.write_boolean(r, col, v)
            elif isinstance(v, dt.datetime | dt.date):
                value = v if isinstance(v, dt.datetime) else dt.datetime.combine(v, dt.time())
                ws.write_datetime(r, col, value, fmt.get(c, date_fmt))
            elif isinstance(v, str):
                ws.write_string(r, col, v)
            else:
                ws.write_number(r, col, v, fmt.get(c))
    book.close()
    return path


def _typed_row(n, **over):
    row = pay_row(n)
    row[0], row[2] = n, 2024  # 序号 and 年度 as numbers
    row[10], row[11], row[12] = 8.5, 105.0, 892.5
    row[13] = dt.date(2024, 3, 15)
    for k, v in over.items():
        row[PAY_HEADER.index(k)] = v
    return row


# --- xlsx --------------------------------------------------------------------------


def test_numbers_dates_and_text_ids_through_fastexcel(tmp_path, no_fallback):
    amounts = [
        892.5,
        1554.0,
        0.1 + 0.2,
        123456789012.5,
        1e-7,
        1e15,
        999999999999999.0,
        -3.0,
        0.0,
        12345678.9,
    ]
    rows = [
        _typed_row(i + 1, 发放金额=a, 身份证号=make_id(seq=i + 1)) for i, a in enumerate(amounts)
    ]
    fast = _same(_typed_sheet(tmp_path / "p.xlsx", rows))
    table = fast.table.to_pydict()
    assert table["amount_yuan"][:4] == [
        "892.5",
        "1554",
        "0.3",  # as xlsxwriter wrote it
        "1.234567890125e+11",
    ]
    assert table["paid_on"][0] == "2024-03-15" and table["year"][0] == "2024"
    assert table["id_number"] == [
        make_id(seq=i + 1) for i in range(len(amounts))
    ]  # 18-digit text stays text


def test_an_id_column_of_numbers_keeps_the_scientific_form(tmp_path, no_fallback):
    """An ID Excel turned into a number has lost digits: the validator must see 4.1010219800101e+17."""
    rows = [
        _typed_row(1, 身份证号=410102198001011234.0),
        _typed_row(2, 身份证号=110105194912310021.0),
    ]
    fast = _same(_typed_sheet(tmp_path / "p.xlsx", rows))
    assert fast.table["id_number"].to_pylist()[0] == "4.101021980010113e+17"


def test_datetimes_times_and_booleans(tmp_path, no_fallback):
    stamps = [
        dt.datetime(2024, 3, 5),
        dt.datetime(2024, 3, 5, 12, 30, 15),
        dt.datetime(2024, 3, 5, 2, 57, 46, 667000),
        dt.datetime(1900, 1, 1, 12),
        dt.datetime(1950, 6, 1),
    ]
    rows = [
        _typed_row(i + 1, 发放日期=s, 期间=True if i % 2 else False) for i, s in enumerate(stamps)
    ]
    rows.append(_typed_row(9, 发放日期=None, 期间=None))
    fast = _same(_typed_sheet(tmp_path / "p.xlsx", rows, formats={13: "yyyy-mm-dd hh:mm:ss"}))
    assert fast.table["paid_on"].to_pylist()[:3] == [
        "2024-03-05",
        "2024-03-05 12:30:15",
        "2024-03-05 02:57:46.667000",
    ]
    assert fast.table["period"].to_pylist()[:2] == ["否", "是"]


def test_a_time_of_day_cell(tmp_path, no_fallback):
    rows = [_typed_row(1, 发放日期=0.5), _typed_row(2, 发放日期=0.0)]
    fast = _same(_typed_sheet(tmp_path / "p.xlsx", rows, formats={13: "hh:mm:ss"}))
    assert fast.table["paid_on"].to_pylist() == ["12:00:00", "00:00:00"]


@pytest.mark.parametrize(
    ("column", "values"),
    [
        (
            "身份证号",
            [ID, 410102198001011234.0],
        ),  # text and a number: the number keeps its lost digits
        ("发放金额", [892.5, "N/A"]),  # fastexcel would read N/A in a number column as empty
        ("发放金额", [892.5, "1,234.50元"]),
        ("发放日期", [dt.date(2024, 3, 5), "2024年3月5日"]),
    ],
)
def test_a_column_mixing_types_is_read_cell_by_cell(tmp_path, column, values):
    rows = [_typed_row(i + 1, **{column: v}) for i, v in enumerate(values)]
    fast = _same(_typed_sheet(tmp_path / "p.xlsx", rows))
    assert len(fast.table) == len(values)


def test_an_xls_that_is_really_an_xlsx(tmp_path, no_fallback):
    path = _typed_sheet(tmp_path / "清册.xls", [_typed_row(1), _typed_row(2)])
    fast = _same(path)
    assert fast.file_format == "xlsx" and fast.table["amount_yuan"].to_pylist() == [
        "892.5",
        "892.5",
    ]


def test_a_real_xls_is_read(tmp_path):
    from tests.sheets import write_xls

    path = write_xls(tmp_path / "清册.xls", [PAY_HEADER, pay_row(1), pay_row(2, amount="210")])
    extract = read(path, "payments")
    assert extract.file_format == "xls" and extract.table["amount_yuan"].to_pylist() == [
        "892.50",
        "210",
    ]


def test_a_sheet_starting_off_the_corner_and_a_stray_cell_left_of_it(tmp_path):
    rows = [_typed_row(1), _typed_row(2)]
    _same(_typed_sheet(tmp_path / "c.xlsx", rows, first_col=2), "payments")
    book = xlsxwriter.Workbook(str(tmp_path / "stray.xlsx"))
    ws = book.add_worksheet("发放清册")
    ws.write_row(0, 2, PAY_HEADER)
    ws.write_row(1, 2, pay_row(1))
    ws.write_string(40, 0, "制表人：张三")  # column A, below the first rows: the grid starts at A
    book.close()
    package = xlsx.Package(tmp_path / "stray.xlsx")
    try:
        head = package.head(package.sheets[0][1], 30)
        assert (
            head.first_col == 2
            and package.check_extent("发放清册", package.sheets[0][1], 2) is False
        )
    finally:
        package.close()
    fast = _same(tmp_path / "stray.xlsx")
    # The stray cell is a signature line (制表人：…): the form's footer, skipped as such (issue 14).
    assert fast.table["name"].to_pylist() == ["张三"] and fast.skipped["blank"] == list(
        range(3, 41)
    )
    assert fast.skipped["footer"] == [41]


def test_several_sheets_the_best_header_wins(tmp_path, no_fallback):
    book = xlsxwriter.Workbook(str(tmp_path / "s.xlsx"))
    book.add_worksheet("说明").write_string(0, 0, "填表说明：金额单位为元")
    ws = book.add_worksheet("清册")
    ws.write_row(0, 0, PAY_HEADER)
    ws.write_row(1, 0, pay_row(1))
    book.close()
    assert read(tmp_path / "s.xlsx", None).sheet_name == "清册"


def _template_then_rows(path):
    """A blank template sheet (the header and a 银行账号 column more: a better match) before the filled one."""
    book = xlsxwriter.Workbook(str(path))
    template = book.add_worksheet("模板")
    template.write_row(0, 0, [*PAY_HEADER, "银行账号"])
    filled = book.add_worksheet("数据")
    filled.write_row(0, 0, PAY_HEADER)
    for n in (1, 2, 3):
        filled.write_row(n, 0, pay_row(n))
    book.close()
    return path


def test_the_sheet_with_rows_wins_over_a_blank_template(tmp_path):
    """The blank 模板 sheet's header fits better (one more column), but the rows are on 数据: every reader
    and the header peek choose 数据 (a HR system's export: an empty 家庭成员 sheet beside 员工主表)."""
    from etl.peek import peek

    path = _template_then_rows(tmp_path / "s.xlsx")
    assert read(path, "payments").sheet_name == "数据"
    assert len(read(path, "payments").table) == 3
    assert OLD_WORKBOOK(path, "xlsx", "payments", path.name, None).sheet_name == "数据"
    assert peek(path, "payments").match.labels == PAY_HEADER


def test_shared_strings_and_rich_text_in_the_head(tmp_path):
    """A workbook with a shared-string table (as Excel and WPS write them), rich text in the header."""
    import openpyxl
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["2024年发放清册"])
    ws.append(PAY_HEADER)
    ws.cell(2, 8).value = CellRichText([TextBlock(InlineFont(b=True), "姓"), "名"])
    for n in (1, 2):
        ws.append(pay_row(n))
    book.save(tmp_path / "sst.xlsx")
    fast = _same(tmp_path / "sst.xlsx")
    assert fast.match.label("name") == "姓名" and fast.table["name"].to_pylist() == ["张三", "张三"]


# --- the extent check ------------------------------------------------------------------


def _far_cell(path, row, col):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("清册")
    ws.write_row(0, 0, PAY_HEADER)
    ws.write_row(1, 0, pay_row(1))
    ws.write_string(row, col, "x")
    book.close()
    return path


@pytest.mark.parametrize(("row", "col"), [(1_048_575, 16_383), (2_999, 16_383)])
def test_a_far_cell_is_refused_before_calamine_sees_it(tmp_path, row, col):
    """XFD1048576 aborts the process inside calamine, XFD3000 costs 2.6 GB (DESIGN.md §7): in a child."""
    path = _far_cell(tmp_path / "far.xlsx", row, col)
    code = (
        "import sys\nfrom etl.extract import UnreadableFile\nfrom etl.read import read\n"
        "try:\n    read(sys.argv[1], None)\nexcept UnreadableFile as exc:\n    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "范围过大" in done.stdout and "16,384 列" in done.stdout, done.stdout


def test_a_row_past_excels_last_is_refused(tmp_path):
    path = _far_cell(tmp_path / "far.xlsx", 5, 3)
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = (
        parts[sheet]
        .replace(b'r="D6"', b'r="AA99999999"')
        .replace(b'<row r="6"', b'<row r="99999999"')
    )
    forged = tmp_path / "forged.xlsx"
    with zipfile.ZipFile(forged, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    with pytest.raises(UnreadableFile, match="范围过大"):
        read(forged, None)


def test_the_extent_of_a_wide_sheet_is_measured(tmp_path):
    path = _far_cell(tmp_path / "wide.xlsx", 40, 60)  # 41 rows by 61 columns: fine
    package = xlsx.Package(path)
    try:
        assert package.check_extent("清册", package.sheets[0][1]) is True
    finally:
        package.close()
    extract = read(path, "payments")
    assert extract.table.num_rows == 1 and len(extract.skipped["blank"]) == 39


# --- csv -------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_encodings_through_pyarrow(tmp_path, no_fallback, encoding):
    name = "䶮四" if encoding == "gb18030" else "李四"  # 䶮 is in GB18030 but not in GBK
    rows = [
        ["2024年发放清册"] + [""] * 14,
        PAY_HEADER,
        pay_row(1),
        pay_row(2, name=name, paid="2024/3/5"),
        [""] * 15,
        ["合计"] + [""] * 11 + ["1785.00", "", ""],
    ]
    fast = _same(write_csv(tmp_path / "p.csv", rows, encoding=encoding))
    assert fast.encoding == ("gb18030" if encoding.startswith("gb") else encoding)
    assert fast.table["name"].to_pylist() == ["张三", name] and fast.skipped == {
        "blank": [5],
        "total": [6],
    }


def test_csv_with_quotes_line_breaks_and_blank_lines(tmp_path, no_fallback):
    lines = [
        ",".join(PAY_HEADER),
        ",".join(pay_row(1)),
        "",
        ",".join(pay_row(2, name='"王""五"')),
        ",".join(pay_row(3, name='"赵\r\n六"')),
        "",
        "",
    ]
    path = tmp_path / "p.csv"
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    fast = _same(path)
    assert fast.table["name"].to_pylist() == ["张三", '王"五', "赵 六"] and fast.skipped == {
        "blank": [3]
    }


@pytest.mark.parametrize("body", ["short", "spaces", "utf-16"])
def test_csv_that_pyarrow_cannot_take_goes_through_duckdb(tmp_path, body):
    lines = [",".join(PAY_HEADER), ",".join(pay_row(1)), ",".join(pay_row(2))]
    if body == "short":
        lines.append("合计")
    if body == "spaces":
        lines.insert(2, "   ")
    data = "\r\n".join(lines).encode("utf-16" if body == "utf-16" else "gbk")
    (tmp_path / "p.csv").write_bytes(data)
    fast = _same(tmp_path / "p.csv")
    assert fast.table["name"].to_pylist() == ["张三", "张三"]


def test_bytes_that_are_neither_utf8_nor_gb18030_are_refused(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(",".join(PAY_HEADER).encode("gbk") + b"\r\n\x81\x20,abc\r\n")
    with pytest.raises(UnreadableFile, match="既不是 UTF-8 也不是 GBK"):
        read(path, "payments")


# --- ID numbers hashed in DuckDB ---------------------------------------------------------


@pytest.mark.parametrize("key", [b"k" * 32, bytes(range(64)), b"long" * 40])
def test_the_sql_hmac_is_the_hasher(key):
    hasher = Hasher(key)
    numbers = [make_id(seq=n) for n in range(5)] + [make_id(seq=9)[:17] + "X"]
    got = (
        duckdb.connect()
        .execute(
            f"SELECT v, {hash_sql('v')} FROM unnest($nums) AS t(v)",  # noqa: S608
            {"ipad": hasher.pads[0], "opad": hasher.pads[1], "nums": numbers},
        )
        .fetchall()
    )
    assert dict(got) == {n: hmac.new(key, n.encode(), hashlib.sha256).hexdigest() for n in numbers}
    assert dict(got) == {n: hasher(n) for n in numbers}


def test_a_long_sheet_is_converted_per_distinct_value(tmp_path, no_fallback):
    """Over 10,000 rows the typed columns and the text are converted once per distinct value."""
    rows = [
        _typed_row(
            n + 1,
            发放金额=[892.5, 1554.0, 0.1, 1e15][n % 4],
            发放日期=dt.datetime(2024, 3, 1 + n % 28, 0 if n % 3 else 9, 30 if n % 5 == 0 else 0),
            期间=bool(n % 2),
            姓名=["张三", "李 四", "王　五", "ＡＢ"][n % 4],
            身份证号=make_id(seq=n % 997),
        )
        for n in range(12_000)
    ]
    fast = _same(_typed_sheet(tmp_path / "long.xlsx", rows, formats={13: "yyyy-mm-dd hh:mm"}))
    table = fast.table.slice(0, 4).to_pydict()
    assert table["amount_yuan"] == ["892.5", "1554", "0.1", "1e+15"]
    assert table["name"] == ["张三", "李 四", "王 五", "AB"]
    assert table["paid_on"][:2] == ["2024-03-01 09:30:00", "2024-03-02"]


def test_a_workbook_with_a_chart_sheet(tmp_path, no_fallback):
    book = xlsxwriter.Workbook(str(tmp_path / "chart.xlsx"))
    ws = book.add_worksheet("清册")
    ws.write_row(0, 0, PAY_HEADER)
    ws.write_row(1, 0, pay_row(1))
    ws.write_number(1, 12, 892.5)
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=清册!$M$2:$M$2"})
    book.add_chartsheet("图表").set_chart(chart)
    book.close()
    extract = read(tmp_path / "chart.xlsx", "payments")
    assert extract.sheet_name == "清册" and extract.table["amount_yuan"].to_pylist() == ["892.5"]


def test_a_table_starting_past_column_z(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "far-right.xlsx"))
    ws = book.add_worksheet("清册")
    ws.write_row(0, 27, PAY_HEADER)
    ws.write_row(1, 27, pay_row(1))
    book.close()
    assert read(tmp_path / "far-right.xlsx", "payments").table["name"].to_pylist() == ["张三"]

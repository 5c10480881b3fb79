"""A csv whose numbers a system wrote for Excel: ="0101010001" (Excel's text formula, so that Excel keeps
the leading zeros and all 18 digits) or '0101010001 (the apostrophe that keeps a number as text).  Excel
and WPS show 0101010001; the loader reads what the clerk sees, and nothing else."""

from __future__ import annotations

import pyarrow as pa
import pytest

from etl.csvread import head_rows
from etl.text import excel_text, excel_text_array
from tests.sheets import PAY_HEADER, make_id, pay_row

ID_1, ID_2 = make_id(seq=1), make_id(seq=2, sex="f")


def _write(path, lines: list[str]):
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


def _stored(store):
    return store.execute(
        "SELECT row_no, id_hash, id_masked, household_no FROM payments ORDER BY row_no"
    ).fetchall()


@pytest.mark.parametrize(
    "shape", ["as a system writes it", "quoted", "one row short (DuckDB reads it)"]
)
def test_excel_text_formula_cells_load_as_the_text_inside(
    tmp_path, funds_loaded, load, store, hasher, shape
):
    first = pay_row(1, id_number=f'="{ID_1}"', household='="0101010001"')
    second = pay_row(2, name="李四", id_number=f"'{ID_2}", household="'0101010002")
    if shape == "quoted":  # as csv.writer quotes a cell with a quote in it: "=""0101010001"""
        first = [f'"{v.replace(chr(34), chr(34) * 2)}"' if '"' in v else v for v in first]
    lines = [",".join(PAY_HEADER), ",".join(first), ",".join(second)]
    if shape.startswith("one row short"):
        lines.append(",".join(pay_row(3, name="王五")[:-1]))  # no 发放状态: DuckDB pads the row
    res = load(_write(tmp_path / "pay.csv", lines), "payments")
    assert res.status == "loaded", res.as_json()
    rows = _stored(store)
    assert rows[:2] == [
        (2, hasher(ID_1), ID_1[:6] + "********" + ID_1[-4:], "0101010001"),
        (3, hasher(ID_2), ID_2[:6] + "********" + ID_2[-4:], "0101010002"),
    ]


def test_only_a_whole_quoted_string_is_unwrapped(tmp_path, funds_loaded, load, store):
    """A formula that computes (="A"&"B", =SUM(…)) is not text Excel would show as written: its cell is
    refused with the value as written, and a name that starts with an apostrophe keeps it."""
    lines = [
        ",".join(PAY_HEADER),
        ",".join(pay_row(1, id_number=f'="{ID_1[:9]}"&"{ID_1[9:]}"')),
        ",".join(pay_row(2, name="'李四", household='="H""2"')),
    ]
    res = load(_write(tmp_path / "pay.csv", lines), "payments")
    assert res.status == "rejected"
    errors = [(e.row, e.column, e.rule) for e in res.report.errors]
    assert errors == [(2, "身份证号", "id_length")], errors
    assert res.report.errors[0].value.startswith('="')


def test_a_doubled_quote_inside_is_one_quote(tmp_path, funds_loaded, load, store):
    lines = [
        ",".join(PAY_HEADER),
        ",".join(pay_row(1, household='="H""1"')),
        ",".join(pay_row(2, name="'李四")),
    ]
    res = load(_write(tmp_path / "pay.csv", lines), "payments")
    assert res.status == "loaded", res.as_json()
    rows = store.execute("SELECT household_no, name FROM payments ORDER BY row_no").fetchall()
    assert rows == [('H"1', "张三"), ("H0002", "'李四")]


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('="0101010001"', "0101010001"),
        ('="李四"', "李四"),
        ('=""', ""),  # Excel shows an empty cell
        ('="a""b"', 'a"b'),
        ('="', '="'),  # not a whole string
        ('="a"&"b"', '="a"&"b"'),  # a formula that computes
        ("=SUM(A1)", "=SUM(A1)"),
        ('"0101"', '"0101"'),
        (None, None),
    ],
)
def test_excel_text_array_cell_by_cell(cell, shown):
    got = excel_text_array(pa.array(['="x"', cell], pa.string())).to_pylist()
    assert got == ["x", shown]
    assert excel_text(cell) == shown


def test_the_head_rows_read_the_text_inside_too():
    """The header finder sees the first rows as the reader will (a row of ="…" numbers is data)."""
    _, head = head_rows(["姓名,身份证号,户号", '张三,="110105198001010013",="0101010001"'])
    assert head == [["姓名", "身份证号", "户号"], ["张三", "110105198001010013", "0101010001"]]

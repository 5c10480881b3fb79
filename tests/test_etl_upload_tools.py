"""The upload page's spreadsheet tools: dry run, highlighted copy, blank templates."""

from __future__ import annotations

import io

import openpyxl
import pytest

from etl.annotate import LIST_SHEET, annotate
from etl.extract import UnreadableFile
from etl.preview import column_letter, dry_run
from etl.read import read
from etl.specs import KINDS, SPECS
from etl.templates import NOTES_SHEET, template_xlsx
from tests.conftest import snapshot
from tests.sheets import PAY_HEADER, make_id, pay_row, write_csv, write_xls, write_xlsx


def _messy_rows():
    bad_id = make_id(seq=3)[:-1] + ("0" if make_id(seq=3)[-1] != "0" else "1")
    return [
        ["2024年耕地地力保护补贴发放清册"],
        PAY_HEADER,
        pay_row(1),
        pay_row(2, amount="二百"),
        pay_row(3, id_number=bad_id),
        [None] * len(PAY_HEADER),
        ["合计", None, None, None, None, None, None, None, None, None, None, None, "1785.00"],
    ]


@pytest.mark.parametrize("writer", [write_xlsx, write_xls, write_csv], ids=["xlsx", "xls", "csv"])
def test_dry_run_reports_without_storing(store, hasher, funds_loaded, tmp_path, writer):
    path = writer(tmp_path / f"pay.{writer.__name__[6:]}", _messy_rows())
    before = snapshot(store)
    preview = dry_run(store, path, "auto", hasher=hasher)
    assert snapshot(store) == before
    assert preview.kind == "payments" and preview.duplicate_of is None
    errors = {(f.row, f.column, f.rule) for f in preview.report.errors}
    assert (4, "发放金额", "amount_not_number") in errors
    assert any(f.row == 5 and f.column == "身份证号" for f in preview.report.errors)
    assert preview.report.skipped == {"blank": [6], "total": [7]}
    assert [r["_row"] for r in preview.sample] == [3, 4, 5]
    first = preview.sample[0]
    assert first["id_masked"].startswith("110105") and "*" in first["id_masked"]
    assert "id_hash" not in first and "id_number" not in first
    mapping = {m["column"]: (m["header"], m["sheet_column"]) for m in preview.mapping}
    assert mapping["amount_yuan"] == ("发放金额", "M") and mapping["bank_account"] == (None, None)


def test_dry_run_names_the_batch_holding_the_same_file(store, hasher, funds_loaded, load, tmp_path):
    path = write_xlsx(tmp_path / "pay.xlsx", [PAY_HEADER, pay_row(1)])
    loaded = load(path)
    assert dry_run(store, path, hasher=hasher).duplicate_of == loaded.batch


def test_column_letters():
    assert [column_letter(p) for p in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


@pytest.mark.parametrize("writer", [write_xlsx, write_xls, write_csv], ids=["xlsx", "xls", "csv"])
def test_annotated_copy_marks_the_cells_named(store, hasher, funds_loaded, tmp_path, writer):
    path = writer(tmp_path / f"pay.{writer.__name__[6:]}", _messy_rows())
    preview = dry_run(store, path, hasher=hasher)
    book = openpyxl.load_workbook(io.BytesIO(annotate(preview.extract, preview.report.findings)))
    sheet = book[book.sheetnames[0]]
    amount = sheet["M4"]
    assert amount.value == "二百" and "不是金额" in amount.comment.text
    assert sheet["I5"].comment is not None
    assert sheet["M3"].comment is None
    listing = list(book[LIST_SHEET].values)
    assert listing[0][0] == "行号" and len(listing) == 1 + len(preview.report.findings)
    # the marked copy reads back as the same data: the user fixes it and uploads it again
    again = read(_save(book, tmp_path / "again.xlsx"))
    assert again.kind == "payments" and again.table.num_rows == 3


def _save(book, path):
    book.save(path)
    return path


@pytest.mark.parametrize("kind", KINDS)
def test_template_with_its_example_row_reads_as_its_kind(kind, tmp_path):
    """The headers are those the loader knows; the notes' examples fill a valid row."""
    spec = SPECS[kind]
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx(kind)))
    sheet = book[spec.title_zh]
    notes = book[NOTES_SHEET]
    described = list(notes.iter_rows(min_row=2, max_row=1 + len(spec.columns), values_only=True))
    assert [row[0] for row in described] == [c.label_zh for c in spec.columns]
    for pos, row in enumerate(described, start=1):
        sheet.cell(row=2, column=pos, value=row[5] or None)
    path = _save(book, tmp_path / f"{kind}.xlsx")
    if spec.register:  # another department's register is never guessed: its kind is named
        try:
            guessed = read(path).kind
        except UnreadableFile:  # or no kind of the county's own fits it
            guessed = None
        assert guessed != kind
        extract = read(path, kind)
    else:
        extract = read(path)  # kind guessed from the headers alone
    assert extract.kind == kind
    assert set(extract.match.mapping) == {c.name for c in spec.columns}
    assert extract.table.num_rows >= 1


def test_template_keeps_id_columns_as_text(tmp_path):
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx("payments")))
    sheet = book[SPECS["payments"].title_zh]
    headers = [c.value for c in sheet[1]]
    id_col = headers.index("*身份证号") + 1
    assert sheet.column_dimensions[openpyxl.utils.get_column_letter(id_col)].number_format == "@"

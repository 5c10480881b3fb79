"""The user's own spreadsheet back, with each problem cell highlighted and commented.

An xlsx is copied as it is (openpyxl keeps its formatting) and marked; an
xls or csv is rewritten cell for cell as xlsx and marked.  A sheet 问题清单
lists every finding.  Row numbers are the sheet's own (etl.read keeps them),
so the marks land on the cells the findings name.

The copy carries no live formula (issue 8): a formula cell becomes the value
Excel last computed for it (what the loader read), and every text cell that
a spreadsheet would run as a formula gets an apostrophe (etl.text.neutralise).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

import openpyxl
import python_calamine
import xlsxwriter
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from etl import spreadsheetml
from etl.csvread import decode
from etl.extract import Extract
from etl.findings import Finding
from etl.text import neutralise

ERROR_FILL, WARNING_FILL = "FFC7CE", "FFEB9C"
LIST_SHEET = "问题清单"
LIST_HEADER = ("行号", "所在表头", "填写的值", "应为", "问题说明", "严重程度", "规则")


def _positions(extract: Extract) -> dict[str, int]:
    """The user's header text -> 0-based column in the data area (first occurrence)."""
    found: dict[str, int] = {}
    for pos, label in enumerate(extract.match.labels):
        if label and label not in found:
            found[label] = pos
    return found


def _marks(extract: Extract, findings: Iterable[Finding]) -> dict[tuple[int, int], list[Finding]]:
    """(sheet row 1-based, data column 0-based) -> findings on that cell."""
    positions = _positions(extract)
    header_row = extract.match.header_rows[0] + 1
    marks: dict[tuple[int, int], list[Finding]] = {}
    for f in findings:
        row = f.row or header_row
        col = positions.get(f.column, 0)
        marks.setdefault((row, col), []).append(f)
    return marks


def _note(findings: list[Finding]) -> str:
    return "\n".join(
        f"{'错误' if f.severity == 'error' else '提醒'}：{f.message}；应为：{f.expected}"
        for f in findings
    )


def _severity(findings: list[Finding]) -> str:
    return "error" if any(f.severity == "error" for f in findings) else "warning"


def _list_rows(findings: list[Finding]) -> list[tuple]:
    """The findings sheet's rows; the user's header and value are neutralised like any exported text."""
    return [
        (
            f.row,
            neutralise(f.column),
            neutralise(f.value or ""),
            f.expected,
            f.message,
            "错误" if f.severity == "error" else "提醒",
            f.rule,
        )
        for f in findings
    ]


def _free_name(names: list[str]) -> str:
    name, n = LIST_SHEET, 1
    while name in names:
        n += 1
        name = f"{LIST_SHEET}{n}"
    return name


def annotate(extract: Extract, findings: list[Finding]) -> bytes:
    """The marked copy of ``extract.path`` as xlsx bytes."""
    if extract.file_format == "xlsx":
        return _annotate_xlsx(extract, findings)
    return _rewrite(extract, findings)


def _annotate_xlsx(extract: Extract, findings: list[Finding]) -> bytes:
    book = python_calamine.CalamineWorkbook.from_path(str(extract.path))
    start = book.get_sheet_by_name(extract.sheet_name).start or (0, 0)
    wb = openpyxl.load_workbook(extract.path)
    _defuse(wb, Path(extract.path))
    ws = wb[extract.sheet_name]
    fills = {
        s: PatternFill("solid", start_color=c, end_color=c)
        for s, c in (("error", ERROR_FILL), ("warning", WARNING_FILL))
    }
    for (row, col), found in _marks(extract, findings).items():
        cell = ws.cell(row=row, column=start[1] + col + 1)
        cell.fill = fills[_severity(found)]
        comment = Comment(_note(found), "fundquery")
        comment.width, comment.height = 320, 120
        cell.comment = comment
    listing = wb.create_sheet(_free_name(wb.sheetnames))
    listing.append(LIST_HEADER)
    for r in _list_rows(findings):
        listing.append(r)
    wb.active = wb.sheetnames.index(extract.sheet_name)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _defuse(wb: openpyxl.Workbook, path: Path) -> None:
    """Formulas replaced by their last computed values, formula-like text neutralised, in every sheet."""
    computed = None
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    computed = computed or openpyxl.load_workbook(path, data_only=True)
                    cell.value = neutralise(computed[ws.title][cell.coordinate].value)
                elif isinstance(cell.value, str):
                    cell.value = neutralise(cell.value)


def _cells(extract: Extract) -> tuple[Iterable[list], int, int]:
    """Every row of the original as text, and the sheet's first row and column (0-based)."""
    path = Path(extract.path)
    if extract.file_format == "csv":
        text, _ = decode(path.read_bytes(), path.name)
        sample = text[:200_000]
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        return csv.reader(io.StringIO(text), delimiter=delimiter), 0, 0
    if extract.file_format == "spreadsheetml":
        return spreadsheetml.sheet_rows(path.read_bytes(), path.name, extract.sheet_name)
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
        extract.sheet_name
    )
    start = sheet.start or (0, 0)
    return sheet.iter_rows(), start[0], start[1]


def _rewrite(extract: Extract, findings: list[Finding]) -> bytes:
    rows, row0, col0 = _cells(extract)
    marks = _marks(extract, findings)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    formats = {
        "error": book.add_format({"bg_color": "#" + ERROR_FILL}),
        "warning": book.add_format({"bg_color": "#" + WARNING_FILL}),
    }
    text = book.add_format({"num_format": "@"})
    ws = book.add_worksheet((extract.sheet_name or "Sheet1")[:31])
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            found = marks.get((row0 + r + 1, c))
            cell_format = formats[_severity(found)] if found else text
            if isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(row0 + r, col0 + c, value, cell_format)
            else:
                ws.write_string(row0 + r, col0 + c, neutralise(str(value)), cell_format)
    for (row, col), found in marks.items():
        ws.write_comment(row - 1, col0 + col, _note(found), {"x_scale": 2, "y_scale": 2})
        # An empty flagged cell (a required value missing) still gets its colour.
        ws.conditional_format(
            row - 1,
            col0 + col,
            row - 1,
            col0 + col,
            {"type": "blanks", "format": formats[_severity(found)]},
        )
    listing = book.add_worksheet(LIST_SHEET)
    listing.write_row(0, 0, LIST_HEADER)
    for r, values in enumerate(_list_rows(findings), start=1):
        listing.write_row(r, 0, ["" if v is None else v for v in values])
    book.close()
    return buf.getvalue()

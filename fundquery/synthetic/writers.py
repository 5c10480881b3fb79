"""Spreadsheet writers that keep the habits of county finance staff.

A sheet is title rows, one or two header rows, then data rows exactly as the
caller shaped them (blank rows, 小计 and 合计 rows included).  Cells are
``str``, ``int``, ``Decimal`` (written as a number), ``datetime.date``
(an Excel date cell) or ``None`` (empty).  csv files are written in the
encoding given: ``gbk`` as Windows Excel saves them, ``utf-8-sig`` with a BOM.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

import xlsxwriter

CREATED = dt.datetime(2025, 1, 2, 9, 0, 0)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def full_width(text: str) -> str:
    """Digits as full-width characters, as some Chinese input methods type them."""
    return text.translate(FULL_WIDTH)


# The forms finance staff type, by style name; any other style is ISO 8601 / plain ``1234.50``.
DATE_STYLES = {
    "excel": lambda day: day,
    "slash": lambda day: f"{day.year}/{day.month}/{day.day}",
    "zh": lambda day: f"{day.year}年{day.month}月{day.day}日",
    "compact": lambda day: f"{day:%Y%m%d}",
}
AMOUNT_STYLES = {
    "number": lambda amount: amount,
    "comma": lambda amount: f"{amount:,.2f}",
    "yuan": lambda amount: f"{amount:.2f}元",
    "comma_yuan": lambda amount: f"{amount:,.2f}元",
}


def fmt_date(day: dt.date | None, style: str):
    """A date as one of the forms finance staff type; ``excel`` keeps a date cell."""
    if day is None:
        return None
    return DATE_STYLES.get(style, lambda day: day.isoformat())(day)


def fmt_amount(amount: Decimal | None, style: str):
    """An amount as a number cell or as text: ``1234.50``, ``1,234.50``, ``1234.50元``."""
    if amount is None:
        return None
    return AMOUNT_STYLES.get(style, lambda amount: f"{amount:.2f}")(amount)


def fmt_quantity(qty: Decimal, style: str):
    if style == "number":
        return int(qty) if qty == qty.to_integral_value() else qty
    text = format(qty.normalize(), "f")
    return text


def write_xlsx(
    path: Path,
    sheet: str,
    titles: Sequence[str],
    headers: Sequence[Sequence],
    rows: Iterable[Sequence],
    *,
    merges: Sequence[tuple] = (),
    widths: Sequence[int] = (),
    big: bool = False,
) -> int:
    """Write one sheet; ``merges`` are (row, col, row, col) within the header rows.  Returns data rows."""
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": big,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    wb.set_properties({"created": CREATED, "author": "清溪县财政局"})  # same data, same bytes
    ws = wb.add_worksheet(sheet)
    title_fmt = wb.add_format({"bold": True, "font_size": 14, "align": "center"})
    head_fmt = wb.add_format(
        {"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True}
    )
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    money_fmt = wb.add_format({"num_format": "#,##0.00"})
    ncols = max(len(h) for h in headers)
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    r = 0
    for title in titles:
        if r == 0 and ncols > 1:
            ws.merge_range(r, 0, r, ncols - 1, title, title_fmt)
        else:
            ws.write_string(r, 0, title)
        r += 1
    merged = {(r + a, b) for a, b, c, d in merges for a in range(a, c + 1) for b in range(b, d + 1)}
    for a, b, c, d in merges:
        text = headers[a][b]
        if (a, b) != (c, d):
            ws.merge_range(r + a, b, r + c, d, text, head_fmt)
    for k, header in enumerate(headers):
        for j, cell in enumerate(header):
            if (r + k, j) not in merged and cell is not None:
                ws.write_string(r + k, j, str(cell), head_fmt)
    r += len(headers)
    n = 0
    for row in rows:
        for j, cell in enumerate(row):
            if cell is None:
                continue
            if isinstance(cell, str):
                ws.write_string(r, j, cell)
            elif isinstance(cell, dt.date):
                ws.write_datetime(r, j, dt.datetime(cell.year, cell.month, cell.day), date_fmt)
            elif isinstance(cell, Decimal):
                ws.write_number(
                    r, j, float(cell), money_fmt if cell.as_tuple().exponent == -2 else None
                )
            else:
                ws.write_number(r, j, cell)
        r += 1
        n += 1
    wb.close()
    return n


def write_csv(
    path: Path,
    encoding: str,
    titles: Sequence[str],
    headers: Sequence[Sequence],
    rows: Iterable[Sequence],
) -> int:
    """Write a csv the way Excel exports a sheet (title rows padded with empty cells)."""
    ncols = max(len(h) for h in headers)
    n = 0
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        for title in titles:
            w.writerow([title] + [""] * (ncols - 1))
        for header in headers:
            w.writerow(["" if c is None else c for c in header])
        for row in rows:
            w.writerow(
                ["" if c is None else c.isoformat() if isinstance(c, dt.date) else c for c in row]
            )
            n += 1
    return n

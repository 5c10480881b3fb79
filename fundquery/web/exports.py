"""Downloads of the public datasets: CSV, XLSX and JSON, streamed, formula injection neutralised.

A download holds exactly the rows the page lists (the same dataset and
filters).  Rows are fetched in chunks: CSV and JSON go out as they are read;
XLSX is written row by row in xlsxwriter's constant-memory mode to a
temporary file, which is then sent in blocks and removed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import xlsxwriter

from fundquery.queries.datasets import Dataset
from fundquery.resident.masking import neutralise
from fundquery.web.db import get_db

FILE_BLOCK_BYTES = 1 << 16
UTF8_BOM = "\ufeff"  # so Excel and WPS open the CSV as UTF-8, not GBK


def _text(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == "bool":
        return "是" if value else "否"
    if isinstance(value, Decimal | int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(str(value))


def csv_stream(dataset: Dataset, args: Mapping[str, Any], language: str) -> Iterator[str]:
    """The dataset as CSV text (UTF-8 with BOM, CRLF), one chunk per block of rows."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    kinds = [c.kind for c in dataset.columns]
    writer.writerow([dataset.label(c, language) for c in dataset.columns])
    yield UTF8_BOM + buf.getvalue()
    buf.seek(0)
    buf.truncate()
    for n, row in enumerate(dataset.stream(get_db(), args), start=1):
        writer.writerow([_text(v, k) for v, k in zip(row, kinds, strict=True)])
        if n % 2000 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def json_stream(dataset: Dataset, args: Mapping[str, Any]) -> Iterator[str]:
    """The dataset as one JSON array of row objects (exact decimals as strings)."""
    names = [c.name for c in dataset.columns]
    yield "["
    for n, row in enumerate(dataset.stream(get_db(), args)):
        record = {k: _json_value(v) for k, v in zip(names, row, strict=True)}
        yield ("," if n else "") + "\n" + json.dumps(record, ensure_ascii=False)
    yield "\n]\n"


def xlsx_stream(dataset: Dataset, args: Mapping[str, Any], language: str) -> Iterator[bytes]:
    """The dataset as an .xlsx workbook, written with constant memory and sent in blocks."""
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        book = xlsxwriter.Workbook(
            path,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        sheet = book.add_worksheet(dataset.title(language)[:31])
        bold = book.add_format({"bold": True})
        money = book.add_format({"num_format": "#,##0.00"})
        for c, col in enumerate(dataset.columns):
            sheet.write_string(0, c, dataset.label(col, language), bold)
            sheet.set_column(c, c, 16)
        for r, row in enumerate(dataset.stream(get_db(), args), start=1):
            for c, (value, col) in enumerate(zip(row, dataset.columns, strict=True)):
                if value is None:
                    continue
                if col.kind in ("amount", "decimal") and isinstance(value, Decimal):
                    sheet.write_number(r, c, float(value), money if col.kind == "amount" else None)
                elif col.kind == "int" and isinstance(value, int):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, _text(value, col.kind))
        book.close()
        with open(path, "rb") as fh:
            while block := fh.read(FILE_BLOCK_BYTES):
                yield block
    finally:
        os.unlink(path)

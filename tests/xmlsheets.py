"""Write an XML Spreadsheet 2003 (SpreadsheetML) by hand, as the Java systems' templates do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.sax.saxutils import escape

WORKBOOK = (
    '<?xml version="1.0" encoding="{encoding}"?>\n'
    '<?mso-application progid="Excel.Sheet"?>\n'
    "{doctype}"
    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"\n'
    ' xmlns:o="urn:schemas-microsoft-com:office:office"\n'
    ' xmlns:x="urn:schemas-microsoft-com:office:excel"\n'
    ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"\n'
    ' xmlns:html="http://www.w3.org/TR/REC-html40">\n'
    "{sheets}</Workbook>\n"
)


def cell(value, index: int | None = None, across: int = 0, down: int = 0) -> str:
    """A <Cell>: a str as String, a date as DateTime, a number as Number, a ("Type", text) as written."""
    attrs = f' ss:Index="{index}"' if index else ""
    attrs += f' ss:MergeAcross="{across}"' if across else ""
    attrs += f' ss:MergeDown="{down}"' if down else ""
    if value is None:
        return f"<Cell{attrs}/>"
    if isinstance(value, tuple):
        kind, text = value
    elif isinstance(value, str):
        kind, text = "String", escape(value)
    elif isinstance(value, dt.date):
        kind, text = "DateTime", f"{value.isoformat()}T00:00:00.000"
    else:
        kind, text = "Number", str(value)
    return f'<Cell{attrs}><Data ss:Type="{kind}">{text}</Data></Cell>'


def row_xml(values: list, index: int | None = None) -> str:
    """A <Row> of ``values``; a None leaves no cell, and the next cell says where it is (ss:Index)."""
    cells, skipped = [], False
    for c, value in enumerate(values):
        if value is None:
            skipped = True
            continue
        cells.append(cell(value, c + 1 if skipped else None))
        skipped = False
    attrs = f' ss:Index="{index}"' if index else ""
    return f"<Row{attrs}>{''.join(cells)}</Row>\n"


def sheet_xml(name: str, rows: str) -> str:
    return f'<Worksheet ss:Name="{escape(name)}"><Table>\n{rows}</Table></Worksheet>\n'


def write_book(
    path: Path,
    *sheets: str,
    encoding: str = "UTF-8",
    doctype: str = "",
    codec: str = "utf-8",
    bom: bool = False,
) -> Path:
    """The workbook declaring ``encoding``, written in ``codec``; ``bom``: a byte-order mark first (Excel
    writes one before UTF-16; the codec "utf-16" writes its own)."""
    text = WORKBOOK.format(encoding=encoding, doctype=doctype, sheets="".join(sheets))
    path.write_bytes((("\ufeff" if bom else "") + text).encode(codec))
    return path


def rows_xml(rows: list[list]) -> str:
    """Rows one after the other; an empty row is left out, and the next row says where it is."""
    out, skipped = [], False
    for r, values in enumerate(rows):
        if not any(v is not None for v in values):
            skipped = True
            continue
        out.append(row_xml(values, r + 1 if skipped else None))
        skipped = False
    return "".join(out)

"""Read a spreadsheet as it comes: xlsx/xls through calamine (etl.workbook), csv in UTF-8/GBK (etl.csvread),
an XML Spreadsheet 2003 (the .xls Java systems export, the .xml "XML 表格" WPS and Excel save) through
etl.spreadsheetml.

The result is an ``Extract``: which sheet, which header, and a pyarrow table
of text with the spreadsheet's own row number in ``_row`` and one column per
canonical column of the spec.  Blank rows, 合计/小计/总计 rows and repeated
header rows are skipped and counted with their reason.  Nothing here parses
values: that is etl.clean's job, so every problem can be reported against
the text the user actually wrote.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import Path

from etl import csvread, filevalues, isolated, spreadsheetml, workbook
from etl.extract import Extract, UnreadableFile, release_memory

# An xlsx is a zip: its parts are inflated before they are read.  A zip bomb (a
# few MB that inflate to GBs) is refused from the sizes the zip declares, before
# anything is inflated (calamine's zip reader stops at the declared size, so a
# part cannot inflate to more than it declares).  Excel's largest sheet,
# 1,048,576 rows of 20 text columns, is about 700 MB of XML; real sheets inflate
# 5-30 times, a bomb hundreds of times.
MAX_INFLATED_BYTES = 1 << 30
MAX_INFLATE_RATIO = 100
RATIO_CHECKED_ABOVE_BYTES = 16 << 20


_LEADING = re.compile(rb"[\xef\xbb\xbf]*[ \t\n\r\x0b\x0c]*")
# The namespace of an XML Spreadsheet 2003 <Workbook> (Excel's and WPS's "XML 表格"); an HTML page that
# Excel saved names office:excel, not this.
_SPREADSHEET_ML = b"urn:schemas-microsoft-com:office:spreadsheet"
# Excel may save "XML 表格" as UTF-16 (a byte-order mark first); without one, an XML file in UTF-16 starts
# "<?" as the XML specification's appendix F recognises it.  A UTF-16 csv starts with its mark too.
_UTF16_STARTS = (
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)
SNIFF_BYTES = 4096  # where the namespace of a SpreadsheetML <Workbook> is looked for


def _as_utf8(data: bytes) -> bytes:
    """The file itself, or its first ``SNIFF_BYTES`` characters as UTF-8 when it is UTF-16 text."""
    for start, codec in _UTF16_STARTS:
        if data.startswith(start):
            return data[: 2 * SNIFF_BYTES].decode(codec, errors="ignore").encode("utf-8")
    return data


def sniff_format(data: bytes, name: str) -> str:
    """xlsx, xls, spreadsheetml or csv from the file's first bytes, not its name; a web page, another XML,
    or a .xml that is text, refused with a sentence."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if not data or data.isspace():  # no copy of a 100 MB file, as data.strip() would make
        raise UnreadableFile(f"文件 {name} 是空的。/ The file {name} is empty.")
    text = _as_utf8(data)
    begin = _LEADING.match(text).end()  # text.lstrip(BOM bytes).lstrip(), without the copy
    start = text[begin : begin + 64].lower()
    head = text[begin : begin + SNIFF_BYTES]
    if start.startswith((b"<?xml", b"<workbook")) and _SPREADSHEET_ML in head:
        return "spreadsheetml"
    markup = start.startswith((b"<html", b"<!doctype", b"<?xml", b"<table", b"<meta"))
    if markup and (
        not start.startswith((b"<?xml", b"<!doctype"))
        or b"<html" in head.lower()
        or start.startswith(b"<!doctype html")
    ):
        raise UnreadableFile(
            f"文件 {name} 其实是网页（HTML），不是 Excel 表格：请在 Excel 中打开后“另存为” .xlsx 再上传。"
            f" / {name} is really a web page (HTML), not a spreadsheet: open it in Excel and save as .xlsx."
        )
    # another XML, or a .xml that is not markup: a .xml is taken for what WPS and Excel save as one
    if markup or name.lower().endswith(".xml"):
        raise UnreadableFile(
            f"文件 {name} 不是 Excel 或 WPS 保存的“XML 表格”（XML Spreadsheet 2003，其中是"
            f' <Workbook xmlns="{_SPREADSHEET_ML.decode()}">），无法作为表格读取：'
            "请在 Excel 或 WPS 中打开后“另存为” .xlsx 再上传。"
            f" / {name} is not an XML Spreadsheet 2003 (Excel's or WPS's “XML 表格”, a <Workbook> in the"
            f" {_SPREADSHEET_ML.decode()} namespace): open it in Excel or WPS and save it as .xlsx."
        )
    return "csv"


def read(
    path: str | Path,
    kind: str | None = None,
    *,
    name: str | None = None,
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Extract:
    """Read ``path`` for ``kind`` (None: guess the kind from the headers); messages call the file ``name``.

    ``mapping`` is a clerk's: header as the file shows it -> canonical column, or "" for "not needed".
    ``values`` is a clerk's too: canonical column -> one value for every row, for a column the form
    lacks (the fund, the year); a required column still missing may come from the title (etl.filevalues).

    ``name`` is the name the user knows the file by (a web upload is staged under its digest).
    """
    path = Path(path)
    release_memory()  # what an earlier read or validation freed, before this file's read
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"无法打开文件 {path}：{exc.strerror} / Cannot open {path}.") from exc
    name = name or path.name
    fmt = sniff_format(data, name)
    if fmt == "csv":
        extract = csvread.read_csv(path, data, kind, name, mapping, values)
    elif fmt == "spreadsheetml":
        extract = spreadsheetml.read_spreadsheetml(data, path, kind, name, mapping, values)
    else:
        del data
        extract = None
        if fmt == "xlsx" and is_xlsx(check_container(path, name)):
            extract = workbook.read_xlsx(path, kind, name, mapping, values)
            if extract is None:  # every sheet's extent was checked: calamine may read it here
                extract = workbook.read_workbook(path, fmt, kind, name, mapping, values)
        else:  # an xls, an ods: calamine's grid cannot be sized beforehand (etl.isolated)
            extract = isolated.read_workbook(path, fmt, kind, name, mapping, values)
    extract.table = filevalues.fill(extract.table, extract.match)
    return extract


def is_xlsx(parts: list[str]) -> bool:
    """Whether a zip's part names are an xlsx's (an .ods or another zip has no xl/workbook.xml)."""
    return "xl/workbook.xml" in parts


def check_container(path: Path, name: str | None = None) -> list[str]:
    """Refuse a damaged zip or a zip bomb before any part of it is inflated; the names of its parts."""
    name = name or path.name
    try:
        with zipfile.ZipFile(path) as container:
            parts = container.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFile(
            f"文件 {name} 看起来是 Excel（.xlsx）文件，但已损坏或不完整（可能没有上传完整）：{exc}。请重新保存后再上传。"
            f" / {name} looks like an .xlsx file but is damaged or truncated ({exc})."
        ) from exc
    total = sum(p.file_size for p in parts)
    if total > MAX_INFLATED_BYTES:
        raise UnreadableFile(
            f"文件 {name} 解压后有 {total / 2**20:,.0f} MB，超过了 {MAX_INFLATED_BYTES / 2**20:,.0f} MB 的上限："
            "请把数据分成几个文件上传。"
            f" / {name} inflates to {total / 2**20:,.0f} MB, over the {MAX_INFLATED_BYTES / 2**20:,.0f} MB limit:"
            " split it into several files."
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_CHECKED_ABOVE_BYTES and ratio > MAX_INFLATE_RATIO:
            raise UnreadableFile(
                f"文件 {name} 中的 {part.filename} 压缩比异常（{ratio:,.0f} 倍，正常表格不超过 {MAX_INFLATE_RATIO} 倍），"
                "可能是恶意构造的文件，已拒绝读取。"
                f" / In {name}, {part.filename} inflates {ratio:,.0f} times (a spreadsheet stays under"
                f" {MAX_INFLATE_RATIO}): refused as a possible zip bomb."
            )
    return [p.filename for p in parts]

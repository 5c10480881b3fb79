"""Edit a real xlsx package in place of rewriting it: drop its people, append synthetic rows.

A file written by WPS, Excel or POI is worth testing only while it stays theirs: rewriting it through
openpyxl would make it ours again.  So these helpers touch two parts and copy every other zip entry
byte for byte (same bytes, same compression, same order, directory entries included):

- the sheet: the rows below the header area are cut out of ``<sheetData>`` (``strip``), and synthetic
  ``<row>`` elements are appended there (``fill``), each cell with a style id the file itself uses for
  that column's data (kept in the file's manifest);
- the shared strings: the entries only the removed rows used are dropped and the rest renumbered
  (``strip``), and new texts are appended to the same table (``fill``), its ``count`` and
  ``uniqueCount`` kept true.

A workbook whose formulas look into another workbook (VLOOKUP(B4,[1]基础信息!B:D,2,FALSE)) keeps a copy of
the cells they saw in ``xl/externalLinks/``: ``drop_external_cache`` empties that copy.

Everything else of the sheet part (``<dimension>``, ``<cols>``, views, merges, data validations, the
writer's namespaces) is left as written, even where it no longer matches the rows: a real clerk's file
is as inconsistent after an edit.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

_SHEET_DATA = re.compile(rb"(<sheetData[^>]*>)(.*?)(</sheetData>)", re.S)
_ROW = re.compile(rb"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
_ROW_NO = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
_SHARED_CELL = re.compile(rb'(<c\b[^>]*\bt="s"[^>]*>\s*<v>)(\d+)(</v>)')
_SST = re.compile(rb"(<sst\b[^>]*>)(.*)(</sst>)", re.S)
_SST_EMPTY = re.compile(rb"<sst\b[^>]*/>")
_SI = re.compile(rb"<si>.*?</si>|<si/>", re.S)
_COUNT = re.compile(rb'\scount="\d+"')
_UNIQUE = re.compile(rb'\suniqueCount="\d+"')


def _col(n: int) -> str:
    name = ""
    while n:
        n, r = divmod(n - 1, 26)
        name = chr(65 + r) + name
    return name


def _rewrite(src: Path, dst: Path, parts: dict[str, bytes]) -> None:
    """Copy ``src`` to ``dst`` entry by entry, with ``parts`` (name -> new bytes) replaced."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = parts.get(info.filename)
            if data is None:
                zout.writestr(info, zin.read(info.filename), compress_type=info.compress_type)
            else:
                zout.writestr(info, data, compress_type=info.compress_type)


def _sst_parts(sst: bytes) -> tuple[bytes, list[bytes], bytes]:
    m = _SST.search(sst)
    if (
        m is None
    ):  # an empty table, self-closed (POI's streaming writer, which writes inline strings)
        e = _SST_EMPTY.search(sst)
        return sst[: e.end() - 2] + b">", [], b"</sst>" + sst[e.end() :]
    return sst[: m.start(2)], _SI.findall(m.group(2)), sst[m.end(2) :]


def _sst_join(head: bytes, items: list[bytes], tail: bytes, count: int) -> bytes:
    head = _UNIQUE.sub(b' uniqueCount="%d"' % len(items), head)
    head = _COUNT.sub(b' count="%d"' % count, head)
    return head + b"".join(items) + tail


def strip(src: Path, dst: Path, keep: dict[str, int]) -> None:
    """Write ``src`` to ``dst`` with every row numbered above ``keep[sheet]`` removed from each sheet
    part named in ``keep`` (every sheet that holds people must be), and the shared strings that no
    kept row of any sheet uses removed from the table (the rest renumbered)."""
    with zipfile.ZipFile(src) as z:
        sheets = {
            name: z.read(name) for name in z.namelist() if name.startswith("xl/worksheets/sheet")
        }
        sst = z.read("xl/sharedStrings.xml")
    kept, spans = {}, {}
    for name, xml in list(sheets.items()):
        m = _SHEET_DATA.search(xml)
        if m is None:  # <sheetData/>: no rows
            del sheets[name]
            continue
        spans[name] = m.span(2)
        rows = _ROW.findall(m.group(2))
        if name in keep:
            rows = [r for r in rows if int(_ROW_NO.search(r).group(1)) <= keep[name]]
        kept[name] = rows
    head, items, tail = _sst_parts(sst)
    used = sorted(
        {int(i) for rows in kept.values() for r in rows for _, i, _ in _SHARED_CELL.findall(r)}
    )
    new_no = {old: new for new, old in enumerate(used)}

    def renumber(row: bytes) -> bytes:
        return _SHARED_CELL.sub(
            lambda c: c.group(1) + str(new_no[int(c.group(2))]).encode() + c.group(3), row
        )

    parts = {}
    for name, xml in sheets.items():
        lo, hi = spans[name]
        parts[name] = xml[:lo] + b"".join(renumber(r) for r in kept[name]) + xml[hi:]
    if items:
        count = sum(len(_SHARED_CELL.findall(r)) for rows in kept.values() for r in rows)
        parts["xl/sharedStrings.xml"] = _sst_join(head, [items[i] for i in used], tail, count)
    _rewrite(src, dst, {k: v for k, v in parts.items() if k not in sheets or v != sheets[k]})


_EXTERNAL_SHEET = re.compile(rb"(<sheetData\b[^>]*?)(?<!/)>.*?</sheetData>", re.S)


def drop_external_cache(src: Path, dst: Path) -> None:
    """Write ``src`` to ``dst`` with the cells an external link caches (the rows of the other workbook
    a formula such as VLOOKUP(B4,[1]基础信息!B:D,2,FALSE) last saw: names, dates) dropped from every
    ``xl/externalLinks/externalLinkN.xml``: each cached ``<sheetData ...>…</sheetData>`` becomes
    ``<sheetData .../>``, as the writer leaves a sheet it could not refresh.  The link itself, its
    target and sheet names, and every other part stay as written."""
    with zipfile.ZipFile(src) as z:
        links = {
            n: z.read(n)
            for n in z.namelist()
            if n.startswith("xl/externalLinks/externalLink") and n.endswith(".xml")
        }
    parts = {n: _EXTERNAL_SHEET.sub(rb"\1/>", xml) for n, xml in links.items()}
    _rewrite(src, dst, {n: v for n, v in parts.items() if v != links[n]})


def fill(
    src: Path,
    dst: Path,
    sheet: str,
    rows: list[list[tuple[str, object]]],
    styles: list[int | None],
    first_row: int,
    row_attrs: str = "",
    sep: str = "",
    first_col: int = 1,
) -> None:
    """Append ``rows`` to ``sheet`` of ``src``, written to ``dst``, from spreadsheet row ``first_row``.

    A cell is ``("s", text)`` (a new shared string), ``("n", number text)``, ``("str", text)`` (a
    formula's cached text result, as POI and Excel write ``t="str"``), ``("is", text)`` (an inline
    string), ``("tn", number text)`` (a number with an explicit ``t="n"``, as POI writes it),
    ``(None, None)`` (a styled empty cell, self-closed, as WPS writes them) or ``("empty", None)``
    (the same as POI writes it, ``<c ...></c>``).  ``styles`` gives each column's style id (None: no
    ``s``); ``row_attrs`` is copied into every ``<row>`` (the writer's own ``spans``, heights ...);
    ``sep`` follows each ``<row ...>`` and ``</row>`` (POI's streaming writer puts a line break there);
    ``first_col`` is the column of the first cell (2: a sheet whose table starts in column B).
    """
    with zipfile.ZipFile(src) as z:
        xml, sst = z.read(sheet), z.read("xl/sharedStrings.xml")
    head, items, tail = _sst_parts(sst)
    index = {}
    for i, si in enumerate(items):
        index.setdefault(si, i)
    count = before = int(re.search(rb'\scount="(\d+)"', head).group(1))
    out = []
    for n, cells in enumerate(rows):
        r = first_row + n
        parts = []
        for col, ((kind, value), style) in enumerate(
            zip(cells, styles, strict=True), start=first_col
        ):
            ref = f"{_col(col)}{r}"
            s = f' s="{style}"' if style is not None else ""
            if kind is None:
                parts.append(f'<c r="{ref}"{s}/>')
            elif kind == "empty":
                parts.append(f'<c r="{ref}"{s}></c>')
            elif kind == "tn":
                parts.append(f'<c r="{ref}"{s} t="n"><v>{value}</v></c>')
            elif kind == "s":
                si = f"<si><t>{escape(str(value))}</t></si>".encode()
                if si not in index:
                    index[si] = len(items)
                    items.append(si)
                count += 1
                parts.append(f'<c r="{ref}"{s} t="s"><v>{index[si]}</v></c>')
            elif kind == "n":
                parts.append(f'<c r="{ref}"{s}><v>{value}</v></c>')
            elif kind == "str":
                parts.append(
                    f'<c r="{ref}"{s} t="str"><f>""&amp;"{escape(str(value))}"</f>'
                    f"<v>{escape(str(value))}</v></c>"
                )
            elif kind == "is":
                parts.append(
                    f'<c r="{ref}"{s} t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'
                )
            else:
                raise ValueError(kind)
        out.append(f'<row r="{r}"{row_attrs}>{sep}{"".join(parts)}</row>{sep}')
    m = _SHEET_DATA.search(xml)
    new_xml = xml[: m.end(2)] + "".join(out).encode() + xml[m.end(2) :]
    parts = {sheet: new_xml}
    if count != before:  # the table is rewritten only when a string was added to it
        parts["xl/sharedStrings.xml"] = _sst_join(head, items, tail, count)
    _rewrite(src, dst, parts)

"""Turn a declared real-world layout (tests/layouts/<kind>/<slug>.json) into a real file.

A layout records how an office's form is written: its title rows, its header
rows (merged cells as spans), its columns in order and what their values look
like, its footer.  It never holds a real person.  ``build`` fills the form with
synthetic rows (names from the synthetic county, valid GB 11643 ID numbers,
Luhn-valid card numbers, money written as the form writes it) and plants the
few findings the layout declares, returning what it wrote so a test can check
where every cell landed and which findings come back.

Header cells are written as in HTML: a string, ``null`` (nothing there, or a
position already covered by a span from above), or ``{"text", "colspan",
"rowspan"}``.  A title cell may span ``"all"`` columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import xlsxwriter

from fundquery.synthetic.ids import bank_account, check_digit
from fundquery.synthetic.names import TOWNSHIPS, NameMaker

HERE = Path(__file__).resolve().parent
DATA_ROWS = 6
# 湖北省恩施州建始县: valid for every birth year in python-stdnum's table (fundquery/synthetic/ids.py).
REGION = "422822"
VILLAGES = ("东风村", "红星村", "新华村", "胜利村", "联合村", "团结村")
GROUPS = ("一组", "二组", "三组", "东一组", "五组", "六组")
AGENCIES = ("县财政局", "县农业农村局", "县民政局", "县教育局", "县卫生健康局", "县水利局")
DEPARTMENTS = ("县财政局", "县农业农村局", "县民政局", "县教育局", "县卫生健康局", "县交通运输局")
BANKS = ("县农村商业银行", "中国农业银行县支行", "中国邮政储蓄银行县支行")
FUND_CODE = "F001"  # in the small fund catalogue the tests load first (tests/sheets.py FUNDS_ROWS)
# A cell the planted amount_not_number finding writes where a number belongs.
NOT_A_NUMBER = "待核实"


def layout_paths() -> list[Path]:
    return sorted(HERE.glob("*/*.json"))


def load_layout(path: Path) -> dict:
    layout = json.loads(path.read_text(encoding="utf-8"))
    layout.setdefault("slug", path.stem)
    if path.parent.name != layout["kind"]:
        raise ValueError(f"{path}: kind {layout['kind']} but it sits under {path.parent.name}/")
    return layout


def all_layouts() -> list[dict]:
    return [load_layout(p) for p in layout_paths()]


# --- the header grid -----------------------------------------------------------


@dataclass
class Cell:
    row: int
    col: int
    text: str | None
    rowspan: int = 1
    colspan: int = 1


def place(rows: list[list], width: int, first_row: int = 0) -> list[Cell]:
    """Position HTML-style rows of cells (spans, nulls) on a grid of ``width`` columns."""
    taken: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    for r, row in enumerate(rows, start=first_row):
        c = 0
        for item in row:
            while (r, c) in taken:
                c += 1
            if item is None:
                c += 1
                continue
            if isinstance(item, str):
                item = {"text": item}
            colspan = item.get("colspan", 1)
            colspan = width - c if colspan == "all" else int(colspan)
            rowspan = int(item.get("rowspan", 1))
            if "col" in item:
                c = int(item["col"])
            cells.append(Cell(r, c, item.get("text"), rowspan, colspan))
            for rr in range(r, r + rowspan):
                for cc in range(c, c + colspan):
                    taken.add((rr, cc))
            c += colspan
    return cells


def width_of(layout: dict) -> int:
    return len(layout["columns"])


# --- synthetic values ----------------------------------------------------------


@dataclass
class Built:
    """What ``build`` wrote: the file, and for each data row its file row and cells."""

    path: Path
    layout: dict
    header_rows: tuple[int, ...]  # 1-based file rows of the header
    data: list[dict] = field(default_factory=list)  # {"row": n, "cells": [value per column]}
    planted: set[tuple[str, int]] = field(default_factory=set)  # (rule, 1-based file row)
    total_rows: list[int] = field(default_factory=list)


def _money(d: Decimal) -> Decimal:
    return d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _write_money(d: Decimal, fmt: str) -> object:
    if fmt == "number":
        return float(d)
    if fmt == "yuan":
        return f"{d:,.2f}元"
    if fmt == "comma":
        return f"{d:,.2f}"
    return f"{d:.2f}"


def _write_date(d: dt.date, fmt: str) -> object:
    if fmt == "date":
        return d  # a real date cell
    if fmt == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if fmt == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if fmt == "datetime":
        return f"{d.isoformat()} 09:30:00"
    if fmt == "compact":
        return d.strftime("%Y%m%d")
    return d.isoformat()


def _new_id(rng: random.Random, used: set[str]) -> str:
    while True:
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 60))
        first17 = f"{REGION}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
        number = first17 + check_digit(first17)
        if number not in used:
            used.add(number)
            return number


def _bad_check_digit(number: str) -> str:
    good = number[-1]
    return number[:-1] + ("0" if good != "0" else "1")


def row_values(
    layout: dict, i: int, rng: random.Random, names: NameMaker, used_ids: set[str]
) -> list:
    """One data row's cells, in column order, for data row ``i`` (0-based)."""
    cols = layout["columns"]
    area = Decimal(rng.randrange(150, 3000)) / 100
    standard = Decimal(str(layout.get("standard", "105.00")))
    amount = _money(area * standard)
    agency = AGENCIES[i % len(AGENCIES)]
    day = dt.date(int(layout.get("year", 2024)), 3, 5) + dt.timedelta(days=i)
    out = []
    for col in cols:
        gen = col.get("gen", "text")
        fmt = col.get("fmt", "text")
        if gen == "seq":
            v: object = i + 1 if fmt == "number" else str(i + 1)
        elif gen == "name":
            v = names.person("男" if i % 2 else "女")
        elif gen == "id":
            v = _new_id(rng, used_ids)
        elif gen == "township":
            v = TOWNSHIPS[i % 3]
        elif gen == "village":
            v = VILLAGES[i % len(VILLAGES)]
        elif gen == "group":
            v = GROUPS[i % len(GROUPS)]
        elif gen == "phone":
            v = f"13{rng.randrange(10**8, 10**9):09d}"
        elif gen == "area":
            v = float(area) if fmt == "number" else f"{area:.2f}"
        elif gen == "standard":
            v = _write_money(standard, fmt)
        elif gen == "amount":
            v = _write_money(amount, fmt)
        elif gen == "money":
            v = _write_money(_money(Decimal(rng.randrange(10_000, 5_000_000)) / 100), fmt)
        elif gen == "count":
            v = rng.randrange(1, 6) if fmt == "number" else str(rng.randrange(1, 6))
        elif gen == "quota":
            q = int(col.get("base", 10)) + i
            v = q if fmt == "number" else str(q)
        elif gen == "bank":
            v = bank_account(rng)
        elif gen == "bank_name":
            v = BANKS[i % len(BANKS)]
        elif gen == "date":
            v = _write_date(day, fmt)
        elif gen == "year":
            v = str(layout.get("year", 2024)) if fmt != "number" else int(layout.get("year", 2024))
        elif gen == "month":
            v = (
                f"{layout.get('year', 2024)}-03"
                if fmt != "cn"
                else f"{layout.get('year', 2024)}年3月"
            )
        elif gen == "agency":
            v = agency
        elif gen == "department":
            v = DEPARTMENTS[i % len(DEPARTMENTS)]
        elif gen == "code":
            v = f"{col.get('prefix', 'C')}{i + 1:04d}"
        elif gen == "fund_code":
            v = FUND_CODE
        elif gen == "choice":
            choices = col["choices"]
            v = choices[i % len(choices)]
        elif gen == "village_group":  # village and group in one cell (所在村组: 东风村一组)
            v = f"{VILLAGES[i % len(VILLAGES)]}{GROUPS[i % len(GROUPS)]}"
        elif gen == "address":
            v = f"{TOWNSHIPS[i % 3]}{VILLAGES[i % len(VILLAGES)]}{GROUPS[i % len(GROUPS)]}{i + 3}号"
        elif gen == "empty":
            v = None
        else:  # "text": a fixed value, or the column's header with a row number
            v = col.get("value", f"{col.get('label', '内容')}{i + 1}")
        out.append(v)
    return out


def plant(layout: dict, rows: list[list], data_row_nos: list[int]) -> set[tuple[str, int]]:
    """Write the layout's planted findings into ``rows``; (rule, file row) of each."""
    planted = set()
    index = {
        c.get("key", c["header"] if isinstance(c["header"], str) else "/".join(c["header"])): n
        for n, c in enumerate(layout["columns"])
    }
    for p in layout.get("plant", []):
        i, pos = p["data_row"], index[p["column"]]
        if p["rule"] == "id_checksum":
            rows[i][pos] = _bad_check_digit(rows[i][pos])
        elif p["rule"] == "amount_not_number":
            rows[i][pos] = NOT_A_NUMBER
        elif p["rule"] == "date_invalid":
            rows[i][pos] = f"{layout.get('year', 2024)}-02-30"
        elif p["rule"] == "int_invalid":
            rows[i][pos] = "若干"
        elif p["rule"] == "enum_invalid":
            rows[i][pos] = p.get("value", "未知")
        else:
            raise ValueError(f"{layout['slug']}: cannot plant {p['rule']}")
        planted.add((p["rule"], data_row_nos[i]))
    return planted


def total_row(layout: dict, rows: list[list]) -> list:
    """The 合计 row a form closes its data with: the label where the form writes it, sums of money columns."""
    foot = layout.get("footer") or {}
    out: list = [None] * width_of(layout)
    out[int(foot.get("total_label_column", 0))] = foot.get("total_label", "合计")
    return out


# --- writers -----------------------------------------------------------------


def _grid(
    layout: dict, data: list[list], total: list | None
) -> tuple[list[Cell], list[int], int | None, tuple[int, ...]]:
    """Every cell of the sheet (0-based rows), the data rows' indexes, the total row's index, header rows."""
    width = width_of(layout)
    cells: list[Cell] = []
    r = 0
    title = layout.get("title_rows", [])
    cells += place(title, width, r)
    r += len(title)
    head = layout["header_rows"]
    header_rows = tuple(range(r, r + len(head)))
    cells += place(head, width, r)
    r += len(head)
    foot = layout.get("footer") or {}
    data_idx: list[int] = []
    total_idx = None
    if total is not None and foot.get("total_first"):
        total_idx = r
        cells += [Cell(r, c, v) for c, v in enumerate(total) if v is not None]
        r += 1
    for row in data:
        data_idx.append(r)
        cells += [Cell(r, c, v) for c, v in enumerate(row) if v is not None]
        r += 1
    if total is not None and not foot.get("total_first"):
        total_idx = r
        cells += [Cell(r, c, v) for c, v in enumerate(total) if v is not None]
        r += 1
    for line in foot.get("lines", []):
        cells += place([line], width, r)
        r += 1
    return cells, data_idx, total_idx, header_rows


def _write_xlsx(path: Path, sheet: str, cells: list[Cell]) -> None:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(sheet)
    wrap = book.add_format({"text_wrap": True, "align": "center", "valign": "vcenter"})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    for c in cells:
        v = c.text
        if c.rowspan > 1 or c.colspan > 1:
            ws.merge_range(
                c.row,
                c.col,
                c.row + c.rowspan - 1,
                c.col + c.colspan - 1,
                v if isinstance(v, str) else "",
                wrap,
            )
            if not isinstance(v, str) and v is not None:
                ws.write(c.row, c.col, v)
        elif isinstance(v, dt.date):
            ws.write_datetime(c.row, c.col, dt.datetime.combine(v, dt.time()), date_fmt)
        elif isinstance(v, str):
            ws.write_string(c.row, c.col, v)
        elif v is not None:
            ws.write_number(c.row, c.col, v)
    book.close()


def _write_xls(path: Path, sheet: str, cells: list[Cell]) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for c in cells:
        v = c.text
        if c.rowspan > 1 or c.colspan > 1:
            ws.write_merge(
                c.row,
                c.row + c.rowspan - 1,
                c.col,
                c.col + c.colspan - 1,
                v if v is not None else "",
            )
        elif isinstance(v, dt.date):
            ws.write(c.row, c.col, v, date_style)
        elif v is not None:
            ws.write(c.row, c.col, v)
    book.save(str(path))


def _write_csv(path: Path, cells: list[Cell], encoding: str) -> None:
    rows: dict[int, dict[int, object]] = {}
    for c in cells:  # a csv has no merges: a span's text sits in its first cell
        rows.setdefault(c.row, {})[c.col] = c.text
    n_rows = max(rows) + 1 if rows else 0
    n_cols = max((max(r) + 1 for r in rows.values() if r), default=0)
    grid = [["" for _ in range(n_cols)] for _ in range(n_rows)]
    for r, cols in rows.items():
        for c, v in cols.items():
            grid[r][c] = "" if v is None else (v.isoformat() if isinstance(v, dt.date) else str(v))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(grid)
    path.write_bytes(buf.getvalue().encode(encoding))


def build(layout: dict, out_dir: Path, *, planted: bool = True, seed: int = 14) -> Built:
    """Write the layout filled with ``DATA_ROWS`` synthetic rows (and its planted findings) under ``out_dir``."""
    rng = random.Random(f"{layout['slug']}/{seed}")
    names = NameMaker(rng)
    used: set[str] = set()
    data = [row_values(layout, i, rng, names, used) for i in range(DATA_ROWS)]
    foot = layout.get("footer") or {}
    total = total_row(layout, data) if foot.get("total_row") else None
    cells, data_idx, total_idx, header_idx = _grid(layout, data, total)
    file_rows = [i + 1 for i in data_idx]
    marks = plant(layout, data, file_rows) if planted else set()
    if marks:  # re-lay the grid with the planted values
        cells, data_idx, total_idx, header_idx = _grid(layout, data, total)
    fmt = layout["format"]
    suffix = {"xlsx": ".xlsx", "xls": ".xls"}.get(fmt, ".csv")
    path = Path(out_dir) / f"{layout['slug']}{'' if planted else '-clean'}{suffix}"
    sheet = layout.get("sheet", "Sheet1")
    if fmt == "xlsx":
        _write_xlsx(path, sheet, cells)
    elif fmt == "xls":
        _write_xls(path, sheet, cells)
    elif fmt == "csv-gbk":
        _write_csv(path, cells, "gbk")
    elif fmt == "csv-utf8-bom":
        _write_csv(path, cells, "utf-8-sig")
    else:
        raise ValueError(f"{layout['slug']}: unknown format {fmt}")
    built = Built(path, layout, tuple(i + 1 for i in header_idx), planted=marks)
    built.data = [{"row": r, "cells": row} for r, row in zip(file_rows, data, strict=True)]
    built.total_rows = [total_idx + 1] if total_idx is not None else []
    return built


if (
    __name__ == "__main__"
):  # python -m tests.layouts.build OUT_DIR: write every layout, to look at them
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "layouts-built")
    out.mkdir(parents=True, exist_ok=True)
    for lay in all_layouts():
        print(build(lay, out).path)

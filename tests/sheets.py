"""Build real spreadsheets inside the tests: xlsx (xlsxwriter), xls (xlwt), csv."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import xlsxwriter
from stdnum.cn import ric


def make_id(region: str = "110105", birth: str = "19800101", seq: int = 1, sex: str = "m") -> str:
    """A valid 18-digit ID: region, birth date, sequence with the sex parity, check digit."""
    seq = seq * 2 + (1 if sex == "m" else 0)
    body = f"{region}{birth}{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def write_xlsx(
    path: Path, rows: list[list], sheet: str = "Sheet1", extra_sheets: dict | None = None
) -> Path:
    """Rows of Python values; a str cell is written as text, numbers and dates as such."""
    book = xlsxwriter.Workbook(str(path))
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, data in {**(extra_sheets or {}), sheet: rows}.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(data):
            for c, value in enumerate(row):
                write_cell(ws, r, c, value, date_fmt)
    book.close()
    return path


def write_cell(ws, r: int, c: int, value, date_fmt, blank_fmt=None) -> None:
    """A str as text, a date as a date, a number as a number; None no cell at all, or with ``blank_fmt``
    a formatted cell with no value (<c r=".." s=".."/>)."""
    if value is None:
        if blank_fmt is not None:
            ws.write_blank(r, c, None, blank_fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
    elif isinstance(value, str):
        ws.write_string(r, c, value)
    else:
        ws.write_number(r, c, value)


def write_xls(path: Path, rows: list[list]) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    book.save(str(path))
    return path


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(
        [["" if v is None else v for v in row] for row in rows]
    )
    data = buf.getvalue().encode(encoding)
    path.write_bytes(data)
    return path


FUNDS_HEADER = ["资金编码", "资金名称", "主管部门", "年度", "预算金额", "发放对象", "补助标准"]
FUNDS_ROWS = [
    ["F001", "耕地地力保护补贴", "县农业农村局", "2024", "1,000,000.00", "到人", "105"],
    ["F002", "城乡居民最低生活保障", "县民政局", "2024", "500,000.00", "到人", "300"],
    ["F003", "村道硬化", "县交通运输局", "2024", "2,000,000.00", "到项目", ""],
]

PAY_HEADER = [
    "序号",
    "资金编码",
    "年度",
    "期间",
    "乡镇",
    "村",
    "组",
    "姓名",
    "身份证号",
    "户号",
    "面积",
    "补助标准",
    "发放金额",
    "发放日期",
    "发放状态",
]


def pay_row(
    n: int,
    name: str = "张三",
    fund: str = "F001",
    period: str = "2024-03",
    area="8.5",
    standard="105",
    amount="892.50",
    paid="2024-03-15",
    id_number: str | None = None,
    status="已发放",
    household=None,
) -> list:
    return [
        str(n),
        fund,
        "2024",
        period,
        "城关镇",
        "东风村",
        "3组",
        name,
        id_number or make_id(seq=n),
        household or f"H{n:04d}",
        area,
        standard,
        amount,
        paid,
        status,
    ]


# A 种粮大户 roster whose headers no vocabulary should know: the mapping tests (issue 14).
ROSTER_HEADER = [
    "序号",
    "经营主体",
    "所属村子",
    "身份证号码",
    "流转面积（亩）",
    "亩均补贴",
    "兑付资金（元）",
    "联系电话",
    "家庭农场",
]


def roster(path, first: int, title: str = "2024年种粮大户补贴发放花名册"):
    """A 种粮大户 roster as a township writes it: no fund code, no year column, the year in the title."""
    rows = [[title], ROSTER_HEADER]
    for n in range(first, first + 3):
        rows.append(
            [
                str(n),
                f"李{n}",
                "东风村",
                make_id(seq=n),
                "120.50",
                "50",
                "6025.00",
                "13812345678",
                "李家农场",
            ]
        )
    return write_xlsx(path, rows)

"""Blank upload templates, generated from the same specs the loader reads with.

One xlsx per kind: the data sheet has the expected headers (required ones
starred, ``*姓名``: etl.text.header_key ignores the star) with ID, code and
account columns preformatted as text so Excel keeps all 18 digits; the notes
sheet explains every column, the other headers it may be written as, the
format, and an example value.
"""

from __future__ import annotations

import io

import xlsxwriter

from etl.specs import SPECS
from etl.spectypes import Column

TEXT_TYPES = ("code", "id_number")

TYPE_NOTES_ZH = {
    "text": "文字",
    "code": "编码（按文本填写）",
    "int": "整数，如 20",
    "year": "四位年份，如 2024",
    "amount": "金额（元），如 1234.50 或 1,234.50元",
    "decimal": "数字，如 8.5",
    "date": "日期，如 2024-03-05、2024/3/5 或 2024年3月5日",
    "month": "月份，如 2024-03、2024年3月 或 202403",
    "id_number": "18 位公民身份号码（单元格设为文本，否则 Excel 会丢失后几位）",
    "flag": "“是”或“否”",
    "enum": "以下取值之一：{values}",
}

NOTES_SHEET = "填表说明"
NOTES_HEADER = ("表头", "是否必填", "填写格式", "也可写作", "说明", "示例")


def type_note(col: Column) -> str:
    note = TYPE_NOTES_ZH[col.type]
    if col.type == "enum":
        note = note.format(values="、".join(dict.fromkeys(col.values)))
    return note


def _must_fill(col: Column) -> bool:
    """Filled in every row of the template: required, or required when the file has the column (the
    template has every column: a 直达资金 export without 审核签字日期 loads too, etl.validate)."""
    return col.required or col.required_if_present


def header_text(col: Column) -> str:
    return ("*" if _must_fill(col) else "") + col.label_zh


def template_xlsx(kind: str) -> bytes:
    """The blank template for ``kind`` as xlsx bytes."""
    spec = SPECS[kind]
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True})
    head_req = book.add_format(
        {"bold": True, "bg_color": "#FDE9E7", "font_color": "#8C1D17", "border": 1}
    )
    text = book.add_format({"num_format": "@"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet = book.add_worksheet(spec.title_zh)
    for pos, col in enumerate(spec.columns):
        sheet.write_string(0, pos, header_text(col), head_req if _must_fill(col) else head)
        cell_format = text if col.type in TEXT_TYPES or col.name == "bank_account" else None
        sheet.set_column(pos, pos, max(10, 2 * len(col.label_zh) + 4), cell_format)
        sheet.write_comment(
            0, pos, f"{'必填。' if _must_fill(col) else ''}{type_note(col)}", {"x_scale": 2}
        )
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet(NOTES_SHEET)
    notes.write_row(0, 0, NOTES_HEADER, head)
    for r, col in enumerate(spec.columns, start=1):
        notes.write_row(
            r,
            0,
            (
                col.label_zh,
                "必填"
                if col.required
                else ("有此列时必填" if col.required_if_present else "可不填"),
                type_note(col),
                "、".join(col.aliases[1:]),
                col.note_zh or col.label_en,
                col.example,
            ),
            wrap,
        )
    r = len(spec.columns) + 2
    notes.write_string(
        r,
        0,
        f"{spec.title_zh}：每行一条记录。表头带 * 的列必须填写。表头上方可以有标题行，"
        "末尾的“合计”行和空行会被跳过。",
        wrap,
    )
    notes.write_string(
        r + 1,
        0,
        "示例行（请勿复制到数据表中）：" + " | ".join(c.example or "—" for c in spec.columns),
        wrap,
    )
    notes.set_column(0, 0, 16)
    notes.set_column(1, 1, 10)
    notes.set_column(2, 2, 36)
    notes.set_column(3, 3, 30)
    notes.set_column(4, 4, 24)
    notes.set_column(5, 5, 22)
    book.close()
    return buf.getvalue()


def template_file_name(kind: str) -> str:
    return f"{SPECS[kind].title_zh}_模板.xlsx"

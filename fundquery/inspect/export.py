"""Findings as inspectors take them away: rows for display, JSON, XLSX and CSV.

Names are masked (张*三) unless full detail was asked for; the ID hash never
leaves (the masked ID is shown instead).  Every text cell that a spreadsheet
would read as a formula (starting with = + - @, or a tab or carriage return)
is prefixed with ' (OWASP, CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from fundquery.inspect.catalogue import SEVERITY_ZH, Check, Result
from fundquery.resident.masking import mask_name, neutralise

__all__ = ["jsonable", "neutralise", "result_json", "shown_row", "write_csv", "write_xlsx"]


def shown_row(check: Check, row: dict[str, Any], *, full: bool = False) -> dict[str, Any]:
    """The row's shown columns, names masked unless ``full``."""
    out = {}
    for col in check.columns:
        value = row.get(col.name)
        out[col.name] = value if full or col.kind != "name" else mask_name(value)
    return out


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def result_json(result: Result, lang: str = "zh", *, full: bool = False) -> dict[str, Any]:
    """One check's findings as a JSON-ready dict (what `fundquery report --json` prints)."""
    check = result.check
    return {
        "check": check.label,
        "title": check.title(lang),
        "severity": check.severity,
        "meaning": check.meaning(lang),
        "action": check.action(lang),
        "as_of": result.params.as_of.isoformat(),
        "filters": result.filters.active(),
        "count": result.count,
        "amount_yuan": jsonable(result.amount_yuan),
        "left_out": result.left_out,  # rows the check could not judge (None: it leaves none out)
        "left_out_text": result.left_out_text(lang),
        "columns": [
            {"name": c.name, "title": c.en if lang == "en" else c.zh, "kind": c.kind}
            for c in check.columns
        ],
        "rows": [
            {k: jsonable(v) for k, v in shown_row(check, r, full=full).items()} for r in result.rows
        ],
    }


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    return neutralise(value)


def write_csv(result: Result, target: Path | io.StringIO, lang: str = "zh") -> None:
    """One check's rows as CSV in UTF-8 with BOM (Excel opens it without asking), headers in ``lang``."""
    check = result.check
    header = [c.en if lang == "en" else c.zh for c in check.columns]
    rows = ([_cell(v) for v in shown_row(check, r).values()] for r in result.rows)
    if isinstance(target, io.StringIO):
        csv.writer(target, lineterminator="\r\n").writerows([header, *rows])
        return
    with open(target, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows([header, *rows])


def write_xlsx(
    results: Iterable[Result],
    target: Path | io.BytesIO,
    *,
    generated_by: str = "",
    samples: Iterable[dict[str, Any]] = (),
) -> None:
    """A summary sheet (counts, the as-of date, the filters and settings used), one sheet per check,
    and with ``samples`` (fundquery.inspect.visits.summaries) a sheet of field checks (issue 16)."""
    results = list(results)
    book = xlsxwriter.Workbook(
        target,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#F5F6F8", "border": 1})
    money = book.add_format({"num_format": "#,##0.00"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    summary = book.add_worksheet("汇总")
    summary.write_string(0, 0, "财政资金公开查询系统 · 问题线索报表", bold)
    first = results[0] if results else None
    meta = [
        ("统计截至日期", first.params.as_of.isoformat() if first else ""),
        (
            "筛选条件",
            "；".join(f"{k}={v}" for k, v in first.filters.active().items()) if first else "",
        ),
        ("生成时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
        ("生成人", generated_by),
        ("说明", "姓名已做脱敏处理，身份证号只显示前 6 位和后 4 位。"),
    ]
    if first:
        p = first.params
        meta.append(
            (
                "参数",
                f"时效分段 {list(p.delay_edges_days)} 天；滞留 {p.stuck_days} 天；容差 {p.tolerance_yuan} 元；"
                f"退回 {p.returned_days} 天；公开时限 {p.publication_working_days} 个工作日；"
                f"退休年龄 男 {p.retirement_age_male}、女 {p.retirement_age_female}、"
                f"女工勤 {p.retirement_age_female_worker}"
                f"{'（2025 年起渐进式延迟）' if p.retirement_reform else ''}",
            )
        )
    for i, (k, v) in enumerate(meta, start=2):
        summary.write_string(i, 0, k, bold)
        summary.write_string(i, 1, neutralise(v))
    top = len(meta) + 3
    for j, h in enumerate(
        ("规则", "问题", "严重程度", "条数", "涉及金额（元）", "说明", "处理建议")
    ):
        summary.write_string(top, j, h, head)
    for i, r in enumerate(results, start=top + 1):
        c = r.check
        summary.write_string(i, 0, c.label)
        summary.write_string(i, 1, c.title_zh)
        summary.write_string(i, 2, SEVERITY_ZH[c.severity])
        summary.write_number(i, 3, r.count)
        if r.amount_yuan is not None:
            summary.write_number(i, 4, r.amount_yuan, money)
        left = r.left_out_text("zh")  # vouchers the check could not judge, said beside its count
        summary.write_string(i, 5, c.meaning_zh + (f"\n{left}" if left else ""))
        summary.write_string(i, 6, c.action_zh)
    summary.set_column(0, 0, 20)
    summary.set_column(1, 1, 30)
    summary.set_column(5, 6, 60)
    for r in results:
        ws = book.add_worksheet(r.check.label[:31])
        for j, col in enumerate(r.check.columns):
            ws.write_string(0, j, col.zh, head)
            ws.set_column(j, j, 12 if col.kind in ("int", "days", "flag") else 16)
        for i, row in enumerate(r.rows, start=1):
            for j, (col, value) in enumerate(
                zip(r.check.columns, shown_row(r.check, row).values(), strict=True)
            ):
                _write(ws, i, j, col.kind, value, money, day)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(1, len(r.rows)), len(r.check.columns) - 1)
    samples = list(samples)
    if samples:
        _samples_sheet(book.add_worksheet("实地抽查"), samples, head, money)
    book.close()


def _samples_sheet(ws, samples: list[dict[str, Any]], head, money) -> None:
    """One row per sample: how it was drawn, visited, problems by type, the amount to recover."""
    outcomes = samples[0]["summary"]["by_outcome"]
    header = [
        "抽查编号",
        "资金编码",
        "年度",
        "乡镇",
        "村",
        "随机种子",
        "抽样方法",
        "领取人数",
        "抽取人数",
        "已走访",
        "发现问题",
        *(o["title_zh"] for o in outcomes),
        "应追回金额（元）",
        "抽取人",
        "抽取时间",
    ]
    for j, h in enumerate(header):
        ws.write_string(0, j, h, head)
    for i, s in enumerate(samples, start=1):
        found = s["summary"]
        cells = [
            s["sample_id"],
            s["fund_code"],
            s["year"],
            s["township"],
            s["village"],
            str(s["seed"]),  # text: a seed up to 2^63 is not exact as a spreadsheet number
            s["method"],
            s["candidate_count"],
            s["member_count"],
            found["visited_count"],
            found["problem_count"],
            *(o["member_count"] for o in found["by_outcome"]),
            found["recover_yuan"],
            s["created_by"],
            s["created_at"].strftime("%Y-%m-%d %H:%M") if s["created_at"] else None,
        ]
        for j, value in enumerate(cells):
            _write(ws, i, j, "amount" if j == len(cells) - 3 else "text", value, money, None)
    ws.set_column(0, len(header) - 1, 12)
    ws.freeze_panes(1, 0)


def _write(ws, i: int, j: int, kind: str, value: Any, money, day) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_string(i, j, "是" if value else "否")
    elif isinstance(value, Decimal | int | float):
        ws.write_number(i, j, value, money if kind == "amount" else None)
    elif isinstance(value, dt.date):
        ws.write_datetime(i, j, dt.datetime.combine(value, dt.time()), day)
    else:
        ws.write_string(i, j, neutralise(str(value)))

"""`fundquery annual YEAR [--json | --xlsx FILE]`: the yearly openness report, computed from the store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
import xlsxwriter

from fundquery.cli.report import _open_store
from fundquery.inspect.catalogue import UNDATED_EN, UNDATED_ZH
from fundquery.messages import HANDLING_ZH, HANDLINGS
from fundquery.queries import annual
from fundquery.queries.annual import UNBUDGETED_EN, UNBUDGETED_ZH
from fundquery.web.formatting import jsonable

# (section, key, 中文, English) in the order the report reads.
LINES = (
    ("funds", "count", "公开财政专项资金（项）", "Special funds published"),
    ("funds", "budget_wan", "资金总额（万元）", "Their budgets (10,000 yuan)"),
    ("funds", "person_times", "涉及人（户）次", "Person/household-times paid"),
    ("funds", "projects", "涉及项目（个）", "Projects"),
    ("to_persons", "count", "其中到人（户）资金（项）", "Of which to persons/households: funds"),
    ("to_persons", "budget_wan", "到人（户）资金金额（万元）", "Their budgets (10,000 yuan)"),
    ("to_projects", "count", "到项目（个）", "To projects: projects"),
    ("to_projects", "amount_wan", "到项目金额（万元）", "Their amounts (10,000 yuan)"),
    (
        "budgets",
        "departments",
        "公开部门预算的一级部门（个）",
        "Departments with a published budget",
    ),
    ("budgets", "amount_wan", "部门预算资金（万元）", "Department budgets (10,000 yuan)"),
    (
        "staffing",
        "agencies",
        "公开编制状况的机关、事业单位（家）",
        "Agencies with published staffing",
    ),
    ("staffing", "staff", "实名公开的编制人员（人）", "Named staff"),
    ("messages", "received", "收到咨询投诉（件）", "Messages received"),
    ("messages", "answered", "已答复（件）", "Answered"),
    ("messages", "response_rate", "答复率（%）", "Response rate (%)"),
    ("messages", "on_time", "按期答复（件）", "Answered on time"),
    (
        "rectification",
        "recovered_wan",
        "整改追回、退还资金（万元）",
        "Recovered or returned (10,000 yuan)",
    ),
    ("rectification", "staff_removed", "清理出编制名册（人）", "Removed from staff rolls"),
    ("usage", "page_views", "网站页面访问（次）", "Page views"),
    ("usage", "lookups", "补贴查询（次）", "Subsidy lookups"),
    ("usage", "lookups_found", "其中查到结果（次）", "Of which answered"),
)


def figure(figures: dict, section: str, key: str):
    """One figure of the report, None where its section was not counted (usage before counting)."""
    return (figures[section] or {}).get(key)


def partial(figures: dict, section: str, key: str) -> int:
    """How many funds a budget total lacks (no published budget, issue 14); 0 for any other figure."""
    if key != "budget_wan":
        return 0
    return (figures[section] or {}).get("unbudgeted") or 0


HANDLING_EN = {
    "direct": "Answered directly",
    "transferred": "Transferred to a department",
    "discipline": "To the discipline commission",
    "other": "Handled otherwise",
}
# (key, 中文, English), the desk's own 办理方式 labels (fundquery.messages.HANDLING_ZH)
HANDLING = tuple((h, HANDLING_ZH[h], HANDLING_EN[h]) for h in HANDLINGS)


def write_xlsx(figures: dict, path: Path) -> None:
    """The report as one sheet of (item, figure) rows, then the speed table."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet(f"{figures['year']}年度报告")
    bold = book.add_format({"bold": True})
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 3, 14)
    sheet.write_row(0, 0, [f"{figures['year']}年财政资金公开情况", "数值"], bold)
    row = 1
    for section, key, zh, _en in LINES:
        value = figure(figures, section, key)
        sheet.write(row, 0, zh)
        sheet.write(row, 1, str(value) if value is not None else "—")
        if partial(figures, section, key):  # a budget total that lacks funds says how many
            sheet.write(row, 2, UNBUDGETED_ZH.format(n=partial(figures, section, key)))
        row += 1
    for key, zh, _en in HANDLING:
        sheet.write_row(row, 0, [f"咨询投诉：{zh}（件）", figures["messages"]["handling"][key]])
        row += 1
    speed = figures["speed"]
    row += 1
    sheet.write_row(row, 0, ["资金拨付天数（审核到拨出）", "笔数", "占比（%）"], bold)
    for label, count, share in zip(speed["labels"], speed["counts"], speed["shares"], strict=True):
        row += 1
        sheet.write_row(row, 0, [label, count, str(share) if share is not None else "—"])
    sheet.write_row(row + 1, 0, ["合计", speed["total"]])
    if speed.get("undated"):  # vouchers with no approval date (issue 14): in no bucket, said
        sheet.write_row(row + 2, 0, [UNDATED_ZH.format(n=speed["undated"])])
    book.close()


@click.command()
@click.argument("year", type=click.IntRange(1990, 2100))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path), help="Write an xlsx."
)
def annual_command(year: int, as_json: bool, xlsx_path: Path | None) -> None:
    """The yearly openness report of YEAR (政府信息公开年度报告 figures), from the store."""
    if as_json and xlsx_path:
        raise click.UsageError("--json、--xlsx 只能选一个。/ Choose one of --json, --xlsx.")
    con = _open_store()
    try:
        figures = annual.report(con, year, today=dt.date.today())
    finally:
        con.close()
    if as_json:
        click.echo(json.dumps(jsonable(figures), ensure_ascii=False))
        return
    if xlsx_path:
        write_xlsx(figures, xlsx_path)
        click.echo(f"已写入 {xlsx_path}。/ Written.")
        return
    click.echo(f"{year}年财政资金公开情况 / Openness report {year}")
    for section, key, zh, en in LINES:
        value = figure(figures, section, key)
        click.echo(f"  {zh}：{value if value is not None else '—'}  ({en})")
        if n := partial(figures, section, key):
            click.echo(f"    {UNBUDGETED_ZH.format(n=n)}  ({UNBUDGETED_EN.format(n=n)})")
    for key, zh, en in HANDLING:
        click.echo(f"  咨询投诉{zh}：{figures['messages']['handling'][key]}  ({en})")
    speed = figures["speed"]
    shares = "、".join(
        f"{label} {count} 笔（{share if share is not None else '—'}%）"
        for label, count, share in zip(
            speed["labels"], speed["counts"], speed["shares"], strict=True
        )
    )
    click.echo(f"  资金拨付：共 {speed['total']} 笔，{shares}")
    if speed.get("undated"):
        n = speed["undated"]
        click.echo(f"  {UNDATED_ZH.format(n=n)}  ({UNDATED_EN.format(n=n)})")

"""``fundquery sample draw|list|show``: field checks (明查暗访, issue 16) from the command line.

    fundquery sample draw --fund F001 --year 2024 --size 20 [--seed 20240601] [--json]
    fundquery sample draw --fund F001 --township 城关镇 --share 0.05
    fundquery sample list [--json]
    fundquery sample show ID [--json]
    fundquery visit ID MEMBER --outcome 已死亡 --note "2024年5月去世" [--recover 892.50] [--visited-on DATE]

The draw is the one of fundquery.inspect.samples (documented there step by
step); the seed is printed, so anyone can repeat it.  The visit list, with
names in full, is printed by ``show`` for the inspector; ID numbers are masked.
A visit is recorded by ``fundquery visit`` or on the inspectors' page
(/staff/inspect/samples), through the same fundquery.inspect.visits.record: a
problem found opens a flag in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from decimal import Decimal

import click
from rich.table import Table

from etl.audit import audit
from fundquery.cli.common import EXIT_REJECTED, stdout_console, store
from fundquery.inspect import samples, visits
from fundquery.web.formatting import jsonable


def _actor() -> str:
    return "cli:" + (os.environ.get("USER") or "?")


@click.group("sample")
def sample_group() -> None:
    """Samples of recipients for field checks (明查暗访)."""


@sample_group.command("draw")
@click.option("--fund", "fund_code", help="Only recipients of this fund code.")
@click.option("--township", help="Only this township.")
@click.option("--village", help="Only this village.")
@click.option("--year", type=int, help="Only payments of this year.")
@click.option("--size", type=int, help="How many recipients to draw.")
@click.option("--share", help="Or what share of them, e.g. 0.05 or 5%.")
@click.option("--seed", type=int, help="The seed (default: a new random one, printed).")
@click.option("--json", "as_json", is_flag=True, help="Print the sample as JSON.")
def draw(
    fund_code: str | None,
    township: str | None,
    village: str | None,
    year: int | None,
    size: int | None,
    share: str | None,
    seed: int | None,
    as_json: bool,
) -> None:
    """Draw a sample of recipients, stratified by township, from a seed that is printed."""
    scope = samples.Scope(fund_code, township, village, year)
    with store() as con:
        try:
            sample_id = samples.draw(con, scope, size=size, share=share, seed=seed, actor=_actor())
        except samples.SampleError as exc:
            click.echo(str(exc), err=True)
            sys.exit(EXIT_REJECTED)
        _show(con, sample_id, as_json)


@sample_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_samples(as_json: bool) -> None:
    """Every sample, newest first."""
    with store() as con:
        found = samples.listing(con)
    if as_json:
        click.echo(json.dumps(jsonable(found), ensure_ascii=False))
        return
    for s in found:
        scope = "，".join(
            f"{d['title']} {d['value']}"
            for d in samples.Scope(
                s["fund_code"], s["township"], s["village"], s["year"]
            ).described()
        )
        click.echo(
            f"{s['sample_id']}\t{scope}\t种子 seed {s['seed']}\t"
            f"抽取 {s['member_count']}/{s['candidate_count']}\t已走访 {s['visited_count']}\t{s['created_by']}"
        )


@sample_group.command("show")
@click.argument("sample_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def show(sample_id: int, as_json: bool) -> None:
    """A sample: how it was drawn, its visit list and the summary of what was found."""
    with store() as con:
        if samples.get(con, sample_id) is None:
            click.echo(f"没有抽查 {sample_id}。/ No sample {sample_id}.", err=True)
            sys.exit(EXIT_REJECTED)
        _show(con, sample_id, as_json)


# The outcome as the inspector writes it: the code (deceased) or its title (已死亡).
_OUTCOME_BY_TITLE = {title: code for code, title in visits.OUTCOME_ZH.items()}


@click.command("visit")
@click.argument("sample_id", type=int)
@click.argument("member_no", type=int)
@click.option(
    "--outcome",
    required=True,
    help="核查结果 / outcome: "
    + "、".join(visits.OUTCOME_ZH.values())
    + " (or "
    + ", ".join(visits.OUTCOMES)
    + ").",
)
@click.option("--note", default="", help="情况说明: what was found (needed for a problem).")
@click.option("--recover", help="应追回金额 / amount to recover, e.g. 892.50.")
@click.option(
    "--visited-on", type=click.DateTime(formats=["%Y-%m-%d"]), help="走访日期 (YYYY-MM-DD)."
)
@click.option("--office", help="责任单位 (default: the township's finance office).")
@click.option("--json", "as_json", is_flag=True, help="Print the member as recorded, as JSON.")
def visit_command(
    sample_id: int,
    member_no: int,
    outcome: str,
    note: str,
    recover: str | None,
    visited_on: dt.datetime | None,
    office: str | None,
    as_json: bool,
) -> None:
    """Record a visit to member MEMBER_NO of sample SAMPLE_ID (明查暗访); a problem opens a flag."""
    code = _OUTCOME_BY_TITLE.get(outcome.strip(), outcome.strip())
    with store() as con:
        if samples.get(con, sample_id) is None:
            click.echo(f"没有抽查 {sample_id}。/ No sample {sample_id}.", err=True)
            sys.exit(EXIT_REJECTED)
        try:
            visits.record(
                con,
                sample_id,
                member_no,
                outcome=code,
                note=note,
                recover=recover,
                visited_on=visited_on.date() if visited_on else None,
                office=office,
                actor=_actor(),
            )
        except visits.VisitError as exc:
            click.echo(str(exc), err=True)
            sys.exit(EXIT_REJECTED)
        found = visits.member(con, sample_id, member_no)
    found.pop("id_hash")  # the hash never leaves; the masked ID is shown
    found.pop("draw_key")
    if as_json:
        click.echo(json.dumps(jsonable(found), ensure_ascii=False))
        return
    flag = (
        f"；已开立问题线索 #{found['flag_id']} / flag #{found['flag_id']} opened"
        if found["flag_id"]
        else ""
    )
    recovered = "" if found["recover_yuan"] is None else f"，应追回 {found['recover_yuan']:,} 元"
    click.echo(
        f"已记录抽查 {sample_id} 第 {member_no} 号（{found['name']}）：{visits.OUTCOME_ZH[code]}"
        f"{recovered}{flag}。"
    )


def _show(con, sample_id: int, as_json: bool) -> None:
    """Print the sample (and log the view: the list names people in full)."""
    found = samples.get(con, sample_id)
    members = samples.members(con, sample_id)
    summary = visits.summary(con, sample_id)
    audit(con, _actor(), "view_sample", f"sample:{sample_id}", members=len(members), via="cli")
    for m in members:
        m.pop("id_hash")  # the hash never leaves; the masked ID is shown
        m.pop("draw_key")
    if as_json:
        data = {"sample": found, "members": members, "summary": summary}
        click.echo(json.dumps(jsonable(data), ensure_ascii=False))
        return
    console = stdout_console()
    scope = found["scope_zh"]
    asked = f"数量 {found['size_asked']}" if found["size_asked"] else f"比例 {found['share']}"
    console.print(
        f"[bold]抽查 {sample_id}[/bold]：{scope}；{asked}；种子 seed {found['seed']}（{found['method']}）；"
        f"从 {found['candidate_count']} 名领取人中抽取 {found['member_count']} 名"
    )
    for s in found["strata"]:
        console.print(
            f"  {s['township'] or '（未填乡镇）'}：{s['candidates']} 名中抽 {s['drawn']} 名"
        )
    if found["idless_count"]:  # a roster without ID numbers: nobody to draw (issue 14)
        n = found["idless_count"]
        console.print(
            f"  范围内另有 {n} 条发放无身份证号，不在抽样对象中"
            f" / {n} more payments in the scope have no ID number and cannot be drawn"
        )
    table = Table(
        "序号", "乡镇", "村", "组", "姓名", "身份证号", "资金", "笔数", "金额", "核查结果", "应追回"
    )
    for m in members:
        table.add_row(
            str(m["member_no"]),
            m["township"] or "",
            m["village"] or "",
            m["village_group"] or "",
            m["name"],
            m["id_masked"] or "",
            m["fund_codes"] or "",
            str(m["payment_count"]),
            str(m["amount_yuan"]),
            visits.OUTCOME_ZH.get(m["outcome"], "未走访"),
            "" if m["recover_yuan"] is None else str(m["recover_yuan"]),
        )
    console.print(table)
    console.print(
        f"已走访 {summary['visited_count']}/{summary['member_count']}，发现问题 {summary['problem_count']} 个，"
        f"应追回 {summary['recover_yuan']:,} 元"
    )
    for o in summary["by_outcome"]:
        if o["member_count"]:
            console.print(
                f"  {o['title_zh']}：{o['member_count']}"
                + (
                    f"，应追回 {o['recover_yuan']:,} 元"
                    if o["recover_yuan"] != Decimal("0.00")
                    else ""
                )
            )

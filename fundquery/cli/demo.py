"""``fundquery demo``: write a synthetic county's spreadsheets, load them and publish them."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress

from etl.batches import DEMO_REVIEWER
from etl.idnum import Hasher, load_key
from etl.load import load_file
from fundquery.cli.common import (
    EXIT_REJECTED,
    archive_dir,
    db_path,
    ensure_instance,
    print_findings,
    set_county_or_exit,
    store,
)
from fundquery.messages import store as message_store
from fundquery.messages import workflow
from fundquery.queries.messages import form_choices
from fundquery.synthetic import generate
from fundquery.synthetic.messages import DESK
from fundquery.synthetic.messages import messages as planned_messages


def leave_messages(con, year: int, seed: int) -> None:
    """The county's residents' messages of the year, taken through the desk's own workflow: received,
    registered with how the desk handled it, routed, answered by the office in charge, reviewed and
    published (the yearly report counts them)."""
    townships = form_choices(con)["townships"]
    departments = [d for d in message_store.departments(con) if d != DESK] or [DESK]
    for m in planned_messages(year, townships, departments, seed):
        receipt = message_store.submit(
            con,
            message_type=m.message_type,
            township=m.township,
            village=None,
            body=m.body,
            name=m.name,
            phone=m.phone,
            now=m.received_at,
        )
        workflow.register(
            con,
            receipt.message_id,
            category=m.category,
            department=m.department,
            working_days=3,
            actor="demo-desk",
            now=m.received_at,
            handling=m.handling,
        )
        workflow.route(con, receipt.message_id, actor="demo-desk", now=m.received_at)
        workflow.answer(
            con,
            receipt.message_id,
            reply="已核实，按政策办理。",
            actor="demo-office",
            office=m.department,
            now=m.answered_at,
        )
        workflow.review(
            con,
            receipt.message_id,
            public_body=m.body,
            is_listed=True,
            actor=DEMO_REVIEWER,
            now=m.answered_at,
        )
        workflow.publish(con, receipt.message_id, actor=DEMO_REVIEWER, now=m.answered_at)


@click.command()
@click.option(
    "--scale",
    default=0.02,
    type=float,
    show_default=True,
    help="1 = the seed county (882,804 payments).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the spreadsheets go (data/demo).",
)
@click.option("--seed", default=20070101, type=int, show_default=True)
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object with each file's result."
)
@click.option(
    "--county-code", help="The demo county's six-digit code (default: leave the store's as it is)."
)
@click.option("--county-name", help="The demo county's name.")
def demo(
    scale: float,
    out: Path | None,
    seed: int,
    as_json: bool,
    county_code: str | None,
    county_name: str | None,
) -> None:
    """Write a synthetic county's messy spreadsheets, load them through the ETL and publish them."""
    out = out or db_path().parent / "demo"
    hasher = Hasher(load_key(ensure_instance()))
    results = []
    with Progress(console=Console(stderr=True, quiet=as_json), transient=True) as progress:
        writing = progress.add_task("生成表格 writing", total=None)
        manifest = generate(
            out,
            scale=scale,
            seed=seed,
            progress=lambda _name, done, total: progress.update(
                writing, completed=done, total=total
            ),
        )
        progress.remove_task(writing)
        loading = progress.add_task("导入 loading", total=len(manifest.files))
        with store() as con:
            if county_code or county_name:
                set_county_or_exit(con, county_code, county_name)
            for entry in manifest.files:
                result = load_file(
                    con,
                    out / entry.path,
                    entry.kind,
                    hasher=hasher,
                    uploaded_by="demo",
                    archive_dir=archive_dir(),
                    publish=True,
                    reviewer=DEMO_REVIEWER,
                    office="演示县财政局",
                    published_on=(
                        dt.date.fromisoformat(entry.published_on) if entry.published_on else None
                    ),
                )
                results.append(result)
                progress.advance(loading)
                if result.status == "rejected":
                    break
            if not any(r.status == "rejected" for r in results):
                leave_messages(con, manifest.year, seed)
    failed = [r for r in results if r.status == "rejected"]
    if as_json:
        click.echo(
            json.dumps(
                {
                    "out": str(out),
                    "manifest": str(manifest.path),
                    "files": [r.as_json() for r in results],
                },
                ensure_ascii=False,
            )
        )
    else:
        for r in failed:
            print_findings(Console(width=200), r)
        rows = sum(r.rows for r in results)
        click.echo(f"演示县：{len(results)} 个文件，{rows} 行已导入并公开；表格和清单在 {out}。")
    sys.exit(EXIT_REJECTED if failed else 0)

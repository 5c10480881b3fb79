"""``fundquery demo``: write a synthetic county's spreadsheets, load them and publish them."""

from __future__ import annotations

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
from fundquery.synthetic import generate


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
                )
                results.append(result)
                progress.advance(loading)
                if result.status == "rejected":
                    break
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

"""`fundquery point add|list|remove`: the county's query points (查询点), so each kiosk's lookups
count for its point.  A kiosk becomes a point when its browser opens /kiosk?point=CODE once."""

from __future__ import annotations

import json
import re
import sys

import click

from etl.audit import audit
from etl.transaction import transaction
from fundquery.cli.common import EXIT_REJECTED, caller_user, store
from fundquery.queries import usage as uq

CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")


@click.group("point")
def points_group() -> None:
    """The county's query points (kiosks in township finance offices and village centres)."""


@points_group.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--township", help="The township the point is in.")
def add(code: str, name: str, township: str | None) -> None:
    """Register query point CODE (letters, digits, - and _) called NAME; renames it if it exists."""
    if not CODE.fullmatch(code):
        click.echo(
            f"查询点编码“{code}”只能用字母、数字、- 和 _，最多 32 个，如 cgz-01。"
            f" / Code “{code}”: letters, digits, - and _ only, at most 32, e.g. cgz-01.",
            err=True,
        )
        sys.exit(EXIT_REJECTED)
    if not name.strip():
        click.echo("请写查询点名称。/ The point needs a name.", err=True)
        sys.exit(EXIT_REJECTED)
    actor = caller_user()
    with store() as con, transaction(con):
        uq.add_point(con, code, name.strip(), township, actor)
        audit(con, actor, "query_point_add", f"point:{code}", name=name.strip(), township=township)
    click.echo(
        f"已登记查询点 {code}：{name.strip()}。该查询点的触摸屏打开一次 /kiosk?point={code} 即可。"
    )


@points_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_points(as_json: bool) -> None:
    """Every registered query point."""
    with store() as con:
        found = uq.points(con)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False))
        return
    for p in found:
        click.echo(f"{p['code']}\t{p['name']}\t{p['township'] or ''}")


@points_group.command("remove")
@click.argument("code")
def remove(code: str) -> None:
    """Forget query point CODE (its counts stay, under its code)."""
    actor = caller_user()
    with store() as con, transaction(con):
        removed = uq.remove_point(con, code)
        if removed:
            audit(con, actor, "query_point_remove", f"point:{code}")
    if not removed:
        click.echo(f"没有查询点 {code}。/ No query point {code}.", err=True)
        sys.exit(EXIT_REJECTED)
    click.echo(f"已删除查询点 {code}。")

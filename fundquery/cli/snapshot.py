"""``fundquery snapshot DIR``: the published snapshot the public servers serve (issue 18)."""

from __future__ import annotations

from pathlib import Path

import click

from etl.idnum import load_key
from fundquery.cli.common import ensure_instance, store
from fundquery.lake.snapshot import export_snapshot


@click.command("snapshot")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def snapshot_command(folder: Path) -> None:
    """Write a read-only snapshot of what is published into FOLDER and make it FOLDER/CURRENT."""
    key = load_key(ensure_instance())
    with store() as con:
        result = export_snapshot(con, folder, key)
    rows = "，".join(f"{t} {n}" for t, n in result.rows.items() if n)
    click.echo(
        f"已写入公开快照 {result.path}（发布版本 {result.version}；{rows} 行）。"
        f" / Published snapshot written to {result.path} (publication version {result.version})."
    )

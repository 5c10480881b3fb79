"""``fundquery export-lake``: the store's published data into a province's Parquet lake (issue 7)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fundquery.cli.common import EXIT_UNREADABLE, store
from fundquery.lake.export import ExportError, export_lake


@click.command("export-lake")
@click.argument("lake", type=click.Path(file_okay=False, path_type=Path))
def export_lake_command(lake: Path) -> None:
    """Write the store's published data into the Parquet lake LAKE (only this county's changed partitions)."""
    with store() as con:
        try:
            result = export_lake(con, lake)
        except ExportError as exc:
            click.echo(str(exc), err=True)
            sys.exit(EXIT_UNREADABLE)
    rows = "，".join(f"{t} {n}" for t, n in result.rows.items())
    click.echo(
        f"县（区）{result.county_code} 已写入数据湖 {lake}：重写 {len(result.written)} 个分区，"
        f"未变 {len(result.kept)} 个，删除 {len(result.removed)} 个（{rows} 行）。"
    )

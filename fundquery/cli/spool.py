"""``fundquery spool-in DIR``: snapshot servers' lookup audit lines and usage counts into the store."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from fundquery.cli.common import EXIT_UNREADABLE, store
from fundquery.lake.spool import SpoolError, take_in


@click.command("spool-in")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def spool_in_command(folder: Path) -> None:
    """Append what public snapshot servers spooled in FOLDER (only lines not taken before)."""
    with store() as con:
        try:
            result = take_in(con, folder, os.environ.get("USER", "cli"))
        except SpoolError as exc:
            click.echo(f"{exc} 未写入任何内容。 / Nothing was written.", err=True)
            sys.exit(EXIT_UNREADABLE)
    click.echo(
        f"已写入 {result.files} 个文件：查询审计 {result.audit_lines} 行，访问计数 {result.usage_counts} 条"
        f"（已跳过此前写入的 {result.skipped_lines} 行）。"
        f" / Took in {result.files} files: {result.audit_lines} lookup audit lines,"
        f" {result.usage_counts} usage counts ({result.skipped_lines} lines taken before skipped)."
    )

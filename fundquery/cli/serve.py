"""``fundquery serve``: the app through gunicorn, and the command socket the CLI uses meanwhile."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

import fundquery
from fundquery.cli.common import EXIT_UNREADABLE, ensure_instance, instance_dir
from fundquery.cli.remote import runner
from fundquery.lake.snapshot import CURRENT
from fundquery.web.config import ensure_instance as ensure_app_instance
from fundquery.web.db import EXTENSION as DB_EXTENSION
from fundquery.web.public_snapshot import key_problem
from fundquery.web.server import serve as run_server


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=int, show_default=True)
@click.option("--threads", default=8, type=int, show_default=True)
@click.option(
    "--public-snapshot",
    type=click.Path(file_okay=False, path_type=Path),
    help="Serve only the public pages and the lookup from this `fundquery snapshot` folder (read-only).",
)
@click.option(
    "--workers",
    default=1,
    type=click.IntRange(1, 64),
    show_default=True,
    help="Worker processes; more than one only with --public-snapshot.",
)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    threads: int,
    public_snapshot: Path | None,
    workers: int,
) -> None:
    """Serve the app through gunicorn: one process, threads (DESIGN.md §7); a snapshot, several.

    The owner's worker also listens on instance/fundquery.sock: every other `fundquery` command is
    carried out there, by the same command functions on the worker's connection (issue 18).  A
    snapshot server holds no store to write, so it takes no commands."""
    if public_snapshot is None:
        if workers > 1:
            click.echo(
                "只有一个进程可以持有数据库：--workers 大于 1 只能与 --public-snapshot 一起使用。"
                " / Only one process may hold the store: --workers above 1 needs --public-snapshot.",
                err=True,
            )
            sys.exit(EXIT_UNREADABLE)
        ensure_instance()
    else:  # never a new ID-hash key here: it must be the county's own (key_problem below)
        ensure_app_instance(instance_dir())
        if not (public_snapshot / CURRENT).is_file():
            click.echo(
                f"{public_snapshot} 中没有公开快照（缺少 {CURRENT}）：请先运行 `fundquery snapshot {public_snapshot}`。"
                f" / {public_snapshot} holds no snapshot (no {CURRENT}): run `fundquery snapshot` first.",
                err=True,
            )
            sys.exit(EXIT_UNREADABLE)
        os.environ["FUNDQUERY_PUBLIC_SNAPSHOT"] = str(public_snapshot.absolute())
    app = fundquery.create_app()
    problem = key_problem(app) if public_snapshot is not None else None
    if problem:
        click.echo(problem, err=True)
        sys.exit(EXIT_UNREADABLE)
    commands = None
    if public_snapshot is None:
        commands = runner(ctx.find_root().command, app.extensions[DB_EXTENSION].cursor)
    run_server(app, host, port, threads=threads, workers=workers, commands=commands)

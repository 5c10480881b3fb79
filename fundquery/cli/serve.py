"""``fundquery serve``: the app through gunicorn, and the command socket the CLI uses meanwhile."""

from __future__ import annotations

import click

import fundquery
from fundquery.cli.common import ensure_instance
from fundquery.cli.remote import runner
from fundquery.web.db import EXTENSION as DB_EXTENSION
from fundquery.web.server import serve as run_server


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=int, show_default=True)
@click.option("--threads", default=8, type=int, show_default=True)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Serve the app through gunicorn: one process, threads (DESIGN.md §7).

    The worker also listens on instance/fundquery.sock: every other `fundquery` command is carried
    out there, by the same command functions on the worker's connection (issue 18)."""
    ensure_instance()
    app = fundquery.create_app()
    commands = runner(ctx.find_root().command, app.extensions[DB_EXTENSION].cursor)
    run_server(app, host, port, threads=threads, commands=commands)

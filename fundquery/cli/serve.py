"""``fundquery serve``: the app through gunicorn."""

from __future__ import annotations

import click

import fundquery
from fundquery.cli.common import ensure_instance
from fundquery.web.server import serve as run_server


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=int, show_default=True)
@click.option("--threads", default=8, type=int, show_default=True)
def serve(host: str, port: int, threads: int) -> None:
    """Serve the app through gunicorn: one process, threads (DESIGN.md §7)."""
    ensure_instance()
    run_server(fundquery.create_app(), host, port, threads=threads)

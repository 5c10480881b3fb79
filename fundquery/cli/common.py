"""What every ``fundquery`` command shares: where the store and the instance are, the store itself
(or one sentence and exit 3 when the server holds it), exit codes and console helpers.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from etl.county import CountyError, get_county, set_county
from etl.idnum import load_key
from etl.load import LoadResult
from etl.store import StoreBusy, StoreUnwritable, connect, default_db_path, uploads_path
from fundquery.web.config import ensure_instance as ensure_app_instance

EXIT_REJECTED, EXIT_UNREADABLE, EXIT_BUSY = 1, 2, 3
EXIT_UNWRITABLE = 4  # disk full or store read-only (issue 8)


def db_path() -> Path:
    """The store's file, as every command and the app find it (``etl.store.default_db_path``)."""
    return default_db_path()


def instance_dir() -> Path:
    """The instance folder (secret key, ID-hash key): FUNDQUERY_INSTANCE or ./instance."""
    return Path(os.environ.get("FUNDQUERY_INSTANCE") or Path.cwd() / "instance")


def archive_dir() -> Path:
    return uploads_path(db_path())


@contextmanager
def store():
    """The store, or one plain sentence and exit 3 when the server holds it."""
    try:
        con = connect(db_path())
    except StoreBusy as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_BUSY)
    except StoreUnwritable as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_UNWRITABLE)
    try:
        yield con
    finally:
        con.close()


def ensure_instance() -> Path:
    """Create the instance folder with its keys if missing (first start)."""
    folder = instance_dir()
    ensure_app_instance(folder)
    load_key(folder, create=True)
    return folder


def set_county_or_exit(con, code: str | None, name: str | None) -> None:
    """Set the store's county (issue 7), or one sentence and exit 2."""
    try:
        set_county(con, code or get_county(con)[0], name, os.environ.get("USER", "cli"))
    except CountyError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_UNREADABLE)


def print_findings(console: Console, result: LoadResult) -> None:
    findings = result.report.findings if result.report else []
    if not findings:
        return
    table = Table(
        "行 row",
        "列 column",
        "值 value",
        "应为 expected",
        "规则 rule",
        "说明 message",
        show_lines=False,
    )
    for f in findings:
        style = "red" if f.severity == "error" else "yellow"
        table.add_row(
            str(f.row or ""), f.column, f.value or "", f.expected, f.rule, f.message, style=style
        )
    console.print(table)
    report = result.report
    listed = len(findings)
    total = report.total("error") + report.total("warning")
    if total > listed:
        console.print(f"（共 {total} 个问题，每条规则最多列出 {listed} 个）")


def stdout_console() -> Console:
    """A console for standard output; piped into a file or a log, one finding stays on one line."""
    return Console() if sys.stdout.isatty() else Console(width=200)

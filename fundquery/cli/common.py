"""What every ``fundquery`` command shares: where the store and the instance are, the store itself
(or one sentence and exit 3 when the server holds it), exit codes and console helpers.

A command takes its store from the invocation's handle (``HANDLE``): run from a terminal it opens the
DuckDB file itself (``LocalStore``); carried out by the server for a command line (issue 18,
fundquery.cli.remote) it gets a cursor of the server's own connection (``ServerStore``), the working
folder and the environment of the one who typed it.  The command functions are the same either way.
"""

from __future__ import annotations

import contextvars
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import click
import duckdb
from rich.console import Console
from rich.table import Table

from etl.county import CountyError, get_county, set_county
from etl.idnum import load_key
from etl.load import LoadResult
from etl.store import StoreBusy, StoreUnwritable, connect, default_db_path, uploads_path
from fundquery.web.config import ensure_instance as ensure_app_instance

EXIT_REJECTED, EXIT_UNREADABLE, EXIT_BUSY = 1, 2, 3
EXIT_UNWRITABLE = 4  # disk full or store read-only (issue 8)


class LocalStore:
    """The command opens the store itself (nobody else holds it)."""

    cwd: Path | None = None
    env: Mapping[str, str] = os.environ

    def db_path(self) -> Path:
        return default_db_path().absolute()

    def open(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        return connect(self.db_path(), read_only=read_only)


class ServerStore:
    """The server carries the command out: a cursor of its connection, the caller's folder and USER."""

    def __init__(
        self, cursor: Callable[[], duckdb.DuckDBPyConnection], db: str, cwd: str, env: dict
    ) -> None:
        self._cursor = cursor
        self._db = Path(db)
        self.cwd = Path(cwd)
        self.env = env

    def db_path(self) -> Path:
        return self._db

    def open(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """A cursor of the server's connection (closing it leaves the connection open); writes go
        through etl.transaction like a web request's."""
        return self._cursor()


HANDLE: contextvars.ContextVar[ServerStore | None] = contextvars.ContextVar(
    "fundquery_store_handle", default=None
)
_LOCAL = LocalStore()


def handle() -> LocalStore | ServerStore:
    """This invocation's way to the store: the server's (set by fundquery.cli.remote) or its own."""
    return HANDLE.get() or _LOCAL


def is_delegated() -> bool:
    """True while the server carries the command out for a command line."""
    return HANDLE.get() is not None


def caller_env(name: str, default: str | None = None) -> str | None:
    """An environment variable of the one who typed the command (USER for ``--by`` and the audit log)."""
    return handle().env.get(name, default)


def caller_user() -> str:
    return caller_env("USER") or "cli"


def caller_cwd() -> Path:
    """The folder relative paths on the command line are read from: the caller's."""
    return handle().cwd or Path.cwd()


def db_path() -> Path:
    """The store's file, as every command and the app find it (``etl.store.default_db_path``), absolute."""
    return handle().db_path()


def instance_dir() -> Path:
    """The instance folder (secret key, ID-hash key): FUNDQUERY_INSTANCE or ./instance."""
    return Path(os.environ.get("FUNDQUERY_INSTANCE") or Path.cwd() / "instance")


def archive_dir() -> Path:
    return uploads_path(db_path())


def open_store(read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """The store from the invocation's handle (the caller closes it); StoreBusy when it is held."""
    return handle().open(read_only=read_only)


@contextmanager
def store() -> Iterator[duckdb.DuckDBPyConnection]:
    """The store, or one plain sentence and exit 3 when the server holds it."""
    try:
        con = open_store()
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
        set_county(con, code or get_county(con)[0], name, caller_user())
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

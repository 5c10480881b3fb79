"""The one way to the database in the web app.

DuckDB lets one process hold the file (DESIGN.md §7), so the app keeps one
connection per process, opened lazily on first use (never before a fork:
DuckDB is not fork-safe), and gives each request its own ``con.cursor()``.
"""

from __future__ import annotations

import contextlib
import os
import threading
from typing import Any

import duckdb
from flask import Flask, current_app, g

from etl import store
from fundquery.queries.sql import fetch

EXTENSION = "fundquery.web.db"


class ProcessConnection:
    """The process's single DuckDB connection to one file, opened on first use."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._pid: int | None = None
        self._broken = False

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor on the shared connection, opening it if this process has none."""
        with self._lock:
            if self._broken and self._con is not None and self._pid == os.getpid():
                # DuckDB invalidated the database (a fatal error, e.g. a checkpoint on a
                # full disk): reopen it, which replays the log, instead of failing every
                # request until someone restarts the server (issue 8).
                with contextlib.suppress(duckdb.Error):
                    self._con.close()
                self._con = None
            if self._con is None or self._pid != os.getpid():
                # After a fork the parent's connection is not ours to use or close.
                self._con = store.connect(self.path)
                self._pid = os.getpid()
                self._broken = False
            return self._con.cursor()

    def mark_broken(self) -> None:
        """The database was invalidated: the next cursor reopens it."""
        with self._lock:
            self._broken = True

    def close(self) -> None:
        """Close the connection if this process opened it."""
        with self._lock:
            if self._con is not None and self._pid == os.getpid():
                self._con.close()
            self._con = None
            self._pid = None


def init_app(app: Flask) -> None:
    """Attach the lazy connection holder and close each request's cursor on teardown."""
    app.extensions[EXTENSION] = ProcessConnection(app.config["DATABASE"])
    app.teardown_appcontext(close_db)


def note_failure(exc: BaseException) -> bool:
    """If ``exc`` (or its cause) says DuckDB invalidated the database, reopen it on the next request."""
    while exc is not None:
        if isinstance(exc, duckdb.FatalException):
            current_app.extensions[EXTENSION].mark_broken()
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def get_db() -> duckdb.DuckDBPyConnection:
    """This request's cursor (created on first use, closed at teardown)."""
    if "db" not in g:
        g.db = current_app.extensions[EXTENSION].cursor()
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    """Close this request's cursor, if it opened one."""
    cursor = g.pop("db", None)
    if cursor is not None:
        cursor.close()


def query(sql: str, params: list | dict | None = None) -> list[dict[str, Any]]:
    """Run one parameterised statement on this request's cursor and return its rows as dicts (tests use it)."""
    return fetch(get_db(), sql, params)

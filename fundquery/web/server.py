"""The production server: gunicorn, ONE worker process with threads (DESIGN.md §7).

Only one process may hold the DuckDB file, so there is exactly one worker and
no ``--preload`` (the app opens the database lazily, after the fork).  A public
server on a read-only snapshot (``fundquery/web/public_snapshot.py``) may run
several: each worker opens the file read-only after the fork.  The
access log records the path without the query string and no request bodies,
referers or agents, so nothing a resident typed can end up in a log file.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from fundquery.web import cli_socket

ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def gunicorn_options(host: str, port: int, threads: int = 8, workers: int = 1) -> dict[str, Any]:
    """The gunicorn settings the app must run with (``workers`` > 1 only on a read-only snapshot)."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return {
        "bind": [bind],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": False,
        "reload": False,
        "accesslog": "-",
        "errorlog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "loglevel": "info",
        "proc_name": "fundquery",
        # gunicorn ≥ 25.1's control socket can change the worker count at run
        # time, which would break the one-process rule: keep it off.
        "control_socket_disable": True,
    }


class FundqueryServer(BaseApplication):
    """gunicorn embedded, so `fundquery serve` needs no separate server command."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # older gunicorn lacks some settings
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def serve(
    app: Flask,
    host: str = "127.0.0.1",
    port: int = 5000,
    threads: int = 8,
    workers: int = 1,
    commands: cli_socket.Runner | None = None,
) -> None:
    """Run the app under gunicorn (gthread, one worker unless it serves a snapshot) until stopped.

    With ``commands`` the worker, once forked, also carries out `fundquery` commands on its command
    socket (fundquery.web.cli_socket), and removes the socket when it exits.
    """
    options = gunicorn_options(host, port, threads, workers)
    # The app's own lines (a load's stage times, a backup) are for the operator: never row content.
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)
    # Each worker counts lookups in its own memory: the limit is shared out (fundquery.web.limiter).
    app.config["LOOKUP_LIMIT_WORKERS"] = workers
    if commands is not None:

        def post_worker_init(_worker: Any) -> None:
            cli_socket.start(app, commands)

        def worker_exit(_arbiter: Any, _worker: Any) -> None:
            cli_socket.stop(app)

        options["post_worker_init"] = post_worker_init
        options["worker_exit"] = worker_exit
    FundqueryServer(app, options).run()

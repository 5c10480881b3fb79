"""Commands carried out by the running server (issue 18): the CLI's side of fundquery.web.cli_socket.

While ``fundquery serve`` runs it holds the store (DESIGN.md §7) and listens on
``instance/fundquery.sock``.  A command typed then is sent there whole (argv,
working folder, USER, whether its streams are terminals) and the server runs
the same click command tree on a cursor of its own connection
(``common.ServerStore``); standard output and error come back as they are
written, then the exit code.  When nothing answers on the socket (no server,
or one that was killed) the command opens the store itself, as before.

Not carried out by the server: ``serve`` and ``demo`` (a synthetic county is
never written into a store that is being served: they say so, exit 3);
``backup`` (it already asks the running server for a snapshot over HTTP, issue 8)
and ``restore`` (it only ever writes a store that does not exist yet), which
run as they always did; ``--help`` and Flask's own ``routes`` and ``shell``.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from fundquery.cli.common import EXIT_BUSY, HANDLE, ServerStore, caller_cwd, db_path, instance_dir
from fundquery.web import cli_wire
from fundquery.web.cli_wire import (
    EXIT,
    HELLO,
    PROMPT,
    PROMPT_ANSWER,
    READ_STDIN,
    REFUSED,
    STDERR,
    STDIN_DATA,
    STDOUT,
    ChannelClosed,
)

# Commands that never go to the server, and what they say when one holds the store.
NOT_DELEGATED = {
    "serve": "网站服务已在运行并占用此数据库（命令套接字 {socket}）。/ A server already holds this store ({socket}).",
    "demo": (
        "演示数据不会写入正在服务的数据库：请先停止网站服务（或用 --db 指定另一个数据库）。"
        " / demo never writes a synthetic county into a store the server is serving: stop the server"
        " first, or give another --db."
    ),
}
RUN_HERE = {"backup", "restore", "routes", "shell"}
LOST = (
    "网站服务在执行本命令时停止了，命令可能没有做完。导入是一个事务：要么全部存入，要么完全没有"
    "（重启服务后用 fundquery batches 查看）。"
    " / The server stopped while carrying out the command; a load is stored entirely or not at all"
    " (see fundquery batches once the server is back)."
)


class CallerPath(click.Path):
    """A path argument read from the folder of the one who typed it, made absolute (the server has its own)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str | bytes | os.PathLike):
            text = os.fsdecode(value)
            if text and not (self.allow_dash and text == "-") and not os.path.isabs(text):
                value = os.path.normpath(os.path.join(caller_cwd(), text))
        return super().convert(value, param, ctx)


def absolute_paths(command: click.Command) -> None:
    """Every path parameter of the command tree reads from the caller's folder (new modules too)."""
    for param in command.params:
        if type(param.type) is click.Path:
            param.type.__class__ = CallerPath
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            absolute_paths(sub)


def socket_path() -> Path:
    return cli_wire.socket_path(instance_dir())


def _isatty(stream: Any) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _hello(argv: list[str]) -> dict:
    return {
        "argv": argv,
        "cwd": str(Path.cwd()),
        "db": str(db_path()),
        "env": {k: os.environ[k] for k in ("USER", "LOGNAME") if k in os.environ},
        "tty": {
            "stdin": _isatty(sys.stdin),
            "stdout": _isatty(sys.stdout),
            "stderr": _isatty(sys.stderr),
        },
    }


def _answer_prompt(request: dict) -> bytes:
    try:
        if request.get("hidden"):
            text = getpass.getpass(request["text"])
        else:
            text = input(request["text"])
    except EOFError:
        return json.dumps({"eof": True}).encode()
    return json.dumps({"text": text}).encode()


def _read_stdin(request: dict) -> bytes:
    stdin = sys.stdin.buffer
    if request.get("how") == "readline":
        return stdin.readline()
    n = request.get("n", -1)
    return stdin.read(n if n is not None and n >= 0 else -1)


def dispatch(command: str | None, argv: list[str]) -> int | None:
    """Have the server carry out ``argv``; its exit code, or None when no server answers (run here)."""
    if command is None or command in RUN_HERE or any(a in ("--help", "-h") for a in argv):
        return None
    path = socket_path()
    if not (path.exists() or path.is_socket()):
        return None
    try:
        sock = cli_wire.connect(path)
    except OSError:
        return None  # left by a server that was killed: the store is free to open
    with sock:
        if command in NOT_DELEGATED:
            click.echo(NOT_DELEGATED[command].format(socket=path), err=True)
            return EXIT_BUSY
        try:
            cli_wire.send(sock, HELLO, json.dumps(_hello(argv), ensure_ascii=False).encode())
            return _converse(sock)
        except (ChannelClosed, ConnectionResetError, BrokenPipeError):
            sys.stdout.flush()
            click.echo(LOST, err=True)
            return EXIT_BUSY


def _converse(sock) -> int | None:  # noqa: ANN001
    out, err = sys.stdout.buffer, sys.stderr.buffer
    while True:
        kind, payload = cli_wire.receive(sock)
        if kind == STDOUT:
            out.write(payload)
            out.flush()
        elif kind == STDERR:
            err.write(payload)
            err.flush()
        elif kind == READ_STDIN:
            cli_wire.send(sock, STDIN_DATA, _read_stdin(json.loads(payload)))
        elif kind == PROMPT:
            cli_wire.send(sock, PROMPT_ANSWER, _answer_prompt(json.loads(payload)))
        elif kind == EXIT:
            return int(json.loads(payload)["code"])
        elif kind == REFUSED:
            return None  # another store, or not the owner: the command opens its store itself


def _exit_code(code: Any) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    click.echo(str(code), err=True)
    return 1


def runner(
    root: click.Command, cursor: Callable[[], Any]
) -> Callable[[list[str], dict[str, Any]], int]:
    """What the server runs for a command line: the same command tree on its own connection's cursors."""

    def run(argv: list[str], hello: dict[str, Any]) -> int:
        token = HANDLE.set(ServerStore(cursor, hello["db"], hello["cwd"], hello.get("env") or {}))
        try:
            root.main(args=argv, prog_name="fundquery", standalone_mode=True)
        except SystemExit as exc:
            return _exit_code(exc.code)
        finally:
            HANDLE.reset(token)
        return 0

    return run

"""The server's command socket: `fundquery` commands carried out by the process that holds the store.

DuckDB lets one process hold the file (DESIGN.md §7).  While the server runs,
a `fundquery` command connects to ``instance/fundquery.sock`` (mode 0600; a
peer of another user is refused by its kernel credentials), sends its argv,
working folder and caller's environment, and the server runs the same command
functions on a cursor of its own connection (the runner that ``fundquery serve``
attaches), streaming standard output and error back and the exit code last.
Standard input is read on demand: a command that reads a line (``--password-stdin``)
or asks at a prompt makes the server ask the client, which answers from its own
stdin or terminal.

The socket is opened in the process that serves (gunicorn's worker, after the
fork: DuckDB is not fork-safe), removed on a clean exit, and one left by a
killed server (nobody answers on it) is replaced.  A socket that answers
belongs to a live server: it is left alone.

The frames and the way to a socket by its path are fundquery.web.cli_wire.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import socket
import struct
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click.termui
from flask import Flask

from fundquery.web.cli_wire import (
    EXIT,
    HELLO,
    PROMPT,
    READ_STDIN,
    REFUSED,
    STDERR,
    STDOUT,
    ChannelClosed,
    answers,
    receive,
    send,
    short_address,
    socket_path,
)

EXTENSION = "fundquery.web.cli_socket"

Runner = Callable[[list[str], dict[str, Any]], int]


# ---- standard streams routed per thread -------------------------------------------------------


class _Session:
    """One delegated command's connection: its streams and its way to ask for input."""

    def __init__(self, sock: socket.socket, tty: dict[str, bool]) -> None:
        self.sock = sock
        self.tty = tty
        self.lock = threading.Lock()  # rich or click may write from the command's thread only
        self.gone = False

    def write(self, kind: bytes, data: bytes) -> None:
        """Send output; once the client has gone (Ctrl-C, a closed terminal) it is dropped and the
        command carries on to its end, as a web upload does when its browser is closed."""
        with self.lock:
            if self.gone:
                return
            try:
                send(self.sock, kind, data)
            except OSError:
                self.gone = True

    def ask(self, kind: bytes, request: dict) -> bytes:
        """Input from the client; with the client gone there is none (EOF for the command)."""
        with self.lock:
            if self.gone:
                raise EOFError
            try:
                send(self.sock, kind, json.dumps(request).encode())
                _kind, payload = receive(self.sock)
            except OSError as exc:
                self.gone = True
                raise EOFError from exc
        return payload


_local = threading.local()


def _session() -> _Session | None:
    return getattr(_local, "session", None)


class _RoutedBinary:
    def __init__(self, name: str, kind: bytes, original: Any) -> None:
        self._name, self._kind, self._original = name, kind, original

    def write(self, data: bytes) -> int:
        session = _session()
        if session is None:
            return self._original.write(data)
        session.write(self._kind, bytes(data))
        return len(data)

    def flush(self) -> None:
        if _session() is None:
            self._original.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._original, name)


class _RoutedText:
    """sys.stdout / sys.stderr / sys.stdin of the serving process: a delegated command's thread reads and
    writes its client's streams, every other thread the process's own."""

    def __init__(self, name: str, original: Any) -> None:
        self._name = name
        self._original = original
        kind = STDOUT if name == "stdout" else STDERR
        self._kind = kind
        self.buffer = _RoutedBinary(name, kind, getattr(original, "buffer", original))

    # output
    def write(self, text: str) -> int:
        session = _session()
        if session is None:
            return self._original.write(text)
        session.write(self._kind, text.encode("utf-8"))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if _session() is None:
            self._original.flush()

    # input
    def readline(self, limit: int = -1) -> str:
        session = _session()
        if session is None:
            return self._original.readline(limit)
        try:
            return session.ask(READ_STDIN, {"how": "readline"}).decode("utf-8")
        except EOFError:
            return ""

    def read(self, n: int = -1) -> str:
        session = _session()
        if session is None:
            return self._original.read(n)
        try:
            return session.ask(READ_STDIN, {"how": "read", "n": n}).decode("utf-8")
        except EOFError:
            return ""

    def isatty(self) -> bool:
        session = _session()
        if session is None:
            return self._original.isatty()
        return bool(session.tty.get(self._name))

    def fileno(self) -> int:
        if _session() is not None:
            raise OSError("a delegated command's stream has no file descriptor")
        return self._original.fileno()

    @property
    def encoding(self) -> str:
        return "utf-8" if _session() is not None else self._original.encoding

    @property
    def errors(self) -> str:
        return "strict" if _session() is not None else self._original.errors

    def writable(self) -> bool:
        return self._name != "stdin"

    def readable(self) -> bool:
        return self._name == "stdin"

    def __getattr__(self, name: str) -> Any:
        return getattr(self._original, name)


def _routed_prompt(original: Callable[[str], str], hidden: bool) -> Callable[[str], str]:
    def prompt(text: str) -> str:
        session = _session()
        if session is None:
            return original(text)
        answer = json.loads(session.ask(PROMPT, {"text": text, "hidden": hidden}))
        if answer.get("eof"):
            raise EOFError
        return answer["text"]

    return prompt


def _route_streams() -> None:
    """Install the per-thread routing once per process (idempotent)."""
    for name in ("stdout", "stderr", "stdin"):
        current = getattr(sys, name)
        if not isinstance(current, _RoutedText):
            setattr(sys, name, _RoutedText(name, current))
    if not getattr(click.termui, "_fundquery_routed", False):
        # click looks these two up when it prompts; a delegated command's prompt is the client's.
        click.termui.visible_prompt_func = _routed_prompt(click.termui.visible_prompt_func, False)
        click.termui.hidden_prompt_func = _routed_prompt(click.termui.hidden_prompt_func, True)
        click.termui._fundquery_routed = True


# ---- the listener ------------------------------------------------------------------------------


class CommandSocket:
    """The socket of one app: where it is, the runner that carries commands out, the listening thread."""

    def __init__(self, app: Flask, path: Path) -> None:
        self.app = app
        self.path = path
        self.runner: Runner | None = None
        self._pid: int | None = None
        self._inode: int | None = None
        self._sock: socket.socket | None = None

    def start(self, runner: Runner) -> bool:
        """Listen (in this process, after any fork); False when another live server has the socket."""
        self.runner = runner
        if self._pid == os.getpid():
            return True
        if self.path.exists() or self.path.is_socket():
            if answers(self.path):
                self.app.logger.error(
                    "命令套接字 %s 已有服务在用：本进程不接收命令行命令。/ %s is answered by another server.",
                    self.path,
                    self.path,
                )
                return False
            self.path.unlink(missing_ok=True)  # left by a server that was killed
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        temporary.unlink(missing_ok=True)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        address, fd = short_address(temporary)
        try:
            sock.bind(address)
        finally:
            if fd is not None:
                os.close(fd)
        os.chmod(temporary, 0o600)  # before it has its name: the owner only, from the start
        os.replace(temporary, self.path)
        sock.listen(16)
        self._sock = sock
        self._pid = os.getpid()
        self._inode = self.path.stat().st_ino
        _route_streams()
        threading.Thread(target=self._accept, name="cli-socket", daemon=True).start()
        self.app.logger.info("命令套接字 / command socket: %s", self.path)
        return True

    def stop(self) -> None:
        """Remove the socket if it is still this process's own (clean exit)."""
        if self._pid != os.getpid():
            return
        with contextlib.suppress(OSError):
            if self.path.stat().st_ino == self._inode:
                self.path.unlink()
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
        self._pid = None

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(
                target=self._serve, args=(conn,), name="cli-command", daemon=True
            ).start()

    def _refuse(self, conn: socket.socket, message: str) -> None:
        with contextlib.suppress(OSError):
            send(conn, REFUSED, json.dumps({"message": message}, ensure_ascii=False).encode())

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            _pid, uid, _gid = struct.unpack(
                "3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
            )
            if uid not in (os.getuid(), 0):
                self.app.logger.warning("命令套接字拒绝了用户 uid %s / refused uid %s", uid, uid)
                self._refuse(conn, "只有运行网站服务的用户可以使用命令套接字。/ Owner only.")
                return
            try:
                kind, payload = receive(conn)
            except (ChannelClosed, OSError):
                return
            if kind != HELLO:
                return
            hello = json.loads(payload)
            if not _same_file(hello.get("db"), self.app.config["DATABASE"]):
                self._refuse(
                    conn,
                    f"网站服务使用的是数据库 {self.app.config['DATABASE']}，不是 {hello.get('db')}。"
                    f" / The server holds {self.app.config['DATABASE']}, not {hello.get('db')}.",
                )
                return
            self._run(conn, hello)

    def _run(self, conn: socket.socket, hello: dict) -> None:
        # Standard error is never a terminal here: rich draws a spinner from a thread of its own, which
        # would write to the server's log; a load shows its stages as lines instead ("阶段 stage: …").
        session = _Session(conn, {**(hello.get("tty") or {}), "stderr": False})
        _local.session = session
        code = 1
        try:
            code = self.runner(list(hello["argv"]), hello)
        except Exception:  # a traceback for the one who asked, as the command would print it
            with contextlib.suppress(OSError):
                session.write(STDERR, traceback.format_exc().encode("utf-8"))
            self.app.logger.exception("delegated command %s failed", hello["argv"][:1])
        finally:
            _local.session = None
        if session.gone:
            self.app.logger.warning(
                "命令行客户端在命令执行中断开，命令已执行完毕（退出码 %s）/ the client left; the"
                " command ran to its end (exit %s): %s",
                code,
                code,
                hello["argv"][:1],
            )
        with contextlib.suppress(OSError):
            send(conn, EXIT, json.dumps({"code": code}).encode())


def _same_file(a: str | None, b: str) -> bool:
    try:
        return bool(a) and os.path.samefile(a, b)
    except OSError:
        return False


def init_app(app: Flask) -> None:
    """Attach the command socket (instance/fundquery.sock); it listens once ``start`` gives it a
    runner in the serving process (``fundquery serve`` does)."""
    app.extensions[EXTENSION] = CommandSocket(app, socket_path(app.instance_path))


def start(app: Flask, runner: Runner) -> bool:
    """Listen for commands in this process; removed again at exit."""
    command_socket: CommandSocket = app.extensions[EXTENSION]
    started = command_socket.start(runner)
    if started:
        atexit.register(command_socket.stop)
    return started


def stop(app: Flask) -> None:
    app.extensions[EXTENSION].stop()

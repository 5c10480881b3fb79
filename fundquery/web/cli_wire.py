"""The command socket's wire (issue 18): frames both ways, and how to reach a socket by its path.

A frame is one byte of type, four bytes of length (big-endian), the payload.  The
client opens with HELLO (a JSON object: argv, cwd, db, env, tty); the server
answers with output frames, requests for input, and EXIT (or REFUSED).
"""

from __future__ import annotations

import os
import socket
import struct
from pathlib import Path

SOCKET_NAME = "fundquery.sock"

# client -> server
HELLO, STDIN_DATA, PROMPT_ANSWER = b"H", b"I", b"P"
# server -> client
STDOUT, STDERR, READ_STDIN, PROMPT, EXIT, REFUSED = b"O", b"E", b"R", b"Q", b"X", b"N"

_HEAD = struct.Struct(">cI")
MAX_FRAME = 16 * 1024 * 1024


class ChannelClosed(ConnectionError):
    """The other end went away."""


def send(sock: socket.socket, kind: bytes, payload: bytes = b"") -> None:
    sock.sendall(_HEAD.pack(kind, len(payload)) + payload)


def _exactly(sock: socket.socket, n: int) -> bytes:
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ChannelClosed("closed")
        data += chunk
    return bytes(data)


def receive(sock: socket.socket) -> tuple[bytes, bytes]:
    kind, length = _HEAD.unpack(_exactly(sock, _HEAD.size))
    if length > MAX_FRAME:
        raise ChannelClosed(f"frame of {length} bytes")
    return kind, _exactly(sock, length)


def short_address(path: Path) -> tuple[str, int | None]:
    """An address for ``path`` that fits a Unix socket's 107 bytes: the path, or /proc/self/fd/N/name."""
    if len(os.fsencode(path)) < 100:
        return str(path), None
    fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    return f"/proc/self/fd/{fd}/{path.name}", fd


def connect(path: Path, timeout: float | None = 5) -> socket.socket:
    """A connected client socket to ``path``; OSError when nothing answers there."""
    address, fd = short_address(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(address)
        sock.settimeout(None)
    except OSError:
        sock.close()
        raise
    finally:
        if fd is not None:
            os.close(fd)
    return sock


def answers(path: Path) -> bool:
    """True when a live server listens on ``path``."""
    try:
        connect(path, timeout=2).close()
    except OSError:
        return False
    return True


def socket_path(instance_path: str | os.PathLike) -> Path:
    """Where the server listens for commands: ``fundquery.sock`` in the instance folder."""
    return Path(instance_path) / SOCKET_NAME

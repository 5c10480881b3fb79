"""Read an untrusted xls or ods in a child process under a memory limit, so a hostile file cannot take the caller down.

An xlsx has its extent checked from its XML before calamine sees it (etl.xlsx).
The other formats calamine reads size their grids by rules of their own that no
scan here could follow exactly: an xls cell record carries a 16-bit column
(Excel stops at 256, calamine does not: a 5.6 KB xls with one cell in column
65,536 makes it abort the process), and an ods row or cell may be repeated
(49 M cells of a 0.8 KB ods cost 3 GB; calamine's own limit is 100 M cells).
So these files are read by a fresh interpreter (``python -m etl.isolated``)
whose address space is limited (``resource.RLIMIT_AS``): a file that needs
more ends that process, with SIGABRT or a MemoryError, never the server or the
command that asked, and the caller gets a sentence (``UnreadableFile``).

A fresh interpreter, not a fork: the caller may hold DuckDB, which is not
fork-safe (DESIGN.md §7).  The child returns what the reader returned (an
``Extract``, the sheets' first rows) or the exception it raised, pickled.
"""

from __future__ import annotations

import pickle
import resource
import subprocess
import sys
from pathlib import Path

from etl import workbook
from etl.extract import UnreadableFile

# The largest xls Excel writes (65,536 rows by 256 columns, 16.8 M cells) reads in 1.2 GB of memory.
ADDRESS_SPACE_BYTES = 3 << 30
READ_SECONDS = 300
MEMORY_EXIT = 3  # the child's exit status on a MemoryError
_CALLS = {"read_workbook": workbook.read_workbook, "heads": workbook.calamine_heads}


def _too_large(name: str) -> UnreadableFile:
    limit = ADDRESS_SPACE_BYTES >> 20
    return UnreadableFile(
        f"文件 {name} 无法在 {limit:,} MB 内存内读取：表格范围过大（可能有远处的零散单元格）或文件是恶意构造的。"
        "请删除多余的行列，或另存为 .xlsx 后再上传。"
        f" / {name} cannot be read within {limit:,} MB of memory: a sheet spans too far (a stray cell far"
        " away?) or the file is hostile. Delete the stray rows and columns, or save it as .xlsx and upload again."
    )


def call(function: str, path: Path, name: str, *args: object) -> object:
    """``etl.workbook.<function>(path, ..., name, ...)`` run in a child process under the memory limit."""
    request = pickle.dumps((function, (path, *args)))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "etl.isolated"],
            input=request,
            capture_output=True,
            timeout=READ_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise UnreadableFile(
            f"文件 {name} 在 {READ_SECONDS} 秒内未能读完，已停止：请另存为 .xlsx 后再上传。"
            f" / {name} could not be read in {READ_SECONDS} s and was stopped: save it as .xlsx and upload again."
        ) from exc
    if (
        done.returncode < 0 or done.returncode == MEMORY_EXIT
    ):  # SIGABRT: calamine could not allocate
        raise _too_large(name)
    if done.returncode != 0 or not done.stdout:  # e.g. a panic in calamine on a damaged file
        last = (done.stderr.decode(errors="replace").strip().splitlines() or ["?"])[-1]
        raise workbook.damaged(name, last[:300])
    ok, outcome = pickle.loads(done.stdout)  # noqa: S301 - written by our own child, just above
    if ok:
        return outcome
    raise outcome


def read_workbook(
    path: Path,
    fmt: str,
    kind: str | None,
    name: str,
    mapping: dict[str, str] | None,
    values: dict[str, str] | None = None,
):
    """etl.workbook.read_workbook, in the child."""
    return call("read_workbook", path, name, fmt, kind, name, mapping, values)


def heads(path: Path, name: str) -> list[list[list[str | None]]]:
    """etl.workbook.calamine_heads, in the child."""
    return call("heads", path, name, name)


def _child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))
    function, args = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 - from our parent
    try:
        result = (True, _CALLS[function](*args))
    except UnreadableFile as exc:
        result = (False, exc)
    except MemoryError:
        sys.exit(MEMORY_EXIT)
    out = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _child()

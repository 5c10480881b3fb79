"""GBK bytes to UTF-8 on every core: glibc's iconv through ctypes, which lets go of the GIL.

pyarrow's GB18030 read decodes with CPython's codec, on one thread and holding the GIL.  Here the
file is cut just after a line feed into one part per core (a GBK trail byte is 0x40-0x7E or
0x80-0xFE, never 0x0A, so no character is cut) and each part is transcoded by iconv in its own
thread; pyarrow then parses the UTF-8 on every core.

The text must be exactly what Python's ``gb18030`` codec makes of the file, errors included, so
iconv is only trusted where the two were compared code by code (tests/test_etl_transcode.py):

- glibc's ``GB18030`` follows the 2005 table, which maps 25 two-byte codes (A6D9-A6F3, A8BC,
  FE51-FEA0) to real characters where Python keeps the 2000 table's private-use code points;
- glibc's ``GBK`` agrees with Python's ``gb18030`` on every one- and two-byte code it accepts,
  and refuses the rest (the user-defined areas, A2E3 €, 79 rare codes, the four-byte codes),
  except a lone 0x80, which it reads as € where Python refuses it.

So ``GBK`` is used, and a € in its text (which only a lone 0x80 gives) is not trusted; a part
iconv refuses gives None too, and the caller decodes with Python, whose error or text is the
reference.  An Excel "CSV" saved on a Chinese Windows is CP936 (GBK), which has no four-byte
codes, so it takes this path.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct

import pyarrow as pa
import pyarrow.compute as pc

from etl.extract import POOL

_FAILED = ctypes.c_size_t(-1).value


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.iconv_open.restype = ctypes.c_void_p
        libc.iconv_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        libc.iconv.restype = ctypes.c_size_t
        pointer, size = ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t)
        libc.iconv.argtypes = [ctypes.c_void_p, pointer, size, pointer, size]
        libc.iconv_close.argtypes = [ctypes.c_void_p]
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _libc()


def cuts(data: bytes, parts: int) -> list[int]:
    """Offsets that cut ``data`` into at most ``parts`` pieces, each cut just after a line feed."""
    bounds = [0]
    for k in range(1, parts):
        at = data.find(b"\n", max(bounds[-1], len(data) * k // parts))
        if at < 0:
            break
        if at + 1 < len(data):
            bounds.append(at + 1)
    return [*bounds, len(data)]


def gbk_to_utf8(data: bytes, parts: int | None = None) -> pa.Buffer | None:
    """UTF-8 of GBK text as Python's gb18030 codec decodes it; None: decode it with Python."""
    if _LIBC is None:
        return None
    bounds = cuts(data, parts or os.cpu_count() or 2)
    source = pa.py_buffer(data)
    # A GBK character is one byte (ASCII, one UTF-8 byte) or two (at most three UTF-8 bytes).
    room = [(hi - lo) * 3 // 2 + 4 for lo, hi in zip(bounds, bounds[1:], strict=False)]
    out = pa.allocate_buffer(sum(room), resizable=True)
    starts = [sum(room[:k]) for k in range(len(room))]
    written = list(
        POOL.map(
            lambda k: _iconv(
                source.address + bounds[k],
                bounds[k + 1] - bounds[k],
                out.address + starts[k],
                room[k],
            ),
            range(len(room)),
        )
    )
    if None in written:
        return None
    end = written[0]
    for k in range(1, len(written)):
        ctypes.memmove(out.address + end, out.address + starts[k], written[k])
        end += written[k]
    out.resize(end, shrink_to_fit=True)  # the room left over given back (about a quarter)
    if b"\x80" in data and _has_euro(out):
        return None  # a lone 0x80 (a trail byte 0x80, as in 個 8280, is read as Python reads it)
    return out


def _has_euro(text: pa.Buffer) -> bool:
    offsets = pa.py_buffer(struct.pack("<qq", 0, text.size))
    whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, text])
    return pc.count_substring(whole, "€")[0].as_py() > 0


def _iconv(src: int, size: int, dst: int, room: int) -> int | None:
    """Bytes written at ``dst`` from GBK at ``src``, or None where iconv refuses a byte."""
    cd = _LIBC.iconv_open(b"UTF-8", b"GBK")
    if cd is None or cd == _FAILED:
        return None
    try:
        inp, left = ctypes.c_void_p(src), ctypes.c_size_t(size)
        outp, free = ctypes.c_void_p(dst), ctypes.c_size_t(room)
        done = _LIBC.iconv(
            cd, ctypes.byref(inp), ctypes.byref(left), ctypes.byref(outp), ctypes.byref(free)
        )
        if done == _FAILED or left.value:
            return None  # an invalid or truncated sequence (EILSEQ, EINVAL), or no room (E2BIG)
        return room - free.value
    finally:
        _LIBC.iconv_close(cd)

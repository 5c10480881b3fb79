"""GBK transcoded by glibc's iconv on two threads gives exactly Python's gb18030 text (etl.transcode).

Python's codec is the reference: where iconv would read a byte sequence otherwise (or refuse one
Python reads), the fast path must give None so that the caller decodes with Python.
"""

from __future__ import annotations

import unicodedata

import pytest

from etl.extract import UnreadableFile
from etl.read import read
from etl.transcode import cuts, gbk_to_utf8
from tests.sheets import PAY_HEADER, pay_row

LEADS = range(0x81, 0xFF)


def _python(data: bytes) -> bytes | None:
    try:
        return data.decode("gb18030").encode("utf-8")
    except UnicodeDecodeError:
        return None


def _fast(data: bytes, parts: int | None = None) -> bytes | None:
    out = gbk_to_utf8(data, parts)
    return None if out is None else out.to_pybytes()


def _private(code: bytes) -> bool:
    return any(unicodedata.category(ch) == "Co" for ch in code.decode("gb18030"))


# What glibc's GBK refuses though Python reads it (apart from the private-use codes): € (A2E3), ǹ
# (A8BF), 〾 and the ideographic description characters (A989-A995), and the FE row (radicals, CJK
# extension A), which GB18030 added to GBK.  Python decodes them.
REFUSED = {b"\xa2\xe3", b"\xa8\xbf", *(bytes([0xA9, t]) for t in range(0x89, 0x96))}


def _fast_path(code: bytes) -> bool:
    """A two-byte code Python maps to a character that iconv must read itself."""
    return (
        len(code) == 2
        and code[0] != 0xFE
        and code not in REFUSED
        and _python(code) is not None
        and not _private(code)
    )


def test_every_gbk_character_but_a_few_rare_ones_is_read_by_iconv_as_python_reads_it():
    """GBK's characters outside the private-use area, in one stream: iconv's text is Python's."""
    codes = [bytes([lead, trail]) for lead in LEADS for trail in range(0x40, 0xFF)]
    kept = [c for c in codes if _fast_path(c)]
    assert len(kept) > 21_700  # GBK's 21,886 characters, less the few above
    blob = b"\n".join(kept)
    assert _fast(blob) == _python(blob)


def test_every_other_one_and_two_byte_code_is_python_s_or_left_to_python():
    """The private-use codes (where glibc's GB18030 differs), the invalid ones and single bytes (0x80):
    iconv's text is Python's, or there is none and Python decodes."""
    codes = [bytes([b]) for b in range(256)]
    codes += [bytes([lead, trail]) for lead in LEADS for trail in range(256)]
    others = [code for code in codes if not _fast_path(code)]
    assert len(others) > 10_000
    for code in others:
        assert _fast(code, 1) in (None, _python(code)), code.hex()


@pytest.mark.parametrize("step", range(1, 190_000, 997))
def test_four_byte_codes_are_python_s_or_left_to_python(step):
    """A sample of GB18030's four-byte codes (every 997th of the first 190,000)."""
    for n in range(step, step + 20):
        b4, k = 0x30 + n % 10, n // 10
        b3, k = 0x81 + k % 126, k // 126
        b2, b1 = 0x30 + k % 10, 0x81 + k // 10
        code = bytes([b1, b2, b3, b4])
        assert _fast(code, 1) in (None, _python(code)), code.hex()


def test_a_cut_lands_just_after_a_line_feed_never_inside_a_character():
    """The middle of the bytes falls inside 四 (its lead byte before, its trail byte after): the cut
    moves on to the line end; cutting in the middle would leave both halves undecodable."""
    data = "张三李四\n王五\n".encode("gbk")
    middle = len(data) // 2
    assert data[middle - 1 : middle + 1] == "四".encode("gbk")
    assert cuts(data, 2) == [0, data.index(b"\n") + 1, len(data)]
    assert _fast(data, 2) == _python(data)
    # four parts of a longer text, every cut after a line feed, the text joined in order
    text = "".join(f"第{n}行,王{n}五,补贴\n" for n in range(1_000)).encode("gbk")
    at = cuts(text, 4)
    assert len(at) == 5 and all(text[c - 1 : c] == b"\n" for c in at[1:-1])
    assert _fast(text, 4) == _python(text)


def test_a_byte_sequence_not_gbk_in_the_second_part_leaves_it_to_python():
    first = "张三,100\n".encode("gbk") * 50
    assert _fast(first + b"\x81\x20,abc\n", 2) is None
    half = "李四".encode("gbk")[:-1]  # 四's lead byte alone
    assert _python(first + half + b"\n") is None and _fast(first + half + b"\n", 2) is None
    assert _python(first + half) is None and _fast(first + half, 2) is None  # at the very end


def test_a_file_whose_second_half_is_not_text_is_refused_as_before(tmp_path):
    """Past the first 800 KB the head check does not see it: the whole read must refuse it."""
    lines = [",".join(PAY_HEADER)] + [",".join(pay_row(n)) for n in range(1, 9_001)]
    body = "\r\n".join(lines).encode("gbk")
    assert len(body) > 800_000
    path = tmp_path / "p.csv"
    path.write_bytes(body + b"\r\n\x81\x20,abc\r\n")
    with pytest.raises(UnreadableFile, match="既不是 UTF-8 也不是 GBK"):
        read(path, "payments")
    path.write_bytes(body)
    assert read(path, "payments").table.num_rows == 9_000


def test_private_use_and_four_byte_names_read_as_python_reads_them(tmp_path):
    """A6D9 and FE51 (glibc's GB18030 reads ︐ and 𠂇) and a four-byte 㐀: Python's text."""
    names = ["\ue78d张", "李\ue816", "王㐀"]
    lines = [",".join(PAY_HEADER)] + [
        ",".join(pay_row(n + 1, name=name)) for n, name in enumerate(names)
    ]
    path = tmp_path / "p.csv"
    path.write_bytes("\r\n".join(lines).encode("gb18030"))
    assert path.read_bytes().find(b"\xa6\xd9") > 0 and path.read_bytes().find(b"\xfe\x51") > 0
    assert read(path, "payments").table["name"].to_pylist() == names

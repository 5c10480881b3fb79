"""etl.peek: the header found from the first rows only is the one the full read finds; samples are masked."""

from __future__ import annotations

import codecs

import pytest

from etl.peek import CSV_HEAD_BYTES, mask_sample, peek
from etl.read import read
from tests.sheets import PAY_HEADER, make_id, pay_row, write_csv, write_xls, write_xlsx


def write_utf16(path, rows: list[list], codec: str):
    """A csv in UTF-16 with its byte-order mark first, as Excel saves "Unicode 文本"."""
    write_csv(path, rows, codec)
    path.write_bytes("\ufeff".encode(codec) + path.read_bytes())
    return path


ROWS = [["2024年耕地地力保护补贴发放清册"], [], PAY_HEADER, pay_row(1), pay_row(2, name="李四")]


@pytest.mark.parametrize(
    ("writer", "name", "rows"),
    [
        (write_xlsx, "a.xlsx", ROWS),
        (write_xlsx, "offset.xlsx", [[None, *r] for r in ROWS]),  # the form starts in column B
        (write_xls, "a.xls", ROWS),
        (lambda p, r: write_csv(p, r, "gbk"), "a.csv", ROWS),
        # Excel's "Unicode 文本": UTF-16 with its byte-order mark; a line end is two bytes
        (lambda p, r: write_utf16(p, r, "utf-16-le"), "a.txt", ROWS),
        (lambda p, r: write_utf16(p, r, "utf-16-be"), "a.txt", ROWS),
    ],
    ids=["xlsx", "xlsx-column-b", "xls", "csv-gbk", "csv-utf16le", "csv-utf16be"],
)
def test_peek_finds_the_header_the_read_finds(tmp_path, writer, name, rows):
    path = writer(tmp_path / name, rows)
    full = read(path, "payments").match
    seen = peek(path, "payments")
    assert seen.match.fingerprint == full.fingerprint and seen.match.labels == full.labels
    by_header = {seen.match.labels[p]: v for p, v in seen.samples.items()}
    assert by_header["姓名"] == ["张三", "李四"]
    assert by_header["身份证号"] == [mask_sample(make_id(seq=1)), mask_sample(make_id(seq=2))]
    assert all(make_id(seq=n) not in str(seen.samples) for n in (1, 2))


def test_mask_sample_hides_id_card_and_phone_numbers():
    assert mask_sample("110105198001010032") == "110105********0032"
    assert mask_sample("13812345678") == "138****5678"
    assert mask_sample("6217001234567890123").count("*") >= 9
    assert mask_sample("东风村") == "东风村" and mask_sample("6025.00") == "6025.00"


def test_a_long_utf16_csv_is_cut_at_a_line_end_not_inside_two_characters(tmp_path):
    """peek reads the first 256 KB.  In UTF-16 LE "ੁ一" is 41 0A 00 4E: a line end's bytes 0A 00 at an odd
    place, inside two characters.  A line of them across the 256 KB must be left out whole, the cut made
    at the real line end before it; the header is the one the full read finds."""
    head = "\r\n".join(",".join(r or []) for r in ROWS) + "\r\n"
    filler = "备注\r\n" * ((CSV_HEAD_BYTES // 2 - len(head)) // 4 - 100)
    text = head + filler + "ੁ一" * 400 + "\r\n" + "备注\r\n" * 10
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode("utf-16"))
    first = path.read_bytes()[:CSV_HEAD_BYTES]
    assert codecs.BOM_UTF16_LE == first[:2] and first.rfind(b"\n\x00") % 2 == 1  # the trap is there
    full = read(path, "payments").match
    assert peek(path, "payments").match.labels == full.labels

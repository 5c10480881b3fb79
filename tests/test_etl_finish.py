"""The reader's last step (etl.extract.finish): total rows found by a byte search first (issue 14)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from etl import extract
from etl.extract import mentions


@pytest.mark.parametrize(
    ("column", "found"),
    [
        (pa.array(["张三", "合计", None]), True),
        (pa.chunked_array([pa.array(["张三"]), pa.array([None, "小计："])]), True),
        (pa.chunked_array([pa.array(["张三", "计划"], pa.large_string())]), True),
        (pa.array(["张三", "李四", None]), False),
        (pa.nulls(3, pa.string()), False),
        (pa.chunked_array([], pa.string()), False),
        (pa.array(["", ""]), False),
    ],
    ids=[
        "one-cell",
        "a-later-chunk",
        "large-string",
        "none",
        "all-blank",
        "no-chunks",
        "empty-text",
    ],
)
def test_mentions_says_no_only_when_no_cell_holds_the_text(column, found):
    assert mentions(column, "计") is found


def test_a_slice_is_a_maybe_and_the_total_rows_stay_exact():
    """Text beyond a slice lies in its data too: mentions may say yes, and the per-cell check then finds
    no total row in the slice itself."""
    whole = pa.array(["张三", "李四", "合计"])
    part = pa.chunked_array([whole.slice(0, 2)])
    assert mentions(part, "计")
    assert extract._total_cells(part).to_pylist() == [False, False]
    assert extract._total_cells(pa.chunked_array([whole])).to_pylist() == [False, False, True]


def test_the_scan_reads_bytes_not_cells(monkeypatch):
    """No per-cell kernel runs for a column without the text (the cost this replaced: 0.3 CPU s for a
    million-row roster's fourteen columns)."""
    calls = []
    original = extract.pc.match_substring

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(extract.pc, "match_substring", counted)
    assert extract._total_cells(pa.chunked_array([pa.array(["张三"] * 1000)])) is None
    assert calls == []


@pytest.mark.parametrize(("first", "count"), [(3, 1_000), (1, 0), (1_048_575, 2)])
def test_row_numbers_are_the_spreadsheets_as_int32(first, count):
    """The reader's ``_row``: the same numbers a Python range gives, made in numpy (a million from a range
    cost 0.1 s)."""
    numbers = extract.row_numbers(first, count)
    assert numbers.type == pa.int32()
    assert numbers.to_pylist() == list(range(first, first + count))

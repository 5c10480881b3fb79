"""fastexcel's columns are turned into text a column per core (etl.workbook, issue 14)."""

from __future__ import annotations

import threading

from etl import workbook
from etl.read import read
from tests.sheets import PAY_HEADER, make_id, pay_row, write_xlsx


def test_each_column_is_converted_in_the_readers_pool(tmp_path, monkeypatch):
    """Numbers and dates made text, and text normalised, in etl.extract.POOL's threads rather than one after
    another in the caller's (pyarrow lets go of the GIL, so a second core takes half the columns); the
    text is what the reader gave before."""
    threads = set()
    original = workbook._distinct_text

    def recorded(arr):
        threads.add(threading.current_thread().name)
        return original(arr)

    rows = [
        pay_row(s, name="张  三", id_number=make_id(seq=s), amount=10.5 + s) for s in range(1, 30)
    ]
    path = write_xlsx(tmp_path / "p.xlsx", [["2024年补贴发放清册"], PAY_HEADER, *rows])
    monkeypatch.setattr(workbook, "_distinct_text", recorded)
    extract = read(path, "payments")
    assert threads and all(name.startswith("fundquery-read") for name in threads), threads
    assert extract.table["name"].to_pylist()[0] == "张 三"  # normalised: one space
    assert extract.table["amount_yuan"].to_pylist()[:2] == ["11.5", "12.5"]

"""What the personal-number scan (issue 15, etl/personal.py) costs on a million rows.

    .venv/bin/python bench/personal_bench.py [--rows 1000000] [--planted 100]

(1) The upload rule ``personal_data_in_text``: its queries over an ``incoming`` of
``--rows`` payment rows (every text and code column of the payments spec, as the
loader builds it), ``--planted`` of them carrying a mobile, an ID or a card number;
the time is what the rule adds to validation.  (2) The worst case: one column where
every cell is a candidate (an 18-digit number), so Python checks every row.
(3) The masking on the way out: ``masked_row()`` over the text cells of ``--rows``
public payment rows (what a full CSV/XLSX/JSON download now does).

A benchmark, not a test: it prints figures and fails only when a count is wrong.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl import personal  # noqa: E402
from etl.rulequeries import personal_in_text  # noqa: E402
from etl.specs import SPECS  # noqa: E402


def _incoming(con: duckdb.DuckDBPyConnection, rows: int) -> list[str]:
    """A temp ``incoming`` with the payments spec's text and code columns, realistic values."""
    spec = SPECS["payments"]
    names = [c.name for c in spec.columns if c.type in ("text", "code")]
    values = {
        "fund_code": "'F2024' || lpad(CAST(i % 40 AS VARCHAR), 3, '0')",
        "period": "'2024-' || lpad(CAST(1 + i % 12 AS VARCHAR), 2, '0')",
        "township": "'城关镇' || CAST(i % 16 AS VARCHAR)",
        "village": "'东风村' || CAST(i % 400 AS VARCHAR)",
        "village_group": "CAST(1 + i % 12 AS VARCHAR) || '组'",
        "name": "'张' || chr(CAST(19968 + i % 20000 AS INTEGER))",
        "household_no": "'H' || lpad(CAST(i // 4 AS VARCHAR), 7, '0')",
        "bank_account": "'6228480' || lpad(CAST(i AS VARCHAR), 12, '0')",
        "voucher_no": "'PZ2024-' || lpad(CAST(i % 5000 AS VARCHAR), 4, '0')",
    }
    cols = ", ".join(f'{values.get(n, "NULL")} AS "{n}__raw"' for n in names)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE incoming AS SELECT i + 3 AS _row, {cols} FROM range({rows}) t(i)"  # noqa: S608
    )
    return names


def _plant(con: duckdb.DuckDBPyConnection, rows: int, planted: int) -> None:
    rng = random.Random(7)
    numbers = ["13912345678", "411524198506120758", "6222021234567894"]
    for k, row in enumerate(rng.sample(range(rows), planted)):
        column = ("name", "village_group", "household_no")[k % 3]
        con.execute(
            f'UPDATE incoming SET "{column}__raw" = concat("{column}__raw", \' \', ?) WHERE _row = ?',  # noqa: S608
            [numbers[k % 3], row + 3],
        )


def _rule(con: duckdb.DuckDBPyConnection) -> tuple[float, int]:
    t0 = time.perf_counter()
    found = 0
    for _column, sql in personal_in_text(SPECS["payments"]):
        found += con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]  # noqa: S608
    return time.perf_counter() - t0, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--planted", type=int, default=100)
    args = parser.parse_args(argv)
    con = duckdb.connect()
    personal.register(con)
    t0 = time.perf_counter()
    names = _incoming(con, args.rows)
    _plant(con, args.rows, args.planted)
    print(
        f"incoming: {args.rows:,} rows × {len(names)} text/code columns in {time.perf_counter() - t0:.1f} s"
    )

    seconds, found = _rule(con)
    print(
        f"(1) rule personal_data_in_text over {len(names) - 1} scanned columns: {seconds:.2f} s,"
        f" {found} findings ({args.planted} planted)"
    )
    ok = found == args.planted

    con.execute(
        "UPDATE incoming SET voucher_no__raw = CAST(411524000000000000 + _row * 7919 AS VARCHAR)"
    )
    t0 = time.perf_counter()
    worst = con.execute(
        "SELECT count(*) FROM (" + dict(personal_in_text(SPECS["payments"]))["voucher_no"] + ")"  # noqa: S608
    ).fetchone()[0]
    print(
        f"(2) worst case, every voucher_no an 18-digit number: {time.perf_counter() - t0:.2f} s"
        f" for one column ({worst:,} of them pass a check and are flagged)"
    )

    con.execute(
        "UPDATE incoming SET voucher_no__raw = 'PZ2024-' || lpad(CAST(_row % 5000 AS VARCHAR), 4, '0')"
    )
    cells = con.execute(
        'SELECT "period__raw", "township__raw", "village__raw", "village_group__raw", "name__raw",'
        ' "household_no__raw", "voucher_no__raw" FROM incoming WHERE _row % 7 <> 0'
    ).fetchall()
    t0 = time.perf_counter()
    masked = sum(personal.masked_row(row, list(range(7))) is not row for row in cells)
    print(
        f"(3) masked_row() over {len(cells):,} public rows × 7 text cells: {time.perf_counter() - t0:.2f} s"
        f" ({masked} rows masked)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

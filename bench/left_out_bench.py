"""What counting the ID-less payments a check leaves out costs (issue 14), per check that matches by ID.

    .venv/bin/python bench/left_out_bench.py [--rows 1000000]

A fresh store with the small fund catalogue (tests/sheets.FUNDS_ROWS) and ``--rows`` payments written
by SQL straight into the table (one live batch; every fifth row without an ID number, every fiftieth
returned; even rows of F001, odd of F002, the 低保 fund), then each check with a ``LeftOut`` run as the pages run it (fundquery.inspect.run: the
findings, then the left-out count) and the count alone (catalogue.left_out_sql).  The left-out counts
printed are what the rows say: rows/5 without ID, of which rows/50 returned and rows/10 of the 低保 fund
(none of them returned).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.idnum import Hasher  # noqa: E402
from etl.load import load_file  # noqa: E402
from etl.store import connect  # noqa: E402
from fundquery.inspect import CHECKS, Filters, Params, run  # noqa: E402
from fundquery.inspect.catalogue import left_out_sql  # noqa: E402
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, write_xlsx  # noqa: E402

PAYMENTS = """
INSERT INTO payments (batch_id, row_no, fund_code, year, period, township, village, name, id_hash, id_masked,
                      amount_yuan, paid_on, card_status)
SELECT $batch, i, CASE WHEN i % 2 = 0 THEN 'F001' ELSE 'F002' END, 2024, '2024-0' || (1 + i % 9),
       'T' || (i % 20), 'V' || (i % 300), 'N' || i,
       CASE WHEN i % 5 = 0 THEN NULL ELSE sha256(CAST(i % 800000 AS VARCHAR)) END,
       CASE WHEN i % 5 = 0 THEN NULL ELSE '110105********0000' END,
       100.00, DATE '2024-03-01' + CAST(i % 200 AS INTEGER),
       CASE WHEN i % 50 = 0 THEN '退回' ELSE '已发放' END
FROM range($rows) t(i)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows
    params = Params(as_of=dt.date(2024, 12, 31))
    with tempfile.TemporaryDirectory(prefix="left-out-bench-") as tmp:
        root = Path(tmp)
        con = connect(root / "store.duckdb")
        funds = write_xlsx(root / "funds.xlsx", [FUNDS_HEADER, *FUNDS_ROWS])
        load_file(
            con, funds, "funds", hasher=Hasher(b"k" * 32), uploaded_by="bench", archive_dir=root
        )
        con.execute(
            "INSERT INTO batches (kind, file_name, sha256, uploaded_by, row_count, status)"
            " VALUES ('payments', 'bench', 'bench', 'bench', ?, 'loaded')",
            [rows],
        )
        batch = con.execute("SELECT max(batch_id) FROM batches").fetchone()[0]
        con.execute(PAYMENTS, {"batch": batch, "rows": rows})
        print(f"{rows:,} payments, {rows // 5:,} without an ID number")
        for label, check in CHECKS.items():
            if check.left_out is None or "payments" not in check.left_out.sql:
                continue
            started = time.perf_counter()
            result = run(con, check, params)
            ran = time.perf_counter()
            count = con.execute(*left_out_sql(check, params, Filters())).fetchone()[0]
            counted = time.perf_counter()
            print(
                f"  {label:<22} run with the count {ran - started:6.3f} s,"
                f" the count alone {counted - ran:6.3f} s; findings {result.count}, left out {count:,}"
            )
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

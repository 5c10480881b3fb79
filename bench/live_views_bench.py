"""What the held-back rule costs live_payments (issue 15 §2): migration 007's view against 012's.

    .venv/bin/python bench/live_views_bench.py [ROWS]   (default 5,000,000)

200 batches, one in fifty a correction waiting for review (its batch held
back); a count, a sum and a distinct count over the live payments, median of
five runs after one warm-up.  The two views return the same rows but for the
held-back batches.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from etl.store import connect

OLD_VIEW = (
    "SELECT t.*, c.county_code FROM payments t CROSS JOIN county c WHERE t.batch_id IN "
    "(SELECT batch_id FROM batches WHERE status IN ('loaded', 'published'))"
)
QUERY = "SELECT count(*), sum(amount_yuan), count(DISTINCT village) FROM {}"


def main(rows: int) -> None:
    con = connect(Path(tempfile.mkdtemp()) / "bench.duckdb")
    con.execute(
        "INSERT INTO batches (kind, file_name, sha256, uploaded_by, row_count, status, replaces,"
        " takes_place_of) SELECT 'payments', 'f', md5(i::VARCHAR), 'u', 0,"
        " CASE WHEN i % 3 = 0 THEN 'loaded' ELSE 'published' END,"
        " CASE WHEN i % 50 = 0 THEN i - 1 END, CASE WHEN i % 50 = 0 THEN i - 1 END"
        " FROM range(1, 201) t(i)"
    )
    con.execute(
        "INSERT INTO payments (batch_id, row_no, fund_code, year, township, village, name, id_hash,"
        " id_masked, amount_yuan) SELECT 1 + i % 200, i, 'F' || (i % 40), 2024, 't' || (i % 20),"
        " 'v' || (i % 300), 'n', md5(i::VARCHAR), 'x', (i % 1000) / 3.0 FROM range(?) t(i)",
        [rows],
    )
    for label, source in (("007 view", f"({OLD_VIEW})"), ("012 view", "live_payments")):
        sql = QUERY.format(source)
        con.execute(sql).fetchall()
        times = []
        for _ in range(5):
            started = time.perf_counter()
            result = con.execute(sql).fetchall()
            times.append(time.perf_counter() - started)
        print(
            f"{label}: median {sorted(times)[2] * 1000:.1f} ms over {rows:,} rows; {result[0][0]:,} live"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000)

"""Messages: what one status check, one submission, the overdue check and the metrics cost; prints the figures.

A benchmark, not a test.  The check code is verified with werkzeug's scrypt
hash on purpose (a guessable 6-digit code must be slow to try), so a status
check costs what one hash costs; this prints that cost, the submission cost
(one hash plus the working-day deadline), and the overdue_replies check and
the metrics over N messages (the county of the seeds had 62 in a year; the
default is 100,000 to show the head-room).

    .venv/bin/python bench/messages_bench.py              # 100,000 messages
    .venv/bin/python bench/messages_bench.py --messages 10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl.store import connect  # noqa: E402
from fundquery.inspect import CHECKS, Params, run  # noqa: E402
from fundquery.messages import metrics, store  # noqa: E402


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument(
        "--samples", type=int, default=30, help="submissions and status checks timed"
    )
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        con = connect(Path(folder) / "bench.duckdb")
        start = dt.datetime(2026, 3, 2, 9, 0)
        submit_s, receipts = [], []
        for i in range(args.samples):
            t0 = time.perf_counter()
            receipts.append(
                store.submit(
                    con,
                    message_type="咨询",
                    township="城关镇",
                    village="东风村",
                    body=f"问题 {i}",
                    now=start + dt.timedelta(hours=i),
                )
            )
            submit_s.append(time.perf_counter() - t0)
        check_s = []
        for r in receipts:
            t0 = time.perf_counter()
            assert store.check_code(con, r.receipt_no, r.code) is not None
            check_s.append(time.perf_counter() - t0)
        # The bulk: N more messages in one statement (same hash for all: the hash cost is measured above).
        code_hash = store.get(con, receipts[0].message_id)["code_hash"]
        t0 = time.perf_counter()
        con.execute(
            "INSERT INTO messages (message_id, receipt_no, code_hash, message_type, township, body, status,"
            " department, working_days, deadline_on, received_at, published_at, is_listed)"
            " SELECT nextval('message_seq') AS id, '2025-' || lpad(CAST(i AS VARCHAR), 7, '0'), ?,"
            " ['咨询', '投诉', '建议', '举报'][1 + i % 4], '镇' || (i % 12), '问', "
            " CASE WHEN i % 10 = 0 THEN 'routed' ELSE 'published' END, '部门' || (i % 10), 3,"
            " DATE '2025-01-01' + CAST(i % 360 AS INTEGER) + 5, TIMESTAMP '2025-01-01 09:00:00' + to_days(CAST(i % 360 AS INTEGER)),"
            " CASE WHEN i % 10 = 0 THEN NULL ELSE TIMESTAMP '2025-01-01 09:00:00' + to_days(CAST(i % 360 + i % 9 AS INTEGER)) END,"
            " true FROM range(?) t(i)",
            [code_hash, args.messages],
        )
        bulk_s = time.perf_counter() - t0
        check = CHECKS["overdue_replies"]
        params = Params(as_of=dt.date(2026, 12, 31))
        found = run(con, check, params).count
        overdue_s = _best(lambda: run(con, check, params), 3)
        metrics_s = _best(
            lambda: (
                [metrics.table(con, by, params.as_of) for by in ("department", "month", "type")]
                + [metrics.totals(con, params.as_of)]
            ),
            3,
        )
        con.close()
    print(
        f"{args.messages:,} messages (+{args.samples} submitted), {os.cpu_count()} cores, "
        f"load average {load_start:.2f} → {os.getloadavg()[0]:.2f}"
    )
    print(
        f"submit (hash + deadline + insert + audit): median {statistics.median(submit_s) * 1000:.1f} ms"
    )
    print(
        f"status check (scrypt verify): median {statistics.median(check_s) * 1000:.1f} ms "
        f"(≈ {1 / statistics.median(check_s):.0f} checks/s on one thread)"
    )
    print(f"bulk insert of {args.messages:,} rows: {bulk_s:.2f} s")
    print(f"overdue_replies: {found:,} findings in {overdue_s:.2f} s (best of 3)")
    print(f"metrics (3 groupings + totals): {metrics_s:.2f} s (best of 3)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

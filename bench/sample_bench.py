"""A field-check draw (issue 16) on a county-sized store; prints the figures.

A benchmark, not a test.  The store is the one of bench/inspect_bench.py (built in
DuckDB SQL: 12 townships, 600 villages, one person paid 12 times a year), so
``--rows 10000000`` is about 833 k recipients.  Draws: the whole county, one fund,
one fund in one township, each of size 100 and of share 5 %.

    .venv/bin/python bench/sample_bench.py --rows 10000000 [--keep]

Figures go to stdout and bench/out/sample.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.inspect_bench import OUT, build  # noqa: E402
from etl.store import connect  # noqa: E402
from fundquery.inspect import samples  # noqa: E402

SCOPES = {
    "county": samples.Scope(),
    "fund": samples.Scope(fund_code="F2024001"),
    "fund+township": samples.Scope(fund_code="F2024001", township="乡镇0"),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse bench/out/inspect.duckdb")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "inspect.duckdb"
    if not (args.keep and path.exists()):
        print(f"building a store of {args.rows:,} payments …", flush=True)
        print(f"  built in {build(path, args.rows):.1f} s", flush=True)
    con = connect(path)
    payments = con.execute("SELECT count(*) FROM live_payments").fetchone()[0]
    figures = []
    for name, scope in SCOPES.items():
        for ask in ({"size": 100}, {"share": "0.05"}):
            start = time.perf_counter()
            sample_id = samples.draw(con, scope, seed=20240601, actor="bench", **ask)
            seconds = time.perf_counter() - start
            found = samples.get(con, sample_id)
            figures.append(
                {
                    "scope": name,
                    **ask,
                    "candidates": found["candidate_count"],
                    "members": found["member_count"],
                    "seconds": round(seconds, 2),
                }
            )
            print(
                f"  {name:<14} {ask!s:<18} {found['candidate_count']:>9,} candidates"
                f" {found['member_count']:>7,} drawn  {seconds:6.2f} s",
                flush=True,
            )
    con.close()
    summary = {"payments": payments, "cpus": os.cpu_count(), "draws": figures}
    (OUT / "sample.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

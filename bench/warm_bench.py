"""What the first visitor of each page pays after a publication, with and without warming (issue 18).

    .venv/bin/python bench/warm_bench.py --db data/fundquery.duckdb [--wait 15]

Not a test: prints figures.  Copies the store, writes its snapshot and serves it (`fundquery serve
--public-snapshot`, one worker, the page cache on), reads every page of the page bench's list three
times (they become the most read), then retracts one published batch in the copy and writes a new
snapshot: a new publication version.  After --wait seconds (the warmer looks every 5 s) it times
the first request of each page.  Run twice: PAGE_CACHE_WARM = 0, then 40.  The load average is
printed (other jobs share the cores).
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from page_bench import pages  # noqa: E402
from snapshot_rps import loadavg, serve, write_snapshot  # noqa: E402

from etl import batches as transitions  # noqa: E402
from etl.store import connect  # noqa: E402


def timed_get(port: int, path: str) -> float:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.perf_counter()
    con.request("GET", path, headers={"Accept-Language": "zh-CN"})
    response = con.getresponse()
    response.read()
    con.close()
    return (time.perf_counter() - start) * 1000


def run(args, work: Path, warm: int) -> dict[str, float]:
    db, instance, folder = work / f"owner-{warm}.duckdb", work / f"i-{warm}", work / f"snap-{warm}"
    shutil.copyfile(args.db, db)
    instance.mkdir()
    write_snapshot(db, instance, folder)
    paths = [p for p in pages(db) if p != "/healthz"]
    proc = serve(folder, instance, args.port, 1, True, f"PAGE_CACHE_WARM = {warm}\n")
    try:
        for _ in range(3):
            for path in paths:
                timed_get(args.port, path)
        con = connect(db)
        batch = con.execute(
            "SELECT batch_id FROM batches WHERE status = 'published' AND kind = 'budgets' LIMIT 1"
        ).fetchone()[0]
        transitions.retract(con, batch, actor="bench")
        con.close()
        write_snapshot(db, instance, folder)
        time.sleep(args.wait)
        return {path: timed_get(args.port, path) for path in paths}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--wait", type=float, default=15)
    parser.add_argument("--port", type=int, default=5096)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        before = loadavg()
        cold = run(args, Path(work), 0)
        warm = run(args, Path(work), 40)
        after = loadavg()
    print(f"store {args.db}; first request of each page {args.wait:.0f} s after a new publication")
    print(f"{'page':<48}{'no warming ms':>15}{'warmed ms':>11}")
    for path in cold:
        print(f"{path[:47]:<48}{cold[path]:>15.1f}{warm[path]:>11.1f}")
    print(
        f"median {statistics.median(cold.values()):.1f} ms without warming, "
        f"{statistics.median(warm.values()):.1f} ms warmed; slowest {max(cold.values()):.1f} ms against "
        f"{max(warm.values()):.1f} ms; load average {before} → {after}"
    )


if __name__ == "__main__":
    main()

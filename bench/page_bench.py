"""Public pages against /healthz, with and without the page cache (issue 18). Not a test: prints figures.

    .venv/bin/python bench/page_bench.py --db data/fundquery.duckdb [--tries 40]

Copies the store, serves it with `fundquery serve` (gunicorn, one worker) twice, PAGE_CACHE off then
on, and asks each public page --tries times over one keep-alive connection (the first answer of each
page is left out: it fills the cache).  Prints the median and p90 of each page in ms and the median
of every page against the median of /healthz (the issue's target: at most 3×).
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import duckdb

ROOT = Path(__file__).resolve().parent.parent


def pages(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    year, code = con.execute(
        "SELECT year, fund_code FROM public_funds ORDER BY year DESC, fund_code LIMIT 1"
    ).fetchone()
    t, v = con.execute(
        "SELECT township, village FROM public_notice_rows WHERE year = ? AND fund_code = ? LIMIT 1",
        [year, code],
    ).fetchone()
    agency = con.execute("SELECT agency_name FROM public_agencies LIMIT 1").fetchone()[0]
    con.close()
    return [
        "/healthz",
        "/",
        "/funds",
        f"/funds/{year}/{code}",
        "/notices",
        f"/notices/{year}/{code}/{quote(t)}/{quote(v)}",
        "/projects",
        "/budgets",
        "/staffing",
        f"/staffing/agency/{quote(agency)}",
        "/published",
        "/opendata",
        "/search?q=gdlb",
        "/api/v1/funds",
    ]


def serve(db: Path, instance: Path, port: int, cache: bool) -> subprocess.Popen:
    instance.mkdir(exist_ok=True)
    (instance / "config.py").write_text(
        f"PAGE_CACHE = {cache}\nUSAGE_ASYNC = True\n", encoding="utf-8"
    )
    env = {"FUNDQUERY_DB": str(db), "FUNDQUERY_INSTANCE": str(instance), "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen(
        # this checkout's code, whichever checkout the environment was installed from
        [sys.executable, "-c", "from fundquery.cli import main; main()", "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            con.request("GET", "/healthz")
            if con.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start")


def measure(port: int, paths: list[str], tries: int) -> dict[str, list[float]]:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times: dict[str, list[float]] = {p: [] for p in paths}
    for round_no in range(tries + 1):
        for path in paths:
            start = time.perf_counter()
            con.request("GET", path, headers={"Accept-Language": "zh-CN"})
            response = con.getresponse()
            response.read()
            assert response.status == 200, (path, response.status)
            if round_no:  # the first round fills the cache
                times[path].append((time.perf_counter() - start) * 1000)
    con.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "fundquery.duckdb")
    parser.add_argument("--tries", type=int, default=40)
    parser.add_argument("--port", type=int, default=5099)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        db = Path(work) / "bench.duckdb"
        shutil.copyfile(args.db, db)
        paths = pages(db)
        results = {}
        for cache in (False, True):
            proc = serve(db, Path(work) / f"instance-{cache}", args.port, cache)
            try:
                results[cache] = measure(args.port, paths, args.tries)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
    print(
        f"store {args.db}, {args.tries} tries a page; load average {Path('/proc/loadavg').read_text().split()[:3]}"
    )
    print(f"{'page':<48}{'no cache p50':>14}{'p90':>8}{'cache p50':>12}{'p90':>8}")
    for path in paths:
        row = [results[c][path] for c in (False, True)]
        cells = [
            f"{statistics.median(t):>14.2f}{statistics.quantiles(t, n=10)[-1]:>8.2f}" for t in row
        ]
        print(f"{path[:47]:<48}{cells[0]}{cells[1][2:]}")
    for cache in (False, True):
        health = statistics.median(results[cache]["/healthz"])
        worst = max((statistics.median(t), p) for p, t in results[cache].items() if p != "/healthz")
        print(
            f"cache {'on ' if cache else 'off'}: /healthz median {health:.2f} ms; slowest page median "
            f"{worst[0]:.2f} ms ({worst[1]}), {worst[0] / health:.1f}× /healthz"
        )


if __name__ == "__main__":
    main()

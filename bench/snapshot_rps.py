"""Requests per second of a public snapshot server with 1 and 2 worker processes (issue 18). Prints figures.

    .venv/bin/python bench/snapshot_rps.py --db data/fundquery.duckdb [--seconds 30] [--workers 1 2]

Copies the store, writes its published snapshot with `fundquery snapshot`, then for each worker
count serves it with `fundquery serve --public-snapshot DIR --workers N` (gunicorn, 8 threads a
worker) and drives it closed-loop for --seconds from --procs client processes of --threads
keep-alive connections each: 80 % public pages (the page bench's list), 20 % resident lookups
(POST /query with its CSRF token and an ID number that is not in the store: a failed lookup does the
same work as a found one, README "Security").  The clients run on the same machine and take CPU
from the server: the figures compare worker counts, they are not the server's ceiling.  The load
average is printed before and after each run (other jobs share the cores).  --no-cache turns the
page cache off, to see what the workers add when every page is computed.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from page_bench import pages  # noqa: E402

CLI = [sys.executable, "-c", "from fundquery.cli import main; main()"]
LOOKUP_SHARE = 0.2
# Valid check digits, not in any synthetic county (birth year 1901): every lookup is "not found".
ABSENT_IDS = ("110101190101010012", "110101190101020015", "110101190101030018")


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def write_snapshot(db: Path, instance: Path, folder: Path) -> None:
    env = {"FUNDQUERY_DB": str(db), "FUNDQUERY_INSTANCE": str(instance), "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [*CLI, "snapshot", str(folder)], cwd=ROOT, env=env, check=True, capture_output=True
    )


def serve(
    folder: Path, instance: Path, port: int, workers: int, cache: bool, extra: str = ""
) -> subprocess.Popen:
    (instance / "config.py").write_text(
        f"PAGE_CACHE = {cache}\n"
        'LOOKUP_RATE_LIMIT = "10000000 per minute"\nLOOKUP_GLOBAL_RATE_LIMIT = "10000000 per minute"\n'
        + extra,
        encoding="utf-8",
    )
    env = {"FUNDQUERY_INSTANCE": str(instance), "PATH": "/usr/bin:/bin"}
    args = [
        "serve",
        "--public-snapshot",
        str(folder),
        "--workers",
        str(workers),
        "--port",
        str(port),
    ]
    proc = subprocess.Popen(
        [*CLI, *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
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


def _client(port: int, paths: list[str], until: float, out: list, seed: int) -> None:
    rng = random.Random(seed)
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    cookie, token = "", ""
    times, errors = [], 0
    while time.time() < until:
        lookup = rng.random() < LOOKUP_SHARE
        start = time.perf_counter()
        try:
            if lookup and token:
                body = (
                    f"csrf_token={token}&id_number={rng.choice(ABSENT_IDS)}&name=%E5%BC%A0%E4%B8%89"
                )
                con.request(
                    "POST",
                    "/query",
                    body,
                    {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
                )
            else:
                con.request(
                    "GET", "/query" if lookup else rng.choice(paths), headers={"Cookie": cookie}
                )
            response = con.getresponse()
            data = response.read()
            if lookup and not token:
                cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
                found = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', data)
                token = found.group(1).decode() if found else ""
            if response.status != 200:
                errors += 1
        except OSError:
            errors += 1
            con.close()
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        times.append((time.perf_counter() - start) * 1000)
    con.close()
    out.append((times, errors))


def _client_process(args: tuple) -> tuple[list[float], int]:
    port, paths, until, threads, seed = args
    out: list = []
    workers = [
        threading.Thread(target=_client, args=(port, paths, until, out, seed * 100 + i))
        for i in range(threads)
    ]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return [x for times, _ in out for x in times], sum(e for _, e in out)


def drive(port: int, paths: list[str], seconds: float, procs: int, threads: int) -> dict:
    for path in paths:  # every page once: the cache filled, each worker's connection opened
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        con.request("GET", path)
        con.getresponse().read()
        con.close()
    until = time.time() + seconds
    with multiprocessing.get_context("spawn").Pool(procs) as pool:
        results = pool.map(
            _client_process, [(port, paths, until, threads, p) for p in range(procs)]
        )
    times = sorted(x for t, _ in results for x in t)
    return {
        "requests": len(times),
        "rps": len(times) / seconds,
        "errors": sum(e for _, e in results),
        "p50": statistics.median(times),
        "p99": times[int(len(times) * 0.99)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "fundquery.duckdb")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--procs", type=int, default=2, help="client processes")
    parser.add_argument("--threads", type=int, default=8, help="connections per client process")
    parser.add_argument("--port", type=int, default=5097)
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        db, instance, folder = (
            Path(work) / "owner.duckdb",
            Path(work) / "instance",
            Path(work) / "snap",
        )
        shutil.copyfile(args.db, db)
        instance.mkdir()
        write_snapshot(db, instance, folder)
        paths = [p for p in pages(db) if p != "/healthz"]
        print(
            f"store {args.db}; snapshot {sum(f.stat().st_size for f in folder.glob('*.duckdb')) >> 20} MiB;"
            f" {args.seconds:.0f} s a run, {args.procs}×{args.threads} client connections on this machine;"
            f" page cache {'off' if args.no_cache else 'on'}; {len(paths)} pages + {LOOKUP_SHARE:.0%} lookups"
        )
        print(
            f"{'workers':>7}{'requests':>10}{'req/s':>9}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}  load average before → after"
        )
        for workers in args.workers:
            proc = serve(folder, instance, args.port, workers, not args.no_cache)
            try:
                before = loadavg()
                r = drive(args.port, paths, args.seconds, args.procs, args.threads)
                print(
                    f"{workers:>7}{r['requests']:>10}{r['rps']:>9.1f}{r['errors']:>8}{r['p50']:>9.1f}"
                    f"{r['p99']:>9.1f}  {before} → {loadavg()}",
                    flush=True,
                )
            finally:
                proc.terminate()
                proc.wait(timeout=30)


if __name__ == "__main__":
    main()

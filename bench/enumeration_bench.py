"""Can the resident lookup tell whether an ID number is in the store?  Timing and the rate limit.

A benchmark, not a test: it prints figures.

    .venv/bin/python bench/enumeration_bench.py                 # 1,000,000 payment rows
    .venv/bin/python bench/enumeration_bench.py --rows 10000000 # the store of bench/lookup_bench.py

Two phases against the production server (``fundquery serve``: gunicorn, one
process, gthread) on loopback, one client on one keep-alive connection:

1. Timing.  Limits raised so nothing is refused.  ``--tries`` lookups of IDs
   that are in the store, with a wrong name, interleaved with as many of
   well-formed IDs that are not (same region codes and birth years, beyond
   the people loaded).  Each answer is checked to be the same bytes as the
   others (apart from the CSRF token).  Printed: mean, median, p95 for both,
   the difference of the medians and the spread of either.
2. The limit.  Default limits (a fresh instance folder without config.py).
   1,000 different IDs from one client, each with a different
   X-Forwarded-For; printed: how many were answered, how many refused (429).

The store is bench/lookup_bench.py's (``bench/out/lookup-<rows>/``), built
if missing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lookup_bench import OUT, ROOT, build, free_port, person_id, person_name, start, wait_up  # noqa: E402

TOKEN = re.compile(rb'(name="csrf_token" type="hidden" value=")[^"]+(")')
UNLIMITED = (
    "LOOKUP_RATE_LIMIT = '1000000 per minute'\nLOOKUP_GLOBAL_RATE_LIMIT = '1000000 per minute'\n"
)


class Session:
    """One browser: a keep-alive connection, the session cookie and the form's token."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.conn.request("GET", "/query")
        response = self.conn.getresponse()
        html = response.read()
        self.token = TOKEN.search(html).group(0).split(b'value="')[1].rstrip(b'"').decode()
        self.cookie = response.getheader("Set-Cookie").split(";", 1)[0]

    def look_up(
        self, number: str, name: str, headers: dict | None = None
    ) -> tuple[int, bytes, float]:
        body = urllib.parse.urlencode({"csrf_token": self.token, "id_number": number, "name": name})
        sent = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": self.cookie,
            **(headers or {}),
        }
        t0 = time.perf_counter()
        self.conn.request("POST", "/query", body=body, headers=sent)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, TOKEN.sub(rb"\1-\2", data), time.perf_counter() - t0


def serve(folder: Path, instance: Path, log: Path):
    port = free_port()
    env = {
        **os.environ,
        "FUNDQUERY_DB": str(folder / "store.duckdb"),
        "FUNDQUERY_INSTANCE": str(instance),
    }
    env.pop("FUNDQUERY_ID_KEY", None)
    env.pop("FUNDQUERY_SECRET_KEY", None)
    proc = start(
        [str(ROOT / ".venv" / "bin" / "fundquery"), "serve", "--port", str(port)], env, log
    )
    wait_up(port, "/healthz", proc, log)
    return proc, port


def summary(seconds: list[float]) -> dict:
    ms = sorted(s * 1000 for s in seconds)
    return {
        "n": len(ms),
        "mean_ms": round(statistics.fmean(ms), 3),
        "median_ms": round(statistics.median(ms), 3),
        "p95_ms": round(ms[int(len(ms) * 0.95) - 1], 3),
        "stdev_ms": round(statistics.stdev(ms), 3),
    }


def timing(folder: Path, people: int, tries: int) -> dict:
    instance = folder / "instance-unlimited"
    shutil.copytree(folder / "instance", instance, dirs_exist_ok=True)
    (instance / "config.py").write_text(UNLIMITED)
    proc, port = serve(folder, instance, folder / "enumeration-timing.log")
    try:
        session = Session(port)
        for n in range(50):  # warm-up
            session.look_up(person_id(n), "错名")
        times = {"existing ID, wrong name": [], "ID not in the store": []}
        bodies = set()
        for n in range(tries):
            status, data, seconds = session.look_up(person_id((n * 7919) % people), "错名")
            times["existing ID, wrong name"].append(seconds)
            bodies.add((status, data))
            status, data, seconds = session.look_up(person_id(people + 1000 + n), person_name(n))
            times["ID not in the store"].append(seconds)
            bodies.add((status, data))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    result = {k: summary(v) for k, v in times.items()}
    result["distinct_answers"] = len(bodies)
    return result


def limit(folder: Path, people: int) -> dict:
    instance = folder / "instance-defaults"
    instance.mkdir(exist_ok=True)
    for name in ("id_hash.key", "secret_key"):
        shutil.copyfile(folder / "instance" / name, instance / name)
    (instance / "config.py").unlink(missing_ok=True)
    proc, port = serve(folder, instance, folder / "enumeration-limit.log")
    try:
        session = Session(port)
        codes = [
            session.look_up(
                person_id(people + n), "张三", {"X-Forwarded-For": f"198.51.100.{n % 250}"}
            )[0]
            for n in range(1000)
        ]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return {
        "tried": len(codes),
        "answered": codes.count(200),
        "refused_429": codes.count(429),
        "other": len(codes) - codes.count(200) - codes.count(429),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--tries", type=int, default=2000, help="lookups of each kind in the timing phase"
    )
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    folder = OUT / f"lookup-{args.rows}"
    if not (folder / "complete").exists():
        print(f"building {args.rows:,} payment rows in {folder} …", flush=True)
        build(folder, args.rows, args.seed)
    people = args.rows // 4
    load_start = os.getloadavg()
    timed = timing(folder, people, args.tries)
    limited = limit(folder, people)
    load_end = os.getloadavg()
    print(
        f"\n{args.rows:,} payment rows ({people:,} people), one client, loopback, {os.cpu_count()} cores,"
        f" load average {load_start[0]:.2f} → {load_end[0]:.2f}\n"
    )
    print(f"{'lookup':<28}{'n':>6}{'mean ms':>10}{'median ms':>11}{'p95 ms':>9}{'stdev ms':>10}")
    for kind in ("existing ID, wrong name", "ID not in the store"):
        r = timed[kind]
        print(
            f"{kind:<28}{r['n']:>6}{r['mean_ms']:>10.3f}{r['median_ms']:>11.3f}{r['p95_ms']:>9.3f}{r['stdev_ms']:>10.3f}"
        )
    gap = timed["existing ID, wrong name"]["median_ms"] - timed["ID not in the store"]["median_ms"]
    print(
        f"difference of medians: {gap:+.3f} ms; distinct answers (status, bytes without token):"
        f" {timed['distinct_answers']}"
    )
    print(
        f"\n1,000 IDs from one client with default limits: {limited['answered']} answered,"
        f" {limited['refused_429']} refused, {limited['other']} other"
    )
    (OUT / "enumeration_last.json").write_text(
        json.dumps(
            {
                "rows": args.rows,
                "timing": timed,
                "limit": limited,
                "load_average": [load_start, load_end],
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    return 0 if timed["distinct_answers"] == 1 and limited["other"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""Resident lookups while a 1,000,000-row batch is uploaded and loaded through the web (issue 8).

Not a test: it prints figures (a short version runs in the test suite and
asserts zero errors only).  It builds a store with ``--people`` published
payments to look up, starts the real server (`fundquery serve`: gunicorn, one
worker, threads), and then, at the same time:

- a finance clerk uploads ``--rows`` payments as a GBK csv (Excel's 另存为 CSV)
  through /staff/upload, opens the preview (read + validate) and loads it
  with the 'load anyway' tick (read + validate + the one transaction);
- ``--clients`` residents look people up (POST /query, CSRF token, rate
  limiter, audit line, result page), each on its own keep-alive connection, at
  ``--rate`` lookups per second each (0: back to back), for the whole duration.

Every lookup must answer 200 with the person's result: anything else (an
error status, a missing result, a timeout, a refused connection) is an error.
Figures per phase (idle before the upload, upload, preview, load) and for the
whole upload-to-load span: requests, errors, p50, p99, max; the worker's peak
memory; the load average.  JSON in bench/out/lookup_under_load_last.json.

    .venv/bin/python bench/lookup_under_load.py                 # 1,000,000 rows
    .venv/bin/python bench/lookup_under_load.py --rows 50000    # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.liveserver import Browser, Resident, Server, percentile, prepare_store  # noqa: E402
from tests.bigfile import payments_csv  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
RESULT = "查询结果".encode()


class Phase:
    """The name of what the clerk is doing now; each lookup is filed under the phase it started in."""

    def __init__(self) -> None:
        self.name = "idle"
        self.changes: list[tuple[str, float]] = [("idle", time.monotonic())]

    def set(self, name: str) -> None:
        self.name = name
        self.changes.append((name, time.monotonic()))


class Lookups(threading.Thread):
    """One resident's connection, looking people up until told to stop."""

    def __init__(
        self, port: int, people: list, rate: float, phase: Phase, stop: threading.Event, seed: int
    ) -> None:
        super().__init__(daemon=True)
        self.port, self.people, self.rate, self.phase, self.stop_event = (
            port,
            people,
            rate,
            phase,
            stop,
        )
        self.rng = random.Random(seed)
        self.results: list[tuple[str, float, bool]] = []  # (phase, seconds, ok)
        self.errors: list[str] = []

    def run(self) -> None:
        resident = Resident(self.port)
        interval = 1 / self.rate if self.rate else 0
        next_at = time.monotonic()
        while not self.stop_event.is_set():
            if interval:
                delay = next_at - time.monotonic()
                if delay > 0 and self.stop_event.wait(delay):
                    break
                next_at += interval
            number, name = self.rng.choice(self.people)
            phase = self.phase.name
            t0 = time.perf_counter()
            try:
                status, body = resident.lookup(number, name)
                ok = status == 200 and RESULT in body
                if not ok:
                    self.errors.append(f"{phase}: HTTP {status}")
            except Exception as exc:  # noqa: BLE001 (every failure is counted, none stops the client)
                ok = False
                self.errors.append(f"{phase}: {type(exc).__name__}: {exc}")
            self.results.append((phase, time.perf_counter() - t0, ok))
        resident.close()


def summary(results: list[tuple[str, float, bool]]) -> dict:
    times = sorted(t for _, t, _ in results)
    return {
        "requests": len(results),
        "errors": sum(1 for *_, ok in results if not ok),
        "p50_ms": round(percentile(times, 0.50) * 1000, 1),
        "p99_ms": round(percentile(times, 0.99) * 1000, 1),
        "max_ms": round(times[-1] * 1000, 1) if times else None,
    }


def run(
    rows: int,
    people: int,
    clients: int,
    rate: float,
    idle_s: float,
    work: Path,
    *,
    threads: int = 8,
    quiet: bool = False,
) -> dict:
    """Build, serve, upload + preview + load ``rows`` while ``clients`` look people up; return the figures."""
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    store = prepare_store(work, people)
    upload = payments_csv(work / "城关镇补贴清册.csv", rows, encoding="gbk")
    say(
        f"store with {people:,} people and a {upload.stat().st_size / 2**20:.0f} MiB GBK csv of {rows:,} rows"
        f" in {time.perf_counter() - t0:.1f} s"
    )
    load_avg = [os.getloadavg()[0]]
    figures: dict = {
        "rows": rows,
        "people": people,
        "clients": clients,
        "rate_per_client": rate,
        "server_threads": threads,
        "file_mib": round(upload.stat().st_size / 2**20, 1),
    }
    with Server(
        store["db"], store["instance"], store["uploads"], work / "server.log", threads=threads
    ) as server:
        phase, stop = Phase(), threading.Event()
        clerk = Browser(server.url).sign_in("clerk")
        lookers = [
            Lookups(server.port, store["people"], rate, phase, stop, seed=n) for n in range(clients)
        ]
        for t in lookers:
            t.start()
        time.sleep(idle_s)
        steps = {}
        try:
            phase.set("upload")
            start = time.perf_counter()
            sha = clerk.upload(upload, "payments")
            steps["upload_s"] = round(time.perf_counter() - start, 1)
            phase.set("preview")
            start = time.perf_counter()
            preview = clerk.preview(sha, "payments")
            steps["preview_s"] = round(time.perf_counter() - start, 1)
            phase.set("load")
            start = time.perf_counter()
            page = clerk.load(sha, "payments", preview)
            steps["load_s"] = round(time.perf_counter() - start, 1)
            phase.set("after")
            steps["loaded"] = "已导入批次" in page
        finally:
            stop.set()
            for t in lookers:
                t.join(timeout=60)
        figures["worker_peak_mib"] = server.worker_peak_mib()
    load_avg.append(os.getloadavg()[0])
    results = [r for t in lookers for r in t.results]
    figures.update(steps)
    figures["phases"] = {
        name: summary([r for r in results if r[0] == name])
        for name in ("idle", "upload", "preview", "load")
    }
    figures["during_upload_to_load"] = summary(
        [r for r in results if r[0] in ("upload", "preview", "load")]
    )
    figures["errors_seen"] = sorted({e for t in lookers for e in t.errors})[:20]
    figures["load_average"] = [round(x, 2) for x in load_avg]
    figures["cores"] = os.cpu_count()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--people", type=int, default=2000, help="published people the residents look up"
    )
    parser.add_argument("--clients", type=int, default=4, help="concurrent residents (kiosks)")
    parser.add_argument(
        "--rate", type=float, default=5.0, help="lookups per second per client; 0 = back to back"
    )
    parser.add_argument(
        "--idle", type=float, default=10.0, help="seconds of lookups before the upload"
    )
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    work = OUT / "work" / f"under-load-{int(time.time())}"
    figures = run(
        args.rows, args.people, args.clients, args.rate, args.idle, work, threads=args.threads
    )
    figures["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    figures["command"] = " ".join(["bench/lookup_under_load.py", *sys.argv[1:]])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "lookup_under_load_last.json").write_text(
        json.dumps(figures, ensure_ascii=False, indent=1)
    )
    print(
        f"\n{figures['rows']:,} rows ({figures['file_mib']} MiB GBK csv) through /staff/upload;"
        f" {figures['clients']} residents at {figures['rate_per_client']}/s each; {figures['cores']} cores;"
        f" load average {figures['load_average'][0]} → {figures['load_average'][1]}"
    )
    print(
        f"clerk: upload {figures.get('upload_s')} s, preview {figures.get('preview_s')} s,"
        f" load {figures.get('load_s')} s, loaded {figures.get('loaded')}; worker peak {figures['worker_peak_mib']} MiB"
    )
    print(f"{'phase':<22}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    rows = {**figures["phases"], "upload → loaded": figures["during_upload_to_load"]}
    for name, s in rows.items():
        print(
            f"{name:<22}{s['requests']:>9}{s['errors']:>8}{s['p50_ms']:>9}{s['p99_ms']:>9}{s['max_ms']!s:>9}"
        )
    for line in figures["errors_seen"]:
        print("  error:", line)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if figures["during_upload_to_load"]["errors"] or not figures.get("loaded") else 0


if __name__ == "__main__":
    sys.exit(main())

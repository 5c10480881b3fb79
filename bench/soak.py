"""Soak: mixed traffic against the real server at a fixed rate, for minutes (issue 8).

Not a test: it prints figures (a ~25-second version runs in the test suite
and asserts no errors and no 5xx only).  The server runs as `fundquery serve`
(gunicorn, one worker, threads) on a store with the fund catalogue and
``--people`` published payments.  Requests arrive at ``--rate`` per second
(open loop: each has a scheduled start, and its time runs from then, so a
server that falls behind shows it), served by ``--connections`` client
threads with keep-alive connections, mixed as:

- 45 % resident lookups (POST /query with the CSRF token; the answer must
  hold the person's result);
- 40 % public pages: home, fund catalogue, a fund, village notices, a notice,
  the publication record, budgets, open data;
- 15 % inspector report runs (signed in): a discrepancy check, the summary,
  the delay report;
- and once, a third of the way in, a finance clerk uploads, previews and
  loads ``--upload-rows`` payments (its own requests are reported apart).

``--find-rate`` first tries rising rates for ``--trial`` seconds each and
keeps the highest whose p99 stays under 100 ms with no error, then soaks at
it.  Reported: requests served, errors, 5xx, p50/p99/max per kind and overall,
the worker's peak memory (VmHWM) and its resident memory sampled every 2 s,
with the trend after the first minute (MiB per minute) to tell whether memory
grew, and the load average.  The server logs what its memory is made of every
10 s (MEMORY_LOG_SECONDS, fundquery/web/memory_log.py): anonymous and
file-backed resident memory, glibc malloc in use and free, Python's blocks,
DuckDB's buffer manager, the page and report caches; the soak reports each
part at the start, at the upload, after it and at the end, to say what grew.  JSON in bench/out/soak_last.json.

    .venv/bin/python bench/soak.py --find-rate --minutes 10
    .venv/bin/python bench/soak.py --rate 60 --minutes 1
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import queue
import random
import shutil
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.liveserver import (  # noqa: E402
    PASSWORD,
    Browser,
    RssSampler,
    Server,
    csrf,
    percentile,
    prepare_store,
    stale,
)
from tests.bigfile import payments_csv  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
P99_TARGET_MS = 100
PUBLIC_PAGES = [
    "/",
    "/funds",
    "/funds/2024/F001",
    "/notices",
    "/notices/2024/F001/" + urllib.parse.quote("城关镇") + "/" + urllib.parse.quote("东风村"),
    "/published",
    "/budgets",
    "/opendata",
]
REPORT_PAGES = [
    "/staff/inspect/check/off_standard",
    "/staff/inspect/check/duplicate_payment",
    "/staff/inspect/summary",
    "/staff/inspect/delays",
]
MIX = (("lookup", 45), ("public", 40), ("report", 15))


class Connection:
    """One keep-alive connection with a resident's form token and an inspector's session."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.resident_cookie = self.token = self.staff_cookie = None
        self.reconnects = 0

    def _request(
        self,
        method: str,
        path: str,
        body: str | None = None,
        cookie: str | None = None,
    ) -> tuple[int, bytes, http.client.HTTPResponse]:
        if self.conn is not None and stale(self.conn):
            self.close()  # closed by the server while idle: open a new one, as a browser would
            self.reconnects += 1
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": cookie} if cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            return response.status, response.read(), response
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def setup(self) -> None:
        status, html, response = self._request("GET", "/query")
        self.token = csrf(html.decode())
        self.resident_cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        status, html, response = self._request("GET", "/login")
        cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        body = urllib.parse.urlencode(
            {"csrf_token": csrf(html.decode()), "username": "checker", "password": PASSWORD}
        )
        status, _, response = self._request("POST", "/login", body, cookie)
        if status != 302:
            raise RuntimeError(f"inspector sign-in answered {status}")
        self.staff_cookie = response.getheader("Set-Cookie").split(";", 1)[0]

    def lookup(self, number: str, name: str) -> tuple[int, bool]:
        body = urllib.parse.urlencode({"csrf_token": self.token, "id_number": number, "name": name})
        status, data, _ = self._request("POST", "/query", body, self.resident_cookie)
        return status, status == 200 and "查询结果".encode() in data

    def page(self, path: str, staff: bool = False) -> tuple[int, bool]:
        status, _, _ = self._request("GET", path, cookie=self.staff_cookie if staff else None)
        return status, status == 200


class Traffic:
    """Open-loop requests at ``rate``/s over ``connections`` threads until stopped; results per kind."""

    def __init__(
        self, port: int, people: list, rate: float, connections: int, seed: int = 1
    ) -> None:
        self.port, self.people, self.rate = port, people, rate
        self.tasks: queue.Queue = queue.Queue()
        self.results: list[
            tuple[str, float, float, int, bool]
        ] = []  # kind, at, seconds, status, ok
        self.errors: list[str] = []
        self.reconnects: list[int] = []  # per connection: idle connections the server had closed
        self.stop_event = threading.Event()
        self.rng = random.Random(seed)
        # Each connection gets its resident form and its inspector session before
        # the clock starts: sign-in (a deliberately slow password hash) is not traffic.
        self.connections = [Connection(port) for _ in range(connections)]
        for conn in self.connections:
            conn.setup()
        self.workers = [
            threading.Thread(target=self._work, args=(c,), daemon=True) for c in self.connections
        ]
        self.dispatcher = threading.Thread(target=self._dispatch, daemon=True)
        self.t0 = time.monotonic()

    def start(self) -> Traffic:
        self.t0 = time.monotonic()
        for w in self.workers:
            w.start()
        self.dispatcher.start()
        return self

    def _dispatch(self) -> None:
        interval, n = 1 / self.rate, 0
        kinds = [k for k, w in MIX for _ in range(w)]
        while not self.stop_event.is_set():
            at = self.t0 + n * interval
            delay = at - time.monotonic()
            if delay > 0 and self.stop_event.wait(delay):
                break
            kind = self.rng.choice(kinds)
            if kind == "lookup":
                arg = self.rng.choice(self.people)
            else:
                arg = self.rng.choice(PUBLIC_PAGES if kind == "public" else REPORT_PAGES)
            self.tasks.put((at, kind, arg))
            n += 1
        for _ in self.workers:
            self.tasks.put(None)

    def _work(self, conn: Connection) -> None:
        while (task := self.tasks.get()) is not None:
            at, kind, arg = task
            status = 0
            try:
                if conn.token is None:
                    conn.setup()
                if kind == "lookup":
                    status, ok = conn.lookup(*arg)
                else:
                    status, ok = conn.page(arg, staff=kind == "report")
                if not ok:
                    self.errors.append(f"{kind} {arg if kind != 'lookup' else ''}: HTTP {status}")
            except Exception as exc:  # noqa: BLE001 (every failure is counted, none stops the client)
                ok = False
                self.errors.append(f"{kind}: {type(exc).__name__}: {exc}")
            self.results.append((kind, at - self.t0, time.monotonic() - at, status, ok))
        self.reconnects.append(conn.reconnects)
        conn.close()

    def stop(self) -> None:
        self.stop_event.set()
        self.dispatcher.join()
        for w in self.workers:
            w.join(timeout=60)


def summarise(results: list) -> dict:
    times = sorted(r[2] for r in results)
    return {
        "requests": len(results),
        "errors": sum(1 for r in results if not r[4]),
        "status_5xx": sum(1 for r in results if r[3] >= 500),
        "p50_ms": round(percentile(times, 0.50) * 1000, 1) if times else None,
        "p99_ms": round(percentile(times, 0.99) * 1000, 1) if times else None,
        "max_ms": round(times[-1] * 1000, 1) if times else None,
    }


def run_traffic(
    server: Server,
    people: list,
    rate: float,
    seconds: float,
    connections: int,
    warmup: float = 3.0,
    during=None,
) -> tuple[dict, list]:  # noqa: ANN001
    """Traffic at ``rate`` for ``warmup`` + ``seconds``; figures over the part after the warm-up."""
    traffic = Traffic(server.port, people, rate, connections).start()
    try:
        if during:
            during(traffic)
        time.sleep(max(0.0, traffic.t0 + warmup + seconds - time.monotonic()))
    finally:
        traffic.stop()
    kept = [r for r in traffic.results if r[1] >= warmup]
    figures = {
        "rate": rate,
        "seconds": seconds,
        "achieved_per_s": round(len(kept) / seconds, 1),
        "all": summarise(kept),
        "by_kind": {k: summarise([r for r in kept if r[0] == k]) for k, _ in MIX},
        "errors_seen": sorted(set(traffic.errors))[:20],
        "reconnects": sum(traffic.reconnects),
    }
    return figures, traffic.results


def memory_trend(
    samples: list[tuple[float, float]], skip_s: float = 60, until_s: float | None = None
) -> dict:
    """Peak and the least-squares slope of resident memory from ``skip_s`` seconds (to ``until_s``)."""
    if not samples:
        return {}
    later = [
        (t, m) for t, m in samples if t >= skip_s and (until_s is None or t < until_s)
    ] or samples
    n = len(later)
    mean_t, mean_m = sum(t for t, _ in later) / n, sum(m for _, m in later) / n
    var = sum((t - mean_t) ** 2 for t, _ in later)
    slope = sum((t - mean_t) * (m - mean_m) for t, m in later) / var if var else 0.0
    return {
        "rss_first_mib": samples[0][1],
        "rss_after_skip_mib": later[0][1],
        "rss_last_mib": later[-1][1],
        "rss_max_mib": max(m for _, m in samples),
        "slope_mib_per_min": round(slope * 60, 2),
        "samples": len(samples),
    }


MEMORY_PARTS = (
    "vmrss_mib",
    "rssanon_mib",
    "rssfile_mib",
    "malloc_in_use_mib",
    "malloc_free_mib",
    "python_blocks",
    "duckdb_mib",
    "page_cache_mib",
    "page_cache_entries",
    "report_cache_entries",
)


def memory_parts(log_path: Path, t0: float, upload: dict) -> dict:
    """The server's own memory lines (fundquery/web/memory_log.py): each part at a few moments."""
    lines = []
    for line in log_path.read_text(errors="replace").splitlines():
        if line.startswith("fundquery-memory "):
            with contextlib.suppress(ValueError):
                lines.append(json.loads(line.split(" ", 1)[1]))
    lines = [x for x in lines if "t" in x]
    if not lines:
        return {}
    moments = {"start": lines[0]["t"], "1 min": t0 + 60}
    if "at_s" in upload:
        moments["upload"] = t0 + upload["at_s"]
        moments["after upload"] = t0 + upload["at_s"] + upload.get("seconds", 0) + 30
    moments["end"] = lines[-1]["t"]

    def at(when: float) -> dict:
        return min(lines, key=lambda x: abs(x["t"] - when))

    return {
        name: {
            "t_s": round(at(when)["t"] - t0, 1),
            **{k: at(when).get(k) for k in MEMORY_PARTS},
            "duckdb_tags_mib": at(when).get("duckdb_tags_mib"),
        }
        for name, when in moments.items()
    }


def page_costs(server: Server, people: list, tries: int = 5) -> dict[str, float]:
    """Each request of the mix alone, one at a time: its median time in ms (what no rate can beat)."""
    conn = Connection(server.port)
    conn.setup()
    costs = {}
    try:
        for kind, path in (
            [("lookup", None)]
            + [("public", p) for p in PUBLIC_PAGES]
            + [("report", p) for p in REPORT_PAGES]
        ):
            times = []
            for n in range(tries + 1):
                t = time.perf_counter()
                if kind == "lookup":
                    conn.lookup(*people[n])
                else:
                    conn.page(path, staff=kind == "report")
                times.append((time.perf_counter() - t) * 1000)
            costs[urllib.parse.unquote(path) if path else "POST /query"] = round(
                sorted(times[1:])[tries // 2], 1
            )
    finally:
        conn.close()
    return costs


def find_rate(
    server: Server, people: list, trial: float, connections: int, say, target: str = "all"
):  # noqa: ANN001, ANN201
    """The highest rate (requests/s) whose p99 (of ``target``: all requests, or lookups) stays under 100 ms."""
    tried, best, rate, failed = [], None, 10.0, None
    while True:
        figures, _ = run_traffic(server, people, rate, trial, connections)
        judged = figures["all"] if target == "all" else figures["by_kind"][target]
        ok = figures["all"]["errors"] == 0 and judged["p99_ms"] < P99_TARGET_MS
        tried.append(
            {
                "rate": rate,
                "target": target,
                "p50_ms": judged["p50_ms"],
                "p99_ms": judged["p99_ms"],
                "all_p99_ms": figures["all"]["p99_ms"],
                "errors": figures["all"]["errors"],
                "achieved_per_s": figures["achieved_per_s"],
                "ok": ok,
            }
        )
        say(
            f"  {rate:6.1f}/s: {target} p50 {judged['p50_ms']} ms, p99 {judged['p99_ms']} ms"
            f" (all requests p99 {figures['all']['p99_ms']} ms), errors {figures['all']['errors']}"
            f" → {'ok' if ok else 'too much'}"
        )
        if ok:
            best = rate
            if failed is None:
                rate *= 1.5
            elif failed - best <= max(5.0, best * 0.1):
                break
            else:
                rate = round((best + failed) / 2, 1)
        else:
            failed = rate
            if best is None:
                rate = rate / 2
                if rate < 1:
                    break
            elif failed - best <= max(5.0, best * 0.1):
                break
            else:
                rate = round((best + failed) / 2, 1)
    return best, tried


def soak(
    work: Path,
    *,
    rate: float | None,
    minutes: float,
    people: int,
    upload_rows: int,
    connections: int,
    trial: float = 20.0,
    threads: int = 8,
    quiet: bool = False,
    report_cache: bool = True,
) -> dict:
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    store = prepare_store(work, people)
    with open(store["instance"] / "config.py", "a", encoding="utf-8") as config:
        config.write("MEMORY_LOG_SECONDS = 10\n")  # the parts of the worker's memory, in its log
        config.write(f"REPORT_CACHE = {report_cache}\n")
    upload = payments_csv(work / "东风村补贴清册.csv", upload_rows, encoding="gbk")
    figures: dict = {
        "people": people,
        "upload_rows": upload_rows,
        "connections": connections,
        "server_threads": threads,
        "cores": os.cpu_count(),
        "report_cache": report_cache,
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }
    with Server(
        store["db"], store["instance"], store["uploads"], work / "server.log", threads=threads
    ) as server:
        for path in PUBLIC_PAGES:  # every page of the mix exists (a 404 would count as an error)
            Browser(server.url).get(path)
        figures["page_costs_ms"] = costs = page_costs(server, store["people"])
        say("each request alone (median ms): " + ", ".join(f"{k} {v}" for k, v in costs.items()))
        if rate is None:
            say(
                f"finding the highest rate with p99 under {P99_TARGET_MS} ms ({trial:.0f} s per try) …"
            )
            rate, figures["rate_trials"] = find_rate(
                server, store["people"], trial, connections, say
            )
            figures["rate_target"] = "all"
            if rate is None:
                slow = [k for k, v in costs.items() if v >= P99_TARGET_MS]
                say(
                    f"no rate keeps every request's p99 under {P99_TARGET_MS} ms (alone, {', '.join(slow) or 'none'}"
                    " already take that long); finding the highest rate for the residents' lookups instead …"
                )
                rate, more = find_rate(
                    server, store["people"], trial, connections, say, target="lookup"
                )
                figures["rate_trials"] += more
                figures["rate_target"] = "lookup"
            rate = rate or 1.0
        say(f"soaking at {rate}/s for {minutes} min …")
        sampler = RssSampler(server, every=2.0)
        sampler.start()
        clerk_result: dict = {}

        def clerk_uploads(traffic: Traffic) -> None:
            def go() -> None:
                time.sleep(minutes * 60 / 3)
                t = time.monotonic()
                clerk_result["at_s"] = round(t - traffic.t0, 1)
                try:
                    clerk = Browser(server.url).sign_in("clerk")
                    sha = clerk.upload(upload, "payments")
                    preview = clerk.preview(sha, "payments")
                    clerk_result["loaded"] = "已导入批次" in clerk.load(sha, "payments", preview)
                except Exception as exc:  # noqa: BLE001
                    clerk_result["error"] = f"{type(exc).__name__}: {exc}"
                clerk_result["seconds"] = round(time.monotonic() - t, 1)

            thread = threading.Thread(target=go, daemon=True)
            thread.start()
            clerk_result["thread"] = thread

        wall_t0 = time.time()
        main, results = run_traffic(
            server, store["people"], rate, minutes * 60, connections, during=clerk_uploads
        )
        clerk_result.pop("thread").join(timeout=600)
        sampler.stop()
        figures["worker_peak_mib"] = server.worker_peak_mib()
        figures["memory_parts"] = memory_parts(work / "server.log", wall_t0, clerk_result)
    figures.update(
        rate=rate,
        minutes=minutes,
        soak=main,
        upload=clerk_result,
        memory=memory_trend(sampler.samples),
        rss_samples=sampler.samples,
        load_average_end=[round(x, 2) for x in os.getloadavg()],
    )
    if "at_s" in clerk_result:
        start, end = clerk_result["at_s"], clerk_result["at_s"] + clerk_result["seconds"]
        figures["during_upload"] = summarise([r for r in results if start <= r[1] <= end])
        # The upload's tables leave the worker larger; whether memory keeps growing is the trend after it.
        figures["memory_after_upload"] = memory_trend(sampler.samples, skip_s=end + 30)
        # Before it: the first minute left out (imports, first plans, caches filling).
        figures["memory_before_upload"] = memory_trend(sampler.samples, until_s=start)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, help="requests per second (default: --find-rate)")
    parser.add_argument(
        "--find-rate", action="store_true", help="find the highest rate with p99 < 100 ms first"
    )
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--trial", type=float, default=20, help="seconds per rate tried")
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--upload-rows", type=int, default=20_000)
    parser.add_argument(
        "--connections", type=int, default=16, help="client threads (keep-alive connections)"
    )
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads")
    parser.add_argument(
        "--no-report-cache",
        action="store_true",
        help="every inspector report computed anew (REPORT_CACHE = False), to compare",
    )
    args = parser.parse_args()
    if args.rate is None and not args.find_rate:
        parser.error("give --rate or --find-rate")
    work = OUT / "work" / f"soak-{int(time.time())}"
    figures = soak(
        work,
        rate=args.rate,
        minutes=args.minutes,
        people=args.people,
        upload_rows=args.upload_rows,
        connections=args.connections,
        trial=args.trial,
        threads=args.threads,
        report_cache=not args.no_report_cache,
    )
    figures["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    figures["command"] = " ".join(["bench/soak.py", *sys.argv[1:]])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "soak_last.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1))
    s, m = figures["soak"], figures["memory"]
    if "rate_target" in figures:
        print(f"\nrate searched for p99 < {P99_TARGET_MS} ms of: {figures['rate_target']} requests")
    print(
        f"\nsoak: {figures['rate']}/s for {figures['minutes']} min ({s['achieved_per_s']}/s achieved),"
        f" report cache {'on' if figures['report_cache'] else 'off'},"
        f" {figures['cores']} cores, load average {figures['load_average_start'][0]} → {figures['load_average_end'][0]}"
    )
    print(
        f"{'kind':<10}{'requests':>9}{'errors':>8}{'5xx':>6}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    )
    for name, k in {**s["by_kind"], "all": s["all"]}.items():
        print(
            f"{name:<10}{k['requests']:>9}{k['errors']:>8}{k['status_5xx']:>6}{k['p50_ms']!s:>9}{k['p99_ms']!s:>9}"
            f"{k['max_ms']!s:>9}"
        )
    if "during_upload" in figures:
        d = figures["during_upload"]
        print(
            f"during the upload ({figures['upload'].get('seconds')} s, loaded {figures['upload'].get('loaded')}):"
            f" {d['requests']} requests, p50 {d['p50_ms']} ms, p99 {d['p99_ms']} ms, errors {d['errors']}"
        )
    print(
        f"worker memory: peak {figures['worker_peak_mib']} MiB; RSS {m.get('rss_first_mib')} → {m.get('rss_last_mib')}"
        f" MiB, max {m.get('rss_max_mib')}; trend after the first minute {m.get('slope_mib_per_min')} MiB/min"
    )
    if "memory_before_upload" in figures:
        b = figures["memory_before_upload"]
        print(
            f"from the first minute to the upload: RSS {b.get('rss_after_skip_mib')} → {b.get('rss_last_mib')} MiB,"
            f" trend {b.get('slope_mib_per_min')} MiB/min"
        )
    if "memory_after_upload" in figures:
        a = figures["memory_after_upload"]
        print(
            f"after the upload: RSS {a.get('rss_after_skip_mib')} → {a.get('rss_last_mib')} MiB,"
            f" trend {a.get('slope_mib_per_min')} MiB/min"
        )
    parts = figures.get("memory_parts") or {}
    if parts:
        print("worker memory by part (fundquery/web/memory_log.py; MiB, blocks, entries):")
        print(f"{'':<14}" + "".join(f"{k.replace('_mib', ''):>20}" for k in MEMORY_PARTS))
        for name, row in parts.items():
            print(
                f"{name + ' ' + str(row['t_s']) + 's':<14}"
                + "".join(f"{row[k]!s:>20}" for k in MEMORY_PARTS)
            )
    for line in s["errors_seen"]:
        print("  error:", line)
    shutil.rmtree(work, ignore_errors=True)
    return 1 if s["all"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())

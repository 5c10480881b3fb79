"""A province's lake of N payments: export time, size on disk, delay report and catalogue on DuckDB and Spark.

A benchmark, not a test.  Counties of about a million payments each (the
seed county's size; sizes vary 1:4 so partitions are skewed) are generated
one at a time in DuckDB SQL (bench/inspect_bench.py's county: 35 person
funds, 12 townships, staff, planted anomalies) into an in-memory store with
its own county code, and each is exported into one lake by the real
``export_lake``, as each county would do.  Then, each in a fresh process so
that memory is its own:

- DuckDB over the lake (fundquery.lake.duck): the delay report (both stages,
  three groupings) and the whole catalogue;
- Spark in local mode (fundquery.lake.spark, ``local[*]``): the same.

Peak memory is sampled from /proc every 0.2 s over the process and its
children (Spark's JVM), and the process's own high-water mark (VmHWM).

    .venv/bin/python bench/lake_bench.py --rows 10000000
    nohup .venv/bin/python bench/lake_bench.py --rows 100000000 > bench/out/lake-100M.log 2>&1 &

Figures go to stdout and bench/out/lake-<rows>.json; the lake is written
under bench/out/ (git-ignored) and removed unless --keep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

OUT = ROOT / "bench" / "out"
COUNTY_ROWS = 1_000_000
AS_OF = dt.date(2024, 12, 31)


# -- memory of a process tree, from /proc ---------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(ppid, []).append(int(entry))
    return tree


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


class Sampler(threading.Thread):
    """Peak RSS of a process and, separately, of its descendants (the JVM)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.stop, self.peak_self, self.peak_children, self.peak_total = (
            pid,
            False,
            0.0,
            0.0,
            0.0,
        )
        self.child_names: set[str] = set()

    def run(self) -> None:
        while not self.stop:
            tree, own = _children(), _rss_mb(self.pid)
            todo, kids = list(tree.get(self.pid, [])), 0.0
            while todo:
                pid = todo.pop()
                kids += _rss_mb(pid)
                self.child_names.add(_comm(pid))
                todo += tree.get(pid, [])
            self.peak_self = max(self.peak_self, own)
            self.peak_children = max(self.peak_children, kids)
            self.peak_total = max(self.peak_total, own + kids)
            time.sleep(0.2)


def run_phase(phase: str, lake: Path, extra: list[str]) -> dict:
    """Run one phase in a fresh Python process; its JSON figures plus the sampled memory."""
    cmd = [sys.executable, __file__, "--phase", phase, "--lake", str(lake), *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid)
    sampler.start()
    out, _ = proc.communicate()
    sampler.stop = True
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"phase {phase} failed ({proc.returncode})")
    figures = json.loads(out.strip().splitlines()[-1])
    figures["memory_mb"] = {
        "python_peak_sampled": round(sampler.peak_self),
        "children_peak_sampled": round(sampler.peak_children),
        "total_peak_sampled": round(sampler.peak_total),
        "children": sorted(sampler.child_names),
    }
    return figures


def _hwm_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    return 0.0


# -- phases -------------------------------------------------------------------


def county_sizes(rows: int) -> list[int]:
    """About a million payments a county, sizes 1 : 2 : 3 : 4 in turn (skewed partitions)."""
    counties = max(1, round(rows / COUNTY_ROWS))
    weights = [1 + k % 4 for k in range(counties)]
    sizes = [rows * w // sum(weights) for w in weights]
    sizes[-1] += rows - sum(sizes)
    return sizes


def phase_build(lake: Path, rows: int) -> dict:
    import duckdb
    from inspect_bench import BUILD, parameters

    from etl.county import set_county
    from etl.store import migrate
    from fundquery.lake.export import export_lake

    export_seconds = generate_seconds = 0.0
    sizes = county_sizes(rows)
    for k, size in enumerate(sizes):
        start = time.perf_counter()
        con = duckdb.connect()
        migrate(con)
        # The registers in proportion to the county: inspect_bench's REGISTERS are for 10 M payments.
        wanted = parameters(size, size / 10_000_000)
        for sql in BUILD:
            con.execute(sql, {n: v for n, v in wanted.items() if f"${n}" in sql})
        set_county(con, f"{410100 + k:06d}", f"县{k}", "bench")
        generate_seconds += time.perf_counter() - start
        start = time.perf_counter()
        export_lake(con, lake)
        export_seconds += time.perf_counter() - start
        con.close()
        print(
            f"  county {k + 1}/{len(sizes)}: {size:,} payments; export so far {export_seconds:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    size_bytes = sum(p.stat().st_size for p in lake.rglob("*.parquet"))
    manifest = json.loads((lake / "manifest.json").read_text(encoding="utf-8"))
    return {
        "counties": len(sizes),
        "smallest_county": min(sizes),
        "largest_county": max(sizes),
        "payments": manifest["tables"]["payments"]["rows"],
        "export_seconds": round(export_seconds, 1),
        "generate_seconds": round(generate_seconds, 1),
        "lake_bytes": size_bytes,
        "files": sum(len(p["files"]) for p in manifest["partitions"]),
        "python_hwm_mb": _hwm_mb(),
    }


def _time_all(run_check, distribution_rows) -> dict:
    from fundquery.inspect import CATALOGUE

    start = time.perf_counter()
    for stage in ("treasury", "payout"):
        for by in ("all", "fund", "department"):
            distribution_rows(stage, by)
    delay = time.perf_counter() - start
    checks, start = [], time.perf_counter()
    for check in CATALOGUE:
        t = time.perf_counter()
        found = run_check(check)
        checks.append(
            {"check": check.label, "seconds": round(time.perf_counter() - t, 2), "findings": found}
        )
        print(
            f"  {check.label:<22} {checks[-1]['seconds']:8.2f} s {found:>9,} findings",
            file=sys.stderr,
            flush=True,
        )
    return {
        "delay_report_seconds": round(delay, 2),
        "catalogue_seconds": round(time.perf_counter() - start, 2),
        "checks": checks,
    }


def phase_duckdb(lake: Path) -> dict:
    from fundquery.inspect import Filters, Params, run
    from fundquery.inspect.checks.delays import distribution
    from fundquery.lake.duck import open_lake

    con = open_lake(lake)
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    params, filters = Params(as_of=AS_OF), Filters()
    figures = _time_all(
        lambda check: run(con, check, params, filters).count,
        lambda stage, by: distribution(con, params, filters, by=by, stage=stage),
    )
    con.close()
    return {"engine": "duckdb", "threads": threads, **figures, "python_hwm_mb": _hwm_mb()}


def phase_spark(lake: Path, driver_memory: str) -> dict:
    from fundquery.inspect import Filters, Params
    from fundquery.inspect.checks.delays import distribution
    from fundquery.lake.spark import SparkLake, session

    start = time.perf_counter()
    spark = session(
        "local[*]",
        shuffle_partitions=2 * (os.cpu_count() or 2),
        driver_memory=driver_memory,
        app="fundquery-lake-bench",
    )
    runner = SparkLake(spark, lake)
    startup = time.perf_counter() - start
    params, filters = Params(as_of=AS_OF), Filters()
    figures = _time_all(
        lambda check: runner.run(check, params, filters).count,
        lambda stage, by: distribution(runner, params, filters, by=by, stage=stage),
    )
    cores = spark.sparkContext.defaultParallelism
    spark.stop()
    return {
        "engine": "spark",
        "master": "local[*]",
        "cores": cores,
        "driver_memory": driver_memory,
        "startup_seconds": round(startup, 1),
        **figures,
        "python_hwm_mb": _hwm_mb(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument(
        "--lake", type=Path, help="where the lake goes (default bench/out/lake-<rows>)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the lake (and reuse it if it exists)"
    )
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument(
        "--driver-memory", default="8g", help="Spark driver (local mode: the whole JVM)"
    )
    parser.add_argument("--phase", choices=["build", "duckdb", "spark"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    lake = args.lake or OUT / f"lake-{args.rows // 1_000_000}M"
    if args.phase:  # a child process: one phase, its figures as the last line of stdout
        figures = {
            "build": lambda: phase_build(lake, args.rows),
            "duckdb": lambda: phase_duckdb(lake),
            "spark": lambda: phase_spark(lake, args.driver_memory),
        }[args.phase]()
        print(json.dumps(figures))
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"lake-{args.rows // 1_000_000}M.json"

    def save() -> None:  # after every phase: a long run that is stopped keeps what it measured
        target.write_text(
            json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )

    summary = {
        "rows": args.rows,
        "cpus": os.cpu_count(),
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "load_average_at_start": os.getloadavg(),
    }
    if not (args.keep and (lake / "manifest.json").exists()):
        shutil.rmtree(lake, ignore_errors=True)
        print(f"building a lake of {args.rows:,} payments in {lake} …", flush=True)
        summary["build"] = run_phase("build", lake, ["--rows", str(args.rows)])
        b = summary["build"]
        print(
            f"  {b['counties']} counties ({b['smallest_county']:,}–{b['largest_county']:,} payments): export "
            f"{b['export_seconds']} s (generation {b['generate_seconds']} s apart), {b['lake_bytes'] / 1e9:.2f} GB "
            f"in {b['files']} files",
            flush=True,
        )
        save()
    for engine in args.engines.split(","):
        print(f"{engine} over the lake …", flush=True)
        extra = ["--driver-memory", args.driver_memory] if engine == "spark" else []
        figures = run_phase(engine, lake, extra)
        summary[engine] = figures
        m = figures["memory_mb"]
        print(
            f"  {engine}: delay report {figures['delay_report_seconds']} s, whole catalogue "
            f"{figures['catalogue_seconds']} s; peak RSS python {m['python_peak_sampled']} MB, children "
            f"{m['children_peak_sampled']} MB ({', '.join(m['children']) or 'none'}), total {m['total_peak_sampled']} MB",
            flush=True,
        )
        summary["load_average_after_" + engine] = os.getloadavg()
        save()
    summary["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    save()
    print(f"figures in {target}")
    if not args.keep:
        shutil.rmtree(lake, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""CPU seconds of each stage of one validated load: compare two checkouts on a busy machine.

    .venv/bin/python bench/load_cpu.py csv|xlsx [--data DIR] [--without-indexes] [--drop-index NAME]
    PYTHONPATH=/path/to/other/checkout .venv/bin/python bench/load_cpu.py csv   # another checkout's etl

Loads load_bench.py's data (``bench/out/data-1000000-*``, made by a run of
load_bench.py) into a fresh store after its fund catalogue, as step (d) or (e)
of load_bench.py does, and prints one line: the checkout's folder name, wall
and CPU seconds (user + system, every thread) of ``etl.load.load_file``, and
the CPU / wall seconds of each stage.  Run two checkouts one after the other, a few
times: when the load average is high the wall clock mostly measures the
other work, the CPU seconds much less.  ``--without-indexes`` drops the payments
table's two ART indexes (the resident lookup's) first: the load stage's difference
is what keeping them costs at commit; ``--drop-index payments_household`` (or
``payments_id_key``) drops one, to see each index's share.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import etl
from etl import load, store
from etl.idnum import Hasher

OUT = Path(__file__).resolve().parent / "out"


def cpu_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("format", choices=("csv", "xlsx"))
    parser.add_argument("--data", type=Path, help="a data folder of load_bench.py")
    parser.add_argument(
        "--without-indexes",
        action="store_true",
        help="drop the payments table's ART indexes (the resident lookup's) before the load: what they cost",
    )
    parser.add_argument(
        "--drop-index",
        action="append",
        default=[],
        metavar="NAME",
        help="drop this one index before the load (payments_id_key, payments_household); may repeat",
    )
    args = parser.parse_args(argv)
    folder = args.data or max(OUT.glob("data-1000000-*"), default=None)
    if folder is None:
        print("no data: run bench/load_bench.py first", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="fundquery-load-cpu-"))
    try:
        con = store.connect(work / "store.duckdb")
        for (index,) in con.execute(
            "SELECT index_name FROM duckdb_indexes() WHERE table_name = 'payments'"
        ).fetchall():
            if args.without_indexes or index in args.drop_index:
                con.execute(f'DROP INDEX "{index}"')
        hasher = Hasher(b"bench-key-0123456789abcdef012345")
        funds = load.load_file(
            con, folder / "funds.xlsx", "funds", hasher=hasher, uploaded_by="bench",
            archive_dir=work / "archive",
        )  # fmt: skip
        if funds.status != "loaded":
            print(f"funds not loaded: {funds.status}", file=sys.stderr)
            return 1
        path = folder / ("payments.xlsx" if args.format == "xlsx" else "payments_gbk.csv")
        marks: list[tuple[str, float, float]] = []
        wall0 = time.perf_counter()
        result = load.load_file(
            con, path, "payments", hasher=hasher, uploaded_by="bench",
            archive_dir=work / "archive", on_stage=lambda name: marks.append((name, cpu_seconds(), time.perf_counter())),
        )  # fmt: skip
        wall = time.perf_counter() - wall0
        marks.append(("end", cpu_seconds(), time.perf_counter()))
        con.close()
        size = (work / "store.duckdb").stat().st_size / 2**20
    finally:
        shutil.rmtree(work, ignore_errors=True)
    stages = " ".join(
        f"{name}={marks[i + 1][1] - at:.2f}/{marks[i + 1][2] - wall_at:.2f}"
        for i, (name, at, wall_at) in enumerate(marks[:-1])
    )
    print(
        f"{Path(etl.__file__).resolve().parent.parent.name} {args.format}"
        f"{' without-indexes' if args.without_indexes else ''}"
        f"{''.join(f' without-{name}' for name in args.drop_index)} wall={wall:.2f}"
        f" cpu={marks[-1][1] - marks[0][1]:.2f} {stages} status={result.status} rows={result.rows:,}"
        f" store_mib={size:.1f}"
        f" load_average={os.getloadavg()[0]:.2f}"
    )
    return 0 if result.status == "loaded" else 1


if __name__ == "__main__":
    sys.exit(main())

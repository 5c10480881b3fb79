"""Wall and CPU seconds of the read stage alone (etl.read.read), a few times in one process.

    .venv/bin/python bench/read_cpu.py csv|xlsx [--data DIR] [--times N]
    PYTHONPATH=/path/to/other/checkout .venv/bin/python bench/read_cpu.py csv   # another checkout's etl

Reads load_bench.py's 1 M-row payments file (``bench/out/data-1000000-*``) as the load's read stage
does, with no store, and prints one line per read: the checkout's folder name, wall and CPU seconds
(user + system, every thread) and the load average.  The first read of a process pays pyarrow's and
the regular expressions' start; compare the later ones, alternating two checkouts.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import etl
from etl.read import read

OUT = Path(__file__).resolve().parent / "out"


def cpu_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("format", choices=("csv", "xlsx"))
    parser.add_argument("--data", type=Path, help="a data folder of load_bench.py")
    parser.add_argument("--times", type=int, default=3)
    args = parser.parse_args(argv)
    folder = args.data or max(OUT.glob("data-1000000-*"), default=None)
    if folder is None:
        print("no data: run bench/load_bench.py first", file=sys.stderr)
        return 2
    path = folder / ("payments.xlsx" if args.format == "xlsx" else "payments_gbk.csv")
    name = Path(etl.__file__).resolve().parent.parent.name
    for n in range(args.times):
        cpu0, wall0 = cpu_seconds(), time.perf_counter()
        extract = read(path, "payments")
        wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
        print(
            f"{name} {args.format} read {n + 1}: wall={wall:.2f} cpu={cpu:.2f}"
            f" rows={extract.table.num_rows:,} load_average={os.getloadavg()[0]:.2f}",
            flush=True,
        )
        del extract
    return 0


if __name__ == "__main__":
    sys.exit(main())

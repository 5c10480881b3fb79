"""Does a failed resident lookup take longer when the ID number is in the store?  In-process timing.

A benchmark, not a test: it prints figures.

    .venv/bin/python bench/lookup_timing_bench.py                  # 200,000 payment rows
    .venv/bin/python bench/lookup_timing_bench.py --rows 1000000 --tries 4000

``fundquery.resident.resident.lookup`` is called inside a request context of
the real app on bench/lookup_bench.py's store (``bench/out/lookup-<rows>/``,
built if missing), without HTTP, so that the network and the server do not
drown a difference of a fraction of a millisecond.  Four kinds of failure are
interleaved (round-robin, the garbage collector off while timing): an ID in
the store with a wrong Chinese name, the same with wrong pinyin initials
(LOOKUP_PINYIN_INITIALS on), a well-formed ID not in the store, and a
malformed ID.  Printed per kind: n, mean, median, p95; then each median's
difference from the unknown ID's, with a 95 % bootstrap interval of that
difference (resampled medians), so "0.01 ± 0.02" reads as no difference.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lookup_bench import OUT, build, person_id  # noqa: E402

from fundquery import create_app  # noqa: E402
from fundquery.resident import resident  # noqa: E402

KINDS = (
    "existing ID, wrong name",
    "existing ID, wrong initials",
    "ID not in the store",
    "malformed ID",
)


def attempts(people: int, n: int) -> dict[str, tuple[str, str]]:
    """The n-th try of each kind: (ID text, name text)."""
    known = person_id((n * 7919) % people)
    return {
        KINDS[0]: (known, "错名字"),
        KINDS[1]: (known, "CMZ"),
        KINDS[2]: (person_id(people + 1000 + n), "错名字"),
        KINDS[3]: (known[:17] + ("0" if known[17] != "0" else "1"), "错名字"),  # wrong check digit
    }


def median_gap_interval(a: list[float], b: list[float], rounds: int, rng) -> tuple[float, float]:
    """95 % bootstrap interval of median(a) - median(b)."""
    gaps = sorted(
        statistics.median(rng.choices(a, k=len(a))) - statistics.median(rng.choices(b, k=len(b)))
        for _ in range(rounds)
    )
    return gaps[int(rounds * 0.025)], gaps[int(rounds * 0.975) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--tries", type=int, default=3000, help="lookups of each kind")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    folder = OUT / f"lookup-{args.rows}"
    if not (folder / "complete").exists():
        print(f"building {args.rows:,} payment rows in {folder} …", flush=True)
        build(folder, args.rows, args.seed)
    people = args.rows // 4
    os.environ["FUNDQUERY_INSTANCE"] = str(folder / "instance")
    app = create_app(
        {
            "DATABASE": str(folder / "store.duckdb"),
            "LOOKUP_PINYIN_INITIALS": True,
            "LOOKUP_AUDIT_ASYNC": False,
        }
    )
    times: dict[str, list[float]] = {k: [] for k in KINDS}
    with app.test_request_context("/query", method="POST"):
        for n in range(200):  # warm-up: caches, DuckDB's buffers, pypinyin's dictionaries
            for kind, (number, name) in attempts(people, n).items():
                assert resident.lookup(number, name) is None, kind
        gc.collect()
        gc.disable()
        try:
            for n in range(args.tries):
                tries = list(attempts(people, 200 + n).items())
                random.Random(n).shuffle(tries)  # no kind always first after a pause
                for kind, (number, name) in tries:
                    t0 = time.perf_counter()
                    found = resident.lookup(number, name)
                    times[kind].append(time.perf_counter() - t0)
                    assert found is None, kind
        finally:
            gc.enable()
    ms = {k: [s * 1000 for s in v] for k, v in times.items()}
    rng = random.Random(args.seed)
    base = ms[KINDS[2]]
    print(
        f"\n{args.rows:,} payment rows ({people:,} people), in-process, {os.cpu_count()} cores,"
        f" load average {os.getloadavg()[0]:.2f}\n"
    )
    print(
        f"{'failed lookup':<30}{'n':>6}{'mean ms':>9}{'median ms':>11}{'p95 ms':>8}"
        f"{'median − unknown ID, 95 % interval':>38}"
    )
    result = {}
    for kind in KINDS:
        values = sorted(ms[kind])
        gap = statistics.median(values) - statistics.median(base)
        low, high = median_gap_interval(values, base, 1000, rng)
        result[kind] = {
            "n": len(values),
            "mean_ms": round(statistics.fmean(values), 4),
            "median_ms": round(statistics.median(values), 4),
            "p95_ms": round(values[int(len(values) * 0.95) - 1], 4),
            "median_gap_ms": round(gap, 4),
            "gap_interval_ms": [round(low, 4), round(high, 4)],
        }
        r = result[kind]
        print(
            f"{kind:<30}{r['n']:>6}{r['mean_ms']:>9.3f}{r['median_ms']:>11.3f}{r['p95_ms']:>8.3f}"
            f"{gap:>+18.4f}  [{low:+.4f}, {high:+.4f}]"
        )
    (OUT / "lookup_timing_last.json").write_text(
        json.dumps(
            {"rows": args.rows, "tries": args.tries, "kinds": result}, indent=2, ensure_ascii=False
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

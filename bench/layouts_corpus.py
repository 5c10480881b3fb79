"""Corpus figures for issue 14: real layouts by kind, and how many load with no mapping, after one mapping, not at all.

    .venv/bin/python bench/layouts_corpus.py

Each layout under tests/layouts/ is built with synthetic rows (tests/layouts/build.py) and loaded through
the real loader (etl.load.load_file) into a fresh store, as tests/test_layouts.py does; "loads" means the
clean file is stored with every declared column in its canonical column and the planted file gives
exactly the planted findings.  "After mapping" passes the layout's ``mapping`` and the file-level ``values`` a clerk chooses at upload.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.layouts.build import all_layouts  # noqa: E402
from tests.layouts.harness import check, loader_takes_mapping  # noqa: E402


def main() -> int:
    layouts = all_layouts()
    takes_mapping = loader_takes_mapping()
    by_kind = Counter(lay["kind"] for lay in layouts)
    plain_ok, mapped_ok, failing, values_only = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="layouts-corpus-") as tmp:
        for lay in layouts:
            slug = lay["slug"]
            problems = check(lay, Path(tmp) / slug / "plain")
            if not problems:
                plain_ok.append(slug)
                continue
            if takes_mapping:
                mapped = check(
                    lay,
                    Path(tmp) / slug / "mapped",
                    mapping=lay.get("mapping", {}),
                    values=lay.get("values"),
                )
                if not mapped:
                    mapped_ok.append(slug)
                    # Did it need a header mapping at all, or only the values chosen at upload?
                    if lay.get("values") and not check(
                        lay, Path(tmp) / slug / "values", mapping={}, values=lay["values"]
                    ):
                        values_only.append(slug)
                    continue
                problems = mapped
            failing.append((lay["kind"], slug, problems[0]))
    total = len(layouts)
    print(f"Layouts: {total} real layouts under tests/layouts/")
    for kind, n in sorted(by_kind.items()):
        print(f"  {kind:<14} {n}")
    print()
    print(f"Load with no mapping:   {len(plain_ok):>3} of {total}")
    if takes_mapping:
        print(f"Load after one mapping: {len(mapped_ok):>3} more")
        print(
            f"  (of which {len(values_only)} need no header mapping, only the values chosen at upload:"
            " fund, year, …)"
        )
    else:
        print(
            "Load after one mapping:   not run — etl.load.load_file has no `mapping` parameter yet"
        )
    print(
        f"Do not load:            {len(failing):>3} of {total}"
        + ("" if takes_mapping else " (with no mapping)")
    )
    print()
    print(
        f"  {'kind':<14} {'layouts':>7} {'no mapping':>10} {'after mapping':>13} {'not at all':>10}"
    )
    bad = {slug for _, slug, _ in failing}
    for kind, n in sorted(by_kind.items()):
        slugs = [lay["slug"] for lay in layouts if lay["kind"] == kind]
        a = sum(s in plain_ok for s in slugs)
        b = sum(s in mapped_ok for s in slugs)
        c = sum(s in bad for s in slugs)
        print(f"  {kind:<14} {n:>7} {a:>10} {b:>13} {c:>10}")
    print()
    for slug in plain_ok:
        print(f"  loads: {slug}")
    print()
    print("Not loading (kind, slug: the loader's message):")
    for kind, slug, why in failing:
        print(f"  {kind}/{slug}: {why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

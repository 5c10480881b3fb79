"""What DuckDB's ART indexes cost a load, and the two ways round them that were weighed (issue 14).

    .venv/bin/python bench/art_bench.py                    # order × indexes, then lookup vs scan
    .venv/bin/python bench/art_bench.py --publish-update   # also: fill the indexed columns at publication

DuckDB alone, no fundquery code: a table shaped like the part of ``payments`` the resident lookup reads
(a BIGINT ``k`` like ``id_key``, a VARCHAR ``h`` like ``household_no``, four households' worth of rows per
household number as a roster has), ``--rows`` rows already stored and checkpointed, then ``--rows`` more
inserted in one transaction and committed, as etl.load stores a batch.  Prints wall and CPU seconds of
that insert with no index, either index and both, with the rows in file order or sorted by either key.

``--publish-update``: the "index at publication" idea — the indexed columns NULL at load, set by an
UPDATE when a reviewer publishes.  Then a lookup by the index against a scan of the unindexed key.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import duckdb

SOURCE = (
    "SELECT {batch} AS b, (hash(i) >> 1)::BIGINT AS k, 'H' || lpad((i // 4)::VARCHAR, 12, '0') AS h,"
    " 'x' || i AS v FROM range({start}, {stop}) r(i)"
)


def _table(
    path: Path, rows: int, indexes: tuple[str, ...], extra: str = ""
) -> duckdb.DuckDBPyConnection:
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    con.execute(f"CREATE TABLE t (b INTEGER, k BIGINT, h VARCHAR, v VARCHAR{extra})")
    for column in indexes:
        con.execute(f"CREATE INDEX t_{column} ON t ({column})")
    con.execute(f"INSERT INTO t BY NAME {SOURCE.format(batch=0, start=0, stop=rows)}")
    con.execute("CHECKPOINT")
    con.execute(f"CREATE TEMP TABLE src AS {SOURCE.format(batch=1, start=rows, stop=2 * rows)}")
    return con


def _timed(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    con.execute("BEGIN")
    con.execute(sql)
    con.execute("COMMIT")
    return time.perf_counter() - wall, time.process_time() - cpu


def orders(path: Path, rows: int) -> None:
    print(
        f"insert {rows:,} rows into {rows:,} (wall s / cpu s), load average {os.getloadavg()[0]:.2f}"
    )
    for indexes in ((), ("k",), ("h",), ("k", "h")):
        cells = []
        for order in ("", " ORDER BY k", " ORDER BY h"):
            con = _table(path, rows, indexes)
            wall, cpu = _timed(con, f"INSERT INTO t BY NAME SELECT * FROM src{order}")  # noqa: S608
            con.close()
            cells.append(f"{order.strip() or 'file order'} {wall:.2f}/{cpu:.2f}")
        print(f"  indexes {'+'.join(indexes) or 'none':5}  " + "   ".join(cells))


def publish_update(path: Path, rows: int) -> None:
    con = _table(path, rows, ("pk", "ph"), extra=", pk BIGINT, ph VARCHAR")
    wall, cpu = _timed(con, "INSERT INTO t BY NAME SELECT * FROM src")
    print(f"insert {rows:,} rows, indexed columns NULL: {wall:.2f}/{cpu:.2f} s")
    wall, cpu = _timed(con, "UPDATE t SET pk = k, ph = h WHERE b = 1")
    print(f"publish: UPDATE {rows:,} rows' indexed columns: {wall:.2f}/{cpu:.2f} s")
    con.close()


def lookups(path: Path, rows: int, tries: int = 200) -> None:
    con = _table(path, rows, ("k",))
    con.execute("INSERT INTO t SELECT * FROM src")
    key = con.execute("SELECT k FROM t WHERE b = 1 LIMIT 1 OFFSET 777").fetchone()[0]
    con.execute("CREATE TABLE unindexed AS SELECT * FROM t")  # the same rows, no index
    con.execute("CHECKPOINT")
    for what, sql in (
        ("the index", "SELECT * FROM t WHERE k = ?"),
        ("a scan (the same rows, no index)", "SELECT * FROM unindexed WHERE k = ?"),
    ):
        start = time.perf_counter()
        for _ in range(tries):
            found = con.execute(sql, [key]).fetchall()
        ms = (time.perf_counter() - start) * 1000 / tries
        print(f"lookup over {2 * rows:,} rows by {what}: {ms:.2f} ms ({len(found)} row)")
    con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--publish-update", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fundquery-art-") as tmp:
        path = Path(tmp) / "art.duckdb"
        orders(path, args.rows)
        if args.publish_update:
            publish_update(path, args.rows)
        lookups(path, args.rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

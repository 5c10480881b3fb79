"""Schema migration: every file the store has not recorded is applied."""

from __future__ import annotations

import duckdb

from etl import store

ONE = (1, "001_a.sql", "CREATE TABLE a (x INTEGER)")
TWO = (2, "002_b.sql", "CREATE TABLE b (x INTEGER)")
THREE = (3, "003_c.sql", "CREATE TABLE c (x INTEGER)")


def tables(con):
    return {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }


def test_a_schema_file_that_arrives_after_a_higher_one_is_still_applied():
    con = duckdb.connect()
    # Branch with 003 merged first: the store records 1 and 3.
    assert store.migrate(con, [ONE, THREE]) == 3
    assert {"a", "c"} <= tables(con) and "b" not in tables(con)
    # Then the branch with 002 lands: it must still be applied, once.
    assert store.migrate(con, [ONE, TWO, THREE]) == 3
    assert "b" in tables(con)
    assert [
        r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    ] == [1, 2, 3]
    # Nothing is applied twice.
    assert store.migrate(con, [ONE, TWO, THREE]) == 3


def test_the_real_schema_applies_every_file(tmp_path):
    con = store.connect(tmp_path / "s.duckdb")
    recorded = [
        r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    ]
    assert recorded == [v for v, _, _ in store.migrations()]

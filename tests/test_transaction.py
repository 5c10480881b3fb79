"""The one transaction helper: commit on success, roll back on any error, keep the error that names the cause."""

from __future__ import annotations

import duckdb
import pytest

from etl.transaction import transaction


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    con.execute("CREATE TABLE t (i INTEGER PRIMARY KEY)")
    yield con
    con.close()


def _rows(con) -> list[int]:
    return [r[0] for r in con.execute("SELECT i FROM t ORDER BY i").fetchall()]


def _is_open(con) -> bool:
    """Whether a transaction is still open on ``con`` (a second BEGIN fails if so)."""
    try:
        con.execute("BEGIN TRANSACTION")
    except duckdb.TransactionException:
        return True
    con.execute("ROLLBACK")
    return False


def test_the_block_commits_on_success(con):
    with transaction(con) as inside:
        inside.execute("INSERT INTO t VALUES (1), (2)")
    assert _rows(con) == [1, 2] and not _is_open(con)


def test_an_error_rolls_back_and_is_raised_as_it_was(con):
    class Refused(Exception):
        pass

    with pytest.raises(Refused, match="halfway"), transaction(con):
        con.execute("INSERT INTO t VALUES (1)")
        raise Refused("halfway")
    assert _rows(con) == [] and not _is_open(con)


def test_a_database_error_in_the_block_is_the_one_raised(con):
    con.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(duckdb.ConstraintException), transaction(con):
        con.execute("INSERT INTO t VALUES (2)")
        con.execute("INSERT INTO t VALUES (1)")
    assert _rows(con) == [1] and not _is_open(con)


class _DiskFullAtCommit:
    """The real connection, except that COMMIT rolls back and fails as on a full disk."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def execute(self, sql: str, *args):
        if sql == "COMMIT":
            self._con.execute("ROLLBACK")
            raise duckdb.IOException("Could not write file: No space left on device")
        return self._con.execute(sql, *args)


def test_a_failed_commit_keeps_its_own_error_not_the_rollbacks(con):
    with (
        pytest.raises(duckdb.IOException, match="No space left"),
        transaction(_DiskFullAtCommit(con)) as inside,
    ):
        inside.execute("INSERT INTO t VALUES (1)")
    assert _rows(con) == [] and not _is_open(con)

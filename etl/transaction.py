"""The one way to open a transaction: ``with transaction(con): ...``.

BEGIN; COMMIT when the block ends; ROLLBACK when anything is raised, and the
block's own error is the one that propagates.  A COMMIT that fails (a full
disk) has already rolled back, so the ROLLBACK after it fails too: its error
is dropped and the COMMIT's is kept, since that one names the cause.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import duckdb


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the block in one transaction on ``con``: all of it commits, or none of it."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise

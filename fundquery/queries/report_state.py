"""The state the inspectors' reports are computed from, as one string (issue 18's report cache).

A report reads every loaded batch's rows (published or not), the holiday
calendar, the flags and their answers, the messages, the 整改公示, the field
checks and the county's settings.  Rows of the data kinds and registers only
ever arrive or leave with a batch, so the batches table stands for them; the
other tables are changed in place (a flag moved, a message answered, a batch
published), so each is digested whole: its row count and the sum of its rows'
hashes.  They are small (flags, messages and samples, not payments), so the
statement costs a few milliseconds (one scan per table, UNION ALL: the same
scans concatenated as scalar subqueries took eight times as long).  The cache keys every entry on its digest:
any load, publish, retract, flag change or calendar change gives a new one.
"""

from __future__ import annotations

import duckdb

# Tables a report reads that change other than by a batch arriving; each one digested whole.
STATE_TABLES = (
    "batches",
    "holiday_days",
    "holiday_years",
    "flags",
    "flag_answers",
    "messages",
    "rectification_notices",
    "county",
    "samples",
    "sample_members",
    "sample_visits",
)
_STATE = " UNION ALL ".join(
    f"SELECT {n} AS n, count(*) AS row_count, sum(hash(t)) AS digest FROM {table} t"  # noqa: S608
    for n, table in enumerate(STATE_TABLES)
)


def report_state_text(con: duckdb.DuckDBPyConnection) -> str:
    """Everything an inspector's report is computed from, short of the batches' own rows."""
    rows = sorted(con.execute(_STATE).fetchall())
    return "|".join(f"{count}:{digest}" for _n, count, digest in rows)

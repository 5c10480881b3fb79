"""When each published dataset was published, and by which office (for the public pages).

The office is the one the reviewer worked for when publishing (batch_reviews),
else the publisher's current office; a batch published from the command line
has none.
"""

from __future__ import annotations

from typing import Any

import duckdb

from etl.specs import SPECS
from fundquery.queries.sql import fetch

_PUBLISHED = """
SELECT b.batch_id, b.kind, b.row_count, b.published_at,
       coalesce((SELECT r.office FROM batch_reviews r WHERE r.batch_id = b.batch_id AND r.action = 'publish'
                 ORDER BY r.review_id DESC LIMIT 1),
                (SELECT u.office FROM users u WHERE u.username = b.published_by)) AS published_office,
       b.office AS uploaded_office
FROM public_batches b
"""

# The kinds whose rows name a fund, so a fund page can say which batches it shows.
FUND_KINDS = ("funds", "allocations", "disbursements", "payments", "projects")


def published_datasets(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every published batch, newest first."""
    return fetch(con, _PUBLISHED + " ORDER BY b.published_at DESC, b.batch_id DESC")


def fund_publications(
    con: duckdb.DuckDBPyConnection, year: int, fund_code: str
) -> list[dict[str, Any]]:
    """The published batches holding rows of one fund (its catalogue line, allocations, disbursements,
    payments, projects)."""
    parts, params = [], []
    for kind in FUND_KINDS:
        table = SPECS[kind].table
        year_cond = " AND year = ?" if any(c.name == "year" for c in SPECS[kind].columns) else ""
        parts.append(f"SELECT DISTINCT batch_id FROM public_{table} WHERE fund_code = ?{year_cond}")  # noqa: S608
        params += [fund_code] + ([year] if year_cond else [])
    return fetch(
        con,
        _PUBLISHED
        + f" WHERE b.batch_id IN ({' UNION '.join(parts)}) ORDER BY b.kind, b.published_at",  # noqa: S608
        params,
    )


# Everything a public page may show changes only with one of these: a batch's status (publish,
# withdraw, retract, replace, reject), a reply published or listed, a 整改公示 published, the
# holiday calendar.  Their digest is the publication version the page cache is keyed on.
VERSION = """
SELECT (SELECT coalesce(string_agg(batch_id || ':' || status, ',' ORDER BY batch_id), '') FROM batches)
    || '|' || (SELECT count(*) || ':' || coalesce(CAST(max(published_at) AS VARCHAR), '')
                      || ':' || count(*) FILTER (WHERE is_listed)
               FROM messages WHERE status = 'published')
    || '|' || (SELECT count(*) || ':' || coalesce(CAST(max(published_at) AS VARCHAR), '')
               FROM rectification_notices WHERE published_at IS NOT NULL)
    || '|' || (SELECT count(*) || ':' || coalesce(CAST(max(day) AS VARCHAR), '') FROM holiday_days)
"""


def version_text(con: duckdb.DuckDBPyConnection) -> str:
    """The state every public page is computed from, as one string (digested by the page cache)."""
    return con.execute(VERSION).fetchone()[0]

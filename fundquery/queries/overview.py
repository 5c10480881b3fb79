"""What the public home page shows: how much has been published, by dataset kind."""

from __future__ import annotations

from typing import Any

import duckdb

from etl.specs import SPECS
from fundquery.queries.sql import fetch

PUBLISHED_BY_KIND = """
SELECT kind, count(*) AS batch_count, coalesce(sum(row_count), 0) AS row_count,
       max(published_at) AS last_published_at
FROM public_batches
GROUP BY kind
"""


def published_by_kind(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """One entry per public dataset kind, in spec order, with its published batches and rows.

    A register from another department is never public: the public home page does not list it.
    """
    found = {row["kind"]: row for row in fetch(con, PUBLISHED_BY_KIND)}
    overview = []
    for kind, spec in SPECS.items():
        if spec.register:
            continue
        row = found.get(kind, {})
        overview.append(
            {
                "kind": kind,
                "title_zh": spec.title_zh,
                "title_en": spec.title_en,
                "batch_count": int(row.get("batch_count", 0)),
                "row_count": int(row.get("row_count", 0)),
                "last_published_at": row.get("last_published_at"),
            }
        )
    return overview

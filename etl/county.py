"""The county a store belongs to (etl/sql/007_county.sql): read it, set it.

The code is the GB/T 2260 six-digit administrative division code; it goes
with every row that leaves the store for a province's lake (fundquery.lake).
"""

from __future__ import annotations

import re

import duckdb

from etl.audit import audit

UNSET = "000000"
_CODE = re.compile(r"[0-9]{6}")


class CountyError(ValueError):
    """A county code or name that cannot be stored."""


def get_county(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """(county_code, county_name) of the store; the code is '000000' until set."""
    return con.execute("SELECT county_code, county_name FROM county").fetchone()


def set_county(
    con: duckdb.DuckDBPyConnection, code: str, name: str | None, actor: str
) -> tuple[str, str]:
    """Set the store's county code (and name); audit-logged."""
    code = (code or "").strip()
    if not _CODE.fullmatch(code) or code == UNSET:
        raise CountyError(
            f"县（区）代码“{code}”无效：应为 6 位数字的行政区划代码（GB/T 2260），如 411524。"
            f" / County code “{code}”: expected the six-digit administrative division code (GB/T 2260), e.g. 411524."
        )
    old_code, old_name = get_county(con)
    name = (name or "").strip() or (old_name if old_code != UNSET else code)
    con.execute(
        "UPDATE county SET county_code = ?, county_name = ?, changed_at = current_timestamp",
        [code, name],
    )
    audit(con, actor, "county.set", code, old_code=old_code, old_name=old_name, name=name)
    return code, name

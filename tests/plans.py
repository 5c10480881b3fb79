"""What DuckDB did to run a check, from its own profile: for tests that pin a check's cost, not its time."""

from __future__ import annotations

import json
from pathlib import Path

from fundquery.inspect import CHECKS, Filters, Params
from fundquery.inspect.catalogue import bind, filtered_sql


def profile(con, label: str, params: Params, folder: Path) -> tuple[list, list[dict]]:
    """Run check ``label`` with DuckDB's JSON profiling on: its rows, and the profile's operator trees."""
    path = folder / f"profile-{label}.json"
    sql, values = filtered_sql(CHECKS[label], Filters())
    con.execute("PRAGMA enable_profiling = 'json'")
    con.execute(f"PRAGMA profiling_output = '{path}'")
    try:
        rows = con.execute(sql, bind(sql, {**params.sql_values(), **values})).fetchall()
    finally:
        con.execute("PRAGMA disable_profiling")
    operators = json.loads(path.read_text())["operator"]
    assert operators, "the profile lists no operator: its format has changed"
    return rows, operators


def held_rows(node: dict) -> list[tuple[str, int]]:
    """What each operator keeps in memory while the query runs, in rows: a join its build side (the
    second child), a GROUP BY or DISTINCT its groups, a sort or window its input, a materialised CTE
    its rows."""
    name, children = node["name"], node.get("children", [])
    held = []
    if name.endswith("JOIN") and len(children) == 2:
        held.append((name, children[1]["intermediate_rows"]))
    elif "GROUP_BY" in name or name in ("ORDER_BY", "WINDOW", "DISTINCT"):
        held.append((name, node["intermediate_rows"]))
    elif name == "CTE" and children:
        held.append((f"CTE {node['extra_info'].get('CTE Name')}", children[0]["intermediate_rows"]))
    for child in children:
        held += held_rows(child)
    return held


def aggregates(node: dict) -> list[tuple[str, int]]:
    """Each GROUP BY: its aggregates as one text, and its number of groups."""
    found = []
    if "GROUP_BY" in node["name"]:
        found.append((str(node["extra_info"].get("Aggregates", "")), node["intermediate_rows"]))
    for child in node.get("children", []):
        found += aggregates(child)
    return found

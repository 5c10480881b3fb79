"""SQL lives in a few places only: query modules, the inspectors' catalogue, etl and the messages' store.

A statement written into a view, a CLI command or a sign-in helper is a
second way to the same table that the query modules cannot see; this test
lists every ``.execute(``/``.executemany(`` call elsewhere in the product
whose text holds SQL, and every string elsewhere that starts a statement.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from fundquery import REPO_ROOT

PACKAGES = ("fundquery", "etl")
# Where SQL may be written (paths relative to the repository root).
SQL_PLACES = (
    "etl/",
    "fundquery/queries/",
    "fundquery/inspect/",
    "fundquery/messages/store.py",
    "fundquery/lake/",  # the lake's own SQL (export, and the catalogue on DuckDB or Spark)
)
SQL_WORDS = re.compile(
    r"\b(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|VIEW|INDEX|MACRO)|DROP\s+|"
    r"ALTER\s+TABLE|BEGIN(\s+TRANSACTION)?|COMMIT|ROLLBACK|GROUP\s+BY|ORDER\s+BY|WHERE)\b"
)
STATEMENT_START = re.compile(
    r"^\s*(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|WITH\s+\w+\s+AS)\b"
)


def _outside() -> list[Path]:
    found = []
    for package in PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            relative = path.relative_to(REPO_ROOT).as_posix()
            if not relative.startswith(SQL_PLACES):
                found.append(path)
    return found


def _strings(node: ast.AST) -> list[str]:
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def sql_outside_its_places() -> list[str]:
    """``path:line: text`` of every execute call with SQL, and every statement string, outside SQL_PLACES."""
    found = []
    for path in _outside():
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        relative = path.relative_to(REPO_ROOT).as_posix()
        in_calls: set[int] = set()  # constants already reported with their execute call
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("execute", "executemany")
                and any(SQL_WORDS.search(s) for s in _strings(node))
            ):
                in_calls |= {id(n) for n in ast.walk(node)}
                call = " ".join(ast.get_source_segment(source, node).split())
                found.append(f"{relative}:{node.lineno}: {call[:100]}")
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in in_calls
                and STATEMENT_START.search(node.value)
            ):
                found.append(f"{relative}:{node.lineno}: {node.value[:100]!r}")
    return sorted(set(found))


def test_sql_is_written_only_in_its_places():
    found = sql_outside_its_places()
    assert not found, "SQL outside " + ", ".join(SQL_PLACES) + ":\n" + "\n".join(found)

"""The import graph of the product (``fundquery`` and ``etl``): no cycles, no imports inside functions.

A cycle hidden behind an import inside a function (or at the bottom of a
module) still ties the modules together: each needs the other to be read
first.  Every import statement counts, at any depth, and relative imports are
resolved, so such a cycle is listed.  An import inside a function body is
listed as well, unless it is on the short allow-list below.
"""

from __future__ import annotations

import ast
from pathlib import Path

from fundquery import REPO_ROOT

PACKAGES = ("fundquery", "etl")

# Imports that must stay lazy, each with its reason.
LAZY_ALLOWED = {
    # The package's front door builds the web app on demand: every `fundquery` command, the lake
    # runner and etl's callers import `fundquery`, and the views' imports would cost each of them
    # ~80 MB and seconds (fundquery/__init__.py).
    ("fundquery", "fundquery.web.app"),
    # pyspark and sqlglot are the optional `lake` extra (pyproject.toml): the Spark runner imports
    # pyspark only when it runs, and `fundquery report --engine spark` imports the runner (and the
    # sqlglot translator it uses) only when asked, so that the rest of the command works without them.
    ("fundquery.lake.spark", "pyspark.sql"),
    ("fundquery.cli.report", "fundquery.lake.spark"),
    ("fundquery.cli.report", "fundquery.lake.translate"),
}


def modules() -> dict[str, Path]:
    """Every module of the product by its dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _base(name: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module a ``from … import`` names, relative imports resolved."""
    if not node.level:
        return node.module or ""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, node.module] if node.module else package)


def imports(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int, bool]]:
    """(imported module, line, inside a function) for every import statement in the module."""
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = _base(name, path, child)
                for alias in child.names:
                    # `from package import module` imports the module; `from module import name` the module.
                    target = f"{base}.{alias.name}"
                    found.append((target if target in known else base, child.lineno, in_function))
            visit(child, nested)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), False)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {
        name: {
            target
            for target, _line, _lazy in imports(name, path, known)
            if target in known and target != name
        }
        for name, path in known.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return sorted(found)


def test_the_product_has_no_import_cycle():
    found = cycles(graph())
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_no_import_hides_inside_a_function():
    known = modules()
    hidden = sorted(
        {
            f"{path.relative_to(REPO_ROOT)}:{line} imports {target}"
            for name, path in known.items()
            for target, line, lazy in imports(name, path, known)
            if lazy and (name, target) not in LAZY_ALLOWED
        }
    )
    assert not hidden, "imports inside functions:\n" + "\n".join(hidden)

"""Every setting the product reads is documented in README.md or docs/.

Read from the code itself: ``app.config[...]``, ``<anything>.config.get(...)``
and ``.setdefault(...)``, ``os.environ[...]``, ``os.environ.get(...)`` and
``os.getenv(...)`` in fundquery/ and etl/, with a module-level string constant
followed to its value.  A new setting without a line in the README fails here,
named.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from fundquery import REPO_ROOT

PRODUCT = ("fundquery", "etl")
DOCS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").rglob("*.md"))]


def _is_config(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "config"


def _is_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def _constants(tree: ast.Module) -> dict[str, str]:
    found = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def _key(node: ast.AST, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def settings_read(path: Path) -> set[str]:
    """The configuration keys and environment variables ``path`` reads."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _constants(tree)
    keys = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and (_is_config(node.value) or _is_environ(node.value))
        ):
            keys.add(_key(node.slice, constants))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            owner, method = node.func.value, node.func.attr
            reads = (
                (_is_config(owner) or _is_environ(owner)) and method in ("get", "setdefault")
            ) or (isinstance(owner, ast.Name) and owner.id == "os" and method == "getenv")
            if reads:
                keys.add(_key(node.args[0], constants))
    return {k for k in keys if k}


def test_every_setting_read_is_documented():
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS)
    documented = set(re.findall(r"\b[A-Z][A-Z0-9_]+\b", text))
    undocumented = {}
    for folder in PRODUCT:
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            for key in settings_read(path) - documented:
                undocumented.setdefault(key, []).append(str(path.relative_to(REPO_ROOT)))
    assert not undocumented, (
        f"document these settings in README.md (Settings) or docs/: {undocumented}"
    )


def test_the_reader_finds_settings(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'import os\nENV = "A_ENV"\nos.environ.get(ENV)\nos.environ["B_ENV"]\nos.getenv("C_ENV")\n'
        'app.config["D_KEY"]\napp.config["W_KEY"] = 1\ncurrent_app.config.get("E_KEY", 1)\napp.config.setdefault("F_KEY", 2)\n'
    )
    assert settings_read(sample) == {"A_ENV", "B_ENV", "C_ENV", "D_KEY", "E_KEY", "F_KEY"}

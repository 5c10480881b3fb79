"""What the public may see of a person: masked names, neutralised spreadsheet cells."""

from __future__ import annotations

from etl.text import FORMULA_STARTS, neutralise  # noqa: F401 (the rule lives beside the reader: etl has no Flask)


def mask_name(name: str | None) -> str | None:
    """张* / 张*静 / 欧**平: the notice convention (the SQL macro mask_name is the same rule)."""
    if name is None:
        return None
    name = name.strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]

"""What the public may see of a person: masked names, neutralised spreadsheet cells."""

from __future__ import annotations

from typing import Any

# OWASP "CSV injection": a cell starting with one of these is read as a
# formula by Excel, WPS and LibreOffice (tab and carriage return too).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value

"""Whole numbers from the query string: ASCII digits only, within bounds, else a 400 that says which.

``str.isdigit()`` accepts '²' and '٣' (then ``int()`` fails: a 500), and an unbounded
``page=99999999999999999999`` overflowed the database's integers, so every view reads
its numbers here (issue 15 §3).
"""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import BadRequest

MAX_PAGE = 1_000_000_000  # with 1,000 rows a page the offset still fits a BIGINT
YEARS = (1900, 2999)
MAX_ID = 2**63 - 1  # a BIGINT id
MAX_INT = 2**31 - 1  # an INTEGER column (the datasets' year filters)
_SHOWN_CHARS = 40


class BadParameter(BadRequest):
    """A query-string parameter that is not a whole number in its range; ``description`` says so."""

    def __init__(self, name: str, value: str, low: int, high: int) -> None:
        shown = value if len(value) <= _SHOWN_CHARS else value[:_SHOWN_CHARS] + "…"
        super().__init__(
            f"参数 {name} 的值“{shown}”无效：应为 {low:,} 到 {high:,} 之间的整数（只用数字 0-9）。"
            f" / The parameter {name}={shown!r} is not valid: expected a whole number from {low:,} to {high:,}"
            " (digits 0-9 only)."
        )
        self.parameter, self.value = name, value


def int_arg(
    name: str, default: int | None = None, *, low: int = 0, high: int = MAX_ID
) -> int | None:
    """``request.args[name]`` as an int in [low, high]; ``default`` when absent or empty; else BadParameter."""
    return parse_int(name, request.args.get(name, ""), default, low=low, high=high)


def parse_int(
    name: str, value: str, default: int | None = None, *, low: int = 0, high: int = MAX_ID
) -> int | None:
    """``value`` (of parameter ``name``) as an int in [low, high]; ``default`` when empty; else BadParameter."""
    text = value.strip()
    if not text:
        return default
    if (
        not (text.isascii() and text.isdigit())
        or len(text) > len(str(high))
        or not low <= int(text) <= high
    ):
        raise BadParameter(name, value, low, high)
    return int(text)


def year_arg(name: str = "year") -> int | None:
    """A year from the query string, or None."""
    return int_arg(name, low=YEARS[0], high=YEARS[1])

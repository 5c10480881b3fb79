"""Each check's SQL is written once, in DuckDB's dialect; sqlglot translates it for Spark.

sqlglot (a maintained SQL parser and transpiler) does the translation.  Where
its Spark output would silently mean something else than DuckDB's, the
syntax tree is corrected here, construct by construct, never rule by rule:

- ``date_diff('year'|'month', a, b)`` counts calendar boundaries in DuckDB
  (2023-12-31 to 2024-01-01 is one year), whole elapsed units in Spark's
  ``datediff(YEAR, …)``: written as year/month arithmetic;
- ``isodow(d)`` (Monday 1 … Sunday 7): sqlglot 30 emits a formula over
  Spark's ``dayofweek`` that is off by one day: written as ``weekday(d) + 1``;
- ``d ± to_days(n)`` and ``d ± to_months(n)``: ``date_add``/``date_sub``/``add_months``.

What has no Spark counterpart (DuckDB's ASOF or POSITIONAL joins, anything
sqlglot reports as unsupported) raises :class:`Untranslatable` naming the
check and the reason: the rule is then rewritten once, in portable SQL, for
both engines (as the payout links were: a ranked join instead of ASOF).
"""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, UnsupportedError

# Joins DuckDB has and Spark has not.
_DUCKDB_ONLY_JOINS = {"ASOF": "an ASOF JOIN", "POSITIONAL": "a POSITIONAL JOIN"}
# DuckDB interval constructors sqlglot passes through unchanged.
_INTERVAL_FUNCTIONS = {"to_days": "date_add", "to_months": "add_months"}


class Untranslatable(ValueError):
    """A check's DuckDB SQL that cannot be run on Spark as it stands."""


def _year_month(node: exp.Expression, unit: str) -> exp.Expression:
    # The new node's children are not visited again: translate them first.
    end, start = node.this.transform(_fix), node.expression.transform(_fix)
    years = exp.Sub(this=exp.Year(this=end.copy()), expression=exp.Year(this=start.copy()))
    if unit == "YEAR":
        return exp.Paren(this=years)
    months = exp.Sub(this=exp.Month(this=end.copy()), expression=exp.Month(this=start.copy()))
    return exp.Paren(
        this=exp.Add(
            this=exp.Mul(this=exp.Paren(this=years), expression=exp.Literal.number(12)),
            expression=months,
        )
    )


def _interval_call(node: exp.Expression) -> tuple[str, exp.Expression] | None:
    if (
        isinstance(node, exp.Anonymous)
        and node.name.lower() in _INTERVAL_FUNCTIONS
        and len(node.expressions) == 1
    ):
        return node.name.lower(), node.expressions[0]
    to_days = getattr(exp, "ToDays", None)  # sqlglot 30 parses to_days itself, to_months not
    if to_days is not None and isinstance(node, to_days):
        return "to_days", node.this
    return None


def _fix(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.DateDiff):
        unit = (node.text("unit") or "DAY").upper()
        if unit in ("YEAR", "MONTH"):
            return _year_month(node, unit)
        if unit != "DAY":
            raise Untranslatable(f"date_diff by {unit.lower()} has no exact Spark counterpart")
    if isinstance(node, exp.DayOfWeekIso):
        return exp.Paren(
            this=exp.Add(
                this=exp.Anonymous(this="weekday", expressions=[node.this.transform(_fix)]),
                expression=exp.Literal.number(1),
            )
        )
    if isinstance(node, exp.Add | exp.Sub):
        call = _interval_call(node.expression)
        if call:
            name, amount = call
            amount = amount.transform(_fix)
            if name == "to_days":
                fn = "date_add" if isinstance(node, exp.Add) else "date_sub"
            else:
                fn = "add_months"
                if isinstance(node, exp.Sub):
                    amount = exp.Neg(this=exp.Paren(this=amount))
            return exp.Anonymous(this=fn, expressions=[node.this.transform(_fix), amount])
    return node


def _refuse(tree: exp.Expression) -> None:
    for join in tree.find_all(exp.Join):
        method = (join.args.get("method") or "").upper()
        if method in _DUCKDB_ONLY_JOINS:
            raise Untranslatable(
                f"{_DUCKDB_ONLY_JOINS[method]} has no Spark counterpart; "
                "write it as a ranked join (row_number() over the candidates)"
            )
    to_days = getattr(exp, "ToDays", None)
    if to_days is not None and tree.find(to_days):
        raise Untranslatable("to_days() is only translated when added to or subtracted from a date")
    for call in tree.find_all(exp.Anonymous):
        if call.name.lower() in _INTERVAL_FUNCTIONS:
            raise Untranslatable(
                f"{call.name}() is only translated when added to or subtracted from a date"
            )


@lru_cache(maxsize=256)
def _translate(sql: str) -> str:
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except ParseError as exc:
        raise Untranslatable(f"sqlglot cannot parse it ({str(exc).splitlines()[0]})") from exc
    tree = tree.transform(_fix)
    _refuse(tree)
    try:
        return tree.sql(dialect="spark", unsupported_level=ErrorLevel.RAISE)
    except UnsupportedError as exc:
        raise Untranslatable(f"sqlglot cannot write it for Spark ({exc})") from exc


def to_spark(sql: str, label: str = "query") -> str:
    """``sql`` (DuckDB dialect, ``$name`` parameters) in Spark's dialect (``:name`` parameters)."""
    try:
        return _translate(sql)
    except Untranslatable as exc:
        raise Untranslatable(f"cannot translate check {label}: {exc}") from None

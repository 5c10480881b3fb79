"""What a discrepancy check is, the settings checks share, and how one is run.

A check (STYLE.md habit 7) has a label, a title, a severity, what a finding
means and what to do about it, and ONE SQL query over the live store (loaded
or published batches: what inspectors see) returning the offending rows with
the figures that make the case.  Settings travel as DuckDB named parameters
(``$as_of``, ``$stuck_days`` …), never by string formatting.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

from etl.labels import label
from etl.vocabulary import MEANS_TESTED_FUNDS
from fundquery.calendar.timeliness import RULE_WORKING_DAYS

SEVERITIES = ("high", "medium", "low")
SEVERITY_ZH = {"high": "严重", "medium": "较重", "low": "一般"}

# Filters every report page offers, and the column a check must return for each.
FILTERS = ("year", "fund_code", "department", "township")


@dataclass(frozen=True)
class Column:
    """A column of a check's rows: its name, headers, and how it is shown.

    The headers come from ``etl/labels.py`` unless the check names narrower ones.
    ``kind``: text | amount | date | int | days | name | id | flag.  ``name``
    columns are masked unless an inspector asks for full detail (audit-logged).
    """

    name: str
    zh: str = ""
    en: str = ""
    kind: str = "text"

    def __post_init__(self) -> None:
        if not (self.zh and self.en):
            common = label(self.name)
            object.__setattr__(self, "zh", self.zh or common.zh)
            object.__setattr__(self, "en", self.en or common.en)


@dataclass(frozen=True)
class Params:
    """The settings every check may use; each is documented where it is declared."""

    as_of: dt.date = field(default_factory=dt.date.today)
    # The county's own buckets of days from approval to disbursement: ≤3, 4–10, >10 (DESIGN.md §1).
    delay_edges_days: tuple[int, ...] = (3, 10)
    # From disbursement to the household's account: the wait beyond this many days is a finding.
    payout_limit_days: int = 30
    # Approved but not disbursed, or disbursed but not paid out, for longer than this.
    stuck_days: int = 30
    # Allocation against payment: differences up to this many yuan are rounding.
    tolerance_yuan: float = 1.0
    # amount against quantity × standard: differences up to this are rounding (one fen).
    rounding_yuan: float = 0.01
    # A returned (退回) 一卡通 payment not paid again within this many days.
    returned_days: int = 30
    # Information is published within 20 working days of being formed (seeds/, 政务公开条例): the
    # rule's one statement is fundquery.calendar.timeliness, which the reviewers' page uses too.
    publication_working_days: int = RULE_WORKING_DAYS
    # Statutory retirement ages (国发〔1978〕104号): men 60, women cadres 55, women
    # workers (工勤) 50; the 2025 gradual raise (全国人大常委会 2024-09-13 决定)
    # moves them month by month.
    retirement_age_male: int = 60
    retirement_age_female: int = 55
    retirement_age_female_worker: int = 50
    retirement_reform: bool = True
    # Funds that are means-tested relief rolls (低保, 特困供养), matched on the fund's name.
    relief_pattern: str = "最低生活保障|低保|特困"
    # Paid after death: a payment later than the end of the month of death by more than this many
    # days is a finding (0: the month's own payment is due; a county that pays in arrears may allow
    # the next month's roll, e.g. 31).  Issue 16.
    death_grace_days: int = 0
    # Means-tested funds (issue 16): a fund the catalogue marks 是否经济状况核查 是 (否: never); where it says
    # nothing, a fund whose name has one of these words (etl.vocabulary.MEANS_TESTED_FUNDS, from the
    # 社会救助暂行办法's assistance paid after a check of income and property).
    means_tested_funds: str = "|".join(MEANS_TESTED_FUNDS)
    # relief_vehicle_owner: vehicle types that do not count against a relief family (车辆类型 or 号牌种类
    # containing one of these words).  Default: the kinds provinces' 低保 rules commonly leave out
    # (motorcycles, three-wheelers, farm vehicles, tractors, disabled people's carriages); a county
    # sets its own province's list.
    exempt_vehicle_types: str = "摩托|三轮|农用|拖拉机|残疾人"
    # relief_business_owner: an active business counts when its registered capital is above this many
    # yuan.  Our default, not a legal figure: set the one the province's 低保 rules use.
    business_capital_yuan: int = 50_000
    # relief_property_owner: the floor area (m²) of every property a payee holds at payment time, above
    # which the payment is a finding.  Our default, not a legal figure: set the province's.
    property_area_sqm: int = 120

    def sql_values(self) -> dict[str, Any]:
        values = asdict(self)
        values["delay_edges_days"] = list(self.delay_edges_days)
        return values


@dataclass(frozen=True)
class Filters:
    """What a report page or the CLI narrows the rows to (None: everything)."""

    year: int | None = None
    fund_code: str | None = None
    department: str | None = None
    township: str | None = None

    def active(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


@dataclass(frozen=True)
class LeftOut:
    """Rows a check cannot judge and leaves out, counted and said beside its figures, never silently.

    A disbursement voucher with no approval date (issue 14: the 直达资金 system's 支付凭证) has no
    delay from approval: a check measured from approval leaves it out and the page says how many.
    A payment with no ID number (a roster without the column) is nobody's to match: a check that
    matches people by the ID hash leaves it out the same way.
    """

    sql: str  # the rows left out, carrying the check's filter columns (or those of ``filters``)
    zh: str  # {n}: how many
    en: str
    # Which of the check's filters the rows carry (None: all).  A staff roll row has no year or
    # township: the staff a check could not see are counted whatever the page is narrowed to.
    filters: tuple[str, ...] | None = None
    # A second kind of row the same check leaves out (staff_on_relief: ID-less payments and ID-less
    # staff), counted apart and said beside the first.
    also: LeftOut | None = None

    @property
    def parts(self) -> tuple[LeftOut, ...]:
        return (self, *(self.also.parts if self.also else ()))


# The vouchers with no approval date that a check measured from approval leaves out.
UNDATED_ZH = "另有 {n} 张凭证无审核日期，未计入"
UNDATED_EN = "{n} more vouchers have no approval date and are not counted"

# The payments with no ID number (a roster without the column, issue 14) that a check matching people
# by the ID hash leaves out: such a row is nobody's to match, and NULL hashes must never meet each other.
IDLESS_ZH = "另有 {n} 条发放无身份证号，未计入"
IDLESS_EN = "{n} more payments have no ID number and are not counted"
# The staff with no ID number (a roll without the column, issue 14) that a check matching staff by the
# ID hash cannot see.
IDLESS_STAFF_ZH = "另有 {n} 名人员无身份证号，未计入"
IDLESS_STAFF_EN = "{n} more staff have no ID number and are not counted"


@dataclass(frozen=True)
class Check:
    label: str
    group: str  # delays | money | payments | staffing | publication
    title_zh: str
    title_en: str
    severity: str  # high: likely loss or irregularity; medium: needs checking; low: slow service
    meaning_zh: str
    meaning_en: str
    action_zh: str
    action_en: str
    sql: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the columns that identify a finding (for flags)
    filters: tuple[str, ...] = ()  # which of FILTERS the rows carry
    amount_column: str | None = None  # the money at stake in a row
    record_kind: str = "finding"
    left_out: LeftOut | None = None  # rows the check cannot judge: counted and said on every page

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:  # not assert: checks must hold under python -O too
            raise ValueError(f"{self.label}: unknown severity {self.severity!r}")
        names = {c.name for c in self.columns}
        missing = (set(self.filters) | {self.amount_column} - {None}) - names
        if missing:
            raise ValueError(f"{self.label}: columns {missing} not declared")

    @property
    def is_about_persons(self) -> bool:
        return any(c.kind == "name" for c in self.columns)

    @property
    def fields(self) -> list[str]:
        """The shown columns, then the key columns not shown, for a person the ID hash (never shown), and
        the county the row belongs to (every check returns it: one county in a store, many in a lake)."""
        shown = [c.name for c in self.columns]
        hidden = [*self.key, "id_hash"] if self.is_about_persons else list(self.key)
        hidden.append("county_code")
        return shown + [k for k in dict.fromkeys(hidden) if k not in shown]

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def meaning(self, lang: str) -> str:
        return self.meaning_en if lang == "en" else self.meaning_zh

    def action(self, lang: str) -> str:
        return self.action_en if lang == "en" else self.action_zh


_PARAM = re.compile(r"\$([a-z_]+)")


def bind(sql: str, values: dict[str, Any]) -> dict[str, Any]:
    """The named parameters ``sql`` uses (DuckDB refuses extra ones)."""
    return {name: values[name] for name in set(_PARAM.findall(sql))}


def filtered_sql(
    check: Check,
    filters: Filters,
    source: str | None = None,
    carried: tuple[str, ...] | None = None,
) -> tuple[str, dict[str, Any]]:
    """The check's query (or ``source``: its left-out rows, carrying ``carried`` of the check's filter
    columns, None: all) narrowed by the active filters it supports."""
    supported = check.filters if carried is None else set(check.filters) & set(carried)
    active = {k: v for k, v in filters.active().items() if k in supported}
    where = " AND ".join(f"finding.{k} = $f_{k}" for k in active)
    sql = f"SELECT * FROM ({source or check.sql}) AS finding" + (f" WHERE {where}" if where else "")  # noqa: S608
    return sql, {f"f_{k}": v for k, v in active.items()}


def left_out_sql(check: Check, params: Params, filters: Filters) -> tuple[str, dict[str, Any]]:
    """One row: the count of each kind of row ``check`` leaves out (it must have ``left_out``), under
    the same filters (those the rows carry)."""
    counts, values = [], {}
    for i, part in enumerate(check.left_out.parts):
        sql, narrowed = filtered_sql(check, filters, part.sql, part.filters)
        counts.append(f"(SELECT count(*) FROM ({sql}) AS left_out_{i}) AS n{i}")  # noqa: S608
        values.update(narrowed)
    sql = "SELECT " + ", ".join(counts)
    return sql, bind(sql, {**params.sql_values(), **values})


def left_out_counts(row: tuple | list) -> tuple[int, ...]:
    """The counts of a ``left_out_sql`` row, as plain ints on either engine."""
    return tuple(int(n) for n in row)


@dataclass
class Result:
    check: Check
    rows: list[dict[str, Any]]
    params: Params
    filters: Filters
    # Each kind of row the check could not judge (Check.left_out's parts), None: it has none.
    left_out_parts: tuple[int, ...] | None = None

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def left_out(self) -> int | None:
        """How many rows the check could not judge, of every kind (None: it leaves none out)."""
        return None if self.left_out_parts is None else sum(self.left_out_parts)

    def left_out_text(self, lang: str) -> str:
        """“另有 N 张凭证无审核日期，未计入” when the check left rows out, else ''; each kind said apart."""
        if not self.left_out:
            return ""
        said = [
            (part.en if lang == "en" else part.zh).format(n=n)
            for part, n in zip(self.check.left_out.parts, self.left_out_parts, strict=True)
            if n
        ]
        return ("; " if lang == "en" else "；").join(said)

    @property
    def amount_yuan(self):
        col = self.check.amount_column
        return sum((r[col] or 0) for r in self.rows) if col else None


def run(
    con: duckdb.DuckDBPyConnection,
    check: Check,
    params: Params | None = None,
    filters: Filters | None = None,
) -> Result:
    """Every offending row of ``check``, as dicts in the check's column order."""
    params, filters = params or Params(), filters or Filters()
    sql, values = filtered_sql(check, filters)
    values = bind(sql, {**params.sql_values(), **values})
    cursor = con.execute(sql, values)
    names = [d[0] for d in cursor.description]
    wanted = check.fields
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    left = None
    if check.left_out is not None:
        left = left_out_counts(con.execute(*left_out_sql(check, params, filters)).fetchone())
    return Result(check, [{k: r[k] for k in wanted} for r in rows], params, filters, left)


def count(
    con: duckdb.DuckDBPyConnection,
    check: Check,
    params: Params | None = None,
    filters: Filters | None = None,
) -> int:
    """How many rows ``check`` finds (without fetching them)."""
    params, filters = params or Params(), filters or Filters()
    sql, values = filtered_sql(check, filters)
    values = bind(sql, {**params.sql_values(), **values})
    return con.execute(f"SELECT count(*) FROM ({sql})", values).fetchone()[0]  # noqa: S608


def finding_key(check: Check, row: dict[str, Any]) -> str:
    """A stable text key for one finding (its key columns joined with '|')."""
    return "|".join("" if row[k] is None else str(row[k]) for k in check.key)

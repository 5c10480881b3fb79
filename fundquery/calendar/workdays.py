"""Working days in China: a holiday table in the store, seeded from chinesecalendar.

chinesecalendar knows 2004–2026 only and raises for later years (DESIGN.md §7).
The State Council publishes each year's 节假日安排 late in the year before, so
the schedule lives in the store (``holiday_years``/``holiday_days``, declared
by etl/sql/003_staff.sql and seeded by 004_inspect.sql from the package) and an administrator adds a
year from that notice with :func:`load_year`.  A year not in the table falls
back to Monday–Friday and every figure that used it is marked provisional.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import chinese_calendar
import duckdb

from etl.audit import audit
from etl.transaction import transaction
from fundquery.queries import calendar as calendar_queries

PACKAGE_SOURCE = "chinesecalendar"

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def package_days() -> list[tuple[dt.date, bool, str]]:
    """(day, is_workday, holiday name in Chinese) for every exceptional day chinesecalendar knows."""
    rows = [(d, False, n) for d, n in chinese_calendar.holidays.items()]
    rows += [(d, True, n) for d, n in chinese_calendar.workdays.items()]
    return sorted((d, w, HOLIDAY_NAMES_ZH.get(n, n)) for d, w, n in rows)


def seed_sql() -> str:
    """The INSERT statements etl/sql/004_inspect.sql carries (regenerate with this)."""
    return calendar_queries.seed_statements(package_days(), PACKAGE_SOURCE)


def loaded_years(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Year -> source for every year whose schedule is in the store."""
    return calendar_queries.year_sources(con)


def provisional_years(con: duckdb.DuckDBPyConnection, years: Iterable[int]) -> list[int]:
    """The years among ``years`` that fall back to Monday–Friday."""
    known = loaded_years(con)
    return sorted({y for y in years if y not in known})


def is_workday(con: duckdb.DuckDBPyConnection, day: dt.date) -> tuple[bool, bool]:
    """(is it a working day, is that answer provisional) — never raises for a year."""
    if day.year not in loaded_years(con):
        return day.isoweekday() < 6, True
    found = calendar_queries.day_is_workday(con, day)
    return (day.isoweekday() < 6 if found is None else found), False


def working_days_between(
    con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date
) -> tuple[int, bool]:
    """Working days in (start, end] and whether any day of it was provisional."""
    return calendar_queries.working_days_between(con, start, end)


def load_year(
    con: duckdb.DuckDBPyConnection,
    year: int,
    holidays: dict[dt.date, str],
    workdays: dict[dt.date, str],
    *,
    actor: str,
    notice: str,
    source: str = "admin",
) -> None:
    """Replace ``year``'s schedule: days off (with names) and weekend days worked, from the notice."""
    days = {
        **{d: (False, n) for d, n in holidays.items()},
        **{d: (True, n) for d, n in workdays.items()},
    }
    wrong = sorted(d for d in days if d.year != year)
    if wrong:
        raise ValueError(f"{wrong[0]} 不在 {year} 年。/ {wrong[0]} is not in {year}.")
    with transaction(con):
        calendar_queries.replace_year(con, year, days, source=source, actor=actor)
        audit(
            con,
            actor,
            "calendar_year",
            f"year:{year}",
            source=source,
            notice=notice,
            holidays=len(holidays),
            workdays=len(workdays),
        )


def load_package_years(con: duckdb.DuckDBPyConnection, *, actor: str) -> list[int]:
    """Add every year a newer chinesecalendar knows and the store lacks; return those years."""
    known = loaded_years(con)
    by_year: dict[int, tuple[dict, dict]] = {}
    for day, worked, name in package_days():
        if day.year not in known:
            by_year.setdefault(day.year, ({}, {}))[1 if worked else 0][day] = name
    for year, (off, on) in sorted(by_year.items()):
        load_year(con, year, off, on, actor=actor, notice="chinesecalendar", source=PACKAGE_SOURCE)
    return sorted(by_year)

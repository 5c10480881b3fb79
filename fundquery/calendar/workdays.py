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

# Cumulative working-day number of every day from 2000 to 2100: the working
# days in (a, b] are idx(b) - idx(a).  Days of a year missing from
# holiday_years count Monday–Friday and carry is_provisional.  The days come
# from unnest(generate_series(…)) in a subquery: a form sqlglot translates for
# Spark (fundquery.lake.translate), which a table function in FROM is not.
WORKDAY_INDEX = """
workday_index AS (
    SELECT day,
           sum(CAST(is_workday AS INTEGER)) OVER (ORDER BY day) AS workday_no,
           sum(CAST(is_provisional AS INTEGER)) OVER (ORDER BY day) AS provisional_no
    FROM (
        SELECT CAST(g.day AS DATE) AS day,
               CASE WHEN y.year IS NULL THEN isodow(g.day) < 6
                    ELSE coalesce(c.is_workday, isodow(g.day) < 6) END AS is_workday,
               y.year IS NULL AS is_provisional
        FROM (SELECT unnest(generate_series(DATE '2000-01-01', DATE '2100-12-31', INTERVAL 1 DAY)) AS day) AS g
        LEFT JOIN holiday_years y ON y.year = year(g.day)
        LEFT JOIN holiday_days c ON c.day = CAST(g.day AS DATE)
    )
)"""


def package_days() -> list[tuple[dt.date, bool, str]]:
    """(day, is_workday, holiday name in Chinese) for every exceptional day chinesecalendar knows."""
    rows = [(d, False, n) for d, n in chinese_calendar.holidays.items()]
    rows += [(d, True, n) for d, n in chinese_calendar.workdays.items()]
    return sorted((d, w, HOLIDAY_NAMES_ZH.get(n, n)) for d, w, n in rows)


def seed_sql() -> str:
    """The INSERT statements etl/sql/004_inspect.sql carries (regenerate with this)."""
    days = package_days()
    years = sorted({d.year for d, _, _ in days})
    values = ",\n".join(f"(DATE '{d.isoformat()}', {str(w).lower()}, '{n}', '{PACKAGE_SOURCE}')" for d, w, n in days)
    year_values = ", ".join(f"({y}, '{PACKAGE_SOURCE}', 'seed')" for y in years)
    years_sql = f"INSERT INTO holiday_years (year, source, loaded_by) VALUES {year_values}\nON CONFLICT DO NOTHING;\n"  # noqa: S608
    days_sql = f"INSERT INTO holiday_days (day, is_workday, name, source) VALUES\n{values}\nON CONFLICT DO NOTHING;\n"  # noqa: S608
    return years_sql + days_sql


def loaded_years(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Year -> source for every year whose schedule is in the store."""
    return dict(con.execute("SELECT year, source FROM holiday_years ORDER BY year").fetchall())


def provisional_years(con: duckdb.DuckDBPyConnection, years: Iterable[int]) -> list[int]:
    """The years among ``years`` that fall back to Monday–Friday."""
    known = loaded_years(con)
    return sorted({y for y in years if y not in known})


def is_workday(con: duckdb.DuckDBPyConnection, day: dt.date) -> tuple[bool, bool]:
    """(is it a working day, is that answer provisional) — never raises for a year."""
    if day.year not in loaded_years(con):
        return day.isoweekday() < 6, True
    row = con.execute("SELECT is_workday FROM holiday_days WHERE day = ?", [day]).fetchone()
    return (row[0] if row else day.isoweekday() < 6), False


def working_days_between(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> tuple[int, bool]:
    """Working days in (start, end] and whether any day of it was provisional."""
    row = con.execute(
        f"WITH {WORKDAY_INDEX} SELECT b.workday_no - a.workday_no, b.provisional_no - a.provisional_no "  # noqa: S608
        "FROM workday_index a, workday_index b WHERE a.day = ? AND b.day = ?",
        [start, end],
    ).fetchone()
    return int(row[0]), row[1] > 0


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
    days = {**{d: (False, n) for d, n in holidays.items()}, **{d: (True, n) for d, n in workdays.items()}}
    wrong = sorted(d for d in days if d.year != year)
    if wrong:
        raise ValueError(f"{wrong[0]} 不在 {year} 年。/ {wrong[0]} is not in {year}.")
    with transaction(con):
        con.execute("DELETE FROM holiday_days WHERE year(day) = ?", [year])
        con.execute("DELETE FROM holiday_years WHERE year = ?", [year])
        if days:
            con.executemany(
                "INSERT INTO holiday_days (day, is_workday, name, source) VALUES (?, ?, ?, ?)",
                [[d, w, n, source] for d, (w, n) in sorted(days.items())],
            )
        con.execute(
            "INSERT INTO holiday_years (year, source, loaded_by) VALUES (?, ?, ?)", [year, source, actor]
        )
        audit(con, actor, "calendar_year", f"year:{year}", source=source, notice=notice,
              holidays=len(holidays), workdays=len(workdays))


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

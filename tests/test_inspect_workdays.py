"""Working days: China's holiday schedule from the store, a Mon–Fri fallback marked provisional, never a crash."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from etl.store import migrations
from fundquery.calendar import workdays

D = dt.date


def test_the_migration_seed_is_what_the_package_knows(store):
    (sql,) = [text for _, name, text in migrations() if name == "004_inspect.sql"]
    assert workdays.seed_sql() in sql
    years = workdays.loaded_years(store)
    assert min(years) == 2004 and max(years) == 2026 and set(years.values()) == {"chinesecalendar"}


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2024, 9, 27), D(2024, 10, 11), 6),  # National Day: Sunday 29 Sep worked, 1–7 Oct off
        (
            D(2024, 2, 8),
            D(2024, 2, 19),
            3,
        ),  # Spring Festival: 10–17 Feb off; Fri 9, Sun 18, Mon 19 worked
        (D(2025, 1, 1), D(2025, 1, 31), 19),
        (D(2024, 3, 15), D(2024, 3, 15), 0),
    ],
    ids=["national-day", "spring-festival", "jan-2025", "same-day"],
)
def test_working_days_follow_the_holiday_schedule(store, start, end, expected):
    assert workdays.working_days_between(store, start, end) == (expected, False)
    assert expected == len(chinese_calendar.get_workdays(start + dt.timedelta(days=1), end))


def test_a_year_without_a_schedule_falls_back_to_monday_to_friday(store):
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 1))  # the package itself gives up (DESIGN.md §7)
    assert workdays.is_workday(store, D(2027, 1, 1)) == (True, True)  # a Friday, provisional
    assert workdays.working_days_between(store, D(2026, 12, 25), D(2027, 1, 8)) == (10, True)
    assert workdays.provisional_years(store, [2026, 2027]) == [2027]


def test_an_administrator_loads_the_next_year_from_the_notice(store):
    holidays = {D(2027, 1, 1): "元旦"}
    workdays.load_year(store, 2027, holidays, {}, actor="admin", notice="国办发明电〔2026〕X号")
    assert workdays.is_workday(store, D(2027, 1, 1)) == (False, False)
    assert workdays.working_days_between(store, D(2026, 12, 25), D(2027, 1, 8)) == (9, False)
    logged = store.execute("SELECT actor, action, target FROM audit_log").fetchall()
    assert logged == [("admin", "calendar_year", "year:2027")]
    # Loading the year again replaces it.
    workdays.load_year(store, 2027, {}, {D(2027, 1, 2): "元旦"}, actor="admin", notice="更正")
    assert workdays.is_workday(store, D(2027, 1, 1)) == (True, False)
    assert workdays.is_workday(store, D(2027, 1, 2)) == (True, False)  # a Saturday worked


def test_a_day_outside_the_year_is_refused(store):
    with pytest.raises(ValueError, match="2028"):
        workdays.load_year(store, 2027, {D(2028, 1, 1): "元旦"}, {}, actor="admin", notice="x")
    assert 2027 not in workdays.loaded_years(store)


def test_package_years_the_store_lacks_are_added(store):
    store.execute("DELETE FROM holiday_days WHERE year(day) = 2026")
    store.execute("DELETE FROM holiday_years WHERE year = 2026")
    assert workdays.load_package_years(store, actor="admin") == [2026]
    assert workdays.is_workday(store, D(2026, 10, 1)) == (False, False)
    assert workdays.load_package_years(store, actor="admin") == []

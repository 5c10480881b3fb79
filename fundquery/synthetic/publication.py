"""When the county's offices publish their monthly payment lists, and the few planted late.

政府信息 is published within 20 working days of being formed (DESIGN.md §1).  A
township office sends each fund's list of a month (发放清册) once the month's
payments are out, and the reviewers publish it a few working days after its
last payment, never more than ``LIMIT`` working days after its first.
``LATE_FILES`` lists of different funds, paid by October, are published 21 to
35 working days after their first payment: every (list, fund, township, day
paid) then more than ``LIMIT`` working days before its publication is a planted
``late_publication`` finding, and the manifest lists each of them.  No list is
published after the as-of date.

Working days follow chinesecalendar, the package the store's holiday table is
seeded from; a year it does not know counts Monday–Friday, as the store does.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import chinese_calendar

LIMIT = 20  # working days, as the late_publication check's default
LATE_FILES = 3
LATE_MONTH = 10  # a planted late list is paid by then, so it is published before the as-of date


@dataclass
class PaidFile:
    """A payment list as written: its path, each (fund code, township, day paid) and each record in it."""

    path: str
    paid: set[tuple[str, str, dt.date]] = field(default_factory=set)
    records: set[tuple[str, str, str]] = field(
        default_factory=set
    )  # (fund code, period, ID number)


def is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package does not know: Monday–Friday
        return day.weekday() < 5


def working_days(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end], negative when end is before start (the store's count)."""
    sign = 1 if end >= start else -1
    low, high = min(start, end), max(start, end)
    days = (low + dt.timedelta(days=n) for n in range(1, (high - low).days + 1))
    return sign * sum(is_workday(d) for d in days)


def after_working_days(start: dt.date, n: int) -> dt.date:
    """The day ``n`` working days after ``start``."""
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        n -= is_workday(day)
    return day


def schedule(
    rng: random.Random, files: list[PaidFile], as_of: dt.date
) -> tuple[dict[str, dt.date], list[dict]]:
    """Each list's publication day, and every (list, fund, township, day paid) published late."""
    dated = [f for f in files if f.paid]
    candidates = [f for f in dated if max(d for *_, d in f.paid).month <= LATE_MONTH]
    late: list[PaidFile] = []
    for f in rng.sample(candidates, len(candidates)):
        funds = {c for c, _, _ in f.paid}
        if len(funds) == 1 and not any(funds & {c for g in late for c, _, _ in g.paid}):
            late.append(f)
        if len(late) == LATE_FILES:
            break
    late_paths = {f.path for f in late}
    published: dict[str, dt.date] = {}
    for f in dated:
        first, last = min(d for *_, d in f.paid), max(d for *_, d in f.paid)
        if f.path in late_paths:
            day = after_working_days(first, LIMIT + rng.randint(1, 15))
        else:
            day = min(after_working_days(last, rng.randint(1, 5)), after_working_days(first, LIMIT))
        published[f.path] = min(day, as_of)
    found = [
        {
            "file": f.path,
            "fund_code": code,
            "township": township,
            "paid_on": paid_on.isoformat(),
            "published_on": published[f.path].isoformat(),
            "working_days": working_days(paid_on, published[f.path]),
        }
        for f in dated
        for code, township, paid_on in sorted(f.paid)
        if working_days(paid_on, published[f.path]) > LIMIT
    ]
    return published, found

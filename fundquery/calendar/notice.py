"""Read a year's holiday schedule as an administrator types it from the State Council notice.

One day or one range per line, with the holiday's name after it:

    2027-01-01~2027-01-03 元旦
    2027-02-06 至 2027-02-12 春节

Days off go in one box, adjusted working days (调休上班) in the other.
"""

from __future__ import annotations

import datetime as dt
import re

LINE = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:~|～|至|到)\s*(\d{4}-\d{1,2}-\d{1,2}))?\s*(.*)$"
)
MAX_RANGE_DAYS = 31


class NoticeError(ValueError):
    """A line that is not a date or a range; ``str()`` names the line."""


def parse_days(text: str, year: int) -> dict[dt.date, str]:
    """Every day the lines name, with its holiday name; raises NoticeError naming the line."""
    days: dict[dt.date, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        found = LINE.match(line)
        try:
            start = dt.date.fromisoformat(_iso(found.group(1))) if found else None
            end = dt.date.fromisoformat(_iso(found.group(2))) if found and found.group(2) else start
        except ValueError:
            start = None
        if start is None or end < start or (end - start).days > MAX_RANGE_DAYS:
            raise NoticeError(
                f"第 {number} 行“{line}”不是日期或日期范围（如 2027-02-06~2027-02-12 春节）。"
            )
        if start.year != year or end.year != year:
            raise NoticeError(f"第 {number} 行“{line}”不在 {year} 年。")
        name = found.group(3).strip() or "节假日"
        day = start
        while day <= end:
            days[day] = name
            day += dt.timedelta(days=1)
    return days


def _iso(text: str) -> str:
    y, m, d = text.split("-")
    return f"{y}-{int(m):02d}-{int(d):02d}"

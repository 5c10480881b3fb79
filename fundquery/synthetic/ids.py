"""Synthetic resident ID numbers and bank card numbers that pass real checks.

Only about a third of Faker's zh_CN ID numbers pass the full GB 11643 check
(DESIGN.md §7), so numbers are built here: a real region code that existed in
the birth year (python-stdnum's ``cn/loc`` table), a real birth date, an order
code whose parity gives the sex (odd men, even women), and the check digit.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import cache

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

# The county's own code: 湖北省恩施州建始县 has no start or end year in the table,
# so it is valid for any birth year.  The synthetic county borrows it.
HOME_CODE = "422822"

# Codes people born elsewhere in the province carry (checked per birth year).
NEIGHBOUR_CODES = (
    "422823",
    "422825",
    "422826",
    "422801",
    "422802",
    "422827",
    "422828",
    "420502",
    "420503",
    "420525",
    "420526",
    "420527",
    "420881",
    "421022",
    "421081",
    "420106",
    "420111",
    "420602",
    "420624",
    "420625",
    "421126",
)


@cache
def code_valid_in(code: str, year: int) -> bool:
    """Whether ``code`` was an assigned region code in ``year`` (stdnum's table)."""
    try:
        ric.get_birth_place(f"{code}{year:04d}0101" + "0000")
    except ValidationError:
        return False
    return True


def check_digit(first17: str) -> str:
    """GB 11643 check digit of the first 17 digits."""
    # stdnum's calc_check_digit takes the full 18-character number.
    return ric.calc_check_digit(first17 + "0")


def mask(id_number: str) -> str:
    """Masked display form: region code, eight stars, last four (110105********1234)."""
    return id_number[:6] + "*" * 8 + id_number[-4:]


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def birth_for_age(
    rng: random.Random, low: int, high: int, on: dt.date, skew: float = 1.0
) -> dt.date:
    """A birth date giving an age in [low, high] on ``on``; ``skew`` > 1 favours the young end."""
    latest = dt.date(on.year - low, on.month, min(on.day, 28))
    earliest = dt.date(on.year - high - 1, on.month, min(on.day, 28)) + dt.timedelta(days=1)
    span = (latest - earliest).days
    return latest - dt.timedelta(days=int(span * rng.random() ** skew))


class IdFactory:
    """Hands out unique, valid ID numbers."""

    def __init__(self, rng: random.Random, home_code: str = HOME_CODE, migrant_share: float = 0.06):
        self.rng = rng
        self.home_code = home_code
        self.migrant_share = migrant_share
        self.used: set[str] = set()

    def _region(self, year: int) -> str:
        if self.rng.random() < self.migrant_share:
            code = self.rng.choice(NEIGHBOUR_CODES)
            if code_valid_in(code, year):
                return code
        return self.home_code

    def new(self, birth: dt.date, sex: str, region: str | None = None) -> str:
        """A fresh ID number for someone born on ``birth`` of ``sex`` ('男'/'女')."""
        region = region or self._region(birth.year)
        stem = f"{region}{birth:%Y%m%d}"
        parity = 1 if sex == "男" else 0
        for _ in range(2000):
            order = self.rng.randrange(0, 500) * 2 + parity
            first17 = f"{stem}{order:03d}"
            number = first17 + check_digit(first17)
            if number not in self.used:
                self.used.add(number)
                return number
        raise RuntimeError(f"no order code left for {stem}")  # 500 people of one sex and day


def luhn_digit(body: str) -> str:
    """The Luhn check digit to append to ``body`` (same result as stdnum.luhn, faster)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str(-total % 10)


def bank_account(rng: random.Random, prefix: str = "621779") -> str:
    """A 19-digit 一卡通 card number with a valid Luhn digit."""
    body = f"{prefix}{rng.randrange(10**12):012d}"
    return body + luhn_digit(body)

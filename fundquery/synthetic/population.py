"""The county's places, households and the people each person fund pays.

A fund's recipients are *units*: a household (paid through its head) or a
person, with the quantity and standard their payment is computed from and the
run of periods they are paid for.  Units never materialise payment rows; the
writers expand them period by period, so planning the whole county stays fast.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from . import ids, names
from .fund_kinds import Programme

CENT = Decimal("0.01")


@dataclass(slots=True)
class Person:
    name: str
    id_number: str
    sex: str  # 男 / 女
    birth: dt.date


@dataclass(slots=True)
class Place:
    index: int
    township_idx: int
    township: str
    village: str
    is_urban: bool  # a 社区 rather than a 村
    n_groups: int
    households: list = field(default_factory=list)


@dataclass(slots=True)
class Household:
    no: str
    place: Place
    group: str
    head: Person
    account: str


@dataclass(slots=True)
class Unit:
    person: Person
    household: Household
    quantity: Decimal
    standard: Decimal
    first: int  # first period index paid
    last: int  # last period index paid (inclusive)
    account: str

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.standard


@dataclass
class PersonFund:
    programme: Programme
    code: str
    labels: list[str]  # period labels
    months: list[int]  # payment month of each period
    units: list[Unit] = field(default_factory=list)
    budget: Decimal = Decimal(0)

    @property
    def rows(self) -> int:
        return sum(u.last - u.first + 1 for u in self.units)


def period_labels(schedule: str, year: int, pay_month: int) -> tuple[list[str], list[int]]:
    if schedule in ("monthly", "cases"):
        return [f"{year}-{m:02d}" for m in range(1, 13)], list(range(1, 13))
    if schedule == "quarterly":
        return [f"{year}年第{q}季度" for q in range(1, 5)], [2, 5, 8, 11]
    if schedule == "semester":
        return [f"{year}年春季学期", f"{year}年秋季学期"], [4, 10]
    return [f"{year}年度"], [pay_month]


def pay_date(year: int, month: int, fund_no: int, township_idx: int) -> dt.date:
    """The day a township's finance office pays a fund's period (never a weekend)."""
    day = dt.date(year, month, 6 + (fund_no * 7 + township_idx * 3) % 18)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


class Population:
    """Places and households of the county; makes people on demand."""

    def __init__(self, rng: random.Random, idf: ids.IdFactory, year: int):
        self.rng, self.idf, self.year = rng, idf, year
        self.names = names.NameMaker(rng)
        self.jan1 = dt.date(year, 1, 1)
        self.places: list[Place] = []
        self.rural: list[Household] = []
        self.urban: list[Household] = []
        self._serial: dict[int, int] = {}

    # -- places and households -------------------------------------------------
    def build(self, townships: int, rural_households: int, urban_households: int) -> None:
        rng = self.rng
        n_villages = max(4 * townships, round(rural_households / 600))
        n_communities = max(3, round(urban_households / 1500))  # the seat and another town
        towns = [i for i in range(townships) if names.TOWNSHIPS[i].endswith("镇")]
        per_town = {i: 0 for i in towns}
        for k in range(n_communities):  # the seat takes the larger share
            per_town[
                towns[0]
                if k % 2 == 0 or len(towns) == 1
                else towns[1 + (k // 2) % (len(towns) - 1)]
            ] += 1
        for ti in range(townships):
            township = names.TOWNSHIPS[ti]
            nv = n_villages // townships + (1 if ti < n_villages % townships else 0)
            nc = per_town.get(ti, 0)
            for j, village in enumerate(names.villages(rng, township, nv, nc)):
                place = Place(len(self.places), ti, township, village, j < nc, rng.randint(5, 12))
                self.places.append(place)
        rural_places = [p for p in self.places if not p.is_urban]
        urban_places = [p for p in self.places if p.is_urban]
        self.rural = [self._household(rng.choice(rural_places)) for _ in range(rural_households)]
        self.urban = [self._household(rng.choice(urban_places)) for _ in range(urban_households)]

    def _household(self, place: Place, head: Person | None = None) -> Household:
        rng = self.rng
        index = place.index
        serial = self._serial.get(index, 0) + 1
        self._serial[index] = serial
        no = f"{place.township_idx + 10}{index % 900 + 100:03d}{serial:05d}"
        if head is None:
            head = self.person(25, 85, "男" if rng.random() < 0.86 else "女")
        hh = Household(
            no, place, f"{rng.randint(1, place.n_groups)}组", head, ids.bank_account(rng)
        )
        place.households.append(hh)
        return hh

    def person(self, low: int, high: int, sex: str | None = None) -> Person:
        rng = self.rng
        sex = sex or ("男" if rng.random() < 0.5 else "女")
        birth = ids.birth_for_age(rng, low, high, self.jan1, 2.0 if low >= 55 else 1.0)
        return Person(self.names.person(sex), self.idf.new(birth, sex), sex, birth)

    def households(self, area: str) -> list[Household]:
        return (
            self.rural
            if area == "rural"
            else self.urban
            if area == "urban"
            else self.rural + self.urban
        )

    def alone(self, area: str, low: int, high: int, places: list[Place] | None = None) -> Household:
        """A one-person household (特困 people mostly live alone), in one of ``places`` if given."""
        places = places or [p for p in self.places if p.is_urban == (area == "urban")]
        head = self.person(low, high, "男" if self.rng.random() < 0.7 else "女")
        return self._household(self.rng.choice(places), head)


def draw_amount(
    rng: random.Random, draw: tuple, person: Person, jan1: dt.date
) -> tuple[Decimal, Decimal]:
    """(quantity, standard) of one unit; their product is exact in fen."""
    kind = draw[0]
    if kind == "area":
        _, std, mean, low, high = draw
        qty = min(high, max(low, rng.lognormvariate(math.log(mean), 0.6)))
        return Decimal(f"{qty:.2f}"), Decimal(std)
    if kind == "persons":
        _, std, weights = draw
        return Decimal(rng.choices(range(1, len(weights) + 1), weights)[0]), Decimal(std)
    if kind == "one":
        return Decimal(draw[2] if len(draw) > 2 else 1), Decimal(draw[1])
    if kind == "age_tier":
        _, tiers, qty = draw
        age = ids.age_on(person.birth, jan1)
        std = [s for lo, s in tiers if age >= lo][-1]
        return Decimal(qty), Decimal(std)
    if kind == "tier":
        _, tiers, qty = draw
        return Decimal(qty), Decimal(rng.choices([s for s, _ in tiers], [w for _, w in tiers])[0])
    if kind == "count":
        _, std, low, high = draw
        return Decimal(
            min(high, low + int(rng.expovariate(1 / max(1, (high - low) / 3))))
        ), Decimal(std)
    if kind == "steps":
        _, low, high, step = draw
        value = low + (high - low) * rng.random() ** 2
        std = (Decimal(str(value)) / Decimal(str(step))).quantize(Decimal(1)) * Decimal(str(step))
        return Decimal(1), std.quantize(CENT)
    raise ValueError(kind)


def make_units(pop: Population, fund: PersonFund, rows: int, pools: dict[str, list]) -> None:
    """Choose a fund's recipients so that they make exactly ``rows`` payment rows."""
    rng, prog = pop.rng, fund.programme
    n_periods = len(fund.labels)
    if prog.schedule == "cases":
        n_units, late_starters = rows, 0
    else:
        n_units = math.ceil(rows / n_periods)
        late_starters = n_units * n_periods - rows  # < n_units: each starts one period late
    who = prog.who
    if who[0] == "head":
        pairs = [(hh, hh.head) for hh in rng.sample(pop.households(who[1]), n_units)]
    elif who[0] == "alone" and who[4]:
        pairs = [(hh, hh.head) for hh in rng.sample(pools[who[4]], n_units)]
    elif who[0] == "alone":
        pairs = [
            (hh, hh.head) for hh in (pop.alone(who[1], who[2], who[3]) for _ in range(n_units))
        ]
    elif who[5]:
        pairs = rng.sample(pools[who[5]], n_units)
    else:
        households = pop.households(who[1])
        pairs = [
            (rng.choice(households), pop.person(who[2], who[3], who[4])) for _ in range(n_units)
        ]
    late = set(rng.sample(range(n_units), late_starters)) if n_periods > 1 else set()
    for i, (hh, person) in enumerate(pairs):
        qty, std = draw_amount(rng, prog.draw, person, pop.jan1)
        if prog.schedule == "cases":
            first = last = rng.randrange(n_periods)
        else:
            first, last = (1 if i in late else 0), n_periods - 1
        account = hh.account if person is hh.head else ids.bank_account(rng)
        fund.units.append(Unit(person, hh, qty, std, first, last, account))


def make_pool(pop: Population, who: tuple, size: int) -> list:
    """People several funds draw from (the disabled; 特困 people living alone)."""
    if who[0] == "alone":
        return [pop.alone(who[1], who[2], who[3]) for _ in range(size)]
    households = pop.households(who[1])
    return [(pop.rng.choice(households), pop.person(who[2], who[3], who[4])) for _ in range(size)]

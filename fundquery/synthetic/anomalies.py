"""Planted discrepancies: few, fixed in number, and listed exactly in the manifest.

Each is a data-level discrepancy that loads fine; the inspector's reports
(DESIGN.md §2) should find exactly these and nothing else.  They live in the
four core funds (耕地地力, 农村低保, 特困, 城市低保) so every scale has them.  The
manifest's entries for the disbursement ones are made in ``disbursement_entries.py``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from . import ids
from .population import Person, PersonFund
from .staffing import POSTS, StaffRow, hire_date

LAND, RURAL_DIBAO, TEKUN, URBAN_DIBAO = 1, 2, 3, 4
SHORTFALLS = ((RURAL_DIBAO, 0, Decimal("12600.00")), (TEKUN, 1, Decimal("6140.00")))
UNPAID_AMOUNT = Decimal("28800.00")
DUPLICATES = ((RURAL_DIBAO, 1), (LAND, 0), (TEKUN, 0))  # (fund, township): paid twice
IN_PROGRESS_FUND, IN_PROGRESS_ROWS = 6, 4  # 困难残疾人生活补贴: December rows still at the bank
# Townships where the anomalies above need recipients of a fund, and how many at least.
RECIPIENTS_IN = {LAND: (0, 1), RURAL_DIBAO: (0, 1), TEKUN: (0, 1), URBAN_DIBAO: (0,)}
RECIPIENTS_PER_TOWNSHIP = 4


def who(person: Person) -> dict:
    return {
        "name": person.name,
        "id_number": person.id_number,
        "id_masked": ids.mask(person.id_number),
        "sex": person.sex,
        "birth_date": person.birth.isoformat(),
    }


@dataclass
class PaymentState:
    """Row-level departures from 'paid out in full as computed' for the person funds."""

    pending: set = field(default_factory=set)  # (fund_no, township_idx, period): 待发放
    in_progress: set = field(
        default_factory=set
    )  # (fund_no, unit_idx, period): 发放中 (at the bank)
    returned: set = field(default_factory=set)  # (fund_no, unit_idx, period): 退回
    amounts: dict = field(default_factory=dict)  # (fund_no, unit_idx, period) -> written amount
    moved: set = field(default_factory=set)  # (fund_no, unit_idx, period) in the supplementary file
    duplicates: list = field(default_factory=list)  # (fund_no, unit_idx, period) paid twice
    funds: set = field(default_factory=set)

    def touches(self, fund_no: int) -> bool:
        return fund_no in self.funds

    def row(self, fund_no: int, unit_idx: int, township_idx: int, period: int, base: Decimal):
        key = (fund_no, unit_idx, period)
        if (fund_no, township_idx, period) in self.pending:
            status = "待发放"
        elif key in self.in_progress:
            status = "发放中"
        elif key in self.returned:
            status = "退回"
        else:
            status = "已发放"
        return status, self.amounts.get(key, base)


class _Picker:
    def __init__(
        self, rng: random.Random, funds: dict[int, PersonFund], state: PaymentState, avoid: set
    ):
        self.rng, self.funds, self.state, self.avoid = rng, funds, state, avoid
        self.used: set[tuple[int, int]] = set()

    def unit(self, no: int, ti: int | None, cond=None) -> int:
        units = self.funds[no].units
        for strict in (True, False):
            cands = [
                i
                for i, u in enumerate(units)
                if (no, i) not in self.used
                and (cond is None or cond(u))
                and (
                    (ti is None or u.household.place.township_idx == ti)
                    if strict
                    else (no, u.household.place.township_idx) not in self.avoid
                )
            ]
            if cands:
                i = self.rng.choice(cands)
                self.used.add((no, i))
                return i
        raise ValueError(f"fund {no} has no unit left for an anomaly")

    def period(self, no: int, i: int, by_month: int = 12) -> int:
        """A period the unit is paid for (not pending), paid in or before month ``by_month``."""
        f = self.funds[no]
        u = f.units[i]
        ti = u.household.place.township_idx
        periods = [p for p in range(u.first, u.last + 1) if (no, ti, p) not in self.state.pending]
        early = [p for p in periods if f.months[p] <= by_month]
        return self.rng.choice(early or periods)


def _row_entry(fund: PersonFund, i: int, p: int, **extra) -> dict:
    u = fund.units[i]
    return {
        "fund_code": fund.code,
        "fund_name": fund.programme.name,
        "period": fund.labels[p],
        "township": u.household.place.township,
        "village": u.household.place.village,
        **who(u.person),
        "quantity": str(u.quantity),
        "standard_yuan": f"{u.standard:.2f}",
        "amount_yuan": f"{u.amount:.2f}",
        **extra,
    }


def plant_payments(rng: random.Random, funds: dict[int, PersonFund], n_townships: int):
    """Pending block, returned rows, wrong amounts, duplicates and supplementary rows."""
    state = PaymentState(funds={LAND, RURAL_DIBAO, TEKUN, URBAN_DIBAO})
    last = n_townships - 1
    dibao = funds[RURAL_DIBAO]
    dibao_towns = sorted({u.household.place.township_idx for u in dibao.units})
    pending_ti = max(t for t in dibao_towns if t != 0) if len(dibao_towns) > 1 else last
    state.pending.add((RURAL_DIBAO, pending_ti, len(dibao.labels) - 1))
    pick = _Picker(rng, funds, state, avoid={(no, ti) for no, ti, _ in SHORTFALLS})
    out: dict[str, list] = {"returned": [], "wrong_amount": [], "duplicates": []}
    for no, ti in ((TEKUN, 0), (RURAL_DIBAO, 1), (LAND, 1), (URBAN_DIBAO, 0)):
        i = pick.unit(no, ti, lambda u, no=no: funds[no].months[u.first] <= 10)
        p = pick.period(no, i, by_month=10)  # returned long enough before the year's end to count
        state.returned.add((no, i, p))
        out["returned"].append(_row_entry(funds[no], i, p, card_status="退回"))
    wrong = (
        (LAND, 0, None, lambda u: u.amount + 100),  # a typo of one hundred yuan
        (
            RURAL_DIBAO,
            1,
            lambda u: u.quantity >= 2,
            lambda u: u.standard,
        ),  # one person paid for the household
        (URBAN_DIBAO, 0, None, lambda u: u.amount * 2),  # paid twice the computed amount
    )
    for no, ti, cond, amount in wrong:
        i = pick.unit(no, ti, cond)
        if cond and not cond(funds[no].units[i]):
            amount = lambda u: u.amount + 35  # noqa: E731 - no household of two left
        p = pick.period(no, i)
        written = amount(funds[no].units[i]).quantize(Decimal("0.01"))
        state.amounts[(no, i, p)] = written
        out["wrong_amount"].append(_row_entry(funds[no], i, p, written_amount_yuan=str(written)))
    for no, ti in DUPLICATES:
        i = pick.unit(no, ti)
        p = pick.period(no, i)
        state.duplicates.append((no, i, p))
        out["duplicates"].append(_row_entry(funds[no], i, p))
    for no, ti in ((RURAL_DIBAO, 0), (TEKUN, 1), (LAND, 1)):
        i = pick.unit(no, ti)
        state.moved.add((no, i, pick.period(no, i)))
    return state, out, pick


def plant_in_progress(
    rng: random.Random, funds: dict[int, PersonFund], state: PaymentState
) -> list[dict]:
    """A few December payments of one fund still at the bank (一卡通 发放中) on the as-of date: not
    paid out yet and in no allocation, so nothing an inspector should report (a decoy)."""
    fund = funds[IN_PROGRESS_FUND]
    last = len(fund.labels) - 1
    by_town: dict[int, list[int]] = {}
    for i, u in enumerate(fund.units):
        if u.last == last:
            by_town.setdefault(u.household.place.township_idx, []).append(i)
    ti = max(by_town, key=lambda t: (t not in (0, 1), len(by_town[t]), -t))
    chosen = sorted(rng.sample(by_town[ti], min(IN_PROGRESS_ROWS, len(by_town[ti]))))
    state.funds.add(IN_PROGRESS_FUND)
    state.in_progress.update((IN_PROGRESS_FUND, i, last) for i in chosen)
    return [_row_entry(fund, i, last, card_status="发放中") for i in chosen]


def _mutate(target: Person, identity: Person) -> Person:
    target.name, target.id_number, target.sex, target.birth = (
        identity.name,
        identity.id_number,
        identity.sex,
        identity.birth,
    )
    return target


def _aged(pop, sex: str, age: int, as_of: dt.date) -> Person:
    birth = ids.birth_for_age(pop.rng, age, age, as_of)
    return Person(pop.names.person(sex), pop.idf.new(birth, sex), sex, birth)


def plant_staff(
    rng: random.Random, pop, staff: list[StaffRow], as_of: dt.date
) -> tuple[dict, list[int]]:
    """Past retirement age, inactive but on the roll, and one person on two rolls."""
    order = list(range(len(staff)))
    rng.shuffle(order)
    taken: list[int] = []

    def take(cond) -> StaffRow:
        """A staff row meeting ``cond``, from an agency not used yet where there is one."""
        used = {id(staff[i].agency) for i in taken}
        for fresh in (True, False):
            for i in order:
                if (
                    i not in taken
                    and cond(staff[i])
                    and (not fresh or id(staff[i].agency) not in used)
                ):
                    taken.append(i)
                    return staff[i]
        raise ValueError("not enough staff to plant the anomalies")

    out: dict[str, list] = {"over_age": [], "inactive_on_roll": [], "two_rolls": []}
    for sex, age, cadre, limit in (
        ("男", 62, True, 60),
        ("女", 57, True, 55),
        ("女", 53, False, 50),
    ):
        row = take(lambda s, c=cadre: (s.staffing_type != "工勤") == c or not c)
        if not cadre:
            row.staffing_type, row.post = "工勤", rng.choice(POSTS["工勤"])
        row.person = _aged(pop, sex, age, as_of)
        row.hired_on = dt.date(row.person.birth.year + 22, 9, 1)
        out["over_age"].append(
            {
                **_staff_entry(row),
                "age": ids.age_on(row.person.birth, as_of),
                "retirement_age": limit,
            }
        )
    for status in ("死亡", "退休", "离职"):
        row = take(lambda s: True)
        if status == "退休":
            row.person = _aged(pop, "男", 60, as_of)
            row.hired_on = hire_date(rng, row.person.birth, as_of)
        row.status = status
        out["inactive_on_roll"].append(_staff_entry(row))
    first = take(lambda s: True)
    second = take(lambda s: s.agency is not first.agency)
    second.person = first.person
    out["two_rolls"].append(
        {**who(first.person), "rolls": [_staff_entry(first), _staff_entry(second)]}
    )
    return out, taken


def _staff_entry(row: StaffRow) -> dict:
    return {
        **who(row.person),
        "agency_code": row.agency.code,
        "agency_name": row.agency.name,
        "staffing_type": row.staffing_type,
        "status": row.status,
    }


def pick_over_quota(staff: list[StaffRow]) -> dict[tuple[str, str], tuple[int, bool]]:
    """Two (agency, 编制类型) pairs, in different agencies, made over quota by 2 and 3."""
    in_service: dict[tuple[str, str], int] = {}
    for s in staff:
        if s.status == "在职":
            key = (s.agency.code, s.staffing_type)
            in_service[key] = in_service.get(key, 0) + 1
    ranked = sorted(in_service, key=lambda k: (-in_service[k], k))
    first = ranked[0]
    second = next(k for k in ranked if k[0] != first[0])
    return {first: (2, True), second: (min(3, in_service[second] - 1) or 1, False)}


def plant_relief(
    rng: random.Random,
    funds: dict[int, PersonFund],
    relief_nos: list[int],
    staff: list[StaffRow],
    taken: list[int],
    pick: _Picker,
) -> tuple[list, list]:
    """Two staff who also draw relief (planted) and three who draw the farmland subsidy (decoys:
    a staff member may own farmland, so these must NOT be reported)."""
    free = [i for i in range(len(staff)) if i not in taken and staff[i].status == "在职"]
    rng.shuffle(free)
    relief_funds = [funds[n] for n in relief_nos]

    def draws(person: Person) -> list[dict]:
        out = []
        for f in relief_funds:
            for u in f.units:
                if u.person is person:
                    out.append(
                        {
                            "fund_code": f.code,
                            "fund_name": f.programme.name,
                            "periods": f.labels[u.first : u.last + 1],
                        }
                    )
        return out

    relief = []
    for no in (RURAL_DIBAO, TEKUN):
        unit = funds[no].units[pick.unit(no, None)]
        row = staff[free.pop()]
        row.person = _mutate(unit.person, row.person)
        relief.append({**_staff_entry(row), "draws": draws(row.person)})
    on_relief = {id(u.person) for f in relief_funds for u in f.units}
    decoys = []
    for _ in range(3):
        unit = funds[LAND].units[pick.unit(LAND, None, lambda u: id(u.person) not in on_relief)]
        row = staff[free.pop()]
        row.person = _mutate(unit.person, row.person)
        decoys.append(
            {
                **_staff_entry(row),
                "draws": [{"fund_code": funds[LAND].code, "fund_name": funds[LAND].programme.name}],
            }
        )
    return relief, decoys

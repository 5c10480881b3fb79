"""Disbursements: transfers out of the treasury to township finance offices and projects.

A person fund reaches households through the township's finance office
(财政所): one disbursement per tranche of periods, for exactly what was paid
out (已发放) in that township for those periods.  A project fund pays the
project's contractor in one tranche or several by progress (按进度).  The days
from approval to disbursement follow the seed county's 931 / 126 / 161 split.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from .money import ProjectFundPlan, fen, yuan
from .population import PersonFund, pay_date

DAY = dt.timedelta(days=1)
LATE_REASONS = (
    "上级资金未到位",
    "收款单位账户信息有误，退回重拨",
    "按合同约定验收后拨付",
    "年末集中清算",
)


@dataclass(slots=True)
class Disbursement:
    fund_code: str
    payee: str
    amount_fen: int
    role: str  # allocation | project | unpaid | never
    township_idx: int | None = None
    fund_no: int = 0
    periods: tuple[int, ...] = ()
    tranche: int = 0
    is_by_progress: bool = False
    reason: str = ""
    approved_on: dt.date | None = None
    disbursed_on: dt.date | None = None
    delay_kind: str = ""
    voucher_no: str = ""
    planted: bool = False
    project: object = None

    @property
    def amount(self):
        return yuan(self.amount_fen)

    @property
    def delay_days(self) -> int | None:
        return None if self.disbursed_on is None else (self.disbursed_on - self.approved_on).days


def paid_sums(fund: PersonFund, state) -> dict[tuple[int, int], list[int]]:
    """(township, period) -> [fen paid out (已发放), rows of any status]."""
    sums: dict[tuple[int, int], list[int]] = {}
    no = fund.programme.no
    special = state.touches(no)
    for i, unit in enumerate(fund.units):
        ti = unit.household.place.township_idx
        base = fen(unit.amount)
        for p in range(unit.first, unit.last + 1):
            cell = sums.setdefault((ti, p), [0, 0])
            cell[1] += 1
            if special:
                status, amount = state.row(no, i, ti, p, unit.amount)
                if status == "已发放":
                    cell[0] += fen(amount)
            else:
                cell[0] += base
    return sums


def _chunks(periods: list[int], k: int) -> list[list[int]]:
    size, extra = divmod(len(periods), k)
    out, start = [], 0
    for j in range(k):
        end = start + size + (1 if j < extra else 0)
        out.append(periods[start:end])
        start = end
    return out


def plan_allocations(person_funds: list[PersonFund], state, budget: int, township_names: list[str]):
    """Allocation disbursements for every (fund, township) pair, with extra tranches
    up to ``budget`` rows.  Returns (rows, leftover rows the person funds could not use)."""
    pairs = []
    for f in sorted(person_funds, key=lambda f: -f.rows):
        sums = paid_sums(f, state)
        cap = {"monthly": 4, "cases": 4, "quarterly": 2}.get(f.programme.schedule, 1)
        for ti in sorted({t for t, _ in sums}):
            periods = sorted(p for t, p in sums if t == ti)
            pairs.append([f, ti, periods, sums, 1, min(cap, max(1, len(periods) // 2))])
    leftover = budget - len(pairs)
    while leftover > 0 and any(p[4] < p[5] for p in pairs):
        for p in pairs:
            if leftover and p[4] < p[5]:
                p[4] += 1
                leftover -= 1
    rows = []
    for f, ti, periods, sums, k, _ in pairs:
        chunks = [c for c in _chunks(periods, k) if c]
        merged: list[list[int]] = []
        for c in chunks:  # a tranche with nothing paid out joins the one before
            if merged and sum(sums[(ti, p)][0] for p in c) == 0:
                merged[-1].extend(c)
            else:
                merged.append(c)
        for j, c in enumerate(merged):
            amount = sum(sums[(ti, p)][0] for p in c)
            if amount == 0:
                continue
            rows.append(
                Disbursement(
                    f.code,
                    township_names[ti] + "财政所",
                    amount,
                    "allocation",
                    ti,
                    f.programme.no,
                    tuple(c),
                    j,
                )
            )
    return rows, budget - len(rows)


def plan_project_tranches(
    rng: random.Random, plans: list[ProjectFundPlan], budget: int
) -> list[Disbursement]:
    """``budget`` tranches over the projects: one each, the rest paid by progress."""
    projects = [(plan, pr) for plan in plans for pr in plan.projects]
    counts = [1] * len(projects)
    extra = budget - len(projects)
    order = sorted(range(len(projects)), key=lambda i: -projects[i][1].amount)
    while extra > 0:
        for i in order[: max(1, min(extra, math.ceil(0.15 * len(projects))))]:
            counts[i] += 1
            extra -= 1
            if not extra:
                break
    rows = []
    for (plan, pr), k in zip(projects, counts, strict=True):
        done = pr.status != "在建"
        shares = [1.0] if k == 1 else [0.5, 0.3, 0.2, 0.1, 0.05][:k]
        if not done:
            shares = [s * 0.6 for s in shares]
        pr.tranche_shares = shares
        total, given = fen(pr.amount), 0
        for j, share in enumerate(shares):
            amount = total - given if done and j == k - 1 else round(total * share / 10000) * 10000
            given += amount
            rows.append(
                Disbursement(
                    plan.code,
                    pr.contractor,
                    amount,
                    "project",
                    tranche=j,
                    is_by_progress=k > 1,
                    project=pr,
                )
            )
    return rows


def assign_delays(
    rng: random.Random, rows: list[Disbursement], buckets: tuple[int, int, int]
) -> None:
    """Give each disbursed row a delay kind so the buckets hold exactly ``buckets`` rows."""
    n_fast, n_mid, n_late = buckets
    if n_fast + n_mid + n_late != len(rows):
        raise ValueError(f"buckets {buckets} do not add up to {len(rows)} rows")
    unexplained = 7 if n_late >= 14 else n_late // 2
    progress = [r for r in rows if r.is_by_progress and r.tranche > 0]
    rng.shuffle(progress)
    late = progress[: max(0, n_late - unexplained)]
    for r in late:
        r.delay_kind = "progress"
    rest = [r for r in rows if not r.delay_kind and not r.planted]
    rng.shuffle(rest)
    need = n_late - len(late)
    plain = [r for r in rest if not r.is_by_progress][: min(unexplained, need)]
    for r in plain:
        r.delay_kind = "unexplained"
    for r in [r for r in rest if not r.delay_kind][: need - len(plain)]:
        r.delay_kind, r.reason = "reason", rng.choice(LATE_REASONS)
    remaining = [r for r in rows if not r.delay_kind]
    rng.shuffle(remaining)
    for j, r in enumerate(remaining):
        r.delay_kind = "mid" if j < n_mid else "fast"


def _delay(rng: random.Random, kind: str) -> int:
    if kind == "fast":
        return rng.choices((0, 1, 2, 3), (25, 35, 25, 15))[0]
    if kind == "mid":
        return rng.randint(4, 10)
    return rng.randint(15, 75) if kind == "progress" else rng.randint(11, 45)


def _weekday(day: dt.date, step: int = -1) -> dt.date:
    while day.weekday() >= 5:
        day += step * DAY
    return day


def date_rows(rng: random.Random, year: int, rows: list[Disbursement], person_funds) -> None:
    """Approval and disbursement dates: allocations land just before the township pays."""
    months = {f.programme.no: f.months for f in person_funds}
    year_end = dt.date(year, 12, 31)
    for r in rows:
        delay = _delay(rng, r.delay_kind) if r.role != "never" else 0
        if r.role in ("allocation", "unpaid"):
            first_pay = pay_date(year, months[r.fund_no][r.periods[0]], r.fund_no, r.township_idx)
            r.disbursed_on = _weekday(first_pay - rng.randint(1, 4) * DAY)
            r.approved_on = r.disbursed_on - delay * DAY
            continue
        pr = r.project
        approved = pr.start_on + rng.randint(15, 45) * DAY + r.tranche * rng.randint(45, 90) * DAY
        latest = dt.date(year, 10, 31) if r.role == "never" else year_end - (delay + 3) * DAY
        approved = _weekday(
            min(approved, latest)
        )  # an unpaid approval has waited two months by the year's end
        r.approved_on = approved
        if r.role != "never":
            r.disbursed_on = _weekday(approved + delay * DAY, +1)
            if r.disbursed_on > year_end:
                r.disbursed_on = _weekday(year_end)
            r.approved_on = r.disbursed_on - delay * DAY


def number_vouchers(year: int, rows: list[Disbursement]) -> None:
    rows.sort(key=lambda r: (r.approved_on, r.fund_code, r.payee, r.tranche))
    for i, r in enumerate(rows, 1):
        r.voucher_no = f"PZ{year}-{i:04d}"

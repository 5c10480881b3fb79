"""The plan of the synthetic county: everything the files will hold, before any is written.

``build_plan(scale)`` decides every count from the seed county's figures
(DESIGN.md §1) scaled by ``scale`` (the catalogue of funds, departments and
townships is the same at every scale; floors keep a small county's pages
from looking empty), makes the people, funds, projects,
agencies and disbursements, and plants the anomalies.  Payment rows are not
materialised (a fund keeps its recipients and their periods), so planning the
whole county takes seconds and tests can check its figures without writing.
What a plan holds and the counts it aims at are in ``plan.py``.
"""

from __future__ import annotations

import math
import random
from collections import Counter

from . import allocation_files, assets, deaths, disburse, ids, money, names, payroll, staffing
from . import anomalies as an
from . import disbursement_entries as de
from . import programmes as pg
from .plan import (
    Plan,
    Targets,
    min_rows,
    targets,
)
from .population import PersonFund, Population, make_pool, make_units, period_labels


def _fund_rows(t: Targets) -> dict[int, int]:
    """Payment rows of each person fund: the seed's shares of ``t.payments``, every fund at least
    its floor, the remainder fund (耕地地力保护补贴) giving up what the floors take."""
    rows1 = pg.programme_rows_scale1()
    nos = [p.no for p in pg.PROGRAMMES]
    planned = t.payments - len(an.DUPLICATES)  # the duplicate payments are rows too
    rows = dict(zip(nos, money.split_exact(planned, [rows1[n] for n in nos], 1), strict=True))
    floor = {p.no: min_rows(p) for p in pg.PROGRAMMES}
    remainder = pg.CORE_PROGRAMMES[0]
    for no in nos:
        if no != remainder and rows[no] < floor[no]:
            rows[remainder] -= floor[no] - rows[no]
            rows[no] = floor[no]
    short = (
        floor[remainder] - rows[remainder]
    )  # a tiny county: the others above their floor give too
    for no in sorted((n for n in nos if n != remainder), key=lambda n: floor[n] - rows[n]):
        if short <= 0:
            break
        give = max(0, min(short, rows[no] - floor[no]))
        rows[no] -= give
        rows[remainder] += give
        short -= give
    if short > 0:
        raise ValueError(f"{t.payments} payment rows cannot hold every fund's floor")
    return rows


def _cover(pop: Population, fund: PersonFund, townships: tuple[int, ...], k: int) -> None:
    """Move recipients so that each township in ``townships`` has at least ``k`` of ``fund``'s
    (the planted anomalies need them there); a fund that has them already is left as it is."""
    who = fund.programme.who
    for ti in townships:
        units = fund.units
        short = k - sum(u.household.place.township_idx == ti for u in units)
        if short <= 0:
            continue
        area = who[1]
        places = [
            p
            for p in pop.places
            if p.township_idx == ti and (area == "any" or p.is_urban == (area == "urban"))
        ]
        used = {id(u.household) for u in units}
        own = {id(hh) for hh in pop.households(area)}
        free = [hh for p in places for hh in p.households if id(hh) in own and id(hh) not in used]
        for _ in range(short):
            counts = Counter(u.household.place.township_idx for u in units)
            source = max(
                (t for t in counts if t not in townships or counts[t] > k),
                key=lambda t: (counts[t], -t),
            )
            u = next(u for u in units if u.household.place.township_idx == source)
            if who[0] == "head":
                hh = free.pop(pop.rng.randrange(len(free)))
                u.household, u.person, u.account = hh, hh.head, hh.account
            elif who[0] == "alone":
                hh = pop.alone(area, who[2], who[3], places)
                u.household, u.person, u.account = hh, hh.head, hh.account
            else:
                raise ValueError(f"cannot move a recipient of {fund.programme.name}")


def build_plan(scale: float = 1.0, seed: int = 20070101, year: int = 2024) -> Plan:
    t = targets(scale)
    rng = lambda name: random.Random(f"{seed}:{name}")  # noqa: E731 - one stream per stage
    present = [p.no for p in pg.PROGRAMMES]
    programmes = {p.no: p for p in pg.PROGRAMMES}
    rows = _fund_rows(t)
    funds = {}
    for no in present:
        labels, months = period_labels(programmes[no].schedule, year, programmes[no].pay_month)
        funds[no] = PersonFund(programmes[no], pg.fund_code(year, no), labels, months)

    def units_of(no: int) -> int:
        n = len(funds[no].labels) if programmes[no].schedule != "cases" else 1
        return math.ceil(rows[no] / n)

    heads = {
        area: max([units_of(n) for n in present if programmes[n].who == ("head", area)] or [1])
        for area in ("rural", "urban")
    }
    pop = Population(rng("people"), ids.IdFactory(rng("ids")), year)
    n_townships = len(names.TOWNSHIPS)  # every scale keeps every township
    # At least a few dozen households a village, however small the county.
    pop.build(
        n_townships,
        max(100 * n_townships, math.ceil(heads["rural"] * 1.1) + 20),
        max(30, heads["urban"] * 8),
    )
    pools = {}
    for no in present:
        who = programmes[no].who
        name = who[4] if who[0] == "alone" else who[5] if who[0] == "member" else None
        if name and name not in pools:
            users = [units_of(n) for n in present if name in programmes[n].who[4:6]]
            pools[name] = make_pool(
                pop, who, math.ceil(max(users) * (1.35 if name == "disabled" else 1))
            )
    for no in present:
        make_units(pop, funds[no], rows[no], pools)
    for no, towns in an.RECIPIENTS_IN.items():
        _cover(pop, funds[no], towns, an.RECIPIENTS_PER_TOWNSHIP)
    plan = Plan(scale, seed, year, t, pop, [funds[n] for n in present])
    plan.townships = list(names.TOWNSHIPS[:n_townships])
    plan.relief_codes = [
        funds[n].code
        for n in present
        if "最低生活保障" in funds[n].programme.name or "特困" in funds[n].programme.name
    ]
    state, planted, pick = an.plant_payments(rng("anomalies"), funds, n_townships)
    plan.state = state
    plan.decoys["payments_in_progress"] = an.plant_in_progress(rng("in-progress"), funds, state)
    _plan_money(plan, funds, rng)
    _plan_staffing(plan, funds, pick, rng)
    plan.anomalies.update(planted)
    plan.deaths, died, decoys = deaths.plant_deaths(rng("deaths"), plan, pick)
    plan.anomalies.update(died)
    plan.decoys.update(decoys)
    avoid = set(_id_numbers(plan.anomalies)) | set(_id_numbers(plan.decoys))
    plan.payroll, ghosts, decoys = payroll.plant_payroll(rng("payroll"), plan, avoid)
    plan.anomalies["death_name_differs"] += ghosts.pop("death_name_differs")
    plan.anomalies.update(ghosts)
    plan.decoys.update(decoys)
    plan.registers, owners, decoys = assets.plant_assets(rng("assets"), plan, pick)
    plan.anomalies.update(owners)
    plan.decoys.update(decoys)
    return plan


def _id_numbers(entries):
    """Every ID number named anywhere in the manifest's entries."""
    if isinstance(entries, dict):
        for key, value in entries.items():
            if key == "id_number" and isinstance(value, str):
                yield value
            else:
                yield from _id_numbers(value)
    elif isinstance(entries, list):
        for value in entries:
            yield from _id_numbers(value)


def _plan_money(plan: Plan, funds: dict[int, PersonFund], rng) -> None:
    t, year = plan.targets, plan.year
    chosen = [f for f in pg.PROJECT_FUNDS][: t.project_funds]
    projects_fen = pg.SEED_PROJECTS_AMOUNT_FEN * t.projects // pg.SEED_PROJECTS // 10000 * 10000
    plan.project_plans = money.plan_projects(
        rng("projects"),
        year,
        [(f, pg.fund_code(year, f.no)) for f in chosen],
        t.projects,
        projects_fen,
        plan.pop.places,
    )
    all_projects = [p for pl in plan.project_plans for p in pl.projects]
    hosts = rng("stuck").sample(all_projects, min(2, len(all_projects)))
    for p in hosts:
        p.status = "在建"
    # Bucketed disbursements: allocations + one unpaid + project tranches.
    delays = list(t.delays)
    by_progress = math.ceil(0.15 * t.projects)  # projects paid in several tranches
    alloc_budget = sum(delays) - 1 - t.projects - by_progress
    allocations, _ = disburse.plan_allocations(
        plan.person_funds, plan.state, alloc_budget, plan.townships
    )
    project_budget = sum(delays) - 1 - len(allocations)
    if project_budget < t.projects + by_progress:
        # A smaller county: every fund still pays in many townships and each (fund, township)
        # needs an allocation, so there are more disbursements than the scaled seed's; they
        # fall into the buckets in the seed's proportions (931 : 126 : 161).
        project_budget = t.projects + by_progress
        delays = money.split_exact(len(allocations) + 1 + project_budget, list(pg.SEED_DELAYS), 1)
    tranches = disburse.plan_project_tranches(rng("tranches"), plan.project_plans, project_budget)
    shortfall = []
    for no, ti, excess in an.SHORTFALLS:
        row = next(r for r in allocations if r.fund_no == no and r.township_idx == ti)
        row.amount_fen += money.fen(excess)
        row.planted = True
        shortfall.append((row, excess))
    urban_towns = {u.household.place.township_idx for u in funds[an.URBAN_DIBAO].units}
    unpaid_ti = next(i for i in range(len(plan.townships)) if i not in urban_towns)
    unpaid = disburse.Disbursement(
        funds[an.URBAN_DIBAO].code,
        plan.townships[unpaid_ti] + "财政所",
        money.fen(an.UNPAID_AMOUNT),
        "unpaid",
        unpaid_ti,
        an.URBAN_DIBAO,
        (2,),
        planted=True,
    )
    never = []
    for pr in hosts:  # approved, never paid: what is left of an unfinished project
        left = money.fen(pr.amount) - sum(r.amount_fen for r in tranches if r.project is pr)
        first = left if len(hosts) > 1 else left * 6 // 10 // 10000 * 10000
        parts = [first] if len(hosts) > 1 else [first, left - first]
        for j, amount in enumerate(parts):
            never.append(
                disburse.Disbursement(
                    pr.fund_code,
                    pr.contractor,
                    amount,
                    "never",
                    tranche=len(pr.tranche_shares) + j,
                    project=pr,
                    planted=True,
                )
            )
    bucketed = allocations + [unpaid] + tranches
    disburse.assign_delays(rng("delays"), bucketed, tuple(delays))
    rows = bucketed + never
    disburse.date_rows(rng("dates"), year, rows, plan.person_funds)
    disburse.number_vouchers(year, rows)
    plan.disbursements, plan.delays = rows, tuple(delays)
    allocation_files.plan_allocations(plan)  # the allocation tables agree with these (issue 14)
    paid_all = de.paid_by_pair(plan, funds)
    plan.anomalies["shortfall"] = [
        de.shortfall_entry(plan, r, excess, paid_all) for r, excess in shortfall
    ]
    plan.anomalies["stuck"] = {
        "never_disbursed": [de.disbursement_entry(r) for r in never],
        "disbursed_not_paid": [de.disbursement_entry(unpaid, township=plan.townships[unpaid_ti])],
    }
    plan.anomalies["allocation_excess"] = de.excess_entries(plan, funds)
    plan.anomalies["late_unexplained"] = [
        de.disbursement_entry(r) for r in rows if r.delay_kind == "unexplained"
    ]
    target = pg.SEED_PERSONS_BUDGET_FEN if t.exact_budgets else None
    gap = (
        (pg.SEED_ALL_FUNDS_BUDGET_FEN - pg.SEED_PERSONS_BUDGET_FEN - pg.SEED_PROJECTS_AMOUNT_FEN)
        * t.projects
        // pg.SEED_PROJECTS
    )
    money.fund_budgets(plan.person_funds, target, plan.project_plans, gap // 10000 * 10000)
    plan.budgets = money.department_budgets(
        rng("budgets"), pg.SEED_DEPARTMENT_BUDGET_FEN, t.departments
    )


def _plan_staffing(plan: Plan, funds, pick, rng) -> None:
    t, pop = plan.targets, plan.pop
    villages: dict[int, list[str]] = {}
    for p in pop.places:
        if not p.is_urban:
            villages.setdefault(p.township_idx, []).append(p.village)
    plan.agencies = staffing.agency_catalogue(rng("agencies"), plan.townships, villages, t.agencies)
    plan.staff = staffing.staff_roll(pop, plan.agencies, t.staff, plan.as_of)
    staff_out, taken = an.plant_staff(rng("staff-anomalies"), pop, plan.staff, plan.as_of)
    relief_nos = [f.programme.no for f in plan.person_funds if f.code in plan.relief_codes]
    relief, decoys = an.plant_relief(rng("relief"), funds, relief_nos, plan.staff, taken, pick)
    over = an.pick_over_quota(plan.staff)
    staffing.set_quotas(rng("quotas"), plan.agencies, plan.staff, over)
    by_code = {a.code: a for a in plan.agencies}
    plan.anomalies.update(staff_out)
    plan.anomalies["staff_on_relief"] = relief
    plan.anomalies["over_quota"] = [
        {
            "agency_code": code,
            "agency_name": by_code[code].name,
            "staffing_type": st,
            "quota": by_code[code].quotas[st],
            "actual_reported": by_code[code].reported[st],
            "in_service": sum(
                1
                for s in plan.staff
                if s.agency.code == code and s.staffing_type == st and s.status == "在职"
            ),
            "on_roll": sum(
                1 for s in plan.staff if s.agency.code == code and s.staffing_type == st
            ),
            "reported_honestly": honest,
        }
        for (code, st), (_, honest) in over.items()
    ]
    plan.decoys["staff_with_farmland_subsidy"] = decoys

"""Budgets and projects: amounts that add up exactly to the seed county's totals.

All money is handled in fen (integers) while planning and turned into
``Decimal`` yuan at the edges, so totals like 1,814.99 万元 come out exact.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from . import names
from .fund_kinds import ProjectFund
from .population import PersonFund, Place
from .programmes import DEPARTMENTS


def yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def fen(amount: Decimal) -> int:
    return int(amount * 100)


def split_exact(total: int, weights: list[float], unit: int = 100) -> list[int]:
    """Split ``total`` into multiples of ``unit`` proportional to ``weights`` (largest remainder)."""
    if total % unit:
        raise ValueError(f"{total} is not a multiple of {unit}")
    units = total // unit
    wsum = sum(weights)
    raw = [units * w / wsum for w in weights]
    parts = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: parts[i] - raw[i])
    for i in order[: units - sum(parts)]:
        parts[i] += 1
    return [p * unit for p in parts]


@dataclass(slots=True)
class Project:
    fund_code: str
    name: str
    township: str
    village: str | None
    contractor: str
    amount: Decimal
    start_on: dt.date
    status: str
    tranche_shares: list[float] = field(default_factory=list)


@dataclass
class ProjectFundPlan:
    fund: ProjectFund
    code: str
    projects: list[Project] = field(default_factory=list)
    budget: Decimal = Decimal(0)


@dataclass(slots=True)
class BudgetLine:
    department: str
    category: str
    item: str
    amount: Decimal


def plan_projects(
    rng: random.Random,
    year: int,
    funds: list[tuple[ProjectFund, str]],
    n_projects: int,
    total_fen: int,
    places: list[Place],
) -> list[ProjectFundPlan]:
    """``n_projects`` projects over ``funds``, amounts adding up to ``total_fen``."""
    plans = [ProjectFundPlan(f, code) for f, code in funds]
    per_fund = split_exact(n_projects - len(plans), [f.projects for f, _ in funds], 1)
    rural = [p for p in places if not p.is_urban]
    drafts, seen = [], set()
    for plan, extra in zip(plans, per_fund, strict=True):
        for _ in range(1 + extra):
            place = rng.choice(rural)
            work = rng.choice(plan.fund.works)
            at_village = rng.random() < 0.8
            stem = f"{place.village if at_village else place.township}{work}"
            name, k = stem + "项目", 2
            while name in seen:
                name, k = f"{stem}（{'二三四五六七八九'[min(k - 2, 7)]}期）", k + 1
            seen.add(name)
            start = dt.date(year, 3, 1) + dt.timedelta(days=rng.randint(0, 183))
            status = rng.choices(("已完工", "已验收", "在建"), (45, 20, 35))[0]
            project = Project(
                plan.code,
                name,
                place.township,
                place.village if at_village else None,
                names.contractor(rng, place.village if at_village else None, plan.fund.no),
                Decimal(0),
                start,
                status,
            )
            plan.projects.append(project)
            drafts.append((project, plan.fund.mean_yuan * rng.lognormvariate(0, 0.5)))
    for (project, _), amount in zip(
        drafts, split_exact(total_fen, [w for _, w in drafts], 10000), strict=True
    ):
        project.amount = yuan(amount)
    return plans


def department_budgets(rng: random.Random, total_fen: int, keep: int) -> list[BudgetLine]:
    """Budget lines of all ten departments (seed total), of which the first ``keep`` are kept."""
    lines: list[BudgetLine] = []
    dept_totals = split_exact(total_fen, [w for _, w, _ in DEPARTMENTS], 10000)
    for (dept, _, projects), dept_total in zip(DEPARTMENTS, dept_totals, strict=True):
        abroad = 0.0 if rng.random() < 0.6 else 0.006
        items = [
            ("基本支出", "工资福利支出", 0.42),
            ("基本支出", "商品和服务支出", 0.14),
            ("基本支出", "对个人和家庭的补助", 0.06),
            *[("项目支出", p, 0.34 / len(projects) * rng.uniform(0.7, 1.3)) for p in projects],
            ("三公经费", "因公出国(境)费", abroad),
            ("三公经费", "公务用车购置及运行费", 0.022),
            ("三公经费", "公务接待费", 0.011),
        ]
        for (category, item, _), amount in zip(
            items, split_exact(dept_total, [w for *_, w in items], 10000), strict=True
        ):
            lines.append(BudgetLine(dept, category, item, yuan(amount)))
    kept = {d for d, _, _ in DEPARTMENTS[:keep]}
    return [line for line in lines if line.department in kept]


def fund_budgets(
    person_funds: list[PersonFund],
    persons_target_fen: int | None,
    project_plans: list[ProjectFundPlan],
    project_gap_fen: int,
) -> None:
    """Set every fund's budget: person funds a little above what they pay, project funds
    their projects plus a share of the money not yet in a listed project."""
    paid = [sum(fen(u.amount) * (u.last - u.first + 1) for u in f.units) for f in person_funds]
    ratio = persons_target_fen / sum(paid) if persons_target_fen else 1.04
    if ratio < 1.005:
        raise ValueError(f"person funds would pay more than their budget (ratio {ratio:.4f})")
    budgets = [math.ceil(p * ratio / 10000) * 10000 for p in paid]
    if persons_target_fen:
        budgets[budgets.index(max(budgets))] -= sum(budgets) - persons_target_fen
    for f, b in zip(person_funds, budgets, strict=True):
        f.budget = yuan(b)
    listed = [sum(fen(p.amount) for p in plan.projects) for plan in project_plans]
    for plan, own, gap in zip(
        project_plans, listed, split_exact(project_gap_fen, listed, 10000), strict=True
    ):
        plan.budget = yuan(own + gap)

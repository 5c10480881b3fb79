"""What the synthetic county's plan holds (``Plan``) and the counts it aims at (``Targets``), scaled from the seed county.

``county.build_plan`` fills it in.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from . import anomalies as an
from . import disburse, money, staffing
from . import programmes as pg
from .fund_kinds import Programme
from .population import PersonFund, Population, period_labels


def wan(fen: int) -> str:
    """Fen as 万元 with two decimals, the unit of the seed report."""
    return str((Decimal(fen) / 1_000_000).quantize(Decimal("0.01")))


def scaled(n: int, scale: float, minimum: int = 1) -> int:
    """``n × scale`` rounded half up, at least ``minimum``."""
    return max(minimum, math.floor(n * scale + 0.5))


# A smaller county keeps the seed county's shape: every fund, department and
# township, fewer rows.  Below these floors scaling would empty the public pages.
MIN_RECIPIENTS = 6  # per person fund: payments in several townships and villages
MIN_CORE_RECIPIENTS = 12  # the four core funds hold the planted anomalies
MIN_AGENCIES = 20
MIN_STAFF_PER_AGENCY = 3


@dataclass(frozen=True)
class Targets:
    person_funds: int
    project_funds: int
    payments: int
    projects: int
    departments: int
    agencies: int
    staff: int
    delays: tuple[
        int, int, int
    ]  # the seed's buckets × scale; a small county needs more (see _plan_money)
    exact_budgets: bool


def rows_per_recipient(programme: Programme) -> int:
    """Payment rows one recipient of a fund makes in a year (a 'cases' fund pays a case once)."""
    return (
        1 if programme.schedule == "cases" else len(period_labels(programme.schedule, 2000, 1)[0])
    )


def min_rows(programme: Programme) -> int:
    core = programme.no in pg.CORE_PROGRAMMES
    return (MIN_CORE_RECIPIENTS if core else MIN_RECIPIENTS) * rows_per_recipient(programme)


def targets(scale: float) -> Targets:
    """Counts of a county at ``scale``: rows scale, the catalogue (funds, departments) does not."""
    agencies = scaled(pg.SEED_AGENCIES, scale, MIN_AGENCIES)
    least = sum(min_rows(p) for p in pg.PROGRAMMES) + len(an.DUPLICATES)  # duplicates are rows too
    return Targets(
        person_funds=pg.SEED_PERSON_FUNDS,
        project_funds=pg.SEED_PROJECT_FUNDS,
        payments=scaled(pg.SEED_PAYMENT_ROWS, scale, least),
        projects=scaled(
            pg.SEED_PROJECTS, scale, pg.SEED_PROJECT_FUNDS
        ),  # one per project fund at least
        departments=pg.SEED_DEPARTMENTS,
        agencies=agencies,
        staff=scaled(pg.SEED_STAFF, scale, MIN_STAFF_PER_AGENCY * agencies),
        delays=tuple(scaled(n, scale, 0) for n in pg.SEED_DELAYS),
        exact_budgets=scale == 1,
    )


@dataclass
class Plan:
    scale: float
    seed: int
    year: int
    targets: Targets
    pop: Population
    person_funds: list[PersonFund]
    project_plans: list[money.ProjectFundPlan] = field(default_factory=list)
    budgets: list[money.BudgetLine] = field(default_factory=list)
    agencies: list[staffing.Agency] = field(default_factory=list)
    staff: list[staffing.StaffRow] = field(default_factory=list)
    disbursements: list[disburse.Disbursement] = field(default_factory=list)
    delays: tuple[int, int, int] = (0, 0, 0)
    state: an.PaymentState | None = None
    anomalies: dict = field(default_factory=dict)
    decoys: dict = field(default_factory=dict)
    relief_codes: list[str] = field(default_factory=list)
    townships: list[str] = field(default_factory=list)
    deaths: list[list] = field(default_factory=list)  # the death register's rows (deaths.py)
    payroll: list[list] = field(default_factory=list)  # the payroll's rows (payroll.py)
    registers: dict = field(default_factory=dict)  # vehicles, businesses, properties (assets.py)
    allocations: list = field(default_factory=list)  # allocation tables' rows (allocation_files.py)

    @property
    def as_of(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    def figures(self) -> dict:
        """The seed-report figures of the plan, without writing a file (same keys as the manifest)."""
        disbursed = [d.delay_days for d in self.disbursements if d.disbursed_on is not None]
        person_fen = sum(money.fen(f.budget) for f in self.person_funds)
        project_fen = sum(money.fen(p.budget) for p in self.project_plans)
        projects = [pr for pl in self.project_plans for pr in pl.projects]
        return {
            "funds": {
                "count": len(self.person_funds) + len(self.project_plans),
                "by_pays_to": {
                    "persons": len(self.person_funds),
                    "projects": len(self.project_plans),
                },
                "budget_wan": {
                    "persons": wan(person_fen),
                    "projects": wan(project_fen),
                    "all": wan(person_fen + project_fen),
                },
            },
            "payments": {
                "rows": sum(f.rows for f in self.person_funds) + len(self.state.duplicates)
            },
            "projects": {
                "count": len(projects),
                "amount_wan": wan(sum(money.fen(p.amount) for p in projects)),
            },
            "budgets": {
                "departments": len({b.department for b in self.budgets}),
                "amount_wan": wan(sum(money.fen(b.amount) for b in self.budgets)),
            },
            "agencies": {"count": len(self.agencies)},
            "staff": {"rows": len(self.staff)},
            "disbursements": {
                "rows": len(self.disbursements),
                "disbursed": len(disbursed),
                "delay_buckets": {
                    "le3": sum(d <= 3 for d in disbursed),
                    "4to10": sum(3 < d <= 10 for d in disbursed),
                    "gt10": sum(d > 10 for d in disbursed),
                },
            },
        }

    def voucher_of(self, fund_no: int) -> dict[tuple[int, int], str]:
        """(township, period) -> voucher of the allocation that paid it."""
        out = {}
        for d in self.disbursements:
            if d.role == "allocation" and d.fund_no == fund_no:
                for p in d.periods:
                    out[(d.township_idx, p)] = d.voucher_no
        return out

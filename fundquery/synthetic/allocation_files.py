"""The county's allocation tables (资金分配 / 指标下达, issue 14): one per fund paid to persons.

Each table gives every township the money the fund disbursed to its finance office by the as-of date,
dated a few days before the fund's first approval, so a table agrees with its disbursements.  Then one
planted gap (an extra allocation to one township that never left the treasury: the
``allocation_not_disbursed`` finding), one township of another fund written short (20,000 yuan, or half
when it got less: ``disbursed_beyond_allocation``) and one decoy (an extra allocation made ten days
before the as-of date: too recent to be due, not a finding).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from . import names
from .files import Out
from .money import fen, yuan
from .plan import Plan
from .writers import fmt_amount, fmt_date

GAP_YUAN = Decimal("80000.00")  # the planted allocation not disbursed
DECOY_YUAN = Decimal("30000.00")  # the decoy: allocated too recently to be due
SHORT_YUAN = Decimal("20000.00")  # one township's allocation written short: disbursed beyond it
DECOY_DAYS = 10  # before the as-of date (the check's default stuck_days is 30)
HEADER = ["序号", "资金编码", "资金名称", "年度", "乡镇", "指标文号", "下达日期", "分配金额"]


@dataclass(frozen=True)
class Allocation:
    fund_code: str
    township: str
    doc_no: str
    allocated_on: dt.date
    amount_fen: int


def plan_allocations(plan: Plan) -> None:
    """Fill ``plan.allocations`` from the disbursements, with the planted gap and the decoy."""
    sent: dict[tuple[str, str], int] = {}
    first: dict[str, dt.date] = {}
    for r in plan.disbursements:
        if r.role not in ("allocation", "unpaid") or r.disbursed_on is None:
            continue
        if r.disbursed_on > plan.as_of:
            continue
        key = (r.fund_code, plan.townships[r.township_idx])
        sent[key] = sent.get(key, 0) + r.amount_fen
        first[r.fund_code] = min(first.get(r.fund_code, r.approved_on), r.approved_on)
    rows = []
    for n, fund in enumerate(plan.person_funds, start=1):
        doc = f"清财指〔{plan.year}〕{n}号"
        for township in plan.townships:
            if (fund.code, township) in sent:
                on = first[fund.code] - dt.timedelta(days=5)
                rows.append(Allocation(fund.code, township, doc, on, sent[(fund.code, township)]))
    funds = [f.code for f in plan.person_funds if any(a.fund_code == f.code for a in rows)]
    gap_fund, decoy_fund = funds[0], funds[-1]
    gap_town = next(a.township for a in rows if a.fund_code == gap_fund)
    decoy_town = next(a.township for a in rows if a.fund_code == decoy_fund)
    gap = Allocation(
        gap_fund, gap_town, f"清财指〔{plan.year}〕追1号", dt.date(plan.year, 6, 30), fen(GAP_YUAN)
    )
    decoy = Allocation(
        decoy_fund,
        decoy_town,
        f"清财指〔{plan.year}〕追2号",
        plan.as_of - dt.timedelta(days=DECOY_DAYS),
        fen(DECOY_YUAN),
    )
    # The table short of what went out for one township: the money left beyond its allocation.
    short_fund = funds[len(funds) // 2]
    i, cut = next(
        (i, a) for i, a in enumerate(rows) if a.fund_code == short_fund and a.township != gap_town
    )
    less = min(fen(SHORT_YUAN), cut.amount_fen // 2)
    rows[i] = Allocation(
        cut.fund_code, cut.township, cut.doc_no, cut.allocated_on, cut.amount_fen - less
    )
    plan.allocations = [*rows, gap, decoy]
    plan.anomalies["allocation_not_disbursed"] = [_entry(gap, sent)]
    plan.anomalies["disbursed_beyond_allocation"] = [
        {**_entry(rows[i], sent), "beyond_yuan": str(yuan(less))}
    ]
    plan.decoys["allocation_not_yet_due"] = [_entry(decoy, sent)]


def _entry(a: Allocation, sent: dict) -> dict:
    disbursed = sent.get((a.fund_code, a.township), 0)
    return {
        "fund_code": a.fund_code,
        "recipient": a.township,
        "doc_no": a.doc_no,
        "allocated_on": a.allocated_on.isoformat(),
        "amount_yuan": str(yuan(a.amount_fen)),
        "disbursed_yuan": str(yuan(disbursed)),
    }


def write_allocations(out: Out, plan: Plan) -> None:
    """One table per fund paid to persons, in load order after the disbursements."""
    k = "allocations"
    for i, fund in enumerate(plan.person_funds, start=1):
        chosen = [a for a in plan.allocations if a.fund_code == fund.code]
        if not chosen:
            continue

        def rows(chosen=chosen, name=fund.programme.name):
            for j, a in enumerate(chosen, start=1):
                out.tally.add(k, a.amount_fen, fund_code=a.fund_code)
                yield [
                    str(j),
                    a.fund_code,
                    name,
                    str(plan.year),
                    a.township,
                    a.doc_no,
                    fmt_date(a.allocated_on, "zh"),
                    fmt_amount(yuan(a.amount_fen), "comma"),
                ]

        out.emit(
            f"07_{i:02d}_{plan.year}年{fund.programme.name}资金分配表.xlsx",
            k,
            [f"{names.COUNTY}{plan.year}年{fund.programme.name}资金分配（指标下达）表", "单位：元"],
            [HEADER],
            rows(),
            ["title_rows", "chinese_dates", "amount_thousands_separator"],
            fund_codes=[fund.code],
        )

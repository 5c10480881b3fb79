"""A synthetic county: the spreadsheets its offices would upload, with planted anomalies.

``generate(out_dir, scale)`` writes them with a ``manifest.json`` listing the
files in load order, the figures a loader should find and every planted
discrepancy.  At ``scale=1`` the figures are the seed county's (DESIGN.md §1):
55 funds (35 to persons, 20 to projects), 882,804 payment rows, 359 projects,
10 departments' budgets totalling 1,814.99 万元, 343 agencies with 11,482
named staff, and 1,218 disbursements split 931 / 126 / 161 by days from
approval to disbursement.  A smaller scale keeps the county's shape (every
fund, department and township) with fewer rows; see ``rules()["scaling"]``.
Knows nothing of Flask.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from . import (
    allocation_files,
    assets,
    deaths,
    files,
    names,
    payment_files,
    payroll,
    publication,
    spending_files,
)
from .county import build_plan
from .manifest import MANIFEST_NAME, Manifest, Tally
from .plan import Plan

__all__ = ["Manifest", "Plan", "build_plan", "generate"]

Progress = Callable[[str, int, int], None]  # (file name, files written, files in all)


def generate(
    out_dir: str | Path,
    scale: float = 1.0,
    seed: int = 20070101,
    progress: Progress | None = None,
    *,
    year: int = 2024,
) -> Manifest:
    """Write the county's spreadsheets and ``manifest.json`` into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_previous(out_dir)
    plan = build_plan(scale, seed, year)
    tally = Tally()
    out = files.Out(out_dir, tally, progress, total=15 + 2 * len(plan.person_funds))
    files.write_funds(out, plan)
    files.write_agencies(out, plan)
    files.write_staff(out, plan)
    spending_files.write_budgets(out, plan)
    spending_files.write_disbursements(out, plan)
    allocation_files.write_allocations(out, plan)
    spending_files.write_projects(out, plan)
    paid = []
    for i, fund in enumerate(plan.person_funds):
        paid += payment_files.write_fund(out, plan, fund, i)
    paid += payment_files.write_supplement(out, plan, len(plan.person_funds))
    rng = random.Random(f"{seed}:publication")
    published, late = publication.schedule(rng, paid, plan.as_of)
    for entry in out.files:
        if entry.path in published:
            entry.published_on = published[entry.path].isoformat()
    deaths.write_register(out, plan)  # other departments' registers (issue 16), loaded last
    payroll.write_payroll(out, plan)
    assets.write_registers(out, plan)
    manifest = Manifest(
        out_dir,
        scale,
        seed,
        year,
        plan.as_of.isoformat(),
        names.COUNTY,
        out.files,
        tally.expected(),
        rules(plan),
        {**_with_files(plan.anomalies, paid), "late_publication": late},
        plan.decoys,
    )
    manifest.write()
    return manifest


def _remove_previous(out_dir: Path) -> None:
    """Delete the files an earlier run listed in its manifest (and nothing else)."""
    if not (out_dir / MANIFEST_NAME).exists():
        return
    try:
        old = Manifest.load(out_dir)
    except (ValueError, TypeError, KeyError):
        return
    for path in old.paths():
        if path.parent == out_dir and path.is_file():
            path.unlink()


def rules(plan: Plan) -> dict:
    """How each planted anomaly is defined, so an inspector's report can be checked against it."""
    return {
        "as_of": plan.as_of.isoformat(),
        "retirement_age": {"男": 60, "女": 55, "女(工勤)": 50},
        "relief_fund_codes": plan.relief_codes,
        "relief_funds": "资金名称含“最低生活保障”或“特困”的到人资金",
        "allocation": "a disbursement of a person fund whose payee is '<township>财政所'; allocated = sum of "
        "amount_yuan of the disbursed ones per (fund_code, township)",
        "paid_out": "sum of payments.amount_yuan with card_status 已发放 per (fund_code, township), all files",
        "shortfall": "allocated > paid_out; every other (fund_code, township) has allocated == paid_out",
        "disbursed_not_paid": "an allocation to a township where the fund has no payment row",
        "never_disbursed": "approved_on given, disbursed_on empty",
        "duplicate_payment": "the same id_number, fund_code and period in more than one payment row",
        "wrong_amount": "amount_yuan != quantity × standard_yuan",
        "returned": "card_status 退回",
        "over_quota": "staff rows with status 在职 per (agency_code, staffing_type) > quota; everywhere else "
        "staff rows of any status <= quota",
        "over_age": "status 在职 and age on as_of >= retirement_age",
        "inactive_on_roll": "status other than 在职 on the staff roll",
        "two_rolls": "one id_number on the rolls of two agencies",
        "late_unexplained": "disbursed_on - approved_on > 10 days, is_by_progress false, no reason",
        "delay_buckets": "le3: 0-3 days, 4to10: 4-10 days, gt10: more than 10 days (disbursed_on - approved_on)",
        "paid_after_death": "a payment (not 退回, with a paid_on) whose id_number and name are a death register"
        " row's, paid after the end of the month of died_on; every such payment is listed",
        "death_name_differs": "a death register row with a payee's or a salaried person's id_number under another"
        " name (found_in: payments or payroll): data quality, not a finding",
        "payroll_not_on_roll": "a payroll row whose id_number is on none of the paying agency's staff roll rows"
        " (hired_on after the month's end counts as not yet on it); every such salary is listed",
        "payroll_after_death": "a payroll row whose id_number and name are a death register row's, for a month"
        " after the month of died_on; every such salary is listed",
        "roll_not_on_payroll": "a staff roll row with status 在职 and no payroll row from its agency in a month"
        " that agency's payroll covers (months before the month of hired_on not counted); one per month",
        "payroll_two_agencies": "one id_number paid by two or more agencies in one month; one per month",
        "means_tested_funds": "the catalogue has no 是否经济状况核查 column: a fund is means-tested when its name"
        " has a word of etl.vocabulary.MEANS_TESTED_FUNDS (低保, 特困, 临时救助, 医疗救助 …)",
        "relief_vehicle_owner": "a means-tested payment (not 退回, with a paid_on) whose id_number and name hold"
        " a vehicle registered on or before paid_on and not cancelled by then, of a type not exempt (摩托, 三轮,"
        " 农用, 拖拉机, 残疾人)",
        "relief_business_owner": "a means-tested payment whose payee runs a business founded on or before paid_on,"
        " not cancelled or revoked by then, with registered capital above 50,000 yuan",
        "relief_property_owner": "a means-tested payment whose payee holds property registered on or before"
        " paid_on of more than 120 m² in all",
        "register_name_differs": "a vehicle, business or property row with a means-tested payee's id_number under"
        " another name: data quality, not a finding",
        "in_progress": "card_status 发放中: sent to the bank, not yet in the account on as_of; not paid out, "
        "in no allocation, nothing to report (decoys.payments_in_progress)",
        "scaling": "every scale keeps the whole catalogue: 55 funds (35 to persons, 20 to projects), the 10 "
        "departments' budget lines (the seed's 1,814.99 万元 at any scale) and 15 townships. Rows are "
        "the seed county's × scale, rounded half up: payments (each person fund at least 6 "
        "recipients, the 4 core funds 12), projects (at least one per project fund), agencies (at "
        "least 20), staff (at least 3 per agency); fund budgets follow what the rows pay. Below "
        "scale 1 each (fund, township) paid needs an allocation, so the disbursements are as many as "
        "that takes, split over le3 / 4to10 / gt10 in the seed's proportions 931 : 126 : 161",
    }


def _with_files(anomalies: dict, paid: list[publication.PaidFile]) -> dict:
    """Name the files each planted payment row is in (its fund's list of the month, the 补发清册)."""
    files_of: dict[tuple[str, str, str], list[str]] = {}
    for f in paid:
        for key in f.records:
            files_of.setdefault(key, []).append(f.path)
    out = dict(anomalies)
    for key in ("duplicates", "returned", "wrong_amount"):
        out[key] = [
            {**d, "files": files_of[d["fund_code"], d["period"], d["id_number"]]}
            for d in anomalies[key]
        ]
    return out

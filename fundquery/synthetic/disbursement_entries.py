"""The manifest's entries for the disbursement anomalies (planted in ``anomalies.py``): what was allocated,
paid out and paid twice per fund and township, and the planted vouchers."""

from __future__ import annotations

from . import money
from .anomalies import SHORTFALLS


def paid_by_pair(plan, funds) -> dict[tuple[str, int], list[int]]:
    """(fund code, township) -> [fen 已发放, fen of every status incl. duplicates]."""
    out: dict[tuple[str, int], list[int]] = {}
    st = plan.state
    for no in (n for n, _, _ in SHORTFALLS):
        f = funds[no]
        for i, u in enumerate(f.units):
            ti = u.household.place.township_idx
            cell = out.setdefault((f.code, ti), [0, 0])
            for p in range(u.first, u.last + 1):
                status, amount = st.row(no, i, ti, p, u.amount)
                cell[1] += money.fen(amount) * (1 + ((no, i, p) in st.duplicates))
                cell[0] += (
                    money.fen(amount) * (status == "已发放") * (1 + ((no, i, p) in st.duplicates))
                )
    return out


def excess_entries(plan, funds) -> list[dict]:
    """Paid twice means more reached the township's households than was disbursed to it."""
    out: dict[tuple[str, str], int] = {}
    for no, i, p in plan.state.duplicates:
        u = funds[no].units[i]
        key = (funds[no].code, u.household.place.township)
        out[key] = out.get(key, 0) + money.fen(plan.state.amounts.get((no, i, p), u.amount))
    return [
        {
            "fund_code": code,
            "township": town,
            "excess_yuan": str(money.yuan(v)),
            "cause": "duplicate_payment",
        }
        for (code, town), v in sorted(out.items())
    ]


def shortfall_entry(plan, row, excess, paid_all) -> dict:
    pair = [
        r
        for r in plan.disbursements
        if r.role == "allocation"
        and r.fund_code == row.fund_code
        and r.township_idx == row.township_idx
    ]
    allocated = sum(r.amount_fen for r in pair)
    paid, paid_any = paid_all[(row.fund_code, row.township_idx)]
    return {
        "fund_code": row.fund_code,
        "township": plan.townships[row.township_idx],
        "payee": row.payee,
        "vouchers": sorted(r.voucher_no for r in pair),
        "planted_voucher": row.voucher_no,
        "allocated_yuan": str(money.yuan(allocated)),
        "paid_out_yuan": str(money.yuan(paid)),
        "paid_any_status_yuan": str(money.yuan(paid_any)),
        "shortfall_yuan": str(money.yuan(allocated - paid)),
        "planted_excess_yuan": str(excess),
    }


def disbursement_entry(r, **extra) -> dict:
    return {
        "voucher_no": r.voucher_no,
        "fund_code": r.fund_code,
        "payee": r.payee,
        "amount_yuan": str(r.amount),
        "approved_on": r.approved_on.isoformat(),
        "disbursed_on": r.disbursed_on.isoformat() if r.disbursed_on else None,
        "delay_days": r.delay_days,
        **extra,
    }

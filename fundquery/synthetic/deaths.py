"""The county's death and cremation register (死亡火化登记, issue 16), with planted cases and decoys.

Most rows are people who drew nothing.  Planted: two payees who died while still on a
monthly roll, each with every payment made after the end of the month of death
(``paid_after_death``), and one payee's ID under another name (``death_name_differs``).
Decoys that neither list may show: a namesake of a payee with another ID, and a payee who
died after their last payment.  The register is written the way a funeral home exports it
(MZ/T 141-2019 逝者信息: 逝者姓名, 证件号码, 死亡时间, 火化时间), GBK csv.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections import Counter

from . import ids
from .anomalies import IN_PROGRESS_FUND, who
from .population import Person, PersonFund, pay_date

K = "deaths"

DEATHS_PER_YEAR = 2_500  # about 7 ‰ of the seed county's people
SOURCES = ("县殡仪馆", "县公安局户籍注销", "县卫生健康委死亡医学证明")
# The funeral home's export also has 性别, which the loader would report as unused (the ID number
# holds the sex): left out here, so the demo loads without warnings.
HEADER = ["序号", "逝者姓名", "证件号码", "死亡时间", "火化时间", "数据来源"]


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _payments(plan, fund: PersonFund, j: int) -> list[tuple[int, dt.date | None, str]]:
    """(period, paid on or None, status) of each row written for unit ``j`` of ``fund``."""
    u, no = fund.units[j], fund.programme.no
    ti = u.household.place.township_idx
    out = []
    for p in range(u.first, u.last + 1):
        status = plan.state.row(no, j, ti, p, u.amount)[0] if plan.state.touches(no) else "已发放"
        paid = (
            None if status in ("待发放", "发放中") else pay_date(plan.year, fund.months[p], no, ti)
        )
        out.append((p, paid, status))
    return out


def plant_deaths(rng: random.Random, plan, pick) -> tuple[list[list], dict, dict]:
    """The register's rows, the planted cases and the decoys (for the manifest)."""
    funds = {f.programme.no: f for f in plan.person_funds}
    times = Counter(u.person.id_number for f in plan.person_funds for u in f.units)
    monthly = [
        no
        for no in funds
        if no != IN_PROGRESS_FUND and len(funds[no].labels) >= 6 and no in pick.state.funds
    ] or [no for no in funds if len(funds[no].labels) >= 6]

    def payee(cond=None) -> tuple[PersonFund, int]:
        """A unit nobody planted anything on, its person in no other roll, paid at least 4 times."""
        for no in monthly:
            try:
                j = pick.unit(
                    no,
                    None,
                    lambda u: (
                        times[u.person.id_number] == 1
                        and u.last - u.first >= 3
                        and (cond is None or cond(u))
                    ),
                )
            except ValueError:
                continue
            return funds[no], j
        raise ValueError("no payee left for the death register")

    rows: list[dict] = []
    planted: dict[str, list] = {"paid_after_death": [], "death_name_differs": []}
    decoys: dict[str, list] = {"death_namesake": [], "death_after_last_payment": []}

    for k in range(2):  # died while on the roll: every later payment is a finding
        after: list = []
        while not after:
            fund, j = payee()
            u = fund.units[j]
            paid = [(p, d) for p, d, s in _payments(plan, fund, j) if d is not None and s != "退回"]
            # early in the month of the second (third) payment: that month's own payment is no finding
            died = dt.date(plan.year, paid[1 + k][1].month, 3)
            after = [(p, d) for p, d in paid if d > _month_end(died)]
        rows.append({"person": u.person, "died_on": died})
        planted["paid_after_death"].append(
            {
                **who(u.person),
                "fund_code": fund.code,
                "died_on": died.isoformat(),
                "payments": [
                    {
                        "period": fund.labels[p],
                        "paid_on": d.isoformat(),
                        "amount_yuan": f"{u.amount:.2f}",
                    }
                    for p, d in after
                ],
            }
        )

    fund, j = payee()  # the register has this payee's ID under another name
    u = fund.units[j]
    other = plan.pop.names.person(u.person.sex)
    while other == u.person.name:
        other = plan.pop.names.person(u.person.sex)
    died = dt.date(plan.year, 1, 20)
    rows.append(
        {"person": Person(other, u.person.id_number, u.person.sex, u.person.birth), "died_on": died}
    )
    planted["death_name_differs"].append(
        {
            **who(u.person),
            "register_name": other,
            "died_on": died.isoformat(),
            "found_in": "payments",
        }
    )

    fund, j = payee()  # a namesake of a payee, with another ID, died early in the year
    u = fund.units[j]
    birth = ids.birth_for_age(rng, 70, 90, plan.as_of)
    namesake = Person(u.person.name, plan.pop.idf.new(birth, u.person.sex), u.person.sex, birth)
    died = dt.date(plan.year, 1, 12)
    rows.append({"person": namesake, "died_on": died})
    decoys["death_namesake"].append(
        {
            **who(namesake),
            "payee_id_masked": ids.mask(u.person.id_number),
            "died_on": died.isoformat(),
        }
    )

    fund, j = payee()  # died after the last payment made to them
    u = fund.units[j]
    last = max(d for _, d, s in _payments(plan, fund, j) if d is not None)
    died = min(last + dt.timedelta(days=3), plan.as_of)
    rows.append({"person": u.person, "died_on": died})
    decoys["death_after_last_payment"].append(
        {**who(u.person), "last_paid_on": last.isoformat(), "died_on": died.isoformat()}
    )

    for _ in range(max(10, round(DEATHS_PER_YEAR * plan.scale))):  # everyone else who died
        sex = rng.choice(("男", "女"))
        birth = ids.birth_for_age(rng, 45, 99, plan.as_of, skew=0.5)
        person = Person(plan.pop.names.person(sex), plan.pop.idf.new(birth, sex), sex, birth)
        rows.append(
            {"person": person, "died_on": plan.as_of - dt.timedelta(days=rng.randrange(365))}
        )

    rng.shuffle(rows)
    sheet = []
    for n, r in enumerate(rows, 1):
        p, died = r["person"], r["died_on"]
        cremated = min(died + dt.timedelta(days=rng.choice((1, 2, 3))), plan.as_of)
        sheet.append(
            [
                n,
                p.name,
                p.id_number,
                f"{died:%Y年%-m月%-d日}",
                cremated.isoformat(),
                rng.choice(SOURCES),
            ]
        )
    return sheet, planted, decoys


def write_register(out, plan) -> None:
    """The register as a funeral home exports it: a title row, GBK csv, dates in two styles."""

    def rows():
        for row in plan.deaths:
            out.tally.add(K, 0, row[2])
            yield row

    out.emit(
        "90_死亡火化登记.csv",
        K,
        [f"{plan.year}年度死亡火化人员登记表"],
        [HEADER],
        rows(),
        ["title_rows", "chinese_dates", "gbk", "two_dates"],
        encoding="gbk",
    )

"""The county's payroll (财政供养人员工资发放, issue 16), with planted ghost salaries and decoys.

Every serving member of staff is paid every month from the month they were hired.  Planted
(``payroll_not_on_roll``): two people on no roll, each paid by an agency for several months
(吃空饷); a member of staff who died in July, paid to December (``payroll_after_death``); a
member of staff whose ID the death register has under another name (``death_name_differs``); one
paid January to August only while still serving on the roll (``roll_not_on_payroll``); whoever
serves on two rolls, paid by both (``payroll_two_agencies``).  Decoys: a member of staff hired in
the middle of the year, paid from the month of joining; one who died in December, the month of
the last salary.
Written as the treasury's 工资统发 system exports it: GBK csv, 工资月份 as 2024年03月, 应发工资 and 实发工资.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from . import ids
from .anomalies import who
from .population import Person

K = "payroll"
HEADER = ["序号", "单位代码", "单位名称", "姓名", "身份证号码", "工资月份", "应发工资", "实发工资"]
GROSS = {"行政": 6200, "事业(参公)": 5900, "事业(其他)": 5400, "工勤": 4300}
JOINED_MONTH = 6
DIED_MONTH = 7  # a member of staff dies in July: the August to December salaries are findings
DROPPED_AFTER = 8  # one serving member of staff is paid January to August only


def _pay(rng: random.Random, staffing_type: str) -> tuple[Decimal, Decimal]:
    gross = Decimal(GROSS.get(staffing_type, 5000) + rng.randrange(0, 1500, 5))
    return gross, (gross * Decimal("0.79")).quantize(Decimal("0.01"))


def _register_death(rng: random.Random, plan, person: Person, died: dt.date) -> None:
    """A row of the death register (deaths.py's layout) for a member of staff who died."""
    cremated = min(died + dt.timedelta(days=rng.choice((1, 2, 3))), plan.as_of)
    plan.deaths.append(
        [
            len(plan.deaths) + 1,
            person.name,
            person.id_number,
            f"{died:%Y年%-m月%-d日}",
            cremated.isoformat(),
            "县公安局户籍注销",
        ]
    )


def plant_payroll(rng: random.Random, plan, avoid: set[str]) -> tuple[list[list], dict, dict]:
    """The payroll's rows (staff, ghosts), the planted ghosts and the decoy (for the manifest).

    ``avoid``: ID numbers other anomalies are about; the decoy is none of them.
    """
    year = plan.year
    serving = [s for s in plan.staff if s.status == "在职"]
    joiner = next(
        s
        for s in sorted(serving, key=lambda s: (s.agency.code, s.person.id_number))
        if s.person.id_number not in avoid and s.hired_on.year < year
    )
    joiner.hired_on = dt.date(year, JOINED_MONTH, 18)  # joins mid-June: paid from June
    payees = {u.person.id_number for f in plan.person_funds for u in f.units}
    rolls = Counter(s.person.id_number for s in plan.staff)
    # Serving staff nobody planted anything on, on one roll only, paid no subsidy, hired before the year.
    spare = [
        s
        for s in sorted(serving, key=lambda s: (s.agency.code, s.person.id_number))
        if s.person.id_number not in avoid
        and s is not joiner
        and rolls[s.person.id_number] == 1
        and s.person.id_number not in payees
        and s.hired_on.year < year
    ]
    dead, last_month_dead, dropped = rng.sample(spare, 3)
    misnamed = rng.choice([s for s in spare if s not in (dead, last_month_dead, dropped)])
    died = dt.date(year, DIED_MONTH, 10)  # salaries for the months after it are findings
    _register_death(rng, plan, dead.person, died)
    died_late = dt.date(year, 12, 5)  # the month of death is the last salary: no finding
    _register_death(rng, plan, last_month_dead.person, died_late)
    # The register has a serving member of staff's ID under another name: a data-quality case, no finding.
    other = plan.pop.names.person(misnamed.person.sex)
    while other == misnamed.person.name:
        other = plan.pop.names.person(misnamed.person.sex)
    misnamed_died = dt.date(year, 1, 25)
    _register_death(
        rng,
        plan,
        Person(other, misnamed.person.id_number, misnamed.person.sex, misnamed.person.birth),
        misnamed_died,
    )
    rows = []
    for s in serving:
        first = s.hired_on.month if s.hired_on.year == year else 1
        last = DROPPED_AFTER if s is dropped else 12
        gross, net = _pay(rng, s.staffing_type)
        rows += [(s.agency, s.person, m, gross, net) for m in range(first, last + 1)]
    planted: dict[str, list] = {
        "payroll_not_on_roll": [],
        "payroll_after_death": [
            {
                **who(dead.person),
                "agency_name": dead.agency.name,
                "died_on": died.isoformat(),
                "months": [f"{year}-{m:02d}" for m in range(DIED_MONTH + 1, 13)],
            }
        ],
        "death_name_differs": [
            {
                **who(misnamed.person),
                "register_name": other,
                "died_on": misnamed_died.isoformat(),
                "found_in": "payroll",
            }
        ],
        "roll_not_on_payroll": [
            {
                **who(dropped.person),
                "agency_name": dropped.agency.name,
                "months": [f"{year}-{m:02d}" for m in range(DROPPED_AFTER + 1, 13)],
            }
        ],
    }
    # Whoever serves on two agencies' rolls (anomalies.plant_staff's two_rolls) is paid by both.
    paid_by: dict[tuple[str, int], set[str]] = {}
    for agency, person, m, _, _ in rows:
        paid_by.setdefault((person.id_number, m), set()).add(agency.name)
    twice: dict[str, dict] = {}
    for (number, m), names in sorted(paid_by.items()):
        if len(names) > 1:
            person = next(s.person for s in serving if s.person.id_number == number)
            item = twice.setdefault(
                number, {**who(person), "agencies": sorted(names), "months": []}
            )
            item["months"].append(f"{year}-{m:02d}")
    planted["payroll_two_agencies"] = list(twice.values())
    agencies = sorted({id(s.agency): s.agency for s in serving}.values(), key=lambda a: a.code)
    for k, agency in enumerate(rng.sample(agencies, 2)):
        sex = rng.choice(("男", "女"))
        birth = ids.birth_for_age(rng, 25, 50, plan.as_of)
        ghost = Person(plan.pop.names.person(sex), plan.pop.idf.new(birth, sex), sex, birth)
        gross, net = _pay(rng, "事业(其他)")
        months = list(range(3 + 4 * k, 13))
        rows += [(agency, ghost, m, gross, net) for m in months]
        planted["payroll_not_on_roll"].append(
            {
                **who(ghost),
                "agency_code": agency.code,
                "agency_name": agency.name,
                "months": [f"{year}-{m:02d}" for m in months],
                "net_yuan": f"{net:.2f}",
            }
        )
    decoys = {
        "salary_in_month_of_death": [
            {
                **who(last_month_dead.person),
                "agency_name": last_month_dead.agency.name,
                "died_on": died_late.isoformat(),
            }
        ],
        "salary_in_month_of_joining": [
            {
                **who(joiner.person),
                "agency_name": joiner.agency.name,
                "hired_on": joiner.hired_on.isoformat(),
                "first_month": f"{year}-{JOINED_MONTH:02d}",
            }
        ],
    }
    rows.sort(key=lambda r: (r[2], r[0].code, r[1].id_number))
    sheet = [
        [n, a.code, a.name, p.name, p.id_number, f"{year}年{m:02d}月", f"{g:.2f}", f"{net:.2f}"]
        for n, (a, p, m, g, net) in enumerate(rows, 1)
    ]
    return sheet, planted, decoys


def write_payroll(out, plan) -> None:
    def rows():
        for row in plan.payroll:
            out.tally.add(K, 0, row[4])
            yield row

    out.emit(
        "91_财政供养人员工资发放.csv",
        K,
        [f"{plan.year}年度财政供养人员工资发放明细"],
        [HEADER],
        rows(),
        ["title_rows", "gbk", "chinese_months"],
        encoding="gbk",
    )

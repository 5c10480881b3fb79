"""The county's vehicle, business and real-estate registers (issue 16), with planted cases and decoys.

Most rows belong to people who draw no means-tested payment (new people, and payees of other funds
such as the farmland subsidy).  Planted on payees of a means-tested fund (低保, 特困 …, by name as
etl.vocabulary.MEANS_TESTED_FUNDS says; the demo's catalogue has no 是否经济状况核查 column):

- ``relief_vehicle_owner``: a car held all year; a car registered in mid-year (only the payments
  from that day); a car cancelled (注销) in mid-year (only the payments before that day);
- ``relief_business_owner``: a company with capital above ``Params.business_capital_yuan``;
- ``relief_property_owner``: two flats together above ``Params.property_area_sqm``;
- ``register_name_differs``: one row in each register with a payee's ID under another name.

Decoys none of the checks may show: a namesake of a payee (another ID) with a car, a payee with a
motorcycle (an exempt type), a payee's shop cancelled before the year's first payment, a payee's
shop with capital below the threshold, a payee's single small house.

Written as the departments' systems export them: the traffic police's 机动车登记信息 (xlsx, a title
row, Excel dates, GA 802 status letters), the market regulator's 市场主体登记信息 (GBK csv, 注册资本
in yuan; the 万元 form is tested in tests/test_relief_registers.py, and loads with a warning) and the real-estate centre's 不动产登记信息 (xlsx, 建筑面积(㎡), 登簿日期 as 2021年3月5日).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from etl.vocabulary import MEANS_TESTED_FUNDS

from . import ids
from .anomalies import IN_PROGRESS_FUND, who
from .deaths import _payments
from .population import Person, PersonFund

# Rows per register at scale 1 (a county of the seed's size): about one car in five households,
# one market entity per 15 people, a registered property per household.
VEHICLES, BUSINESSES, PROPERTIES = 60_000, 20_000, 80_000
BUSINESS_CAPITAL_YUAN, PROPERTY_AREA_SQM = (
    50_000,
    120,
)  # Params' defaults, which the plants straddle

VEHICLE_HEADER = [
    "序号",
    "号牌号码",
    "车辆类型",
    "机动车所有人",
    "身份证明号码",
    "使用性质",
    "初次登记日期",
    "机动车状态",
    "注销日期",
]
BUSINESS_HEADER = [
    "序号",
    "统一社会信用代码",
    "企业名称",
    "市场主体类型",
    "法定代表人",
    "证件号码",
    "注册资本(元)",
    "成立日期",
    "登记状态",
    "注销日期",
    "吊销日期",
]
PROPERTY_HEADER = [
    "序号",
    "不动产权证号",
    "权利人",
    "证件号码",
    "坐落",
    "用途",
    "建筑面积(㎡)",
    "登簿日期",
]
CARS = (("小型普通客车", "非营运"), ("小型轿车", "非营运"), ("轻型普通货车", "货运"))
EXEMPT = (("普通二轮摩托车", "非营运"), ("三轮汽车", "非营运"), ("轮式拖拉机", "非营运"))
_ALNUM = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def means_tested(fund: PersonFund) -> bool:
    return any(word in fund.programme.name for word in MEANS_TESTED_FUNDS)


class _Registers:
    def __init__(self, rng: random.Random, plan) -> None:
        self.rng, self.plan = rng, plan
        self.vehicles: list[dict] = []
        self.businesses: list[dict] = []
        self.properties: list[dict] = []

    def plate(self) -> str:
        return "豫P" + "".join(self.rng.choice(_ALNUM) for _ in range(5))

    def car(self, person: Person, registered: dt.date, kind=None, cancelled=None) -> dict:
        vehicle_type, use = kind or self.rng.choice(CARS)
        row = {
            "plate_no": self.plate(),
            "vehicle_type": vehicle_type,
            "vehicle_use": use,
            "person": person,
            "registered_on": registered,
            "status": "E" if cancelled else self.rng.choice("AAAAAG"),
            "cancelled_on": cancelled,
        }
        self.vehicles.append(row)
        return row

    def business(self, person: Person, capital_wan: int, founded: dt.date, cancelled=None) -> dict:
        shop = capital_wan < 10
        row = {
            "credit_code": ("92" if shop else "91")
            + "411522"
            + "".join(self.rng.choice(_ALNUM) for _ in range(10)),
            "business_name": f"清溪县{person.name}{'农资店' if shop else '商贸有限公司'}",
            "business_type": "个体工商户" if shop else "有限责任公司(自然人独资)",
            "person": person,
            "capital_wan": capital_wan,
            "founded_on": founded,
            "status": "注销" if cancelled else "存续",
            "cancelled_on": cancelled,
        }
        self.businesses.append(row)
        return row

    def property(self, person: Person, area: Decimal, registered: dt.date, place: str) -> dict:
        year = registered.year
        row = {
            "cert_no": f"豫({year})清溪县不动产权第{self.rng.randrange(10**7):07d}号",
            "person": person,
            "location": place,
            "use": "住宅",
            "area_m2": area,
            "registered_on": registered,
        }
        self.properties.append(row)
        return row


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def plant_assets(rng: random.Random, plan, pick) -> tuple[dict, dict, dict]:
    """The three registers' rows (as dicts), the planted cases and the decoys (for the manifest)."""
    funds = {f.programme.no: f for f in plan.person_funds}
    times = Counter(u.person.id_number for f in plan.person_funds for u in f.units)
    tested_ids = {u.person.id_number for f in plan.person_funds if means_tested(f) for u in f.units}
    monthly = [
        no
        for no, f in funds.items()
        if means_tested(f) and len(f.labels) >= 6 and no != IN_PROGRESS_FUND
    ]
    reg = _Registers(rng, plan)
    year, as_of = plan.year, plan.as_of

    def payee() -> tuple[PersonFund, int, list[tuple[str, dt.date, Decimal]]]:
        """A means-tested payee nobody planted anything on, in no other fund, paid at least 4 times."""
        for no in monthly:
            try:
                j = pick.unit(
                    no, None, lambda u: times[u.person.id_number] == 1 and u.last - u.first >= 3
                )
            except ValueError:
                continue
            fund = funds[no]
            u = fund.units[j]
            paid = [
                (fund.labels[p], d, u.amount)
                for p, d, s in _payments(plan, fund, j)
                if d is not None and s != "退回"
            ]
            return fund, j, paid
        raise ValueError("no means-tested payee left for the registers")

    def entry(fund, u, rows, **extra) -> dict:
        return {
            **who(u.person),
            "fund_code": fund.code,
            **extra,
            "payments": [
                {"period": lab, "paid_on": d.isoformat(), "amount_yuan": f"{a:.2f}"}
                for lab, d, a in rows
            ],
        }

    planted: dict[str, list] = {
        "relief_vehicle_owner": [],
        "relief_business_owner": [],
        "relief_property_owner": [],
        "register_name_differs": [],
    }
    decoys: dict[str, list] = {
        "vehicle_namesake": [],
        "vehicle_exempt_type": [],
        "business_cancelled_before_payment": [],
        "business_below_capital": [],
        "property_below_area": [],
    }
    long_ago = dt.date(year - 5, 4, 16)

    # A car all year; one registered after the third payment; one cancelled after the second.
    fund, j, paid = payee()
    u = fund.units[j]
    car = reg.car(u.person, long_ago)
    planted["relief_vehicle_owner"].append(entry(fund, u, paid, plate_no=car["plate_no"]))
    fund, j, paid = payee()
    u = fund.units[j]
    bought = paid[2][1] + dt.timedelta(days=1)
    car = reg.car(u.person, bought)
    held = [p for p in paid if p[1] >= bought]
    planted["relief_vehicle_owner"].append(entry(fund, u, held, plate_no=car["plate_no"]))
    fund, j, paid = payee()
    u = fund.units[j]
    sold = paid[1][1] + dt.timedelta(days=1)
    car = reg.car(u.person, long_ago, cancelled=sold)
    held = [p for p in paid if p[1] < sold]
    planted["relief_vehicle_owner"].append(entry(fund, u, held, plate_no=car["plate_no"]))

    fund, j, paid = payee()  # a namesake with another ID owns a car
    u = fund.units[j]
    birth = ids.birth_for_age(rng, 30, 60, as_of)
    namesake = Person(u.person.name, plan.pop.idf.new(birth, u.person.sex), u.person.sex, birth)
    reg.car(namesake, long_ago)
    decoys["vehicle_namesake"].append(
        {**who(namesake), "payee_id_masked": ids.mask(u.person.id_number)}
    )
    fund, j, paid = payee()  # a motorcycle
    u = fund.units[j]
    bike = reg.car(u.person, long_ago, kind=EXEMPT[0])
    decoys["vehicle_exempt_type"].append(
        {**who(u.person), "vehicle_type": bike["vehicle_type"], "plate_no": bike["plate_no"]}
    )

    # A company above the capital threshold; a shop cancelled before the year's first payment; a
    # shop with capital below the threshold.
    fund, j, paid = payee()
    u = fund.units[j]
    firm = reg.business(u.person, 50, dt.date(year - 3, 8, 9))
    planted["relief_business_owner"].append(entry(fund, u, paid, credit_code=firm["credit_code"]))
    fund, j, paid = payee()
    u = fund.units[j]
    shop = reg.business(u.person, 3, dt.date(year - 4, 5, 20), cancelled=dt.date(year - 1, 11, 2))
    decoys["business_cancelled_before_payment"].append(
        {
            **who(u.person),
            "cancelled_on": shop["cancelled_on"].isoformat(),
            "first_paid_on": paid[0][1].isoformat(),
        }
    )
    fund, j, paid = payee()
    u = fund.units[j]
    reg.business(u.person, 2, dt.date(year - 2, 3, 1))
    decoys["business_below_capital"].append({**who(u.person), "capital_yuan": "20000.00"})

    # Two flats above the area threshold; one small house below it.
    fund, j, paid = payee()
    u = fund.units[j]
    town = u.household.place.township
    reg.property(u.person, Decimal("98.56"), dt.date(year - 6, 3, 5), f"{town}建设路12号3单元402室")
    reg.property(u.person, Decimal("86.20"), dt.date(year - 2, 9, 14), f"{town}新华街8号1单元201室")
    planted["relief_property_owner"].append(entry(fund, u, paid, area_m2="184.76"))
    fund, j, paid = payee()
    u = fund.units[j]
    reg.property(
        u.person, Decimal("85.00"), long_ago, f"{u.household.place.village}{u.household.group}"
    )
    decoys["property_below_area"].append({**who(u.person), "area_m2": "85.00"})

    # One row in each register with a payee's ID under another name.
    for kind in ("vehicles", "businesses", "properties"):
        fund, j, paid = payee()
        u = fund.units[j]
        other = plan.pop.names.person(u.person.sex)
        while other == u.person.name:
            other = plan.pop.names.person(u.person.sex)
        typo = Person(other, u.person.id_number, u.person.sex, u.person.birth)
        if kind == "vehicles":
            reg.car(typo, long_ago)
        elif kind == "businesses":
            reg.business(typo, 100, long_ago)
        else:
            reg.property(typo, Decimal("240.00"), long_ago, f"{u.household.place.township}城南小区")
        planted["register_name_differs"].append(
            {**who(u.person), "register": kind, "register_name": other}
        )

    _background(reg, plan, tested_ids)
    for rows in (reg.vehicles, reg.businesses, reg.properties):
        rng.shuffle(rows)
    return (
        {"vehicles": reg.vehicles, "businesses": reg.businesses, "properties": reg.properties},
        planted,
        decoys,
    )


def _background(reg: _Registers, plan, tested_ids: set[str]) -> None:
    """Everyone else: new people, and payees of funds that are not means-tested."""
    rng, as_of = reg.rng, reg.plan.as_of
    others = [
        u.person
        for f in plan.person_funds
        if not means_tested(f)
        for u in f.units
        if u.person.id_number not in tested_ids
    ]
    others = list({p.id_number: p for p in others}.values())

    def someone() -> Person:
        if others and rng.random() < 0.3:
            return rng.choice(others)
        sex = rng.choice(("男", "女"))
        birth = ids.birth_for_age(rng, 22, 80, as_of)
        return Person(plan.pop.names.person(sex), plan.pop.idf.new(birth, sex), sex, birth)

    first = dt.date(as_of.year - 15, 1, 1)
    for _ in range(max(20, round(VEHICLES * plan.scale))):
        kind = rng.choice(CARS + EXEMPT[:1])
        cancelled = _day(rng, first, as_of) if rng.random() < 0.05 else None
        registered = _day(rng, first, cancelled or as_of)
        reg.car(someone(), registered, kind=kind, cancelled=cancelled)
    for _ in range(max(10, round(BUSINESSES * plan.scale))):
        capital = rng.choice((1, 2, 3, 5, 10, 30, 50, 100, 200))
        founded = _day(rng, first, as_of)
        cancelled = _day(rng, founded, as_of) if rng.random() < 0.08 else None
        reg.business(someone(), capital, founded, cancelled)
    towns = plan.townships
    for _ in range(max(20, round(PROPERTIES * plan.scale))):
        area = Decimal(rng.randrange(4500, 22000)) / 100
        street = rng.choice(("建设路", "人民路", "新华街", "解放路", "滨河路"))
        place = f"{rng.choice(towns)}{street}{rng.randrange(1, 200)}号"
        reg.property(someone(), area, _day(rng, first, as_of), place)


def vehicle_rows(rows: list[dict]) -> list[list]:
    return [
        [
            n,
            r["plate_no"],
            r["vehicle_type"],
            r["person"].name,
            r["person"].id_number,
            r["vehicle_use"],
            r["registered_on"],
            r["status"],
            r["cancelled_on"],
        ]
        for n, r in enumerate(rows, 1)
    ]


def business_rows(rows: list[dict]) -> list[list]:
    return [
        [
            n,
            r["credit_code"],
            r["business_name"],
            r["business_type"],
            r["person"].name,
            r["person"].id_number,
            f"{r['capital_wan'] * 10000:.2f}",
            r["founded_on"].isoformat(),
            r["status"],
            r["cancelled_on"].isoformat() if r["cancelled_on"] else "",
            "",
        ]
        for n, r in enumerate(rows, 1)
    ]


def property_rows(rows: list[dict]) -> list[list]:
    return [
        [
            n,
            r["cert_no"],
            r["person"].name,
            r["person"].id_number,
            r["location"],
            r["use"],
            r["area_m2"],
            f"{r['registered_on']:%Y年%-m月%-d日}",
        ]
        for n, r in enumerate(rows, 1)
    ]


def write_registers(out, plan) -> None:
    """The three registers, each as its department's system exports it."""
    registers = plan.registers

    def counted(kind, rows, id_at):
        for row in rows:
            out.tally.add(kind, 0, row[id_at])
            yield row

    out.emit(
        "92_机动车登记.xlsx",
        "vehicles",
        ["机动车登记信息查询结果"],
        [VEHICLE_HEADER],
        counted("vehicles", vehicle_rows(registers["vehicles"]), 4),
        ["title_rows", "excel_dates", "status_codes"],
    )
    out.emit(
        "93_市场主体登记.csv",
        "businesses",
        [f"{plan.year}年度市场主体登记信息"],
        [BUSINESS_HEADER],
        counted("businesses", business_rows(registers["businesses"]), 5),
        ["title_rows", "gbk"],
        encoding="gbk",
    )
    out.emit(
        "94_不动产登记.xlsx",
        "properties",
        ["不动产登记信息查询结果"],
        [PROPERTY_HEADER],
        counted("properties", property_rows(registers["properties"]), 3),
        ["title_rows", "chinese_dates", "unit_in_header"],
    )

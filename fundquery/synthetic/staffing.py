"""Agencies, their staffing quotas (编制) and the named staff roll (实名制).

Party and government organs and 参公 bodies report on the official wide table
(各单位编制与人员配备表); public institutions (事业单位: schools, hospitals,
stations) on a long list.  Quotas are set after the roll is final, so that an
agency is over quota only where an anomaly is planted.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from . import ids
from .money import split_exact
from .population import Person, Population
from .programmes import DEPARTMENTS

# (name, agency_type, department, size weight)
COUNTY_ORGANS = [
    (n, "行政", n if n.startswith("县") else "县委", w)
    for n, w in (
        ("中共清溪县委办公室", 30),
        ("县人民政府办公室", 32),
        ("县人大常委会办公室", 18),
        ("县政协办公室", 15),
        ("县纪委监委机关", 40),
        ("中共清溪县委组织部", 24),
        ("中共清溪县委宣传部", 16),
        ("中共清溪县委统战部", 12),
        ("中共清溪县委政法委员会", 14),
        ("县发展和改革局", 24),
        ("县教育局", 30),
        ("县科学技术和经济信息化局", 18),
        ("县公安局", 120),
        ("县民政局", 22),
        ("县司法局", 26),
        ("县财政局", 45),
        ("县人力资源和社会保障局", 28),
        ("县自然资源和规划局", 35),
        ("县住房和城乡建设局", 26),
        ("县交通运输局", 22),
        ("县水利和湖泊局", 24),
        ("县农业农村局", 34),
        ("县商务局", 14),
        ("县文化和旅游局", 16),
        ("县卫生健康局", 26),
        ("县退役军人事务局", 14),
        ("县应急管理局", 18),
        ("县审计局", 20),
        ("县市场监督管理局", 60),
        ("县统计局", 12),
        ("县林业局", 22),
        ("县医疗保障局", 14),
        ("县信访局", 10),
        ("县城市管理执法局", 40),
        ("县人民法院", 70),
        ("县人民检察院", 50),
    )
]
COUNTY_CANGONG = [
    (n, "参公", d, w)
    for n, d, w in (
        ("县总工会", "县委", 10),
        ("共青团清溪县委员会", "县委", 6),
        ("县妇女联合会", "县委", 7),
        ("县残疾人联合会", "县人民政府", 9),
        ("县科学技术协会", "县委", 6),
        ("县工商业联合会", "县委", 5),
        ("县档案馆", "县委办公室", 8),
        ("县供销合作社联合社", "县人民政府", 12),
        ("县红十字会", "县人民政府", 4),
        ("县国库集中支付中心", "县财政局", 12),
        ("县非税收入管理局", "县财政局", 10),
        ("县农村经济经营管理局", "县农业农村局", 9),
        ("县社会保险事业管理局", "县人力资源和社会保障局", 20),
        ("县文学艺术界联合会", "县委", 4),
        ("县机关事务服务中心", "县人民政府办公室", 15),
    )
]
COUNTY_INSTITUTIONS = [
    (n, "事业", d, w)
    for n, d, w in (
        ("县人民医院", "县卫生健康局", 420),
        ("县中医医院", "县卫生健康局", 260),
        ("县第一高级中学", "县教育局", 230),
        ("县妇幼保健院", "县卫生健康局", 90),
        ("县疾病预防控制中心", "县卫生健康局", 45),
        ("县第二高级中学", "县教育局", 150),
        ("县职业教育中心", "县教育局", 95),
        ("县实验中学", "县教育局", 120),
        ("县实验小学", "县教育局", 100),
        ("县城关第二小学", "县教育局", 70),
        ("县机关幼儿园", "县教育局", 30),
        ("县农业技术推广中心", "县农业农村局", 35),
        ("县动物疫病预防控制中心", "县农业农村局", 25),
        ("县水利工程管理站", "县水利和湖泊局", 30),
        ("县林业技术推广站", "县林业局", 15),
        ("县国有林场", "县林业局", 45),
        ("县公路管理局", "县交通运输局", 60),
        ("县不动产登记中心", "县自然资源和规划局", 25),
        ("县住房公积金管理中心", "县人民政府", 15),
        ("县融媒体中心", "中共清溪县委宣传部", 40),
        ("县图书馆", "县文化和旅游局", 12),
        ("县文化馆", "县文化和旅游局", 14),
        ("县博物馆", "县文化和旅游局", 10),
        ("县财政投资评审中心", "县财政局", 12),
        ("县政务服务中心", "县人民政府", 20),
        ("县特殊教育学校", "县教育局", 25),
        ("县教学研究室", "县教育局", 20),
        ("县气象服务中心", "县人民政府", 8),
        ("县乡镇财政管理局", "县财政局", 10),
        ("县救助管理站", "县民政局", 8),
        ("县社会福利院", "县民政局", 18),
        ("县殡仪馆", "县民政局", 12),
    )
]
# Per township: (name pattern, agency_type, department, weight)
TOWNSHIP_BODIES = (
    ("{t}人民政府", "行政", "县人民政府", 45),
    ("{t}财政所", "参公", "县财政局", 8),
    ("{t}农业服务中心", "事业", "{t}人民政府", 10),
    ("{t}社会保障服务中心", "事业", "{t}人民政府", 8),
    ("{t}文化体育服务中心", "事业", "{t}人民政府", 6),
    ("{t}卫生院", "事业", "县卫生健康局", 35),
    ("{t}初级中学", "事业", "县教育局", 60),
    ("{t}中心小学", "事业", "县教育局", 45),
    ("{t}中心学校", "事业", "县教育局", 10),
)
TYPES = {
    "行政": (("行政", 0.85), ("工勤", 0.15)),
    "参公": (("事业(参公)", 0.9), ("工勤", 0.1)),
    "事业": (("事业(其他)", 0.93), ("工勤", 0.07)),
}
POSTS = {
    "行政": ("科员", "一级科员", "四级主任科员", "股长", "副股长", "办事员", "副局长"),
    "事业(参公)": ("科员", "一级科员", "副主任", "四级主任科员", "办事员"),
    "school": ("二级教师", "一级教师", "高级教师", "三级教师", "副校长"),
    "clinic": ("医师", "主治医师", "护师", "主管护师", "药师", "检验师", "护士"),
    "事业(其他)": ("专业技术岗", "管理岗", "技术员", "助理工程师", "会计"),
    "工勤": ("驾驶员", "工勤技能岗", "炊事员", "门卫", "保洁员"),
}


@dataclass
class Agency:
    code: str
    name: str
    agency_type: str  # 行政 / 参公 / 事业
    department: str
    weight: float
    quotas: dict[str, int] = field(default_factory=dict)
    reported: dict[str, int] = field(default_factory=dict)

    @property
    def layout(self) -> str:
        return "long" if self.agency_type == "事业" else "wide"


@dataclass(slots=True)
class StaffRow:
    agency: Agency
    person: Person
    staffing_type: str
    post: str
    hired_on: dt.date
    status: str = "在职"


def agency_catalogue(
    rng: random.Random, townships: list[str], villages: dict[int, list[str]], total: int
) -> list[Agency]:
    """``total`` agencies, interleaving organs, institutions and township bodies.

    The departments with a published budget come first among the organs, and the
    township bodies go round the townships (a government here, a finance office
    there), so that a small county still has agencies all over it."""
    n = len(TOWNSHIP_BODIES)
    town = [
        (p.format(t=t), kind, d.format(t=t), w)
        for j in range(n)
        for ti, t in enumerate(townships)
        for p, kind, d, w in (TOWNSHIP_BODIES[(j + ti) % n],)
    ]
    budgeted = {d for d, _, _ in DEPARTMENTS}
    organs = sorted(COUNTY_ORGANS, key=lambda o: o[0] not in budgeted)
    fillers = []  # village schools and kindergartens, one township after another
    for j in range(max((len(v) for v in villages.values()), default=0) + 1):
        for ti, t in enumerate(townships):
            vs = villages.get(ti, [])
            if j < len(vs):
                fillers.append((f"{t}{vs[j][:-1]}小学", "事业", "县教育局", 11))
            elif j == len(vs):
                fillers.append((f"{t}中心幼儿园", "事业", "县教育局", 10))
    streams = [organs, list(COUNTY_INSTITUTIONS), town, list(COUNTY_CANGONG), fillers]
    chosen, seen = [], set()
    while len(chosen) < total and any(streams):
        for s in streams:
            if s and len(chosen) < total:
                name, kind, dept, w = s.pop(0)
                if name not in seen:
                    seen.add(name)
                    chosen.append((name, kind, dept, w))
    if len(chosen) < total:
        raise ValueError(f"only {len(chosen)} agencies can be named for {total}")
    codes: dict[str, int] = {}
    out = []
    for name, kind, dept, w in chosen:
        prefix = {"行政": 101, "参公": 201, "事业": 301}[kind] + (
            0 if name.startswith(("县", "中共", "共青团")) else 10
        )
        codes[prefix] = codes.get(prefix, 0) + 1
        out.append(
            Agency(f"{prefix}{codes[prefix]:03d}", name, kind, dept, w * rng.uniform(0.8, 1.2))
        )
    return out


def _post(rng: random.Random, agency: Agency, staffing_type: str) -> str:
    if staffing_type == "事业(其他)":
        if agency.name.endswith(("学", "校", "园", "中心学校")):
            return rng.choice(POSTS["school"])
        if agency.name.endswith(("医院", "卫生院", "保健院")):
            return rng.choice(POSTS["clinic"])
    return rng.choice(POSTS[staffing_type])


def working_age_bounds(sex: str, staffing_type: str) -> tuple[int, int]:
    """Ages a normal staff member has on the as-of date, well inside working life."""
    if sex == "男":
        return 22, 58
    return (22, 48) if staffing_type == "工勤" else (22, 53)


def staff_person(pop: Population, sex: str, staffing_type: str, as_of: dt.date) -> Person:
    low, high = working_age_bounds(sex, staffing_type)
    birth = ids.birth_for_age(pop.rng, low, high, as_of)
    return Person(pop.names.person(sex), pop.idf.new(birth, sex), sex, birth)


def hire_date(rng: random.Random, birth: dt.date, as_of: dt.date) -> dt.date:
    hired = dt.date(birth.year + rng.randint(19, 26), rng.choice((7, 8, 9, 12)), 1)
    return min(hired, as_of - dt.timedelta(days=60))


def staff_roll(
    pop: Population, agencies: list[Agency], total: int, as_of: dt.date
) -> list[StaffRow]:
    """``total`` staff spread over the agencies by size, every agency with at least one."""
    rng = pop.rng
    sizes = [s + 1 for s in split_exact(total - len(agencies), [a.weight for a in agencies], 1)]
    rows = []
    for agency, size in zip(agencies, sizes, strict=True):
        types = TYPES[agency.agency_type]
        counts = split_exact(size, [w for _, w in types], 1)
        for (staffing_type, _), n in zip(types, counts, strict=True):
            for _ in range(n):
                sex = (
                    "男"
                    if rng.random() < (0.55 if staffing_type != "事业(其他)" else 0.42)
                    else "女"
                )
                person = staff_person(pop, sex, staffing_type, as_of)
                rows.append(
                    StaffRow(
                        agency,
                        person,
                        staffing_type,
                        _post(rng, agency, staffing_type),
                        hire_date(rng, person.birth, as_of),
                    )
                )
    return rows


def set_quotas(
    rng: random.Random,
    agencies: list[Agency],
    staff: list[StaffRow],
    over: dict[tuple[str, str], tuple[int, bool]],
) -> None:
    """Quotas cover everyone on the roll, except the planted (agency, type) pairs in ``over``:
    those get ``in service - excess``, reported honestly or as exactly the quota."""
    on_roll: dict[tuple[str, str], int] = {}
    in_service: dict[tuple[str, str], int] = {}
    for s in staff:
        key = (s.agency.code, s.staffing_type)
        on_roll[key] = on_roll.get(key, 0) + 1
        in_service[key] = in_service.get(key, 0) + (s.status == "在职")
    for a in agencies:
        for staffing_type, _ in TYPES[a.agency_type]:
            key = (a.code, staffing_type)
            n = on_roll.get(key, 0)
            if key in over:
                excess, honest = over[key]
                a.quotas[staffing_type] = in_service[key] - excess
                a.reported[staffing_type] = n if honest else a.quotas[staffing_type]
            else:
                a.quotas[staffing_type] = n + rng.choice((0, 0, 1, 1, 2, 3))
                a.reported[staffing_type] = n

"""What the county's funds are: a fund paid to persons (``Programme``), a fund paid to projects (``ProjectFund``),
the departments in charge and the areas a recipient lives in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Programme:
    """A fund paid to persons or households."""

    no: int
    name: str
    department: str
    category: str
    level: str
    schedule: str  # monthly | quarterly | semester | annual | cases
    draw: tuple  # how quantity and standard are drawn, see population.draw_amount
    rows: int  # payment rows at scale 1 (0: the remainder fund)
    who: tuple  # ("head", area) | ("alone", area, lo, hi, pool) | ("member", area, lo, hi, sex, pool)
    pay_month: int = 5  # annual funds: month of payment
    qty_alias: str = "数量"
    policy: str = ""


@dataclass(frozen=True)
class ProjectFund:
    no: int
    name: str
    department: str
    category: str
    level: str
    projects: int  # projects at scale 1
    mean_yuan: int
    works: tuple[str, ...]  # what a project of this fund builds


AG, CA, WS, ED, HE, FO, WA, TR, HO, VE = (
    "县农业农村局",
    "县财政局",
    "县民政局",
    "县教育局",
    "县卫生健康局",
    "县林业局",
    "县水利和湖泊局",
    "县交通运输局",
    "县住房和城乡建设局",
    "县退役军人事务局",
)

R, U, ANY = "rural", "urban", "any"

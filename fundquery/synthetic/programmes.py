"""The county's special funds, departments and their usual standards, as data.

Standards are the ones Hubei counties published around 2024 (rounded where a
county sets its own).  ``rows`` is the number of payment rows at scale 1; the
耕地地力保护补贴 row count is whatever makes the 35 person funds add up to the
seed county's 882,804 person/household-times (DESIGN.md §1).  The person funds
are declared in ``programmes_1_17.py`` and ``programmes_18_35.py``, what a fund
is in ``fund_kinds.py``.
"""

from __future__ import annotations

from .fund_kinds import AG, CA, ED, FO, HE, HO, TR, VE, WA, WS, ProjectFund
from .programmes_1_17 import PROGRAMMES_1_17
from .programmes_18_35 import PROGRAMMES_18_35

# Seed county figures (DESIGN.md §1, seeds/002, fourth article).
SEED_PAYMENT_ROWS = 882_804
SEED_PERSON_FUNDS = 35
SEED_PROJECT_FUNDS = 20
SEED_PROJECTS = 359
SEED_DEPARTMENTS = 10
SEED_AGENCIES = 343
SEED_STAFF = 11_482
SEED_DELAYS = (931, 126, 161)  # ≤3 days, 4–10 days, >10 days
WAN = 1_000_000  # fen in one 万元; the seed's figures have two decimals, i.e. 100 yuan
SEED_PERSONS_BUDGET_FEN = 4_317_479 * WAN // 100  # 43,174.79 万元 (35 person funds)
SEED_ALL_FUNDS_BUDGET_FEN = 4_829_484 * WAN // 100  # 48,294.84 万元 (all 55 funds)
SEED_PROJECTS_AMOUNT_FEN = 498_189 * WAN // 100  # 4,981.89 万元 (the 359 projects)
SEED_DEPARTMENT_BUDGET_FEN = 181_499 * WAN // 100  # 1,814.99 万元 (10 departments)
# 48,294.84 - 43,174.79 - 4,981.89 = 138.16 万元: the seed's 55-fund total holds
# money of the project funds that is not (yet) in a listed project.


# Departments with a published budget (the seed's 10 first-level units), with
# a weight for their share of the 1,814.99 万元 and their own project lines.
DEPARTMENTS = (
    (CA, 2.4, ("财政信息化建设", "惠民惠农财政补贴资金一卡通管理", "政务公开平台运行维护")),
    (WS, 1.5, ("低保对象核查", "社会救助信息系统运行", "殡葬改革")),
    (AG, 2.1, ("农业技术推广", "动物疫病防控", "农产品质量安全监管")),
    (ED, 2.2, ("教师培训", "学生资助管理", "教育督导")),
    (HE, 1.9, ("基本公共卫生服务管理", "计划生育服务", "爱国卫生运动")),
    (FO, 1.3, ("森林防火", "林业有害生物防治", "公益林管护")),
    (WA, 1.7, ("防汛抗旱", "河湖长制工作", "水资源管理")),
    (TR, 1.5, ("农村公路养护管理", "交通安全监管")),
    (HO, 1.6, ("农村危房改造核查", "城市管理", "建筑市场监管")),
    (VE, 0.9, ("优抚对象服务", "退役军人培训", "烈士纪念设施维护")),
)

PROGRAMMES = PROGRAMMES_1_17 + PROGRAMMES_18_35

# The funds the planted anomalies live in; 1 is also the remainder fund that
# gives up rows when a small county's floors take them.
CORE_PROGRAMMES = (1, 2, 3, 4)
# Relief funds: a person on the staff roll may not draw these (DESIGN.md §2, inspector).
RELIEF_PROGRAMMES = (2, 3, 4, 27)

PROJECT_FUNDS = (
    ProjectFund(
        36,
        "村级公益事业一事一议财政奖补资金",
        CA,
        "农村综合改革",
        "中央和省级",
        60,
        95_000,
        ("村组道路硬化", "文化广场建设", "路灯安装", "塘堰清淤整治", "便民桥建设"),
    ),
    ProjectFund(
        37,
        "小型农田水利设施建设补助资金",
        WA,
        "水利",
        "中央和省级",
        40,
        150_000,
        ("泵站更新改造", "渠道防渗衬砌", "当家塘整治"),
    ),
    ProjectFund(
        38,
        "农村公路建设资金",
        TR,
        "交通",
        "中央和省级",
        45,
        180_000,
        ("通组公路硬化", "村道拓宽改造", "联网公路建设"),
    ),
    ProjectFund(
        39,
        "农村饮水安全巩固提升工程资金",
        WA,
        "水利",
        "中央和省级",
        20,
        200_000,
        ("集中供水管网延伸", "水厂净化设施改造"),
    ),
    ProjectFund(
        40,
        "高标准农田建设资金",
        AG,
        "农业",
        "中央和省级",
        15,
        560_000,
        ("高标准农田建设", "田间道路与灌排配套"),
    ),
    ProjectFund(
        41, "河道堤防整险资金", WA, "水利", "省级", 12, 250_000, ("堤防加固整险", "护岸工程")
    ),
    ProjectFund(
        42,
        "小型水库除险加固资金",
        WA,
        "水利",
        "中央",
        10,
        300_000,
        ("水库大坝除险加固", "溢洪道改造"),
    ),
    ProjectFund(
        43,
        "农村人居环境整治资金",
        AG,
        "农业",
        "中央和省级",
        25,
        80_000,
        ("改厕", "生活污水治理", "垃圾收集点建设"),
    ),
    ProjectFund(
        44,
        "美丽乡村建设资金",
        CA,
        "农村综合改革",
        "省级",
        15,
        150_000,
        ("美丽乡村示范点建设", "村庄绿化亮化"),
    ),
    ProjectFund(
        45,
        "衔接推进乡村振兴补助资金",
        AG,
        "乡村振兴",
        "中央和省级",
        30,
        120_000,
        ("产业路建设", "冷链仓储设施", "茶叶加工厂房"),
    ),
    ProjectFund(
        46, "中小河流治理资金", WA, "水利", "中央", 6, 400_000, ("河道清淤疏浚", "护坡治理")
    ),
    ProjectFund(
        47,
        "村级文化活动场所建设资金",
        CA,
        "文化",
        "省级",
        12,
        60_000,
        ("村综合文化服务中心建设", "农家书屋改造"),
    ),
    ProjectFund(48, "农村危桥改造资金", TR, "交通", "中央和省级", 10, 120_000, ("危桥改造",)),
    ProjectFund(
        49, "山洪灾害防治资金", WA, "水利", "中央", 8, 90_000, ("山洪沟治理", "监测预警设施")
    ),
    ProjectFund(
        50, "水土保持治理资金", WA, "水利", "中央", 8, 100_000, ("坡耕地治理", "小流域综合治理")
    ),
    ProjectFund(
        51, "造林绿化补助资金", FO, "林业", "中央和省级", 12, 60_000, ("荒山造林", "通道绿化")
    ),
    ProjectFund(
        52, "畜禽粪污资源化利用资金", AG, "畜牧", "中央", 6, 100_000, ("粪污处理设施建设",)
    ),
    ProjectFund(
        53,
        "农村学校校舍维修改造资金",
        ED,
        "教育",
        "中央和省级",
        10,
        100_000,
        ("校舍维修改造", "食堂改造"),
    ),
    ProjectFund(
        54, "村卫生室标准化建设资金", HE, "卫生健康", "省级", 8, 50_000, ("村卫生室标准化建设",)
    ),
    ProjectFund(
        55, "优抚对象住房改善资金", VE, "优抚安置", "省级", 7, 25_000, ("优抚对象住房维修",)
    ),
)


def fund_code(year: int, no: int) -> str:
    return f"F{year}{no:03d}"


def programme_rows_scale1() -> dict[int, int]:
    """Rows per person fund at scale 1, the remainder fund taking what is left."""
    rows = {p.no: p.rows for p in PROGRAMMES}
    rows[1] = SEED_PAYMENT_ROWS - sum(rows.values())
    return rows

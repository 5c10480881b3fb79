"""The county's special funds, departments and their usual standards, as data.

Standards are the ones Hubei counties published around 2024 (rounded where a
county sets its own).  ``rows`` is the number of payment rows at scale 1; the
耕地地力保护补贴 row count is whatever makes the 35 person funds add up to the
seed county's 882,804 person/household-times (DESIGN.md §1).
"""

from __future__ import annotations

from dataclasses import dataclass

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

R, U, ANY = "rural", "urban", "any"

PROGRAMMES = (
    Programme(
        1,
        "耕地地力保护补贴",
        AG,
        "农业",
        "中央",
        "annual",
        ("area", 105, 4.5, 0.5, 30),
        0,
        ("head", R),
        5,
        "计税面积",
        "财农〔2016〕26号",
    ),
    Programme(
        2,
        "农村最低生活保障金",
        WS,
        "社会救助",
        "中央和省级",
        "monthly",
        ("persons", 300, (45, 30, 17, 8)),
        120_000,
        ("head", R),
        qty_alias="享受人数",
        policy="鄂政发〔2021〕18号",
    ),
    Programme(
        3,
        "特困人员救助供养金",
        WS,
        "社会救助",
        "中央和省级",
        "monthly",
        ("one", 650),
        27_600,
        ("alone", R, 60, 95, "tekun"),
        policy="国发〔2016〕14号",
    ),
    Programme(
        4,
        "城市最低生活保障金",
        WS,
        "社会救助",
        "中央和省级",
        "monthly",
        ("persons", 480, (50, 30, 20)),
        18_000,
        ("head", U),
        qty_alias="享受人数",
        policy="鄂政发〔2021〕18号",
    ),
    Programme(
        5,
        "高龄津贴",
        WS,
        "社会福利",
        "县级",
        "quarterly",
        ("age_tier", ((80, 50), (90, 100), (100, 300)), 3),
        88_000,
        ("member", ANY, 80, 101, None, None),
        qty_alias="月数",
        policy="清政办发〔2019〕7号",
    ),
    Programme(
        6,
        "困难残疾人生活补贴",
        WS,
        "残疾人保障",
        "省级",
        "monthly",
        ("one", 90),
        102_000,
        ("member", ANY, 16, 85, None, "disabled"),
        policy="国发〔2015〕52号",
    ),
    Programme(
        7,
        "重度残疾人护理补贴",
        WS,
        "残疾人保障",
        "省级",
        "monthly",
        ("one", 90),
        96_000,
        ("member", ANY, 16, 85, None, "disabled"),
        policy="国发〔2015〕52号",
    ),
    Programme(
        8,
        "农村部分计划生育家庭奖励扶助金",
        HE,
        "卫生健康",
        "中央",
        "annual",
        ("one", 960),
        11_000,
        ("member", R, 60, 85, None, None),
        6,
        policy="国人口发〔2004〕21号",
    ),
    Programme(
        9,
        "计划生育家庭特别扶助金",
        HE,
        "卫生健康",
        "中央",
        "quarterly",
        ("tier", ((590, 6), (720, 4)), 3),
        2_800,
        ("member", ANY, 50, 80, None, None),
        qty_alias="月数",
        policy="国人口发〔2007〕78号",
    ),
    Programme(
        10,
        "重点优抚对象定期抚恤补助",
        VE,
        "优抚安置",
        "中央",
        "quarterly",
        ("tier", ((1050, 5), (1200, 3), (950, 2)), 3),
        6_400,
        ("member", ANY, 60, 95, "男", None),
        qty_alias="月数",
        policy="退役军人部发〔2023〕27号",
    ),
    Programme(
        11,
        "农村籍退役士兵老年生活补助",
        VE,
        "优抚安置",
        "中央",
        "quarterly",
        ("count", 135, 2, 8),
        11_200,
        ("member", R, 60, 85, "男", None),
        qty_alias="服役年限",
        policy="民发〔2011〕110号",
    ),
    Programme(
        12,
        "义务教育家庭经济困难学生生活补助",
        ED,
        "教育",
        "中央和省级",
        "semester",
        ("age_tier", ((6, 500), (12, 625)), 1),
        18_000,
        ("member", ANY, 6, 15, None, None),
        policy="财教〔2019〕258号",
    ),
    Programme(
        13,
        "普通高中国家助学金",
        ED,
        "教育",
        "中央和省级",
        "semester",
        ("one", 1000),
        4_800,
        ("member", ANY, 15, 18, None, None),
        policy="财教〔2019〕258号",
    ),
    Programme(
        14,
        "中等职业学校国家助学金",
        ED,
        "教育",
        "中央和省级",
        "semester",
        ("one", 1000),
        1_600,
        ("member", ANY, 15, 19, None, None),
        policy="财教〔2019〕258号",
    ),
    Programme(
        15,
        "学前教育幼儿资助",
        ED,
        "教育",
        "省级",
        "semester",
        ("one", 500),
        3_000,
        ("member", ANY, 3, 5, None, None),
        policy="鄂财教发〔2012〕71号",
    ),
    Programme(
        16,
        "生态公益林补偿",
        FO,
        "林业",
        "中央",
        "annual",
        ("area", 16, 28.0, 2, 400),
        15_000,
        ("head", R),
        12,
        "补偿面积",
        "财农〔2020〕5号",
    ),
    Programme(
        17,
        "退耕还林补助",
        FO,
        "林业",
        "中央",
        "annual",
        ("area", 125, 4.0, 0.5, 40),
        6_000,
        ("head", R),
        11,
        "面积",
        "财农〔2016〕91号",
    ),
    Programme(
        18,
        "农机购置与应用补贴",
        AG,
        "农业",
        "中央",
        "annual",
        ("steps", 500, 20_000, 10),
        2_500,
        ("head", R),
        8,
        "数量",
        "农办计财〔2024〕6号",
    ),
    Programme(
        19,
        "稻谷补贴",
        AG,
        "农业",
        "省级",
        "annual",
        ("area", 32, 5.5, 0.5, 40),
        100_000,
        ("head", R),
        9,
        "补贴面积",
        "鄂财农发〔2024〕33号",
    ),
    Programme(
        20,
        "种粮大户补贴",
        AG,
        "农业",
        "县级",
        "annual",
        ("area", 50, 150.0, 50, 800),
        900,
        ("head", R),
        10,
        "面积",
        "清政办发〔2022〕12号",
    ),
    Programme(
        21,
        "渔业发展补助",
        AG,
        "渔业",
        "中央",
        "annual",
        ("tier", ((3000, 5), (4500, 3), (6000, 2)), 1),
        400,
        ("head", R),
        7,
        policy="财农〔2021〕41号",
    ),
    Programme(
        22,
        "农村危房改造补助",
        HO,
        "住房保障",
        "中央和省级",
        "annual",
        ("tier", ((20000, 3), (25000, 5), (35000, 2)), 1),
        500,
        ("head", R),
        9,
        policy="建村〔2022〕94号",
    ),
    Programme(
        23,
        "临时救助金",
        WS,
        "社会救助",
        "县级",
        "cases",
        ("steps", 500, 5_000, 100),
        3_000,
        ("head", ANY),
        policy="国发〔2014〕47号",
    ),
    Programme(
        24,
        "城乡医疗救助金",
        WS,
        "社会救助",
        "中央和省级",
        "cases",
        ("steps", 300, 6_000, 0.1),
        4_500,
        ("member", ANY, 1, 90, None, None),
        policy="国办发〔2021〕42号",
    ),
    Programme(
        25,
        "孤儿基本生活保障金",
        WS,
        "儿童福利",
        "中央和省级",
        "monthly",
        ("one", 1250),
        1_440,
        ("member", ANY, 1, 17, None, None),
        policy="国办发〔2010〕54号",
    ),
    Programme(
        26,
        "事实无人抚养儿童基本生活补贴",
        WS,
        "儿童福利",
        "中央和省级",
        "monthly",
        ("one", 1250),
        1_920,
        ("member", ANY, 1, 17, None, None),
        policy="民发〔2019〕62号",
    ),
    Programme(
        27,
        "城市特困人员救助供养金",
        WS,
        "社会救助",
        "中央和省级",
        "monthly",
        ("one", 850),
        1_800,
        ("alone", U, 60, 95, None),
        policy="国发〔2016〕14号",
    ),
    Programme(
        28,
        "特困人员照料护理补贴",
        WS,
        "社会救助",
        "省级",
        "quarterly",
        ("tier", ((100, 7), (300, 2), (600, 1)), 3),
        8_000,
        ("alone", R, 60, 95, "tekun"),
        qty_alias="月数",
        policy="民发〔2016〕178号",
    ),
    Programme(
        29,
        "残疾军人抚恤金",
        VE,
        "优抚安置",
        "中央",
        "quarterly",
        ("tier", ((1800, 5), (2600, 3), (3900, 2)), 3),
        1_400,
        ("member", ANY, 40, 90, "男", None),
        qty_alias="月数",
        policy="退役军人部发〔2023〕27号",
    ),
    Programme(
        30,
        "烈士遗属定期抚恤金",
        VE,
        "优抚安置",
        "中央",
        "quarterly",
        ("one", 2150, 3),
        240,
        ("member", ANY, 55, 95, None, None),
        qty_alias="月数",
        policy="退役军人部发〔2023〕27号",
    ),
    Programme(
        31,
        "能繁母猪补贴",
        AG,
        "畜牧",
        "中央",
        "annual",
        ("count", 100, 2, 40),
        3_000,
        ("head", R),
        4,
        "头数",
        "财农〔2021〕60号",
    ),
    Programme(
        32,
        "耕地轮作休耕补贴",
        AG,
        "农业",
        "中央",
        "annual",
        ("area", 150, 20.0, 3, 200),
        1_500,
        ("head", R),
        11,
        "面积",
        "农农发〔2016〕6号",
    ),
    Programme(
        33,
        "大中型水库移民后期扶持资金",
        WA,
        "水利",
        "中央",
        "quarterly",
        ("one", 150),
        60_000,
        ("member", R, 1, 90, None, None),
        policy="国发〔2006〕17号",
    ),
    Programme(
        34,
        "生态护林员补助",
        FO,
        "林业",
        "中央",
        "quarterly",
        ("one", 800, 3),
        2_400,
        ("member", R, 25, 60, None, None),
        qty_alias="月数",
        policy="办规字〔2021〕111号",
    ),
    Programme(
        35,
        "农村公路养护员补助",
        TR,
        "交通",
        "县级",
        "quarterly",
        ("one", 500, 3),
        1_600,
        ("member", R, 30, 60, None, None),
        qty_alias="月数",
        policy="清交发〔2020〕3号",
    ),
)

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

"""Means-tested payments to people the registers show as owning a vehicle, a business or property (issue 16).

A payment is means-tested when its fund is (the catalogue's 是否经济状况核查, else the fund's name:
``Params.means_tested_funds``).  A payee is matched to a register row by the keyed ID hash, then
by name; what the payee held is taken *at the payment's date*: registered on or before it and not
cancelled by then.  A register row whose ID is a means-tested payee's but whose name differs is
not a finding: it is listed apart (``register_name_differs``), as for the death register.
"""

from __future__ import annotations

from fundquery.inspect.catalogue import IDLESS_EN, IDLESS_ZH, Check, Column, LeftOut
from fundquery.inspect.checks.common import FUND_COLS, FUND_FILTERS
from fundquery.inspect.sql import FUND_INFO, REACHED, distinct_list, idless_payments

# Means-tested payments that reached someone: not returned, with a date to place them in time.
_TESTED_FUNDS = f"""
tested AS (
    SELECT DISTINCT county_code, fund_code FROM live_funds
    WHERE coalesce(means_tested = '是', regexp_matches(fund_name, $means_tested_funds))
),
relief_all AS (
    SELECT p.county_code, p.id_hash, p.id_masked, p.name, p.fund_code, p.year, p.period, p.township,
           p.village, p.paid_on, p.amount_yuan, p.batch_id, p.row_no
    FROM live_payments p JOIN tested t ON t.county_code = p.county_code AND t.fund_code = p.fund_code
    WHERE {REACHED}
)"""  # noqa: S608
# Only payments with an ID number are anyone's to match (issue 14: a roster without the column): an
# ID-less one is left out and counted (IDLESS_RELIEF), and never grouped as one NULL "payee".
_TESTED = f"""
{FUND_INFO},{_TESTED_FUNDS},
relief AS (SELECT * FROM relief_all WHERE id_hash IS NOT NULL)"""  # noqa: S608
IDLESS_RELIEF = idless_payments(source="relief_all", ctes=_TESTED_FUNDS)

_PAYMENT = """p.county_code, p.id_hash, p.id_masked, p.name, p.fund_code, f.fund_name, f.department,
       p.year, p.period, p.township, p.village, p.paid_on, p.amount_yuan"""
_JOIN = """FROM relief p
JOIN held h ON h.county_code = p.county_code AND h.batch_id = p.batch_id AND h.row_no = p.row_no
LEFT JOIN fund_info f ON f.county_code = p.county_code AND f.fund_code = p.fund_code"""

# A vehicle is gone when it has a cancellation date on or before the payment, or its status says
# 注销 / 报废 (GA 802 status codes E 注销, M 强制注销, P 报废公告牌证作废) with no date: a gone
# vehicle without a date cannot be placed in time and is left out rather than guessed.
VEHICLE_GONE = "注销|报废|灭失|[EMP]"
RELIEF_VEHICLE_OWNER = f"""
WITH {_TESTED},
cars AS (
    SELECT county_code, id_hash, name, plate_no, vehicle_type, registered_on, cancelled_on
    FROM live_vehicles
    WHERE NOT regexp_matches(vehicle_type, $exempt_vehicle_types)
      AND (cancelled_on IS NOT NULL OR NOT regexp_matches(coalesce(vehicle_status, ''), '{VEHICLE_GONE}'))
),
held AS (
    SELECT p.county_code, p.batch_id, p.row_no, {distinct_list("c.plate_no")} AS plates,
           {distinct_list("c.vehicle_type")} AS vehicle_types, min(c.registered_on) AS registered_on
    FROM relief p JOIN cars c ON c.id_hash = p.id_hash
    WHERE c.county_code = p.county_code AND c.name = p.name AND c.registered_on <= p.paid_on
      AND (c.cancelled_on IS NULL OR c.cancelled_on > p.paid_on)
    GROUP BY p.county_code, p.batch_id, p.row_no
)
SELECT {_PAYMENT}, h.plates, h.vehicle_types, h.registered_on, p.batch_id, p.row_no
{_JOIN}
ORDER BY p.id_hash, p.paid_on, p.batch_id, p.row_no
"""  # noqa: S608

# A business is active from its founding until the earlier of its cancellation (注销) and revocation
# (吊销); one whose status says 注销 / 吊销 / 撤销 with no date is left out, as above.
BUSINESS_ENDED = "注销|吊销|撤销"
RELIEF_BUSINESS_OWNER = f"""
WITH {_TESTED},
firms AS (
    SELECT county_code, id_hash, name, business_name, business_type, capital_yuan, founded_on,
           CASE WHEN cancelled_on IS NULL THEN revoked_on WHEN revoked_on IS NULL THEN cancelled_on
                WHEN cancelled_on < revoked_on THEN cancelled_on ELSE revoked_on END AS ended_on,
           business_status
    FROM live_businesses
    WHERE capital_yuan > $business_capital_yuan
),
held AS (
    SELECT p.county_code, p.batch_id, p.row_no, {distinct_list("b.business_name")} AS business_names,
           {distinct_list("b.business_type")} AS business_types, sum(b.capital_yuan) AS capital_yuan,
           min(b.founded_on) AS founded_on
    FROM relief p JOIN firms b ON b.id_hash = p.id_hash
    WHERE b.county_code = p.county_code AND b.name = p.name AND b.founded_on <= p.paid_on
      AND (b.ended_on IS NULL OR b.ended_on > p.paid_on)
      AND (b.ended_on IS NOT NULL OR NOT regexp_matches(coalesce(b.business_status, ''), '{BUSINESS_ENDED}'))
    GROUP BY p.county_code, p.batch_id, p.row_no
)
SELECT {_PAYMENT}, h.business_names, h.business_types, h.capital_yuan, h.founded_on, p.batch_id, p.row_no
{_JOIN}
ORDER BY p.id_hash, p.paid_on, p.batch_id, p.row_no
"""  # noqa: S608

RELIEF_PROPERTY_OWNER = f"""
WITH {_TESTED},
held AS (
    SELECT p.county_code, p.batch_id, p.row_no, sum(e.area_m2) AS area_m2, count(*) AS property_count,
           {distinct_list("e.location")} AS locations
    FROM relief p JOIN live_properties e ON e.id_hash = p.id_hash
    WHERE e.county_code = p.county_code AND e.name = p.name AND e.registered_on <= p.paid_on
      AND (e.cancelled_on IS NULL OR e.cancelled_on > p.paid_on)
    GROUP BY p.county_code, p.batch_id, p.row_no
    HAVING sum(e.area_m2) > $property_area_sqm
)
SELECT {_PAYMENT}, h.area_m2, h.property_count, h.locations, p.batch_id, p.row_no
{_JOIN}
ORDER BY p.id_hash, p.paid_on, p.batch_id, p.row_no
"""  # noqa: S608

# Rows of the three registers whose ID is a means-tested payee's under none of that payee's names.
_REGISTERS = (
    ("vehicles", "机动车登记"),
    ("businesses", "市场主体登记"),
    ("properties", "不动产登记"),
)
_REGISTER_ROWS = "\n    UNION ALL\n    ".join(
    f"SELECT '{title}' AS register, county_code, id_hash, id_masked, name, batch_id, row_no FROM live_{table}"  # noqa: S608 (declared names)
    for table, title in _REGISTERS
)
REGISTER_NAME_DIFFERS = f"""
WITH {_TESTED},
payees AS (
    SELECT county_code, id_hash, arg_max(name, CAST(batch_id AS BIGINT) * 10000000 + row_no) AS payee_name,
           count(*) AS payment_count, sum(amount_yuan) AS amount_yuan, max(paid_on) AS last_paid_on
    FROM relief GROUP BY county_code, id_hash
),
same AS (SELECT DISTINCT county_code, id_hash, name FROM relief),
rows_ AS (
    {_REGISTER_ROWS}
)
SELECT r.register, r.county_code, r.id_hash, r.id_masked, r.name, y.payee_name, y.payment_count,
       y.amount_yuan, y.last_paid_on, r.batch_id, r.row_no
FROM rows_ r
JOIN payees y ON y.county_code = r.county_code AND y.id_hash = r.id_hash
LEFT JOIN same s ON s.county_code = r.county_code AND s.id_hash = r.id_hash AND s.name = r.name
WHERE s.id_hash IS NULL
ORDER BY r.register, r.batch_id, r.row_no
"""  # noqa: S608

_PAYMENT_COLS = (
    Column("name", kind="name"),
    Column("id_masked", kind="id"),
    *FUND_COLS,
    Column("township"),  # the period and the village are on the person record: a narrower table
    Column("paid_on", kind="date"),
    Column("amount_yuan", kind="amount"),
)
_ROW = (Column("batch_id", kind="int"), Column("row_no", kind="int"))
_ON_PAYMENT = {
    "key": ("batch_id", "row_no"),
    "filters": FUND_FILTERS,
    "amount_column": "amount_yuan",
    "record_kind": "payments",
    "left_out": LeftOut(IDLESS_RELIEF, IDLESS_ZH, IDLESS_EN),
}
_MEANS = "救助类资金（资金目录“是否经济状况核查”为是；目录未填时按资金名称：低保、特困、临时救助、医疗救助等）"
_MEANS_EN = (
    "A means-tested fund (the catalogue's 是否经济状况核查 says so; where it says nothing, by the fund's name:"
    " 低保, 特困, 临时救助, 医疗救助 …)"
)

CHECKS = (
    Check(
        "relief_vehicle_owner",
        "registers",
        "救助对象名下有机动车",
        "Relief paid to a vehicle owner",
        "medium",
        _MEANS
        + "发放时，领取人（身份证号哈希和姓名都相同）名下有已登记且未注销的机动车；摩托车、三轮、农用车等"
        "豁免车型不算（参数）。每一笔这样的发放列一行。",
        _MEANS_EN
        + " paid someone (same keyed ID hash and name) who, on the day it was paid, had a registered"
        " vehicle not cancelled by then; exempt types (motorcycles, three-wheelers, farm vehicles …, a setting)"
        " do not count. One row per payment.",
        "请民政部门核对家庭经济状况（车辆是否本人所有、价值、用途），不符合条件的停发并追回。",
        "Ask civil affairs to re-check the family's means (whose the vehicle is, its value and use); stop and"
        " recover payments the family was not entitled to.",
        RELIEF_VEHICLE_OWNER,
        (
            *_PAYMENT_COLS,
            Column("plates", "号牌号码", "Plates"),
            Column("vehicle_types", "车辆类型", "Vehicle types"),
            Column("registered_on", "初次登记日期", "First registered on", "date"),
            *_ROW,
        ),
        **_ON_PAYMENT,
    ),
    Check(
        "relief_business_owner",
        "registers",
        "救助对象经营市场主体",
        "Relief paid to a business owner",
        "medium",
        _MEANS
        + "发放时，领取人是某市场主体（企业、个体工商户）的法定代表人或经营者，该主体已成立、未注销未吊销，"
        "且注册资本高于设定金额。发放前已注销的不算。每一笔这样的发放列一行。",
        _MEANS_EN
        + " paid someone who, on the day it was paid, was the legal representative or operator of a"
        " business founded and not yet cancelled or revoked, with registered capital above the set amount."
        " A business cancelled before the payment does not count. One row per payment.",
        "请民政部门核实经营收入是否计入家庭收入，不符合条件的停发并追回。",
        "Ask civil affairs whether the business income was counted in the family's means; stop and recover"
        " payments the family was not entitled to.",
        RELIEF_BUSINESS_OWNER,
        (
            *_PAYMENT_COLS,
            Column("business_names", "市场主体名称", "Businesses"),
            Column("business_types", "市场主体类型", "Business types"),
            Column(
                "capital_yuan", "注册资本合计(元)", "Registered capital in all (yuan)", "amount"
            ),
            Column("founded_on", "最早成立日期", "Earliest founded on", "date"),
            *_ROW,
        ),
        **_ON_PAYMENT,
    ),
    Check(
        "relief_property_owner",
        "registers",
        "救助对象名下房产面积超标",
        "Relief paid to an owner of much property",
        "medium",
        _MEANS
        + "发放时，领取人名下已登记且未注销的不动产建筑面积合计超过设定面积。每一笔这样的发放列一行。",
        _MEANS_EN
        + " paid someone whose registered, not cancelled property on the day it was paid added up to"
        " more than the set floor area. One row per payment.",
        "请民政部门核对房产情况和家庭经济状况，不符合条件的停发并追回。",
        "Ask civil affairs to re-check the property and the family's means; stop and recover payments the"
        " family was not entitled to.",
        RELIEF_PROPERTY_OWNER,
        (
            *_PAYMENT_COLS,
            Column("area_m2", "建筑面积合计(㎡)", "Floor area in all (m²)"),
            Column("property_count", "不动产数", "Properties", "int"),
            Column("locations", "坐落", "Locations"),
            *_ROW,
        ),
        **_ON_PAYMENT,
    ),
    Check(
        "register_name_differs",
        "registers",
        "数据质量：车辆、市场主体、不动产登记身份证号相同而姓名不同",
        "Data quality: a register row with a relief payee's ID under another name",
        "low",
        "机动车、市场主体或不动产登记中的身份证号与某位救助对象相同，姓名却不同。这不是问题线索：可能是一方录错了"
        "身份证号，也可能是改名；不计入上面三项。",
        "A vehicle, business or real-estate register row has a means-tested payee's ID number under another name."
        " Not a finding: either side may hold a mistyped ID number, or the person changed name; it is not"
        " counted in the three checks above.",
        "请登记部门与乡镇核对身份证号和姓名，改正错误的一方后重新导入。",
        "Ask the register's department and the township to check the ID number and name; correct the wrong"
        " side and load it again.",
        REGISTER_NAME_DIFFERS,
        (
            Column("register", "登记", "Register"),
            Column("name", "登记姓名", "Name in the register", "name"),
            Column("id_masked", kind="id"),
            Column("payee_name", "清册姓名", "Name on the payment roll", "name"),
            Column("payment_count", kind="int"),
            Column("amount_yuan", "发放合计", "Paid in all", "amount"),
            Column("last_paid_on", "最后发放日期", "Last paid on", "date"),
            *_ROW,
        ),
        key=("batch_id", "row_no"),
        left_out=LeftOut(IDLESS_RELIEF, IDLESS_ZH, IDLESS_EN),
    ),
)

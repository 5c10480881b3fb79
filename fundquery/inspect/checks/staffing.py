"""Staffing (编制实名制): relief drawn by public staff, over-quota agencies, ghost staff.

People are matched by the keyed ID hash only (the ID number is never stored).
Sex and birth date come from the ID number itself.
"""

from __future__ import annotations

from fundquery.inspect.catalogue import (
    IDLESS_EN,
    IDLESS_STAFF_EN,
    IDLESS_STAFF_ZH,
    IDLESS_ZH,
    Check,
    Column,
    LeftOut,
)
from fundquery.inspect.sql import ON_ROLL, distinct_list, idless_payments, idless_staff

# The relief payments staff_on_relief looks at: of a fund named as relief, not returned.
_RELIEF_PAYMENTS = """relief_funds AS (
    SELECT DISTINCT county_code, fund_code FROM live_funds WHERE regexp_matches(fund_name, $relief_pattern)
),
relief_payments AS (
    SELECT p.* FROM live_payments p
    JOIN relief_funds r ON r.county_code = p.county_code AND r.fund_code = p.fund_code
    WHERE p.card_status IS DISTINCT FROM '退回'
)"""
STAFF_ON_RELIEF = f"""
WITH {_RELIEF_PAYMENTS}
SELECT s.county_code, s.id_hash, s.id_masked, s.name, s.agency_name, s.post, s.status, s.staffing_type,
       {distinct_list("f.fund_name")} AS relief_funds,
       min(p.year) AS year, min(p.township) AS township, {distinct_list("p.village")} AS villages,
       count(*) AS payment_count, sum(p.amount_yuan) AS amount_yuan
FROM live_staff s
JOIN relief_payments p ON p.county_code = s.county_code AND p.id_hash = s.id_hash
JOIN (SELECT county_code, fund_code, arg_max(fund_name, year) AS fund_name FROM live_funds GROUP BY county_code, fund_code) f
  ON f.county_code = p.county_code AND f.fund_code = p.fund_code
GROUP BY s.county_code, s.id_hash, s.id_masked, s.name, s.agency_name, s.post, s.status, s.staffing_type
ORDER BY amount_yuan DESC, s.agency_name
"""  # noqa: S608

# The relief payments staff_on_relief looks at that have no ID number (issue 14): no roll can be
# matched to them.  The JOIN on the ID hash above never pairs a NULL; these are counted apart.
IDLESS_RELIEF = idless_payments(source="relief_payments", ctes=_RELIEF_PAYMENTS)

# Staff with no ID number (issue 14: a roll without the column): no relief payment, salary or second
# roll can be matched to them, and the retirement age is read from the ID number.  Counted whatever the
# page is narrowed to (a roll row has no year or township); the JOINs and groups on the ID hash above
# and below never take a NULL.
STAFF_ANY = LeftOut(idless_staff(), IDLESS_STAFF_ZH, IDLESS_STAFF_EN, filters=())
STAFF_ON_ROLL = LeftOut(idless_staff(ON_ROLL), IDLESS_STAFF_ZH, IDLESS_STAFF_EN, filters=())

# A staff row belongs to an agency by its code, or by its name when it has no
# code; staff of a 编制类型 the agency has no quota for count against zero.
OVER_QUOTA = f"""
WITH quota AS (
    SELECT county_code, coalesce(agency_code, agency_name) AS agency_key, any_value(agency_code) AS agency_code,
           any_value(agency_name) AS agency_name, any_value(department) AS department, staffing_type,
           sum(quota) AS quota, sum(actual_reported) AS actual_reported
    FROM live_agencies GROUP BY county_code, coalesce(agency_code, agency_name), staffing_type
),
named AS (
    SELECT county_code, agency_name, any_value(agency_code) AS agency_code FROM live_agencies
    GROUP BY county_code, agency_name
),
roll AS (
    SELECT s.county_code, coalesce(s.agency_code, n.agency_code, s.agency_name) AS agency_key, s.staffing_type,
           any_value(s.agency_code) AS agency_code, any_value(s.agency_name) AS agency_name, count(*) AS on_roll
    FROM live_staff s
    LEFT JOIN named n ON s.agency_code IS NULL AND n.county_code = s.county_code AND n.agency_name = s.agency_name
    WHERE {ON_ROLL}
    GROUP BY s.county_code, coalesce(s.agency_code, n.agency_code, s.agency_name), s.staffing_type
)
SELECT coalesce(q.county_code, r.county_code) AS county_code, coalesce(q.agency_code, r.agency_code) AS agency_code, coalesce(q.agency_name, r.agency_name) AS agency_name,
       q.department, coalesce(q.staffing_type, r.staffing_type) AS staffing_type,
       coalesce(q.quota, 0) AS quota, q.actual_reported, coalesce(r.on_roll, 0) AS on_roll,
       greatest(coalesce(r.on_roll, 0), coalesce(q.actual_reported, 0)) - coalesce(q.quota, 0) AS over_count
FROM quota q
FULL OUTER JOIN roll r
  ON r.county_code = q.county_code AND r.agency_key = q.agency_key AND r.staffing_type = q.staffing_type
WHERE greatest(coalesce(r.on_roll, 0), coalesce(q.actual_reported, 0)) > coalesce(q.quota, 0)
ORDER BY over_count DESC, agency_name, staffing_type
"""  # noqa: S608

# The people on two agencies' rolls first (one group per person, by min <> max of the agency), then
# the counts and lists for those few: distinct counts and lists for every member of staff took most
# of the check's time (833 k roll rows, bench/inspect_bench.py).
TWO_ROLLS = f"""
WITH on_two AS (
    SELECT s.county_code, s.id_hash FROM live_staff s
    WHERE {ON_ROLL} AND s.id_hash IS NOT NULL
    GROUP BY s.county_code, s.id_hash
    HAVING min(coalesce(s.agency_code, s.agency_name)) <> max(coalesce(s.agency_code, s.agency_name))
)
SELECT s.county_code, s.id_hash, any_value(s.id_masked) AS id_masked, arg_min(s.name, s.agency_name) AS name,
       count(DISTINCT s.agency_name) AS agency_count,
       {distinct_list("s.agency_name")} AS agencies,
       {distinct_list("s.staffing_type")} AS staffing_types
FROM live_staff s
JOIN on_two t ON t.county_code = s.county_code AND t.id_hash = s.id_hash
WHERE {ON_ROLL}
GROUP BY s.county_code, s.id_hash
ORDER BY agencies, s.id_hash
"""  # noqa: S608

# Statutory age, raised month by month from 2025 (全国人大常委会 2024-09-13
# 《关于实施渐进式延迟法定退休年龄的决定》): men 60 -> 63 and women cadres
# 55 -> 58 one month every four months from the cohort born 1965-01 / 1970-01;
# women workers 50 -> 55 one month every two months from 1975-01.
_BASE = (
    "CASE WHEN s.sex = '男' THEN $retirement_age_male WHEN s.staffing_type = '工勤' "
    "THEN $retirement_age_female_worker ELSE $retirement_age_female END"
)
PAST_RETIREMENT = f"""
WITH aged AS (
    SELECT s.*, {_BASE} AS base_age,
           (year(s.birth_date) - (2025 - {_BASE})) * 12 + month(s.birth_date) - 1 AS reform_month
    FROM live_staff s
    WHERE {ON_ROLL} AND s.birth_date IS NOT NULL
),
due AS (
    SELECT *, CASE WHEN $retirement_reform AND reform_month >= 0
                   THEN least(CASE WHEN base_age = 50 THEN 60 ELSE 36 END,
                              reform_month // CASE WHEN base_age = 50 THEN 2 ELSE 4 END + 1)
                   ELSE 0 END AS extra_months
    FROM aged
)
SELECT county_code, id_hash, id_masked, name, agency_name, staffing_type, post, sex, birth_date,
       date_diff('year', birth_date, $as_of) - CASE WHEN strftime(birth_date, '%m-%d') > strftime($as_of, '%m-%d')
                                                   THEN 1 ELSE 0 END AS age_years,
       base_age * 12 + extra_months AS retirement_age_months,
       CAST(birth_date + to_months(base_age * 12 + extra_months) AS DATE) AS retire_on,
       date_diff('month', CAST(birth_date + to_months(base_age * 12 + extra_months) AS DATE), $as_of) AS months_past
FROM due
WHERE birth_date + to_months(base_age * 12 + extra_months) <= $as_of
ORDER BY retire_on, agency_name
"""  # noqa: S608

INACTIVE_ON_ROLL = """
SELECT s.county_code, s.id_hash, s.id_masked, s.name, s.agency_name, s.staffing_type, s.post, s.status, s.hired_on,
       s.batch_id, s.row_no
FROM live_staff s
WHERE s.status IN ('死亡', '退休', '离职')
ORDER BY s.status, s.agency_name, s.row_no
"""

_STAFF = (
    Column("name", kind="name"),
    Column("id_masked", kind="id"),
    Column("agency_name"),
    Column("staffing_type"),
    Column("post"),
)

CHECKS = (
    Check(
        "staff_on_relief",
        "staffing",
        "财政供养人员领取低保、特困供养",
        "Public staff on relief rolls",
        "high",
        "在编在岗人员（编制实名制名册上的人）同时领取最低生活保障或特困人员救助供养金，按身份证号哈希匹配。",
        "People on an agency's staff roll who also draw means-tested relief (低保, 特困供养), matched by the keyed "
        "ID hash.",
        "由民政部门复核其家庭收入，取消不符合条件的救助并追回已领资金；对审核把关人员问责。",
        "Have civil affairs re-check the household's income, stop the relief and recover it; hold the approvers to account.",
        STAFF_ON_RELIEF,
        (
            *_STAFF,
            Column("status", "人员状态", "Status"),
            Column("relief_funds"),
            Column("township"),
            Column("villages"),
            Column("payment_count", "领取次数", "Payments", "int"),
            Column("amount_yuan", "领取金额", "Amount", "amount"),
            Column("year", kind="int"),
        ),
        key=("id_hash", "agency_name"),
        filters=("year", "township"),
        amount_column="amount_yuan",
        record_kind="person",
        left_out=LeftOut(IDLESS_RELIEF, IDLESS_ZH, IDLESS_EN, also=STAFF_ANY),
    ),
    Check(
        "over_quota",
        "staffing",
        "超编进人",
        "Agencies over quota",
        "medium",
        "单位某一编制类型的实有人数（名册在职人数或上报的实有人数，取较大者）超过核定编制数。",
        "An agency whose staff of one 编制类型 (on the named roll, or as reported, whichever is larger) exceeds "
        "its approved quota.",
        "由编制部门核实超编原因，停止超编进人，限期消化。",
        "Have the staffing office check why, stop hiring and bring the count back within the quota.",
        OVER_QUOTA,
        (
            Column("agency_code"),
            Column("agency_name"),
            Column("department"),
            Column("staffing_type"),
            Column("quota", kind="int"),
            Column("actual_reported", kind="int"),
            Column("on_roll", kind="int"),
            Column("over_count", kind="int"),
        ),
        key=("agency_name", "staffing_type"),
        filters=("department",),
        record_kind="agencies",
    ),
    Check(
        "two_rolls",
        "staffing",
        "一人多处在编",
        "One person on two rolls",
        "high",
        "同一人（身份证号哈希相同）同时在两个或以上单位的在职名册上，可能一人两份工资或吃空饷。",
        "The same person (same ID hash) on the active roll of two or more agencies: possibly two salaries or a ghost.",
        "核实其实际工作单位，从另一单位名册中清理，追回多领的工资。",
        "Find where the person really works, remove them from the other roll and recover the extra salary.",
        TWO_ROLLS,
        (
            Column("name", kind="name"),
            Column("id_masked", kind="id"),
            Column("agency_count", kind="int"),
            Column("agencies"),
            Column("staffing_types"),
        ),
        key=("id_hash",),
        record_kind="person",
        left_out=STAFF_ON_ROLL,
    ),
    Check(
        "past_retirement",
        "staffing",
        "超过法定退休年龄仍在职",
        "Past the statutory retirement age",
        "medium",
        "按身份证号中的出生日期和性别，截至统计日已到法定退休年龄（男 60 周岁，女干部 55 周岁，女工人即工勤编制 50 周岁；"
        "2025 年起按渐进式延迟退休办法逐月延长；均可配置）仍在在职名册上的人员。",
        "Staff still active on the as-of date although the birth date and sex in their ID number put them past the "
        "statutory retirement age (men 60, women cadres 55, women workers (工勤) 50, raised month by month from "
        "2025; configurable).",
        "核实是否办理了退休手续或经批准延迟退休；未办的督促办理，核查是否仍在领取工资。",
        "Check for retirement papers or an approved extension; otherwise have them retire and check the salary.",
        PAST_RETIREMENT,
        (
            *_STAFF,
            Column("sex"),
            Column("birth_date", kind="date"),
            Column("age_years", kind="int"),
            Column("retire_on", kind="date"),
            Column("months_past", kind="int"),
        ),
        key=("id_hash", "agency_name"),
        record_kind="person",
        left_out=STAFF_ON_ROLL,
    ),
    Check(
        "inactive_on_roll",
        "staffing",
        "死亡、退休、离职人员仍在名册",
        "Deceased, retired or left, still on the roll",
        "high",
        "名册上标注为死亡、退休或离职的人员仍留在单位的编制实名制名册中，占用编制，可能仍在领取工资（吃空饷）。",
        "People marked deceased, retired or left who are still on an agency's named roll: they hold a post and may "
        "still draw a salary (吃空饷, ghost staff).",
        "从名册中核减，核查停发工资的日期，追回多发的工资。",
        "Take them off the roll, check when their salary stopped and recover what was paid after.",
        INACTIVE_ON_ROLL,
        (
            *_STAFF,
            Column("status", "人员状态", "Status"),
            Column("hired_on", kind="date"),
            Column("batch_id", kind="int"),
            Column("row_no", kind="int"),
        ),
        key=("id_hash", "agency_name"),
        record_kind="staff",
    ),
)

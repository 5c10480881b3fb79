"""Payees matched against other departments' registers (issue 16): paid after death, ghost salaries.

People are matched by the keyed ID hash and the name together.  A register row whose ID
matches a payee but whose name differs is not a finding: it is listed apart as a data-quality
list (``death_name_differs``, for payees and the payroll alike), since either side may hold a
typing error.
"""

from __future__ import annotations

from dataclasses import replace

from etl.specs import SPECS
from fundquery.inspect.catalogue import IDLESS_EN, IDLESS_ZH, Check, Column, LeftOut
from fundquery.inspect.checks.common import FUND_COLS, FUND_FILTERS
from fundquery.inspect.checks.staffing import STAFF_ANY, STAFF_ON_ROLL
from fundquery.inspect.sql import FUND_INFO, REACHED, distinct_list, idless_payments

# A person's death as the registers have it: the earliest date any of them gives.  The sources are
# listed for the people a check finds only (_SOURCES): a sorted list of sources for every one of
# 1 M deaths took about a third of paid_after_death's time (bench/README.md).
_DIED = """
died AS (
    SELECT county_code, id_hash, name, min(died_on) AS died_on
    FROM live_deaths GROUP BY county_code, id_hash, name
)"""

# Every source that registers the death of the people in the CTE ``found``.
_SOURCES = f"""
sources AS (
    SELECT d.county_code, d.id_hash, d.name, {distinct_list("d.source")} AS source
    FROM live_deaths d
    JOIN (SELECT DISTINCT county_code, id_hash, name FROM found) f
      ON f.county_code = d.county_code AND f.id_hash = d.id_hash AND f.name = d.name
    GROUP BY d.county_code, d.id_hash, d.name
)"""  # noqa: S608

# Every payment made after the end of the month in which its payee died, beyond the grace.  A
# returned (退回) payment reached nobody; a payment without a date cannot be placed.  Joined on the
# ID hash alone, county and name compared after: on 10 M payments and 1 M deaths DuckDB took about
# 2.5x as long with all three in the join condition.
PAID_AFTER_DEATH = f"""
WITH {FUND_INFO},{_DIED},
found AS (
    SELECT p.county_code, p.id_hash, p.id_masked, p.name, p.fund_code, p.year, p.period, p.township,
           p.village, p.paid_on, p.amount_yuan, d.died_on, p.batch_id, p.row_no
    FROM live_payments p
    JOIN died d ON d.id_hash = p.id_hash
    WHERE d.county_code = p.county_code AND d.name = p.name
      AND {REACHED}
      AND date_diff('day', last_day(d.died_on), p.paid_on) > $death_grace_days
),{_SOURCES}
SELECT p.county_code, p.id_hash, p.id_masked, p.name, p.fund_code, f.fund_name, f.department, p.year,
       p.period, p.township, p.village, p.paid_on, p.amount_yuan, p.died_on, s.source,
       date_diff('day', last_day(p.died_on), p.paid_on) AS days_after, p.batch_id, p.row_no
FROM found p
JOIN sources s ON s.county_code = p.county_code AND s.id_hash = p.id_hash AND s.name = p.name
LEFT JOIN fund_info f ON f.county_code = p.county_code AND f.fund_code = p.fund_code
ORDER BY p.died_on, p.id_hash, p.paid_on, p.batch_id, p.row_no
"""  # noqa: S608

# The payments paid_after_death looks at that have no ID number (issue 14): nobody's death can be
# matched to them; and every ID-less payment, which death_name_differs cannot compare with a register.
IDLESS_PAID = idless_payments(REACHED)
IDLESS_ANY = idless_payments()

# Register rows whose ID is a payee's or a salaried person's but whose name is none of that side's
# names.  The payments and salaries of registered IDs first (semi-joins), then their names: grouping
# all 10 M payments by ID took 4x as long.  A death row is listed once, with both sides beside it;
# it is listed when either side does not know the register's name.
DEATH_NAME_DIFFERS = """
WITH dead AS (SELECT DISTINCT county_code, id_hash FROM live_deaths),
matched AS (
    SELECT p.county_code, p.id_hash, p.name, p.amount_yuan, p.paid_on, p.batch_id, p.row_no
    FROM live_payments p JOIN dead d ON d.county_code = p.county_code AND d.id_hash = p.id_hash
),
payees AS (
    SELECT county_code, id_hash, arg_max(name, CAST(batch_id AS BIGINT) * 10000000 + row_no) AS payee_name,
           count(*) AS payment_count, sum(amount_yuan) AS amount_yuan, max(paid_on) AS last_paid_on
    FROM matched GROUP BY county_code, id_hash
),
payee_names AS (SELECT DISTINCT county_code, id_hash, name FROM matched),
salaried AS (
    SELECT pr.county_code, pr.id_hash, pr.name, pr.net_yuan, pr.month, pr.batch_id, pr.row_no
    FROM live_payroll pr JOIN dead d ON d.county_code = pr.county_code AND d.id_hash = pr.id_hash
),
salaries AS (
    SELECT county_code, id_hash, arg_max(name, CAST(batch_id AS BIGINT) * 10000000 + row_no) AS payroll_name,
           count(*) AS salary_count, sum(net_yuan) AS net_yuan, max(month) AS last_month
    FROM salaried GROUP BY county_code, id_hash
),
salaried_names AS (SELECT DISTINCT county_code, id_hash, name FROM salaried)
SELECT d.county_code, d.id_hash, d.id_masked, d.name, y.payee_name, w.payroll_name, d.died_on, d.source,
       y.payment_count, y.amount_yuan, y.last_paid_on, w.salary_count, w.net_yuan,
       strftime(w.last_month, '%Y-%m') AS last_salary_month, d.batch_id, d.row_no
FROM live_deaths d
LEFT JOIN payees y ON y.county_code = d.county_code AND y.id_hash = d.id_hash
LEFT JOIN salaries w ON w.county_code = d.county_code AND w.id_hash = d.id_hash
LEFT JOIN payee_names s ON s.county_code = d.county_code AND s.id_hash = d.id_hash AND s.name = d.name
LEFT JOIN salaried_names t ON t.county_code = d.county_code AND t.id_hash = d.id_hash AND t.name = d.name
WHERE (y.id_hash IS NOT NULL AND s.id_hash IS NULL) OR (w.id_hash IS NOT NULL AND t.id_hash IS NULL)
ORDER BY d.died_on, d.batch_id, d.row_no
"""  # noqa: S608


# A salary paid by an agency to someone on none of its roll rows that month (吃空饷): the roll row is
# the agency's by its code where both carry one, else by its name; a person hired during the month
# is on the roll that month.  Any status counts as on the roll (inactive_on_roll reports those).
# The roll is first reduced to one line per person and agency name (and per person and agency code)
# with the earliest date of hiring (none: on the roll from the start), so that each salary is looked
# up in two tables the size of the roll: pairing every salary with its roll rows and then every
# salary with those pairs built two tables the size of the payroll (10 M payroll rows, the same
# shared machine: 4.4 → 1.2 CPU seconds, bench/README.md).
def _rolls(only: str = "true") -> str:
    """The roll reduced to one line per person and agency name, and per person and agency code (of the
    roll rows meeting ``only``)."""
    return f"""
roll_by_name AS (
    SELECT county_code, id_hash, agency_name,
           CASE WHEN count(hired_on) = count(*) THEN min(hired_on) END AS first_hired_on
    FROM live_staff WHERE id_hash IS NOT NULL AND {only} GROUP BY county_code, id_hash, agency_name
),
roll_by_code AS (
    SELECT county_code, id_hash, agency_code,
           CASE WHEN count(hired_on) = count(*) THEN min(hired_on) END AS first_hired_on
    FROM live_staff WHERE agency_code IS NOT NULL AND id_hash IS NOT NULL AND {only}
    GROUP BY county_code, id_hash, agency_code
)"""  # noqa: S608


# The names on each agency's roll without an ID number (issue 14), by agency name and by code.
_IDLESS_ROLL = """
idless_by_name AS (
    SELECT DISTINCT county_code, agency_name, name FROM live_staff WHERE id_hash IS NULL
),
idless_by_code AS (
    SELECT DISTINCT county_code, agency_code, name FROM live_staff
    WHERE id_hash IS NULL AND agency_code IS NOT NULL
)"""


def _unmatched(source: str) -> str:
    """The salaries of ``source`` whose ID is on none of the paying agency's roll rows that month."""
    return f"""
    SELECT pr.* FROM {source} pr
    LEFT JOIN roll_by_name n ON n.county_code = pr.county_code AND n.id_hash = pr.id_hash
     AND n.agency_name = pr.agency_name
    LEFT JOIN roll_by_code c ON c.county_code = pr.county_code AND c.id_hash = pr.id_hash
     AND c.agency_code = pr.agency_code
    WHERE (n.id_hash IS NULL OR (n.first_hired_on IS NOT NULL AND n.first_hired_on > last_day(pr.month)))
      AND (c.id_hash IS NULL OR (c.first_hired_on IS NOT NULL AND c.first_hired_on > last_day(pr.month)))"""  # noqa: S608


# Issue 14: a roll without ID numbers cannot be matched by ID.  A salary its ID finds on no roll row but
# whose payee's name is on the paying agency's roll without an ID number is not judged (the roll may be
# that person): left out of the findings, and counted apart (IDLESS_NAMED_SALARIES), beside the ID-less
# staff the check could not see.  Those few are compared with the ID-less roll after the match by ID,
# and counted from the ID-less roll's names, matched to the roll rows of their IDs only: the whole
# roll is not reduced twice (3 M salaries: 0.09 CPU s for the count that way, 0.007 s this way).
PAYROLL_NOT_ON_ROLL = f"""
WITH {_rolls()},{_IDLESS_ROLL},
unmatched AS ({_unmatched("live_payroll")})
SELECT pr.county_code, pr.id_hash, pr.id_masked, pr.name, pr.agency_code, pr.agency_name,
       strftime(pr.month, '%Y-%m') AS month, CAST(year(pr.month) AS INTEGER) AS year,
       pr.gross_yuan, pr.net_yuan, pr.batch_id, pr.row_no
FROM unmatched pr
LEFT JOIN idless_by_name xn ON xn.county_code = pr.county_code AND xn.agency_name = pr.agency_name
 AND xn.name = pr.name
LEFT JOIN idless_by_code xc ON xc.county_code = pr.county_code AND xc.agency_code = pr.agency_code
 AND xc.name = pr.name
WHERE xn.name IS NULL AND xc.name IS NULL
ORDER BY pr.agency_name, pr.id_hash, pr.month, pr.batch_id, pr.row_no
"""  # noqa: S608

IDLESS_NAMED_SALARIES = f"""
WITH {_IDLESS_ROLL},
named AS (
    SELECT pr.* FROM live_payroll pr
    JOIN idless_by_name x ON x.county_code = pr.county_code AND x.agency_name = pr.agency_name
     AND x.name = pr.name
    UNION
    SELECT pr.* FROM live_payroll pr
    JOIN idless_by_code x ON x.county_code = pr.county_code AND x.agency_code = pr.agency_code
     AND x.name = pr.name
),{_rolls("id_hash IN (SELECT id_hash FROM named)")}
SELECT pr.county_code, CAST(year(pr.month) AS INTEGER) AS year FROM ({_unmatched("named")}) pr
"""  # noqa: S608

# A salary for a month that began after the end of the month its payee died in, beyond the grace
# (the month of death's own salary is due).  Matched like paid_after_death: ID hash, then name.
PAYROLL_AFTER_DEATH = f"""
WITH {_DIED},
found AS (
    SELECT pr.county_code, pr.id_hash, pr.id_masked, pr.name, pr.agency_code, pr.agency_name, pr.month,
           pr.gross_yuan, pr.net_yuan, d.died_on, pr.batch_id, pr.row_no
    FROM live_payroll pr
    JOIN died d ON d.id_hash = pr.id_hash
    WHERE d.county_code = pr.county_code AND d.name = pr.name
      AND date_diff('day', last_day(d.died_on), pr.month) > $death_grace_days
),{_SOURCES}
SELECT pr.county_code, pr.id_hash, pr.id_masked, pr.name, pr.agency_code, pr.agency_name,
       strftime(pr.month, '%Y-%m') AS month, CAST(year(pr.month) AS INTEGER) AS year,
       pr.gross_yuan, pr.net_yuan, pr.died_on, s.source, pr.batch_id, pr.row_no
FROM found pr
JOIN sources s ON s.county_code = pr.county_code AND s.id_hash = pr.id_hash AND s.name = pr.name
ORDER BY pr.died_on, pr.id_hash, pr.month, pr.batch_id, pr.row_no
"""  # noqa: S608

# Someone serving on an agency's roll (在职, or no status) to whom that agency paid no salary in a
# month its payroll covers (it paid someone that month): the roll holds a post nobody is paid for,
# or the person is paid elsewhere.  Agencies match as in payroll_not_on_roll; a month before the
# month of hiring is not expected.
# Counted before it is listed: the months a roll row should be paid in depend only on its agency's
# name and code and its date of hiring (a "post"), so they are counted per post (a few per agency),
# and each roll row's distinct salaried months from then on are counted in one pass over the payroll;
# every salaried month is a covered one, so a roll row is short exactly when it has fewer.  Only the
# short rows are expanded to single months and compared month by month.  Building every (roll row,
# month) and anti-joining every salaried (roll row, month) took 5.9 s on 10 M payroll rows on a
# quiet machine; counting first, 11.1 → 3.7 CPU seconds on a shared one (bench/README.md).  The agency match by name or code is two equi-joins and a UNION: the OR in one
# join condition made DuckDB pair every post with every agency-month.
ROLL_NOT_ON_PAYROLL = """
WITH serving AS (
    SELECT county_code, id_hash, id_masked, name, agency_code, agency_name, staffing_type, hired_on,
           batch_id, row_no
    FROM live_staff WHERE coalesce(status, '在职') = '在职' AND id_hash IS NOT NULL
),
agency_months AS (SELECT DISTINCT county_code, agency_name, agency_code, month FROM live_payroll),
by_name AS (SELECT DISTINCT county_code, agency_name, month FROM agency_months),
by_code AS (
    SELECT DISTINCT county_code, agency_code, month FROM agency_months WHERE agency_code IS NOT NULL
),
posts AS (SELECT DISTINCT county_code, agency_name, agency_code, hired_on FROM serving),
post_months AS (
    SELECT p.county_code, p.agency_name, p.agency_code, p.hired_on, m.month FROM posts p
    JOIN by_name m ON m.county_code = p.county_code AND m.agency_name = p.agency_name
    WHERE p.hired_on IS NULL OR p.hired_on <= last_day(m.month)
    UNION
    SELECT p.county_code, p.agency_name, p.agency_code, p.hired_on, m.month FROM posts p
    JOIN by_code m ON m.county_code = p.county_code AND m.agency_code = p.agency_code
    WHERE p.hired_on IS NULL OR p.hired_on <= last_day(m.month)
),
post_counts AS (
    SELECT county_code, agency_name, agency_code, hired_on, count(*) AS covered_months
    FROM post_months GROUP BY county_code, agency_name, agency_code, hired_on
),
expected AS (
    SELECT s.county_code, s.batch_id, s.row_no, s.id_hash, s.agency_name, s.agency_code, s.hired_on,
           c.covered_months
    FROM serving s
    JOIN post_counts c ON c.county_code = s.county_code AND c.agency_name = s.agency_name
     AND c.agency_code IS NOT DISTINCT FROM s.agency_code AND c.hired_on IS NOT DISTINCT FROM s.hired_on
),
short_rows AS (
    SELECT e.county_code, e.batch_id, e.row_no
    FROM expected e
    LEFT JOIN live_payroll pr ON pr.county_code = e.county_code AND pr.id_hash = e.id_hash
     AND (pr.agency_name = e.agency_name OR (e.agency_code IS NOT NULL AND pr.agency_code = e.agency_code))
     AND (e.hired_on IS NULL OR e.hired_on <= last_day(pr.month))
    GROUP BY e.county_code, e.batch_id, e.row_no, e.covered_months
    HAVING array_length(list_distinct(list(pr.month))) < e.covered_months
),
short AS (
    SELECT s.* FROM serving s
    JOIN short_rows k ON k.county_code = s.county_code AND k.batch_id = s.batch_id AND k.row_no = s.row_no
),
covered AS (
    SELECT s.*, m.month FROM short s
    JOIN post_months m ON m.county_code = s.county_code AND m.agency_name = s.agency_name
     AND m.agency_code IS NOT DISTINCT FROM s.agency_code AND m.hired_on IS NOT DISTINCT FROM s.hired_on
),
salaried AS (
    SELECT DISTINCT s.county_code, s.batch_id, s.row_no, pr.month
    FROM short s
    JOIN live_payroll pr ON pr.county_code = s.county_code AND pr.id_hash = s.id_hash
    WHERE pr.agency_name = s.agency_name OR (s.agency_code IS NOT NULL AND pr.agency_code = s.agency_code)
)
SELECT c.county_code, c.id_hash, c.id_masked, c.name, c.agency_code, c.agency_name, c.staffing_type,
       strftime(c.month, '%Y-%m') AS month, CAST(year(c.month) AS INTEGER) AS year, c.batch_id, c.row_no
FROM covered c
LEFT JOIN salaried p ON p.county_code = c.county_code AND p.batch_id = c.batch_id AND p.row_no = c.row_no
 AND p.month = c.month
WHERE p.row_no IS NULL
ORDER BY c.agency_name, c.id_hash, c.month, c.batch_id, c.row_no
"""  # noqa: S608

# One ID paid a salary by two or more agencies in one month (by the agencies' names as the payroll
# has them).  The people ever paid by two agencies first (one group per person, by min <> max), then
# only their salaries grouped by month: grouping every salary by person and month made as many
# groups as the payroll has rows (10 M payroll rows: 1.8 s on a quiet machine, bench/README.md).
PAYROLL_TWO_AGENCIES = f"""
WITH paid_by_two AS (
    SELECT county_code, id_hash FROM live_payroll
    GROUP BY county_code, id_hash HAVING min(agency_name) <> max(agency_name)
)
SELECT pr.county_code, pr.id_hash, min(pr.id_masked) AS id_masked, min(pr.name) AS name,
       strftime(pr.month, '%Y-%m') AS month, CAST(year(pr.month) AS INTEGER) AS year,
       {distinct_list("pr.agency_name")} AS agencies, count(DISTINCT pr.agency_name) AS agency_count,
       count(*) AS salary_count, sum(pr.net_yuan) AS net_yuan
FROM live_payroll pr
JOIN paid_by_two t ON t.county_code = pr.county_code AND t.id_hash = pr.id_hash
GROUP BY pr.county_code, pr.id_hash, pr.month
HAVING min(pr.agency_name) <> max(pr.agency_name)
ORDER BY month, pr.id_hash
"""  # noqa: S608

_DEATH = (
    Column("died_on", kind="date"),
    Column("source"),
)
_SALARY = (
    Column("name", kind="name"),
    Column("id_masked", kind="id"),
    Column("agency_code"),
    Column("agency_name"),
    Column("month"),
    Column("year", kind="int"),
    Column("gross_yuan", kind="amount"),
    Column("net_yuan", kind="amount"),
)

CHECKS = (
    Check(
        "paid_after_death",
        "registers",
        "死亡后仍在发放",
        "Paid after death",
        "high",
        "死亡火化登记中的人（身份证号哈希和姓名都相同）在死亡当月月底之后仍领到补贴；宽限天数可设。"
        "每一笔这样的发放列一行。",
        "A person in the death and cremation register (same keyed ID hash and same name) was still paid after"
        " the end of the month of death, beyond the configurable grace; one row for every such payment.",
        "停发并核实死亡日期；追回死亡后冒领或多发的金额，查明由谁领取。",
        "Stop the payments and confirm the date of death; recover what was paid after it and find out who drew it.",
        PAID_AFTER_DEATH,
        (
            Column("name", kind="name"),
            Column("id_masked", kind="id"),
            *FUND_COLS,
            Column("period"),
            Column("township"),
            Column("village"),
            Column("paid_on", kind="date"),
            Column("amount_yuan", kind="amount"),
            *_DEATH,
            Column("days_after", "死亡当月月底后天数", "Days after the month of death", "int"),
            Column("batch_id", kind="int"),
            Column("row_no", kind="int"),
        ),
        key=("batch_id", "row_no"),
        filters=FUND_FILTERS,
        amount_column="amount_yuan",
        record_kind="payments",
        left_out=LeftOut(IDLESS_PAID, IDLESS_ZH, IDLESS_EN),
    ),
    Check(
        "death_name_differs",
        "registers",
        "数据质量：身份证号相同而姓名不同",
        "Data quality: same ID number, another name",
        "low",
        "死亡火化登记中的身份证号与某位领取人或领工资的财政供养人员相同，姓名却不同。这不是问题线索：可能是登记、"
        "清册或工资表录错了身份证号，也可能是改名；不计入“死亡后仍在发放”和“死亡后仍在发放工资”。",
        "A death register row has the ID number of a payee or of someone on the payroll under another name. Not"
        " a finding: the register, the roster or the payroll may hold a mistyped ID number, or the person changed"
        " name; it is counted in neither 'paid after death' nor 'salary paid after death'.",
        "请民政或殡葬部门与乡镇（或发工资的单位）核对身份证号和姓名，改正错误的一方后重新导入。",
        "Ask the register's department and the township (or the paying agency) to check the ID number and name;"
        " correct the wrong side and load it again.",
        DEATH_NAME_DIFFERS,
        (
            Column("name", "登记姓名", "Name in the register", "name"),
            Column("id_masked", kind="id"),
            Column("payee_name", "清册姓名", "Name on the payment roll", "name"),
            Column("payroll_name", "工资表姓名", "Name on the payroll", "name"),
            *_DEATH,
            Column("payment_count", kind="int"),
            Column("amount_yuan", "发放合计", "Paid in all", "amount"),
            Column("last_paid_on", "最后发放日期", "Last paid on", "date"),
            Column("salary_count", "工资笔数", "Salaries", "int"),
            Column("net_yuan", "实发工资合计", "Net salary in all", "amount"),
            Column("last_salary_month", "最后发薪月份", "Last salary month"),
            Column("batch_id", kind="int"),
            Column("row_no", kind="int"),
        ),
        key=("batch_id", "row_no"),
        left_out=LeftOut(IDLESS_ANY, IDLESS_ZH, IDLESS_EN),
    ),
    Check(
        "payroll_not_on_roll",
        "registers",
        "工资发给不在编制实名制名册上的人",
        "Salary paid to someone not on the roll",
        "high",
        "某单位当月发放工资的人（按身份证号哈希匹配）不在该单位的编制实名制名册上（当月入编的算在册），可能是吃空饷。"
        "每一笔这样的工资列一行。",
        "An agency paid a salary in a month to someone (matched by the keyed ID hash) who is not on its named"
        " staff roll (someone hired that month counts as on it): possibly a ghost employee. One row per salary.",
        "向单位和编制部门核实此人是否在岗、是否办理了入编或调入手续；查实吃空饷的停发并追回。",
        "Ask the agency and the staffing office whether the person works there and was hired or transferred"
        " in properly; stop and recover ghost salaries.",
        PAYROLL_NOT_ON_ROLL,
        (*_SALARY, Column("batch_id", kind="int"), Column("row_no", kind="int")),
        key=("batch_id", "row_no"),
        filters=("year",),
        amount_column="net_yuan",
        left_out=replace(
            STAFF_ANY,
            also=LeftOut(
                IDLESS_NAMED_SALARIES,
                "另有 {n} 笔工资的领取人在本单位名册上有同名而无身份证号的人员，未计入",
                "{n} more salaries went to someone whose name is on the agency's roll with no ID"
                " number, and are not counted",
            ),
        ),
    ),
    Check(
        "payroll_after_death",
        "registers",
        "死亡后仍在发放工资",
        "Salary paid after death",
        "high",
        "死亡火化登记中的人（身份证号哈希和姓名都相同）在死亡当月之后的月份仍领到工资；宽限天数与“死亡后仍在发放”共用。"
        "每一笔这样的工资列一行。",
        "A person in the death and cremation register (same keyed ID hash and same name) was paid a salary"
        " for a month after the month of death, beyond the grace shared with 'paid after death'; one row per"
        " salary.",
        "通知单位停发，核实死亡日期，追回死亡后发放的工资，查明由谁领取。",
        "Have the agency stop the salary, confirm the date of death, recover what was paid after it and find"
        " out who drew it.",
        PAYROLL_AFTER_DEATH,
        (*_SALARY, *_DEATH, Column("batch_id", kind="int"), Column("row_no", kind="int")),
        key=("batch_id", "row_no"),
        filters=("year",),
        amount_column="net_yuan",
    ),
    Check(
        "roll_not_on_payroll",
        "registers",
        "在编在职却未领工资",
        "On the roll but not on the payroll",
        "medium",
        "编制实名制名册上在职的人（按身份证号哈希匹配），在本单位发放工资的某个月份没有从本单位领到工资"
        "（入编当月之前的月份不算）：名册可能占着空编，或此人在别处领工资。每人每月列一行。",
        "Someone serving on an agency's named roll (matched by the keyed ID hash) was paid no salary by that"
        " agency in a month its payroll covers (months before the month of hiring do not count): the roll may"
        " hold an empty post, or the person is paid elsewhere. One row per person and month.",
        "向单位和编制部门核实此人是否在岗、在哪里领工资；已离开的办理出编，空编如实上报。",
        "Ask the agency and the staffing office whether the person works there and where they are paid;"
        " remove those who left from the roll and report empty posts as such.",
        ROLL_NOT_ON_PAYROLL,
        (
            Column("name", kind="name"),
            Column("id_masked", kind="id"),
            Column("agency_code"),
            Column("agency_name"),
            Column("staffing_type"),
            Column("month"),
            Column("year", kind="int"),
            Column("batch_id", kind="int"),
            Column("row_no", kind="int"),
        ),
        key=("batch_id", "row_no", "month"),
        filters=("year",),
        left_out=STAFF_ON_ROLL,
    ),
    Check(
        "payroll_two_agencies",
        "registers",
        "同一人同月从两个单位领工资",
        "Paid by two agencies in one month",
        "high",
        "同一身份证号（哈希）同一个月从两个或更多单位领到工资。每人每月列一行，列出各单位和实发合计。",
        "One ID number (keyed hash) was paid a salary by two or more agencies in the same month. One row per"
        " person and month, with the agencies and the net pay in all.",
        "向各单位核实此人在哪里工作，停发不在岗单位的工资并追回。",
        "Ask each agency where the person works; stop and recover the salary from the agency they do not work for.",
        PAYROLL_TWO_AGENCIES,
        (
            Column("name", kind="name"),
            Column("id_masked", kind="id"),
            Column("month"),
            Column("year", kind="int"),
            Column("agencies"),
            Column("agency_count", kind="int"),
            Column("salary_count", "工资笔数", "Salaries", "int"),
            Column("net_yuan", "实发合计", "Net pay in all", "amount"),
        ),
        key=("id_hash", "month"),
        filters=("year",),
        amount_column="net_yuan",
    ),
)


def registers_read(check: Check) -> tuple[str, ...]:
    """The registers (other departments' kinds) whose rows ``check`` shows: viewing them is audit-logged."""
    return tuple(s.kind for s in SPECS.values() if s.register and f"live_{s.table}" in check.sql)

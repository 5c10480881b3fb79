"""Late publication: payments made public more than 20 working days after they were paid.

政府信息 is published within 20 working days of being formed (seeds/, DESIGN.md
§1).  Working days follow China's holiday schedule (fundquery.calendar.workdays);
a year whose schedule is not loaded counts Monday–Friday and the row says it
is provisional.  A batch not yet published counts up to the as-of date.
The count (``WORKING_DAYS`` on the working-day index) and the limit's default
(``RULE_WORKING_DAYS``, through ``Params``) are the ones the reviewers'
timeliness page uses (fundquery.calendar.timeliness).
"""

from __future__ import annotations

from fundquery.inspect.catalogue import Check, Column
from fundquery.inspect.checks.common import FUND_COLS, FUND_FILTERS
from fundquery.inspect.sql import FUND_INFO
from fundquery.queries.calendar import PROVISIONAL, WORKDAY_INDEX, WORKING_DAYS

LATE_PUBLICATION = f"""
WITH {FUND_INFO}, {WORKDAY_INDEX},
paid AS (
    SELECT county_code, batch_id, fund_code, year, township, paid_on, count(*) AS payment_count, sum(amount_yuan) AS amount_yuan
    FROM live_payments WHERE paid_on IS NOT NULL AND paid_on <= $as_of
    GROUP BY county_code, batch_id, fund_code, year, township, paid_on
),
dated AS (
    SELECT paid.*, b.file_name, b.status AS batch_status, CAST(b.published_at AS DATE) AS published_on,
           least(coalesce(CAST(b.published_at AS DATE), $as_of), $as_of) AS counted_to
    FROM paid JOIN live_batches b USING (county_code, batch_id)
)
SELECT d.county_code, d.batch_id, d.file_name, d.fund_code, f.fund_name, f.department, d.year, d.township, d.paid_on,
       d.published_on, d.payment_count, d.amount_yuan,
       {WORKING_DAYS} AS working_days,
       {PROVISIONAL} AS is_provisional
FROM dated d
JOIN workday_index s ON s.day = d.paid_on
JOIN workday_index e ON e.day = d.counted_to
LEFT JOIN fund_info f USING (county_code, fund_code)
WHERE {WORKING_DAYS} > $publication_working_days
ORDER BY working_days DESC, d.batch_id, d.fund_code, d.township, d.paid_on
"""  # noqa: S608

CHECKS = (
    Check(
        "late_publication",
        "publication",
        "公开不及时",
        "Published late",
        "low",
        "发放信息在发放后超过 20 个工作日（按国务院节假日安排计算，可配置）才公开，或截至统计日仍未公开。"
        "尚未载入节假日安排的年份按周一至周五计算，标为“暂按”。",
        "Payments made public more than 20 working days after they were paid (China's holiday schedule; "
        "configurable), or still not public on the as-of date. A year whose schedule is not loaded counts "
        "Monday–Friday and is marked provisional.",
        "督促资金主管部门和审核人员及时公开；把公开时限纳入电子监察。",
        "Have the department and the reviewers publish on time; put the time limit under electronic supervision.",
        LATE_PUBLICATION,
        (
            Column("batch_id", kind="int"),
            Column("file_name"),
            *FUND_COLS,
            Column("township"),
            Column("paid_on", kind="date"),
            Column("published_on", kind="date"),
            Column("payment_count", kind="int"),
            Column("amount_yuan", kind="amount"),
            Column("working_days", kind="days"),
            Column("is_provisional", kind="flag"),
        ),
        key=("batch_id", "fund_code", "township", "paid_on"),
        filters=FUND_FILTERS,
        amount_column="amount_yuan",
    ),
)

"""Overdue rectification: a flag whose office has not put it right by its deadline (issue 17).

An inspector's flag names the office responsible and a deadline (by default
20 working days from flagging, on the holiday table).  A flag still open or
in progress on the as-of date after its deadline is a finding, with the
working days it is late; an answer waiting for the inspector still counts,
since nothing is put right until the inspector accepts it.
"""

from __future__ import annotations

from fundquery.inspect.catalogue import Check, Column
from fundquery.inspect.checks.common import FUND_FILTERS
from fundquery.inspect.sql import FUND_INFO
from fundquery.queries.calendar import WORKDAY_INDEX

OVERDUE_RECTIFICATION = f"""
WITH {FUND_INFO}, {WORKDAY_INDEX}
SELECT f.county_code, f.flag_id, f.title, f.assignee_office, f.fund_code, i.fund_name, i.department,
       f.township, f.year, f.amount_yuan, CAST(f.created_at AS DATE) AS flagged_on, f.due_on,
       CASE f.status WHEN 'open' THEN '待处理' ELSE '处理中' END AS status,
       e.workday_no - d.workday_no AS working_days_late,
       (e.provisional_no - d.provisional_no) > 0 AS is_provisional
FROM live_flags f
JOIN workday_index d ON d.day = f.due_on
JOIN workday_index e ON e.day = $as_of
LEFT JOIN fund_info i USING (county_code, fund_code)
WHERE f.status IN ('open', 'in_progress') AND f.due_on < $as_of AND CAST(f.created_at AS DATE) <= $as_of
ORDER BY working_days_late DESC, f.county_code, f.flag_id
"""  # noqa: S608 (fixed CTEs)

CHECKS = (
    Check(
        "overdue_rectification",
        "publication",
        "整改超期",
        "Overdue rectification",
        "medium",
        "监督检查标记交给责任单位整改的问题，过了整改期限（标记时确定，默认 20 个工作日）仍未整改完成："
        "责任单位没有答复，或答复还没有经监督检查人员核查通过。",
        "Problems flagged by inspectors and assigned to an office that are still not put right after their "
        "deadline (set when flagged, 20 working days by default): the office has not answered, or its answer "
        "has not been accepted by an inspector.",
        "督促责任单位限期整改并答复；屡次超期的单位约谈或通报。",
        "Press the office to put it right and answer; summon or report offices that are often late.",
        OVERDUE_RECTIFICATION,
        (
            Column("flag_id", "标记编号", "Flag", "int"),
            Column("title", "问题", "Problem"),
            Column("assignee_office", "责任单位", "Office responsible"),
            Column("fund_code"),
            Column("fund_name"),
            Column("department"),
            Column("township"),
            Column("year", kind="int"),
            Column("amount_yuan", "涉及金额（元）", "Amount (yuan)", "amount"),
            Column("flagged_on", "标记日期", "Flagged on", "date"),
            Column("due_on", "整改期限", "Deadline", "date"),
            Column("status"),
            Column("working_days_late", kind="days"),
            Column("is_provisional", kind="flag"),
        ),
        key=("flag_id",),
        filters=FUND_FILTERS,
        amount_column="amount_yuan",
    ),
)

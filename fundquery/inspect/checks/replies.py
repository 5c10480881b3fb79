"""Overdue replies: consultations and complaints not answered publicly by their deadline.

The seeds set replies to the public within 3 working days (DESIGN.md §1); each
message's deadline is counted in working days when it is registered
(fundquery.messages).  A reply counts when a reviewer has published it.  A
message still open on the as-of date, or published after its deadline, is a
finding; the working days past the deadline follow the holiday table.
"""

from __future__ import annotations

from fundquery.inspect.catalogue import Check, Column
from fundquery.inspect.checks.common import FUND_FILTERS
from fundquery.inspect.sql import FUND_INFO
from fundquery.messages import STATUS_ZH
from fundquery.queries.calendar import WORKDAY_INDEX

# The status as the desk names it (a fixed mapping, not input).
_STATUS = (
    "CASE m.status " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in STATUS_ZH.items()) + " END"
)

OVERDUE_REPLIES = f"""
WITH {FUND_INFO}, {WORKDAY_INDEX},
counted AS (
    SELECT m.*, CAST(m.received_at AS DATE) AS received_on,
           CASE WHEN CAST(m.published_at AS DATE) <= $as_of THEN CAST(m.published_at AS DATE) END AS published_on,
           least(coalesce(CAST(m.published_at AS DATE), $as_of), $as_of) AS counted_to
    FROM live_messages m
    WHERE CAST(m.received_at AS DATE) <= $as_of
)
SELECT m.county_code, m.receipt_no, m.message_type, m.category, m.department, m.township, m.fund_code, f.fund_name,
       year(m.received_on) AS year, m.received_on, m.deadline_on,
       CASE WHEN m.published_on IS NOT NULL THEN '已答复（超期）'
            WHEN m.status = 'published' THEN '未答复' ELSE {_STATUS} END AS status,
       m.published_on,
       e.workday_no - d.workday_no AS working_days_late,
       m.is_deadline_provisional OR (e.provisional_no - d.provisional_no) > 0 AS is_provisional
FROM counted m
JOIN workday_index d ON d.day = m.deadline_on
JOIN workday_index e ON e.day = m.counted_to
LEFT JOIN fund_info f USING (county_code, fund_code)
WHERE m.counted_to > m.deadline_on
ORDER BY m.published_on IS NOT NULL, working_days_late DESC, m.deadline_on, m.county_code, m.receipt_no
"""  # noqa: S608 (fixed CTEs and a fixed status mapping)

CHECKS = (
    Check(
        "overdue_replies",
        "publication",
        "留言答复超期",
        "Overdue replies",
        "low",
        "群众的咨询、投诉、建议或举报在答复期限（登记时按工作日计算，默认 3 个工作日）之前没有经审核公开答复："
        "截至统计日仍未答复，或答复晚于期限。尚未载入节假日安排的年份按周一至周五计算，标为“暂按”。",
        "Residents' questions, complaints, suggestions or reports without a reviewed, published reply by their "
        "deadline (working days counted at registration, 3 by default): still unanswered on the as-of date, or "
        "answered after it. A year whose holidays are not loaded counts Monday–Friday and is marked provisional.",
        "督促承办部门答复、审核人员及时审核公开；多次超期的部门纳入电子监察通报。",
        "Have the department in charge answer and the reviewers publish; report departments that are often late.",
        OVERDUE_REPLIES,
        (
            Column("receipt_no"),
            Column("message_type"),
            Column("category", "分类", "Category"),
            Column("department", "承办部门", "Department"),
            Column("township"),
            Column("fund_code"),
            Column("fund_name"),
            Column("year", kind="int"),
            Column("received_on", kind="date"),
            Column("deadline_on", kind="date"),
            Column("status"),
            Column("published_on", "答复公开日期", "Reply published", "date"),
            Column("working_days_late", kind="days"),
            Column("is_provisional", kind="flag"),
        ),
        key=("receipt_no",),
        filters=FUND_FILTERS,
    ),
)

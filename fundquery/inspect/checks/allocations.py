"""Allocations against disbursements: money a fund's allocation table (资金分配 / 指标下达, the
``allocations`` kind) gives a township or a unit, against the money the treasury disbursed to it.

A disbursement goes to an allocation's recipient when its payee is the recipient itself (县教育局) or
the recipient's finance office (城关镇 → 城关镇财政所, the payee a township's money goes to: see
fundquery.inspect.sql.ALLOCATIONS); where a table names both, the payee's own name wins.  Only funds
that have an allocation table are compared: a fund with none says nothing about where its money should
have gone.  An allocation row with no 下达日期 counts from the end of its year.
"""

from __future__ import annotations

from fundquery.inspect.catalogue import Check, Column
from fundquery.inspect.checks.common import FUND_COLS
from fundquery.inspect.sql import FUND_INFO, distinct_list

ALLOCATED_ON = "coalesce(a.allocated_on, make_date(a.year, 12, 31))"

# Per county, fund and recipient: what was allocated by the as-of date (and of it, what was allocated
# longer ago than $stuck_days, so should have left the treasury), against what was disbursed to it.
BALANCE = f"""
WITH {FUND_INFO},
allotted AS (
    SELECT a.county_code, a.fund_code, a.recipient, min(a.year) AS year,
           sum(a.amount_yuan) AS allocated_yuan,
           sum(CASE WHEN {ALLOCATED_ON} <= $as_of - to_days($stuck_days) THEN a.amount_yuan ELSE 0 END)
               AS due_yuan,
           min({ALLOCATED_ON}) AS allocated_on,
           {distinct_list("a.doc_no")} AS doc_nos
    FROM live_allocations a
    WHERE {ALLOCATED_ON} <= $as_of
    GROUP BY a.county_code, a.fund_code, a.recipient
),
recipients AS (SELECT DISTINCT county_code, fund_code, recipient FROM live_allocations),
sent AS (
    SELECT ranked.county_code, ranked.fund_code, ranked.recipient,
           min(CAST(year(ranked.disbursed_on) AS INTEGER)) AS year,
           sum(ranked.amount_yuan) AS disbursed_yuan, count(*) AS voucher_count
    FROM (
        SELECT d.county_code, d.fund_code, d.amount_yuan, d.disbursed_on,
               coalesce(r.recipient, d.payee) AS recipient,
               row_number() OVER (PARTITION BY d.county_code, d.batch_id, d.row_no
                                  ORDER BY CASE WHEN r.recipient = d.payee THEN 0 ELSE 1 END, r.recipient)
                   AS rank_no
        FROM live_disbursements d
        JOIN (SELECT DISTINCT county_code, fund_code FROM live_allocations) f
          ON f.county_code = d.county_code AND f.fund_code = d.fund_code
        LEFT JOIN recipients r
          ON r.county_code = d.county_code AND r.fund_code = d.fund_code
         AND (d.payee = r.recipient OR d.payee = r.recipient || '财政所')
        WHERE d.disbursed_on IS NOT NULL AND d.disbursed_on <= $as_of
    ) ranked
    WHERE ranked.rank_no = 1
    GROUP BY ranked.county_code, ranked.fund_code, ranked.recipient
)
SELECT coalesce(a.county_code, s.county_code) AS county_code,
       coalesce(a.fund_code, s.fund_code) AS fund_code, f.fund_name, f.department,
       coalesce(a.year, s.year) AS year, coalesce(a.recipient, s.recipient) AS recipient,
       a.doc_nos, a.allocated_on,
       coalesce(a.allocated_yuan, 0) AS allocated_yuan, coalesce(a.due_yuan, 0) AS due_yuan,
       coalesce(s.disbursed_yuan, 0) AS disbursed_yuan, coalesce(s.voucher_count, 0) AS voucher_count
FROM allotted a
FULL OUTER JOIN sent s
  ON s.county_code = a.county_code AND s.fund_code = a.fund_code AND s.recipient = a.recipient
LEFT JOIN fund_info f
  ON f.county_code = coalesce(a.county_code, s.county_code) AND f.fund_code = coalesce(a.fund_code, s.fund_code)
"""  # noqa: S608

NOT_DISBURSED = f"""
SELECT *, due_yuan - disbursed_yuan AS undisbursed_yuan FROM ({BALANCE}) AS b
WHERE due_yuan - disbursed_yuan > $tolerance_yuan
ORDER BY undisbursed_yuan DESC, fund_code, recipient
"""  # noqa: S608

BEYOND = f"""
SELECT *, disbursed_yuan - allocated_yuan AS beyond_yuan FROM ({BALANCE}) AS b
WHERE disbursed_yuan - allocated_yuan > $tolerance_yuan
ORDER BY beyond_yuan DESC, fund_code, recipient
"""  # noqa: S608

_COLS = (
    *FUND_COLS,
    Column("recipient"),
    Column("doc_nos"),
    Column("allocated_on", kind="date"),
    Column("allocated_yuan", kind="amount"),
    Column("due_yuan", kind="amount"),
    Column("disbursed_yuan", kind="amount"),
    Column("voucher_count", kind="int"),
)
_FILTERS = ("year", "fund_code", "department")

CHECKS = (
    Check(
        "allocation_not_disbursed",
        "money",
        "已分配下达、未拨付",
        "Allocated, not disbursed",
        "medium",
        "资金分配表（指标下达）分给某乡镇或单位的金额，下达已超过规定天数（默认 30 天；没有下达日期的按当年年底计），"
        "截至统计日拨给该乡镇财政所或该单位的金额比它少出容差（默认 1 元）以上：指标下达了，钱没有拨到。",
        "An allocation table gave a township or unit money longer ago than the limit (30 days by default; a row "
        "with no date counts from the end of its year), and by the as-of date less than that, by more than the "
        "tolerance (1 yuan by default), had been disbursed to it or to its finance office.",
        "向拨款股室核实未拨付的原因（指标未到位、项目未启动、资金被调剂）；督促限期拨付或按规定收回指标。",
        "Ask the paying office why (funds not received, project not started, money moved elsewhere); have it "
        "disbursed by a deadline or the allocation withdrawn as the rules say.",
        NOT_DISBURSED,
        (*_COLS, Column("undisbursed_yuan", kind="amount")),
        key=("fund_code", "recipient"),
        filters=_FILTERS,
        amount_column="undisbursed_yuan",
    ),
    Check(
        "disbursed_beyond_allocation",
        "money",
        "拨付超过分配（超指标拨付）",
        "Disbursed beyond the allocation",
        "high",
        "某项有资金分配表的资金，截至统计日拨给某乡镇财政所或单位的金额，比分配（下达）给它的合计金额多出容差以上，"
        "或拨给了分配表中没有的单位：超指标、无指标拨付，或分配表不全。",
        "For a fund with an allocation table: more was disbursed to a township's finance office or a unit by the "
        "as-of date than was allocated to it, by more than the tolerance, or money went to a payee the table "
        "gives nothing: paid beyond or without an allocation, or the table is incomplete.",
        "调取拨款凭证和指标文件逐笔核对；无指标、超指标拨付的查明审批人和去向，分配表不全的补录。",
        "Check each voucher against the allocation documents; for money paid beyond or without an allocation "
        "find who approved it and where it went; complete an incomplete table.",
        BEYOND,
        (*_COLS, Column("beyond_yuan", kind="amount")),
        key=("fund_code", "recipient"),
        filters=_FILTERS,
        amount_column="beyond_yuan",
    ),
)

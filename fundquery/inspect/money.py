"""Where the money stops: stuck disbursements and allocation against payment.

Disbursements are followed to the household through the voucher number on
the payment rolls (补贴发放清册 凭证号).
"""

from __future__ import annotations

from fundquery.inspect.catalogue import Check, Column
from fundquery.inspect.sql import FUND_INFO, VOUCHER_PAYOUT

STUCK_APPROVAL = f"""
WITH {FUND_INFO}
SELECT d.voucher_no, d.fund_code, f.fund_name, f.department, CAST(year(d.approved_on) AS INTEGER) AS year,
       d.payee, d.amount_yuan, d.approved_on, d.reason,
       date_diff('day', d.approved_on, $as_of) AS days_waiting
FROM live_disbursements d LEFT JOIN fund_info f USING (fund_code)
WHERE (d.disbursed_on IS NULL OR d.disbursed_on > $as_of) AND NOT d.is_by_progress
  AND d.approved_on <= $as_of - to_days($stuck_days)
ORDER BY days_waiting DESC, d.voucher_no
"""  # noqa: S608

# Money that left the treasury for a fund paid to persons, and of which no
# household had received anything by the as-of date.
STUCK_PAYOUT = f"""
WITH {FUND_INFO}, {VOUCHER_PAYOUT}
SELECT d.voucher_no, d.fund_code, f.fund_name, f.department, CAST(year(d.approved_on) AS INTEGER) AS year,
       v.township, d.payee, d.amount_yuan, d.disbursed_on,
       date_diff('day', d.disbursed_on, $as_of) AS days_waiting
FROM live_disbursements d
JOIN fund_info f USING (fund_code)
LEFT JOIN voucher_payout v USING (voucher_no)
WHERE f.pays_to = 'persons' AND d.disbursed_on <= $as_of - to_days($stuck_days)
  AND coalesce(v.paid_count, 0) = 0
ORDER BY days_waiting DESC, d.voucher_no
"""  # noqa: S608

# Vouchers of which households received something, but not what was disbursed.
ALLOCATION_GAP = f"""
WITH {FUND_INFO}, {VOUCHER_PAYOUT}
SELECT d.voucher_no, d.fund_code, f.fund_name, f.department, CAST(year(d.approved_on) AS INTEGER) AS year,
       v.township, v.townships, d.payee, d.disbursed_on, d.amount_yuan AS disbursed_yuan, v.paid_yuan,
       v.paid_count, d.amount_yuan - v.paid_yuan AS gap_yuan,
       CASE WHEN d.amount_yuan > v.paid_yuan THEN 'shortfall' ELSE 'excess' END AS direction
FROM live_disbursements d
JOIN fund_info f USING (fund_code)
JOIN voucher_payout v USING (voucher_no)
WHERE d.disbursed_on <= $as_of AND v.paid_count > 0
  AND abs(d.amount_yuan - v.paid_yuan) > $tolerance_yuan
ORDER BY abs(d.amount_yuan - v.paid_yuan) DESC, d.voucher_no
"""  # noqa: S608

_FUND_COLS = (
    Column("fund_code", "资金编码", "Fund code"),
    Column("fund_name", "资金名称", "Fund"),
    Column("department", "主管部门", "Department"),
    Column("year", "年度", "Year", "int"),
)

CHECKS = (
    Check(
        "stuck_approval", "money", "资金滞留：已审核未拨出", "Stuck: approved, not disbursed",
        "medium",
        "审核签字已超过规定天数（默认 30 天）、截至统计日仍未从国库拨出的资金（按进度拨付的不在此列）。",
        "Approved longer ago than the limit (30 days by default) and still not disbursed on the as-of date "
        "(payments by project progress excluded).",
        "督促拨款股室拨付或说明原因；登记了特殊原因的逐笔核实。",
        "Have the paying office disburse or explain; check each recorded reason.",
        STUCK_APPROVAL,
        (
            Column("voucher_no", "凭证号", "Voucher"), *_FUND_COLS, Column("payee", "收款单位", "Payee"),
            Column("amount_yuan", "金额", "Amount", "amount"), Column("approved_on", "审核签字日期", "Approved", "date"),
            Column("reason", "特殊原因", "Reason"), Column("days_waiting", "已滞留天数", "Days waiting", "days"),
        ),
        key=("voucher_no",), filters=("year", "fund_code", "department"), amount_column="amount_yuan",
        record_kind="disbursements",
    ),
    Check(
        "stuck_payout", "money", "资金滞留：已拨出未发放到户", "Stuck: disbursed, not paid to households",
        "high",
        "补助到人到户的资金从国库拨出已超过规定天数（默认 30 天），截至统计日没有一户收到这笔钱（发放清册中没有以该凭证号发放成功的记录）。",
        "Money for a fund paid to persons left the treasury longer ago than the limit (30 days by default) and no "
        "household had received any of it by the as-of date (no successful payment under its voucher number).",
        "到乡镇财政所核查资金去向：是否滞留在财政所账户、被截留或挪用；督促限期发放并追回利息。",
        "Check where the money is at the township finance office: held, withheld or diverted; have it paid out.",
        STUCK_PAYOUT,
        (
            Column("voucher_no", "凭证号", "Voucher"), *_FUND_COLS, Column("township", "乡镇", "Township"),
            Column("payee", "收款单位", "Payee"), Column("amount_yuan", "金额", "Amount", "amount"),
            Column("disbursed_on", "拨出日期", "Disbursed", "date"), Column("days_waiting", "已滞留天数", "Days waiting", "days"),
        ),
        key=("voucher_no",), filters=("year", "fund_code", "department", "township"), amount_column="amount_yuan",
        record_kind="disbursements",
    ),
    Check(
        "allocation_gap", "money", "拨付与发放不符", "Disbursed against paid to households",
        "high",
        "一笔拨付（凭证号）拨出的金额与发放清册中以该凭证号发放到户的合计金额相差超过容差（默认 1 元）：少发可能是截留、克扣或挪用，多发可能是重复或虚报。",
        "A disbursement (voucher) whose amount differs from the sum paid to households under that voucher by more "
        "than the tolerance (1 yuan by default): a shortfall may be withheld or diverted money, an excess double "
        "or inflated payments.",
        "调取乡镇财政所的发放明细和银行回单逐户核对；少发的追回或补发，多发的追回。",
        "Check the township's payment list and bank returns household by household; recover or pay the difference.",
        ALLOCATION_GAP,
        (
            Column("voucher_no", "凭证号", "Voucher"), *_FUND_COLS, Column("township", "乡镇", "Township"),
            Column("townships", "发放乡镇", "Townships paid"), Column("disbursed_on", "拨出日期", "Disbursed", "date"),
            Column("disbursed_yuan", "拨付金额", "Disbursed", "amount"), Column("paid_yuan", "发放到户金额", "Paid", "amount"),
            Column("paid_count", "发放户次", "Payments", "int"), Column("gap_yuan", "差额", "Difference", "amount"),
            Column("direction", "少发/多发", "Shortfall/excess"),
        ),
        key=("voucher_no",), filters=("year", "fund_code", "department", "township"), amount_column="gap_yuan",
        record_kind="disbursements",
    ),
)

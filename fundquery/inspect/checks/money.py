"""Where the money stops: stuck disbursements and allocation against payment.

Disbursements are followed to the household through the voucher number on
the payment rolls (补贴发放清册 凭证号).
"""

from __future__ import annotations

from fundquery.inspect.catalogue import UNDATED_EN, UNDATED_ZH, Check, Column, LeftOut
from fundquery.inspect.checks.common import FUND_COLS, FUND_FILTERS, ON_DISBURSEMENT
from fundquery.inspect.sql import ALLOCATIONS, DISBURSEMENT_YEAR, FUND_INFO, PAID, PAYMENT_LINKS

STUCK_APPROVAL = f"""
WITH {FUND_INFO}
SELECT d.county_code, d.voucher_no, d.fund_code, f.fund_name, f.department, CAST(year(d.approved_on) AS INTEGER) AS year,
       d.payee, d.amount_yuan, d.approved_on, d.reason,
       date_diff('day', d.approved_on, $as_of) AS days_waiting
FROM live_disbursements d LEFT JOIN fund_info f USING (county_code, fund_code)
WHERE (d.disbursed_on IS NULL OR d.disbursed_on > $as_of) AND NOT d.is_by_progress
  AND d.approved_on <= $as_of - to_days($stuck_days)
ORDER BY days_waiting DESC, d.voucher_no
"""  # noqa: S608

# The vouchers stuck_approval cannot judge: no approval date and not disbursed by the as-of date (the
# loader takes a voucher with no approval date only with a disbursement date: a later one).
UNDATED_UNDISBURSED = f"""
WITH {FUND_INFO}
SELECT d.county_code, d.fund_code, f.department, {DISBURSEMENT_YEAR} AS year
FROM live_disbursements d LEFT JOIN fund_info f USING (county_code, fund_code)
WHERE d.approved_on IS NULL AND (d.disbursed_on IS NULL OR d.disbursed_on > $as_of) AND NOT d.is_by_progress
"""  # noqa: S608

# Money that left the treasury for a township's households, none of which had
# reached a household by the as-of date.
STUCK_PAYOUT = f"""
WITH {FUND_INFO}, {ALLOCATIONS}, {PAYMENT_LINKS}
SELECT d.county_code, d.voucher_no, d.fund_code, d.fund_name, d.department, {DISBURSEMENT_YEAR} AS year,
       d.township, d.payee, d.amount_yuan, d.disbursed_on,
       date_diff('day', d.disbursed_on, $as_of) AS days_waiting
FROM disbursed d
WHERE d.disbursed_on <= $as_of - to_days($stuck_days)
  AND NOT EXISTS (SELECT 1 FROM links l WHERE l.county_code = d.county_code AND l.voucher_no = d.voucher_no)
ORDER BY days_waiting DESC, d.voucher_no
"""  # noqa: S608

# Per fund and township: what was disbursed to the township's finance office
# against what reached its households (已发放), both by the as-of date.
ALLOCATION_BALANCE = f"""
WITH {FUND_INFO}, {ALLOCATIONS},
given AS (
    SELECT county_code, fund_code, township, any_value(fund_name) AS fund_name, any_value(department) AS department,
           min({DISBURSEMENT_YEAR}) AS year, sum(amount_yuan) AS disbursed_yuan,
           string_agg(voucher_no, '、' ORDER BY voucher_no) AS vouchers
    FROM allocations d WHERE disbursed_on <= $as_of AND township IS NOT NULL
    GROUP BY county_code, fund_code, township
),
received AS (
    SELECT p.county_code, p.fund_code, p.township, sum(p.amount_yuan) AS paid_yuan, count(*) AS paid_count
    FROM live_payments p WHERE {PAID} AND p.paid_on <= $as_of
    GROUP BY p.county_code, p.fund_code, p.township
)
SELECT coalesce(g.county_code, r.county_code) AS county_code, coalesce(g.fund_code, r.fund_code) AS fund_code, coalesce(g.fund_name, f.fund_name) AS fund_name,
       coalesce(g.department, f.department) AS department, g.year, coalesce(g.township, r.township) AS township,
       g.vouchers, coalesce(g.disbursed_yuan, 0) AS disbursed_yuan, coalesce(r.paid_yuan, 0) AS paid_yuan,
       coalesce(r.paid_count, 0) AS paid_count,
       coalesce(g.disbursed_yuan, 0) - coalesce(r.paid_yuan, 0) AS gap_yuan
FROM given g
FULL OUTER JOIN received r ON r.county_code = g.county_code AND r.fund_code = g.fund_code AND r.township = g.township
LEFT JOIN fund_info f ON f.county_code = r.county_code AND f.fund_code = r.fund_code
"""  # noqa: S608

# A township whose households got nothing is stuck_payout's finding, not a shortfall.
ALLOCATION_SHORTFALL = f"""
SELECT * FROM ({ALLOCATION_BALANCE}) WHERE paid_count > 0 AND gap_yuan > $tolerance_yuan
ORDER BY gap_yuan DESC, fund_code, township
"""  # noqa: S608

ALLOCATION_EXCESS = f"""
SELECT *, -gap_yuan AS overpaid_yuan FROM ({ALLOCATION_BALANCE}) WHERE -gap_yuan > $tolerance_yuan
ORDER BY gap_yuan, fund_code, township
"""  # noqa: S608

_BALANCE_COLS = (
    *FUND_COLS,
    Column("township"),
    Column("vouchers"),
    Column("disbursed_yuan", kind="amount"),
    Column("paid_yuan", kind="amount"),
    Column("paid_count", kind="int"),
    Column("gap_yuan", kind="amount"),
)

CHECKS = (
    Check(
        "stuck_approval",
        "money",
        "资金滞留：已审核未拨出",
        "Stuck: approved, not disbursed",
        "medium",
        "审核签字已超过规定天数（默认 30 天）、截至统计日仍未从国库拨出的资金（按进度拨付的不在此列）。",
        "Approved longer ago than the limit (30 days by default) and still not disbursed on the as-of date "
        "(payments by project progress excluded).",
        "督促拨款股室拨付或说明原因；登记了特殊原因的逐笔核实。",
        "Have the paying office disburse or explain; check each recorded reason.",
        STUCK_APPROVAL,
        (
            Column("voucher_no"),
            *FUND_COLS,
            Column("payee"),
            Column("amount_yuan", kind="amount"),
            Column("approved_on", kind="date"),
            Column("reason"),
            Column("days_waiting", kind="days"),
        ),
        key=("voucher_no",),
        filters=("year", "fund_code", "department"),
        amount_column="amount_yuan",
        record_kind="disbursements",
        left_out=LeftOut(UNDATED_UNDISBURSED, UNDATED_ZH, UNDATED_EN),
    ),
    Check(
        "stuck_payout",
        "money",
        "资金滞留：已拨出未发放到户",
        "Stuck: disbursed, not paid to households",
        "high",
        "补助到人到户的资金拨给乡镇财政所已超过规定天数（默认 30 天），截至统计日没有一户收到这笔钱："
        "发放清册中没有以该凭证号发放成功的记录，没有凭证号的清册按同一资金、同一乡镇在拨出之后的发放计。"
        "无审核日期的凭证照样计入，年度按拨出日期。",
        "Money for a fund paid to persons left the treasury for a township longer ago than the limit (30 days by "
        "default) and no household had received any of it by the as-of date: no successful payment under its "
        "voucher number or, for rolls without one, from the same fund in the same township after it was disbursed."
        " A voucher with no approval date counts all the same, under the year it was disbursed.",
        "到乡镇财政所核查资金去向：是否滞留在财政所账户、被截留或挪用；督促限期发放并追回利息。",
        "Check where the money is at the township finance office: held, withheld or diverted; have it paid out.",
        STUCK_PAYOUT,
        (
            Column("voucher_no"),
            *FUND_COLS,
            Column("township"),
            Column("payee"),
            Column("amount_yuan", kind="amount"),
            Column("disbursed_on", kind="date"),
            Column("days_waiting", kind="days"),
        ),
        **ON_DISBURSEMENT,
    ),
    Check(
        "allocation_shortfall",
        "money",
        "拨付多、发放少（截留、挪用）",
        "Disbursed more than paid to households",
        "high",
        "某项到人到户资金拨给某乡镇财政所（收款单位“××财政所”）的合计金额，比该乡镇发放成功到户的合计金额多出容差（默认 1 元）以上："
        "钱拨到了乡镇却没有全部发到户，可能被截留、克扣或挪用。一户都没发的见“已拨出未发放到户”。",
        "For a fund paid to persons and a township: the money disbursed to the township's finance office "
        "(payee “<township>财政所”) exceeds what reached its households (已发放) by more than the tolerance "
        "(1 yuan by default): possibly withheld or diverted. A township where no household got anything is "
        "under “disbursed, not paid to households”.",
        "调取乡镇财政所的账户流水和发放明细逐户核对；查明差额去向，追回或补发。",
        "Check the township finance office's account and payment list household by household; find where the "
        "difference went, recover it or pay it out.",
        ALLOCATION_SHORTFALL,
        _BALANCE_COLS,
        key=("fund_code", "township"),
        filters=FUND_FILTERS,
        amount_column="gap_yuan",
    ),
    Check(
        "allocation_excess",
        "money",
        "发放多于拨付",
        "Paid to households more than disbursed",
        "medium",
        "某项资金在某乡镇发放成功到户的合计金额，比拨给该乡镇财政所的合计金额多出容差以上：可能重复发放、虚报冒领，或拨付记录不全。",
        "For a fund and a township: households received more than was disbursed to the township by more than "
        "the tolerance: possibly paid twice, inflated claims, or missing disbursement records.",
        "对照重复发放和金额不符的结果逐户核对；多发的追回，拨付记录不全的补录。",
        "Check against the duplicate and off-standard findings; recover overpayments, complete missing records.",
        ALLOCATION_EXCESS,
        (*_BALANCE_COLS, Column("overpaid_yuan", kind="amount")),
        key=("fund_code", "township"),
        filters=FUND_FILTERS,
        amount_column="overpaid_yuan",
    ),
)

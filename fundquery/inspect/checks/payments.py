"""Household payments: paid twice, off the standard, above the ceiling, returned and not paid again."""

from __future__ import annotations

from fundquery.inspect.catalogue import IDLESS_EN, IDLESS_ZH, Check, Column, LeftOut
from fundquery.inspect.checks.common import FUND_COLS, FUND_FILTERS
from fundquery.inspect.sql import FUND_INFO, distinct_list, idless_payments

# The same person, fund and period more than once, across every live batch.
# A returned payment (退回) and the payment that replaced it are not a double.
# A payment with no ID number (issue 14) is nobody's: grouped by a NULL hash, every ID-less
# payment of a fund and period would be one "person" paid many times.  Left out and counted.
_PERIOD = "coalesce(p.period, CAST(p.year AS VARCHAR))"
_NOT_RETURNED = "p.card_status IS DISTINCT FROM '退回'"
# Returned by the bank and not paid again within the limit (returned_unpaid, with or without an ID).
_RETURNED_LATE = "p.card_status = '退回' AND date_diff('day', p.paid_on, $as_of) >= $returned_days"

_KEY_HASH = f"hash(p.county_code, p.id_hash, p.fund_code, p.year, {_PERIOD})"

# Keys first, then the figures for those few.  Candidates are the 64-bit key
# hashes seen more than once, grouped by the hash alone: one integer per row
# (grouping by the five real columns took 4-7 s on 10 M rows; sorting the
# hashes and comparing neighbours took about a third more CPU than grouping
# them, bench/README.md).  The second step groups the candidates' rows by the
# real key, so a hash collision can never make a finding; the hash holds the
# county, and a collision across counties only adds a candidate.
DUPLICATE_PAYMENT = f"""
WITH {FUND_INFO},
hashed AS (SELECT {_KEY_HASH} AS key_hash FROM live_payments p WHERE {_NOT_RETURNED} AND p.id_hash IS NOT NULL),
candidates AS (SELECT key_hash FROM hashed GROUP BY key_hash HAVING count(*) > 1)
SELECT p.county_code, p.id_hash, any_value(p.id_masked) AS id_masked, arg_min(p.name, p.batch_id) AS name,
       p.fund_code, f.fund_name, f.department, p.year, {_PERIOD} AS period,
       min(p.township) AS township, {distinct_list("p.village")} AS villages,
       count(*) AS times_paid, sum(p.amount_yuan) AS amount_yuan,
       sum(p.amount_yuan) - max(p.amount_yuan) AS excess_yuan,
       {distinct_list("CAST(p.batch_id AS VARCHAR)", ",")} AS batches
FROM live_payments p
LEFT JOIN fund_info f ON f.county_code = p.county_code AND f.fund_code = p.fund_code
WHERE {_NOT_RETURNED} AND p.id_hash IS NOT NULL AND {_KEY_HASH} IN (SELECT key_hash FROM candidates)
GROUP BY p.county_code, p.id_hash, p.fund_code, f.fund_name, f.department, p.year, {_PERIOD}
HAVING count(*) > 1
ORDER BY excess_yuan DESC, p.fund_code, period
"""  # noqa: S608

_PERSON_PAYMENT = """p.county_code, p.id_hash, p.id_masked, p.name, p.fund_code, f.fund_name, f.department, p.year, p.period,
       p.township, p.village, p.batch_id, p.row_no"""

OFF_STANDARD = f"""
WITH {FUND_INFO}
SELECT {_PERSON_PAYMENT}, p.quantity, p.standard_yuan, round(p.quantity * p.standard_yuan, 2) AS expected_yuan,
       p.amount_yuan, p.amount_yuan - round(p.quantity * p.standard_yuan, 2) AS difference_yuan
FROM live_payments p LEFT JOIN fund_info f USING (county_code, fund_code)
WHERE p.quantity IS NOT NULL AND p.standard_yuan IS NOT NULL
  AND abs(p.amount_yuan - round(p.quantity * p.standard_yuan, 2)) > $rounding_yuan
ORDER BY abs(difference_yuan) DESC, p.batch_id, p.row_no
"""  # noqa: S608

OVER_CEILING = f"""
WITH {FUND_INFO}
SELECT {_PERSON_PAYMENT}, c.ceiling_yuan, p.amount_yuan, p.amount_yuan - c.ceiling_yuan AS excess_yuan
FROM live_payments p
JOIN live_funds c ON c.county_code = p.county_code AND c.fund_code = p.fund_code AND c.year = p.year
LEFT JOIN fund_info f ON f.county_code = p.county_code AND f.fund_code = p.fund_code
WHERE c.ceiling_yuan IS NOT NULL AND p.amount_yuan > c.ceiling_yuan
ORDER BY excess_yuan DESC, p.batch_id, p.row_no
"""  # noqa: S608

# A returned payment with no later successful payment to the same person for
# the same fund and period, older than the limit on the as-of date.
# The few returned rows first, then their later successful payments (paid_again):
# written as a NOT EXISTS over the county-scoped views, DuckDB 2.0 built the
# join on all 10 M rows and took 7× as long (bench/inspect_bench.py).
# The same person: the same ID hash; for a payment with no ID number (a roster without the column,
# issue 14), the same household number and name — a 登记清册's household is its 户号.  Two equi-joins
# under UNION, not one join with OR: an OR condition is no hash join.
_PAID_AGAIN = "(r.card_status IS NULL OR r.card_status = '已发放') AND r.paid_on >= p.paid_on AND r.paid_on <= $as_of"
_SAME_PAYMENT = (
    "r.county_code = p.county_code AND r.fund_code = p.fund_code AND r.year = p.year"
    " AND r.period IS NOT DISTINCT FROM p.period"
)
_BY_HOUSEHOLD = "p.id_hash IS NULL AND p.household_no IS NOT NULL"
RETURNED_UNPAID = f"""
WITH {FUND_INFO},
returned AS (
    SELECT * FROM live_payments p
    WHERE {_RETURNED_LATE}
      AND (p.id_hash IS NOT NULL OR {_BY_HOUSEHOLD})
),
paid_again AS (
    SELECT p.county_code, p.batch_id, p.row_no
    FROM returned p
    JOIN live_payments r ON {_SAME_PAYMENT} AND r.id_hash = p.id_hash
    WHERE {_PAID_AGAIN}
    UNION
    SELECT p.county_code, p.batch_id, p.row_no
    FROM returned p
    JOIN live_payments r ON {_SAME_PAYMENT} AND r.household_no = p.household_no AND r.name = p.name
    WHERE {_BY_HOUSEHOLD} AND {_PAID_AGAIN}
)
SELECT {_PERSON_PAYMENT}, p.amount_yuan, p.paid_on AS returned_on, p.bank_account_masked,
       date_diff('day', p.paid_on, $as_of) AS days_since
FROM returned p
LEFT JOIN fund_info f USING (county_code, fund_code)
LEFT JOIN paid_again a ON a.county_code = p.county_code AND a.batch_id = p.batch_id AND a.row_no = p.row_no
WHERE a.row_no IS NULL
ORDER BY days_since DESC, p.batch_id, p.row_no
"""  # noqa: S608

# The payments with no ID number (issue 14) that duplicate_payment cannot match to a person, and the
# returned ones returned_unpaid cannot (no household number either), carrying the filter columns
# (FUND_FILTERS).  Such a returned payment cannot be known as paid again to the same person: it is
# left out rather than reported as never paid again.
IDLESS_PAID = idless_payments(_NOT_RETURNED)
IDLESS_RETURNED = idless_payments(f"{_RETURNED_LATE} AND p.household_no IS NULL")
UNMATCHED_RETURNED_ZH = "另有 {n} 条退回的发放既无身份证号也无户号，无从查到是否已重发，未计入"
UNMATCHED_RETURNED_EN = (
    "{n} more returned payments have neither an ID number nor a household number: whether they were"
    " paid again cannot be told, and they are not counted"
)

_PERSON = (
    Column("name", kind="name"),
    Column("id_masked", kind="id"),
    *FUND_COLS,
    Column("period"),
    Column("township"),
)
_ROW = (Column("village"), Column("batch_id", kind="int"), Column("row_no", kind="int"))

CHECKS = (
    Check(
        "duplicate_payment",
        "payments",
        "重复发放",
        "Paid twice",
        "high",
        "同一人（按身份证号哈希匹配）同一资金同一期间领取了不止一次，包括分在不同批次、不同村的情况（退回后重发的不算）。"
        "无身份证号的发放无从按人比对，不计入，另列条数。",
        "The same person (matched by the keyed ID hash) paid more than once for the same fund and period, "
        "also across batches and villages (a returned payment paid again is not counted). Payments with no ID"
        " number cannot be matched to a person: they are left out and counted apart.",
        "核对两次发放的银行回单；确属重复的追回多发金额，查明是录入错误还是冒领。",
        "Check both payments' bank returns; recover the excess and find out whether it was a typing error or fraud.",
        DUPLICATE_PAYMENT,
        (
            *_PERSON,
            Column("villages"),
            Column("times_paid", kind="int"),
            Column("amount_yuan", "合计金额", "Total", "amount"),
            Column("excess_yuan", "多发金额", "Excess", "amount"),
            Column("batches"),
        ),
        key=("id_hash", "fund_code", "period"),
        filters=FUND_FILTERS,
        amount_column="excess_yuan",
        record_kind="person",
        left_out=LeftOut(IDLESS_PAID, IDLESS_ZH, IDLESS_EN),
    ),
    Check(
        "off_standard",
        "payments",
        "金额与标准不符",
        "Amount off the standard",
        "medium",
        "发放金额不等于数量 × 补助标准（相差超过 1 分）。",
        "The amount paid is not quantity × standard (more than one fen apart).",
        "核对面积、人数等数量和执行的标准；多发的追回，少发的补发。",
        "Check the quantity and the standard applied; recover overpayments, pay underpayments.",
        OFF_STANDARD,
        (
            *_PERSON,
            *_ROW,
            Column("quantity", kind="decimal"),
            Column("standard_yuan", kind="amount"),
            Column("expected_yuan", kind="amount"),
            Column("amount_yuan", "实发金额", "Paid", "amount"),
            Column("difference_yuan", kind="amount"),
        ),
        key=("batch_id", "row_no"),
        filters=FUND_FILTERS,
        amount_column="difference_yuan",
        record_kind="payments",
    ),
    Check(
        "over_ceiling",
        "payments",
        "超过最高限额",
        "Above the fund's ceiling",
        "high",
        "单笔发放金额超过资金目录中该资金的最高限额。",
        "A payment larger than the ceiling the fund catalogue sets for the fund.",
        "核实是否有批准超限额的文件；没有的追回超出部分。",
        "Check for an approval above the ceiling; without one, recover the excess.",
        OVER_CEILING,
        (
            *_PERSON,
            *_ROW,
            Column("ceiling_yuan", kind="amount"),
            Column("amount_yuan", "发放金额", "Paid", "amount"),
            Column("excess_yuan", kind="amount"),
        ),
        key=("batch_id", "row_no"),
        filters=FUND_FILTERS,
        amount_column="excess_yuan",
        record_kind="payments",
    ),
    Check(
        "returned_unpaid",
        "payments",
        "一卡通退回未重发",
        "Returned and not paid again",
        "medium",
        "一卡通发放被银行退回（账户注销、户名不符等），超过规定天数（默认 30 天）仍没有重新发放成功。"
        "同一人按身份证号哈希匹配；无身份证号的发放按户号和姓名匹配；两者都没有的退回无从查到是否已重发，不计入，另列条数。",
        "A 一卡通 payment the bank returned (closed account, wrong name …) not paid again successfully within the "
        "limit (30 days by default). The same person is the same ID hash; a payment with no ID number is"
        " matched by household number and name; a returned payment with neither cannot be matched to a"
        " later payment: it is left out and counted apart.",
        "通知乡镇财政所联系领取人更正账户后重新发放；核实退回资金是否已退回专户。",
        "Have the township contact the person, correct the account and pay again; check the returned money is back.",
        RETURNED_UNPAID,
        (
            *_PERSON,
            *_ROW,
            Column("amount_yuan", kind="amount"),
            Column("returned_on", kind="date"),
            Column("bank_account_masked"),
            Column("days_since", kind="days"),
        ),
        key=("batch_id", "row_no"),
        filters=FUND_FILTERS,
        amount_column="amount_yuan",
        record_kind="payments",
        left_out=LeftOut(IDLESS_RETURNED, UNMATCHED_RETURNED_ZH, UNMATCHED_RETURNED_EN),
    ),
)

"""Payment delays: approval to disbursement (the treasury), then disbursement to the household.

The county bucketed its 1,218 reviewed disbursements into ≤3, 4–10 and >10
days from 审核签字 to 拨出 (DESIGN.md §1).  The second stage follows the money
to the household through the voucher number, because a delay that stops
counting at the treasury hides most of the wait.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb

from fundquery.inspect.catalogue import (
    UNDATED_EN,
    UNDATED_ZH,
    Check,
    Column,
    Filters,
    LeftOut,
    Params,
    bind,
)
from fundquery.inspect.checks.common import FUND_COLS, ON_DISBURSEMENT
from fundquery.inspect.sql import ALLOCATIONS, DISBURSEMENT_YEAR, FUND_INFO, PAYMENT_LINKS

_DELAY = "date_diff('day', d.approved_on, d.disbursed_on)"
DELAY_DAYS = (
    _DELAY  # a disbursement ``d``'s days from approval to disbursement (the annual report's too)
)

# Every disbursement with its delay and bucket (0: ≤ first edge …); the check
# and the distribution both read this.  A voucher with no approval date has no
# delay and no bucket (NULL: without the CASE, list_filter over NULL comparisons
# is empty and it would land in ≤3 days): it is counted apart, as left out.
DISBURSEMENT_DELAYS = f"""
WITH {FUND_INFO}
SELECT d.county_code, d.voucher_no, d.fund_code, f.fund_name, f.department, {DISBURSEMENT_YEAR} AS year,
       nullif(regexp_extract(d.payee, '^(.+)财政所$', 1), '') AS township,
       d.payee, d.amount_yuan, d.approved_on, d.disbursed_on,
       {_DELAY} AS delay_days,
       CASE WHEN d.approved_on IS NOT NULL
            THEN array_length(list_filter($delay_edges_days, lambda e: e < {_DELAY})) END AS bucket,
       d.is_by_progress, d.reason,
       d.is_by_progress OR d.reason IS NOT NULL AS is_excused, 1 AS weight
FROM live_disbursements d
LEFT JOIN fund_info f USING (county_code, fund_code)
WHERE d.disbursed_on IS NOT NULL AND d.disbursed_on <= $as_of
"""  # noqa: S608

# Late beyond the last bucket edge (>10 days) with nothing on record to explain it:
# the county found 7 such delayed funds (DESIGN.md §1).
DISBURSEMENT_DELAY = f"""
SELECT * FROM ({DISBURSEMENT_DELAYS})
WHERE approved_on IS NOT NULL AND NOT is_excused AND delay_days > list_max($delay_edges_days)
ORDER BY delay_days DESC, voucher_no
"""  # noqa: S608

# The vouchers disbursement_delay cannot judge: disbursed, with no approval date.
UNDATED_DISBURSED = f"SELECT * FROM ({DISBURSEMENT_DELAYS}) WHERE approved_on IS NULL"  # noqa: S608

# Second stage, per household payment (weight: payments that day): from disbursement to the account.
PAYOUT_WAITS = f"""
WITH {FUND_INFO}, {ALLOCATIONS}, {PAYMENT_LINKS}
SELECT d.county_code, d.voucher_no, d.fund_code, d.fund_name, d.department, {DISBURSEMENT_YEAR} AS year,
       l.township, l.amount_yuan, l.wait_days, l.payment_count AS weight,
       array_length(list_filter($delay_edges_days, lambda e: e < l.wait_days)) AS bucket
FROM links l JOIN disbursed d USING (county_code, voucher_no)
"""  # noqa: S608

# A disbursement whose money reached no household until long after it left
# the treasury (a tranche for several periods is paid period by period, so
# the first payment is what shows money held back).
PAYOUT_DELAY = f"""
WITH {FUND_INFO}, {ALLOCATIONS}, {PAYMENT_LINKS}
SELECT d.county_code, d.voucher_no, d.fund_code, d.fund_name, d.department, {DISBURSEMENT_YEAR} AS year,
       d.township, d.amount_yuan, d.approved_on, d.disbursed_on,
       min(l.paid_on) AS first_paid_on, max(l.paid_on) AS last_paid_on, sum(l.payment_count) AS payment_count,
       min(l.wait_days) AS wait_days, date_diff('day', d.approved_on, min(l.paid_on)) AS total_days
FROM links l JOIN disbursed d USING (county_code, voucher_no)
GROUP BY d.county_code, d.voucher_no, d.fund_code, d.fund_name, d.department, d.township, d.amount_yuan, d.approved_on,
         d.disbursed_on
HAVING min(l.wait_days) > $payout_limit_days
ORDER BY wait_days DESC, d.voucher_no
"""  # noqa: S608

CHECKS = (
    Check(
        "disbursement_delay",
        "delays",
        "拨付时效：审核签字到拨出超期",
        "Slow disbursement: approval to treasury payment",
        "low",
        "审核签字后超过最长时段（默认 10 天）才从国库拨出、又没有按进度拨付或特殊原因记录的资金。"
        "所有拨付的 ≤3 天、4–10 天、>10 天分布（含按进度和有特殊原因的，单独列出）见时效分布。",
        "Disbursements that left the treasury more than the last bucket edge (10 days by default) after approval "
        "with nothing on record to explain it. The distribution of every disbursement over the buckets, those "
        "paid by progress or with a reason shown apart, is on the delay report.",
        "向拨款股室核实延迟原因；超过 10 天的要求书面说明，并督促建立限时拨付制度。",
        "Ask the paying office why; for more than 10 days ask for a written reason and a time-limit rule.",
        DISBURSEMENT_DELAY,
        (
            Column("voucher_no"),
            *FUND_COLS,
            Column("township"),
            Column("payee"),
            Column("amount_yuan", "拨付金额", "Amount", "amount"),
            Column("approved_on", kind="date"),
            Column("disbursed_on", kind="date"),
            Column("delay_days", kind="days"),
            Column("bucket", kind="int"),
        ),
        **ON_DISBURSEMENT,
        left_out=LeftOut(UNDATED_DISBURSED, UNDATED_ZH, UNDATED_EN),
    ),
    Check(
        "payout_delay",
        "delays",
        "兑付时效：拨出后迟迟未发到户",
        "Slow payout: treasury to the first household",
        "medium",
        "资金从国库拨给乡镇财政所后，超过规定天数（默认 30 天）才有第一户收到钱。发放按凭证号对应拨付；"
        "清册没有凭证号的，对应同一资金拨给该乡镇的、发放日之前最近的一笔拨付。每户从拨出到到账的天数分布见时效分布的第二段。"
        "无审核日期的凭证（如直达资金支付凭证）照样从拨出日算起，只是没有审核到到户的总天数。",
        "Disbursements to a township whose first household payment came more than the limit (30 days by "
        "default) after the money left the treasury. A payment is matched by voucher number, or, on rolls "
        "without one, to the fund's latest disbursement to the township before it was paid. The wait of every "
        "household is the second stage of the delay report. A voucher with no approval date (such as the "
        "直达资金 system's payment vouchers) counts from its disbursement all the same; it has no total days "
        "from approval.",
        "向乡镇财政所核实资金滞留原因，检查是否存在截留、挪用或以拨代支；督促限期发放。",
        "Ask the township finance office why the money waited; check for withholding or diversion.",
        PAYOUT_DELAY,
        (
            Column("voucher_no"),
            *FUND_COLS,
            Column("township"),
            Column("amount_yuan", "拨付金额", "Amount", "amount"),
            Column("disbursed_on", kind="date"),
            Column("first_paid_on", kind="date"),
            Column("last_paid_on", kind="date"),
            Column("payment_count", kind="int"),
            Column("wait_days", kind="days"),
            Column("total_days", kind="days"),
        ),
        **ON_DISBURSEMENT,
    ),
)

# -- the distribution (the delay report's tables and chart) -------------------

_GROUPS = {
    "all": "'合计'",
    "fund": "fund_code || ' ' || coalesce(fund_name, '')",
    "department": "coalesce(department, '')",
}


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in per cent, two decimals, rounded half up (161 / 1,218 -> 13.22)."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def bucket_labels(edges: tuple[int, ...], lang: str = "zh") -> list[str]:
    """≤3天, 4–10天, >10天 for edges (3, 10)."""
    day = " days" if lang == "en" else "天"
    labels = [f"≤{edges[0]}{day}"]
    labels += [f"{a + 1}–{b}{day}" for a, b in zip(edges, edges[1:], strict=False)]
    return labels + [f">{edges[-1]}{day}"]


def distribution(
    con: duckdb.DuckDBPyConnection,
    params: Params,
    filters: Filters,
    by: str = "all",
    stage: str = "treasury",
) -> list[dict[str, Any]]:
    """Counts, amounts and percentages per bucket, computed from the rows.

    stage "treasury": every disbursement, approval to disbursement; of each
    bucket, those paid by progress or with a recorded reason are counted
    apart (``explained``), never dropped; a voucher with no approval date is
    in no bucket and no total: ``undated`` counts it (“另有 N 张凭证无审核日期，
    未计入”).  Stage "payout": every household payment, disbursement to the
    household's account.
    """
    group = _GROUPS[by]
    if stage == "treasury":
        source, explained = DISBURSEMENT_DELAYS, "CAST(is_excused AS INTEGER)"
    else:
        source, explained = PAYOUT_WAITS, "0"
    active = filters.active()
    where = " AND ".join(f"{k} = $f_{k}" for k in active) or "true"
    sql = f"""
        SELECT {group} AS grp, bucket, sum(weight) AS count, sum(amount_yuan) AS amount_yuan, sum({explained}) AS explained
        FROM ({source}) WHERE {where} GROUP BY 1, 2
    """  # noqa: S608
    values = bind(sql, {**params.sql_values(), **{f"f_{k}": v for k, v in active.items()}})
    if isinstance(con, duckdb.DuckDBPyConnection):
        rows = con.execute(sql, values).fetchall()
    else:  # a lake on Spark (fundquery.lake.spark.SparkLake): the same SQL, translated
        rows = con.query(sql, values, "delay_report")[1]
    labels = bucket_labels(params.delay_edges_days)
    out: dict[str, dict[str, Any]] = {}
    for grp, b, n, amount, explained in rows:
        entry = out.setdefault(
            grp,
            {
                "group": grp,
                "labels": labels,
                "buckets": [0] * len(labels),
                "amounts": [Decimal(0)] * len(labels),
                "explained": [0] * len(labels),
                "undated": 0,
                "undated_yuan": Decimal(0),
            },
        )
        if b is None:  # no approval date: no delay (DISBURSEMENT_DELAYS), counted apart
            entry["undated"] += int(n)
            entry["undated_yuan"] += amount
            continue
        entry["buckets"][b] += int(n)
        entry["amounts"][b] += amount
        entry["explained"][b] += int(explained)
    result = []
    for grp in sorted(out):
        entry = out[grp]
        entry["total"] = sum(entry["buckets"])
        entry["total_yuan"] = sum(entry["amounts"])
        entry["percentages"] = [percent(n, entry["total"]) for n in entry["buckets"]]
        result.append(entry)
    return result


def stages(
    con: duckdb.DuckDBPyConnection, params: Params, filters: Filters
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The delay report: both stages, over everything, per fund and per department
    (the inspectors' delay page and `fundquery report delays`)."""
    return {
        stage: {
            by: distribution(con, params, filters, by=by, stage=stage)
            for by in ("all", "fund", "department")
        }
        for stage in ("treasury", "payout")
    }

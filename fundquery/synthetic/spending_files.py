"""The county's spending spreadsheets: department budgets, disbursements and projects,
each laid out the way its office keeps it (the shared ``Out`` and ``alias`` are in ``files.py``)."""

from __future__ import annotations

from . import names
from .files import Out, alias
from .money import fen
from .plan import Plan
from .writers import fmt_amount, fmt_date


def write_budgets(out: Out, plan: Plan) -> None:
    k = "budgets"
    cols = [
        alias(k, "department", "部门名称"),
        alias(k, "year"),
        alias(k, "category", "支出类别"),
        alias(k, "item", "科目名称"),
        alias(k, "amount_yuan", "预算数"),
    ]

    def rows():
        total = dept_total = 0
        last = None
        for b in plan.budgets:
            if last and b.department != last:
                yield ["小计", None, None, None, f"{dept_total / 100:,.2f}元"]
                dept_total = 0
            last = b.department
            out.tally.add(k, fen(b.amount), department=b.department, category=b.category)
            total += fen(b.amount)
            dept_total += fen(b.amount)
            yield [b.department, plan.year, b.category, b.item, fmt_amount(b.amount, "comma_yuan")]
        yield ["小计", None, None, None, f"{dept_total / 100:,.2f}元"]
        yield ["合计", None, None, None, f"{total / 100:,.2f}元"]

    out.emit(
        f"06_{plan.year}年部门预算.xlsx",
        k,
        [f"{names.COUNTY}{plan.year}年部门预算公开表", "单位：元"],
        [cols],
        rows(),
        ["title_rows", "subtotal_rows", "total_row", "amount_yuan_suffix"],
    )


def write_disbursements(out: Out, plan: Plan) -> None:
    k = "disbursements"
    layouts = (
        (
            f"07_{plan.year}年专项资金拨付明细（到人到户）.xlsx",
            ("allocation", "unpaid"),
            None,
            "zh",
            "excel",
            "number",
            [
                "凭证号",
                "资金编码",
                "收款单位",
                "拨付金额",
                "审核签字日期",
                "拨出日期",
                "按进度拨付",
                "备注",
            ],
            ["title_rows", "chinese_dates", "excel_dates"],
        ),
        (
            f"08_{plan.year}年项目资金拨付明细.csv",
            ("project", "never"),
            "gbk",
            "slash",
            "compact",
            "comma",
            [
                "支付凭证号",
                "专项资金编码",
                "收款方",
                "拨款金额",
                "审批日期",
                "拨款日期",
                "按项目进度",
                "特殊原因",
            ],
            ["gbk", "slash_dates", "compact_dates", "amount_thousands_separator"],
        ),
    )
    cols_of = (
        "voucher_no",
        "fund_code",
        "payee",
        "amount_yuan",
        "approved_on",
        "disbursed_on",
        "is_by_progress",
        "reason",
    )
    for name, roles, enc, approved_style, disbursed_style, amount_style, prefer, traits in layouts:
        cols = [alias(k, c, p) for c, p in zip(cols_of, prefer, strict=True)]
        chosen = [r for r in plan.disbursements if r.role in roles]

        def rows(chosen=chosen, a=approved_style, d=disbursed_style, m=amount_style):
            for r in chosen:
                days = r.delay_days
                bucket = (
                    None
                    if days is None
                    else "le3"
                    if days <= 3
                    else "4to10"
                    if days <= 10
                    else "gt10"
                )
                out.tally.add(k, r.amount_fen, **({"delay_bucket": bucket} if bucket else {}))
                yield [
                    r.voucher_no,
                    r.fund_code,
                    r.payee,
                    fmt_amount(r.amount, m),
                    fmt_date(r.approved_on, a),
                    fmt_date(r.disbursed_on, d),
                    "是" if r.is_by_progress else "否",
                    r.reason or None,
                ]

        out.emit(
            name,
            k,
            [f"{names.COUNTY}财政局专项资金拨付明细表"],
            [cols],
            rows(),
            traits,
            encoding=enc,
            fund_codes=sorted({r.fund_code for r in chosen}),
        )


def write_projects(out: Out, plan: Plan) -> None:
    k = "projects"
    cols = [
        "序号",
        alias(k, "fund_code", "资金代码"),
        alias(k, "project_name"),
        alias(k, "township", "乡镇(街道)"),
        alias(k, "village", "村(社区)"),
        alias(k, "contractor"),
        alias(k, "amount_yuan", "补助金额"),
        alias(k, "start_on"),
        alias(k, "status"),
    ]

    def rows():
        total, i = 0, 0
        for pl in plan.project_plans:
            for p in pl.projects:
                i += 1
                out.tally.add(k, fen(p.amount), fund_code=p.fund_code)
                total += fen(p.amount)
                yield [
                    i,
                    p.fund_code,
                    p.name,
                    p.township,
                    p.village,
                    p.contractor,
                    fmt_amount(p.amount, "comma_yuan"),
                    fmt_date(p.start_on, "iso"),
                    p.status,
                ]
        yield ["合计", None, None, None, None, None, f"{total / 100:,.2f}元", None, None]

    out.emit(
        f"09_{plan.year}年项目资金公示表.xlsx",
        k,
        [f"{names.COUNTY}{plan.year}年财政项目资金公示表"],
        [cols],
        rows(),
        ["title_rows", "serial_column", "amount_yuan_suffix", "total_row"],
        fund_codes=[pl.code for pl in plan.project_plans],
    )

"""Payment lists (补贴发放清册): one file per fund and month paid, as the township offices send
them, plus the supplementary lists (补发清册, one per month the rows were missed in) that the
duplicate-payment anomaly arrives in, loaded last.  Each file's publication day is decided by
``publication.schedule`` from the days paid that it holds.

Each fund's file has its own habits (``VARIANTS``): format and encoding, how
dates and amounts are typed, title rows, blank rows between townships, 小计
per township, a 合计 row, full-width digits in a few rows, and which of the
spec's header aliases it uses.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from . import names
from .files import Out, alias
from .money import fen
from .plan import Plan
from .population import PersonFund, pay_date
from .publication import PaidFile
from .writers import fmt_amount, fmt_date, fmt_quantity, full_width

K = "payments"
# fund no -> habits; funds not listed take COMMON[no % len(COMMON)].
VARIANTS = {
    1: dict(
        fmt="csv",
        enc="gbk",
        date="slash",
        amount="plain",
        titles=2,
        blank=True,
        serial=True,
        status={"已发放": "发放成功", "退回": "发放失败"},
        units={"quantity": "（亩）", "standard_yuan": "（元/亩）", "amount_yuan": "（元）"},
    ),
    2: dict(fmt="xlsx", date="excel", amount="number", titles=2, subtotal=True, voucher=True),
    3: dict(
        fmt="csv",
        enc="utf-8-sig",
        date="zh",
        amount="yuan",
        titles=1,
        full_width=17,
        voucher=True,
        status={"退回": "已退回"},
    ),
    4: dict(
        fmt="xlsx",
        date="compact",
        amount="comma",
        titles=1,
        blank_every=40,
        status={"已发放": "已到账"},
    ),
}
COMMON = (
    dict(fmt="xlsx", date="iso", amount="number", titles=1, serial=True),
    dict(fmt="csv", enc="gbk", date="zh", amount="plain", titles=2, blank=True),
    dict(fmt="xlsx", date="slash", amount="comma", titles=2, subtotal=True),
    dict(
        fmt="csv", enc="utf-8-sig", date="iso", amount="yuan", titles=1, status={"已发放": "成功"}
    ),
)
BIG_ROWS = 50_000  # beyond this a fund is written as csv (xlsx is ~15 k rows/s)


def variant(fund: PersonFund) -> dict:
    no = fund.programme.no
    v = dict(VARIANTS.get(no) or COMMON[no % len(COMMON)])
    if fund.rows > BIG_ROWS and v["fmt"] == "xlsx" and no not in VARIANTS:
        v.update(fmt="csv", enc="gbk" if no % 2 else "utf-8-sig")
    return v


def _columns(fund: PersonFund, v: dict, i: int) -> list[tuple[str, str]]:
    """(canonical column, header) in the order the office lays them out."""
    household = fund.programme.who[0] == "head"
    monthly = fund.programme.schedule in ("monthly", "cases")

    def pick(col: str, choices: tuple[str, ...]) -> tuple[str, str]:
        return col, alias(K, col, choices[i % len(choices)])

    cols = [("serial", "序号")] if v.get("serial") else []
    cols += [
        pick("township", ("乡镇", "乡镇(街道)", "镇(区)", "所属乡镇", "乡(镇)")),
        pick("village", ("村", "村(社区)", "行政村", "村委会", "村名")),
        pick("village_group", ("组", "村民小组", "小组", "组别")),
        pick("name", ("户主姓名", "户主") if household else ("姓名", "领取人姓名", "人员姓名")),
        pick(
            "id_number",
            ("身份证号码", "公民身份号码", "身份证号", "证件号码", "身份号码", "身份证"),
        ),
        pick("household_no", ("户号", "户编号", "家庭编号")),
        ("quantity", alias(K, "quantity", fund.programme.qty_alias)),
        pick("standard_yuan", ("补助标准", "发放标准", "标准")),
        pick("amount_yuan", ("补贴金额", "发放金额", "实发金额", "应发金额", "金额")),
        pick("paid_on", ("发放日期", "发放时间", "到账日期")),
        pick("bank_account", ("一卡通账号", "银行账号", "账号", "卡号", "存折号")),
        pick("card_status", ("发放状态", "一卡通状态", "状态")),
        pick("fund_code", ("资金编码", "专项资金编码", "资金代码")),
        pick("year", ("年度", "年份", "资金年度")),
        pick("period", ("月份", "发放月份", "期间") if monthly else ("发放期间", "期间", "批次")),
    ]
    if v.get("voucher"):
        cols.append(pick("voucher_no", ("拨款凭证号", "凭证号", "支付凭证号")))
    units = v.get("units", {})  # 计税面积（亩）: the unit written after the header
    return [(c, h + units.get(c, "")) for c, h in cols]


class _Rows:
    """Shapes one fund's records into sheet rows, tallying each record."""

    def __init__(self, out: Out, plan: Plan, fund: PersonFund, v: dict, cols):
        self.out, self.plan, self.fund, self.v = out, plan, fund, v
        self.cols = [c for c, _ in cols]
        self.index = {c: j for j, c in enumerate(self.cols)}
        self.amount_col = self.index["amount_yuan"]
        self.vouchers = plan.voucher_of(fund.programme.no) if v.get("voucher") else {}
        self.days: dict[tuple[int, int], dt.date] = {}
        self.serial = 0
        self.written = PaidFile("")  # what the file being written holds (publication.schedule)

    def paid_on(self, ti: int, p: int, later: bool = False) -> dt.date:
        key = (ti, p)
        if key not in self.days:
            self.days[key] = pay_date(
                self.plan.year, self.fund.months[p], self.fund.programme.no, ti
            )
        day = self.days[key]
        return min(day + dt.timedelta(days=25), dt.date(self.plan.year, 12, 28)) if later else day

    def record(self, i: int, p: int, status: str, amount: Decimal, later: bool = False) -> list:
        f, v, u = self.fund, self.v, self.fund.units[i]
        place, ti = u.household.place, u.household.place.township_idx
        self.out.tally.add(K, fen(amount), u.person.id_number, fund_code=f.code, card_status=status)
        self.serial += 1
        wide = v.get("full_width") and self.serial % v["full_width"] == 0
        qty = fmt_quantity(u.quantity, "number" if v["amount"] == "number" else "plain")
        std = fmt_amount(u.standard, v["amount"] if v["amount"] != "comma" else "plain")
        amt = fmt_amount(amount, v["amount"])
        unpaid = status in ("待发放", "发放中")  # not in the household's account yet
        paid_on = None if unpaid else self.paid_on(ti, p, later)
        day = None if unpaid else fmt_date(paid_on, v["date"])
        if paid_on is not None:
            self.written.paid.add((f.code, place.township, paid_on))
        self.written.records.add((f.code, f.labels[p], u.person.id_number))
        if wide:
            qty, amt, day = full_width(str(qty)), full_width(str(amt)), day and full_width(str(day))
        values = {
            "serial": self.serial,
            "township": place.township,
            "village": place.village,
            "village_group": u.household.group,
            "name": u.person.name,
            "id_number": u.person.id_number,
            "household_no": u.household.no,
            "quantity": qty,
            "standard_yuan": std,
            "amount_yuan": amt,
            "paid_on": day,
            "bank_account": u.account,
            "card_status": v.get("status", {}).get(status, status),
            "fund_code": f.code,
            "year": self.plan.year,
            "period": f.labels[p],
            "voucher_no": None if unpaid else self.vouchers.get((ti, p)),
        }
        return [values[c] for c in self.cols]

    def summary(self, label: str, total: int) -> list:
        row: list = [None] * len(self.cols)
        row[0] = label
        row[self.amount_col] = fmt_amount(
            Decimal(total) / 100, self.v["amount"] if self.v["amount"] != "yuan" else "plain"
        )
        return row


def write_fund(out: Out, plan: Plan, fund: PersonFund, i: int) -> list[PaidFile]:
    """One file per month the fund pays in (its periods of that month), in month order."""
    v = variant(fund)
    cols = _columns(fund, v, i)
    state, no = plan.state, fund.programme.no
    order = sorted(
        range(len(fund.units)),
        key=lambda j: (fund.units[j].household.place.index, fund.units[j].household.no, j),
    )
    written = []
    for month in sorted(set(fund.months)):
        periods = {p for p, m in enumerate(fund.months) if m == month}
        shaper = _Rows(out, plan, fund, v, cols)

        def rows(shaper=shaper, periods=periods):
            total = town_total = 0
            last_town = None
            for n, j in enumerate(order):
                u = fund.units[j]
                mine = [p for p in range(u.first, u.last + 1) if p in periods]
                if not mine:
                    continue
                ti = u.household.place.township_idx
                if last_town is not None and ti != last_town:
                    if v.get("subtotal"):
                        yield shaper.summary("小计", town_total)
                    if v.get("blank"):
                        yield []
                    town_total = 0
                last_town = ti
                if v.get("blank_every") and n and n % v["blank_every"] == 0:
                    yield []
                for p in mine:
                    if (no, j, p) in state.moved:
                        continue
                    status, amount = (
                        state.row(no, j, ti, p, u.amount)
                        if state.touches(no)
                        else ("已发放", u.amount)
                    )
                    total += fen(amount)
                    town_total += fen(amount)
                    yield shaper.record(j, p, status, amount)
            if v.get("subtotal"):
                yield shaper.summary("小计", town_total)
            yield shaper.summary("合计", total)

        if not any(
            u.first <= p <= u.last and (no, j, p) not in state.moved
            for j, u in enumerate(fund.units)
            for p in periods
        ):
            continue
        traits = [f"{v['date']}_dates", f"amount_{v['amount']}", "title_rows", "total_row"]
        traits += [t for t in ("blank", "subtotal", "serial", "voucher", "full_width") if v.get(t)]
        traits += ["blank"] if v.get("blank_every") else []
        traits += ["units_in_headers"] if v.get("units") else []
        ext = "csv" if v["fmt"] == "csv" else "xlsx"
        titles = [f"{names.COUNTY}{plan.year}年{month}月{fund.programme.name}发放清册"]
        if v["titles"] > 1:
            titles.append(f"填报单位：{fund.programme.department}　　　　　单位：元")
        name = f"{10 + i:02d}_{fund.code}_{fund.programme.name}{month:02d}月发放清册.{ext}"
        out.emit(
            name,
            K,
            titles,
            [[h for _, h in cols]],
            rows(),
            traits,
            encoding=v.get("enc"),
            fund_codes=[fund.code],
            big=fund.rows > 5_000,
        )
        shaper.written.path = name
        written.append(shaper.written)
    return written


def write_supplement(out: Out, plan: Plan, n_files: int) -> list[PaidFile]:
    """The 补发清册: rows missed in the monthly lists, and (planted) rows paid twice; one file per
    month the rows were missed in, paid some weeks later."""
    funds = {f.programme.no: f for f in plan.person_funds}
    v = dict(fmt="xlsx", date="iso", amount="number", titles=1, serial=True)
    head = funds[1]
    cols = _columns(head, v, 0)
    cols = [
        (c, h if c not in ("name", "quantity") else {"name": "姓名", "quantity": "数量"}[c])
        for c, h in cols
    ]
    records = sorted(plan.state.moved) + list(plan.state.duplicates)
    twice = set(plan.state.duplicates)
    by_month: dict[int, list] = {}
    for no, j, p in records:
        by_month.setdefault(funds[no].months[p], []).append((no, j, p))
    written = []
    for month, chosen in sorted(by_month.items()):
        paid = PaidFile("")

        def rows(chosen=chosen, paid=paid):
            total = 0
            for serial, (no, j, p) in enumerate(chosen):
                fund = funds[no]
                shaper = _Rows(out, plan, fund, v, cols)
                shaper.serial, shaper.written = serial, paid
                u = fund.units[j]
                _, amount = plan.state.row(no, j, u.household.place.township_idx, p, u.amount)
                total += fen(amount)
                yield shaper.record(j, p, "已发放", amount, later=True)
            yield _Rows(out, plan, head, v, cols).summary("合计", total)

        traits = ["title_rows", "serial_column", "several_funds", "total_row"]
        traits += ["duplicate_payments"] if twice & set(chosen) else []
        name = f"{10 + n_files:02d}_{plan.year}年{month:02d}月惠民惠农补贴补发清册.xlsx"
        out.emit(
            name,
            K,
            [f"{names.COUNTY}{plan.year}年{month}月惠民惠农补贴补发清册"],
            [[h for _, h in cols]],
            rows(),
            traits,
            fund_codes=sorted({funds[no].code for no, _, _ in chosen}),
        )
        paid.path = name
        written.append(paid)
    return written

"""The county's catalogue and staffing spreadsheets (budgets, disbursements and projects are in
``spending_files.py``, payments in ``payment_files.py``), each laid out the way its office keeps it.

Headers are taken from the aliases declared in ``etl.specs`` (varied across
files), so the generator and the loader cannot disagree about a header.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from etl.specs import SPECS

from . import names
from .manifest import FileEntry, Tally
from .money import fen
from .plan import Plan
from .staffing import TYPES
from .writers import fmt_amount, fmt_date, write_csv, write_xlsx

AGENCY_TYPE_TEXT = {"行政": "行政单位", "参公": "参公单位", "事业": "事业单位"}
WIDE_GROUPS = ("行政", "事业(参公)", "事业(其他)", "工勤")


def alias(kind: str, column: str, prefer: str | None = None) -> str:
    """``prefer`` if the spec knows it as a header of ``column``, else the spec's first alias."""
    aliases = SPECS[kind].column(column).aliases
    return prefer if prefer in aliases else aliases[0]


class Out:
    """Writes files into ``out_dir`` and records them, in load order."""

    def __init__(
        self, out_dir: Path, tally: Tally, progress: Callable | None = None, total: int = 0
    ):
        self.out_dir, self.tally, self.progress, self.total = out_dir, tally, progress, total
        self.files: list[FileEntry] = []

    def emit(
        self,
        name: str,
        kind: str,
        titles,
        headers,
        rows,
        traits,
        *,
        encoding: str | None = None,
        merges=(),
        fund_codes=(),
        big: bool = False,
    ) -> None:
        path = self.out_dir / name
        before = self.tally.rows[kind]
        if name.endswith(".csv"):
            write_csv(path, encoding, titles, headers, rows)
        else:
            write_xlsx(path, kind, titles, headers, rows, merges=merges, big=big)
        header = [str(c) for c in headers[-1] if c is not None]
        if len(headers) > 1:
            header = [str(c) for c in headers[0] if c is not None]
        self.files.append(
            FileEntry(
                name,
                kind,
                "csv" if name.endswith(".csv") else "xlsx",
                encoding,
                self.tally.rows[kind] - before,
                header,
                list(traits),
                list(fund_codes),
            )
        )
        if self.progress:
            self.progress(name, len(self.files), self.total)


def write_funds(out: Out, plan: Plan) -> None:
    k = "funds"
    cols = [
        "序号",
        alias(k, "fund_code"),
        alias(k, "fund_name"),
        alias(k, "category"),
        alias(k, "department"),
        alias(k, "level"),
        alias(k, "year"),
        alias(k, "budget_yuan"),
        alias(k, "pays_to"),
        alias(k, "standard_yuan"),
        alias(k, "policy_basis"),
    ]

    def rows():
        total = 0
        funds = [
            (f.code, f.programme, f.budget, "到人(户)", f.programme.draw) for f in plan.person_funds
        ]
        funds += [(p.code, p.fund, p.budget, "到项目", None) for p in plan.project_plans]
        for i, (code, prog, budget, pays_to, draw) in enumerate(funds, 1):
            std = draw[1] if draw and draw[0] in ("area", "persons", "one", "count") else None
            out.tally.add(k, fen(budget), fund_code=code, pays_to="persons" if draw else "projects")
            total += fen(budget)
            yield [
                i,
                code,
                prog.name,
                prog.category,
                prog.department,
                prog.level,
                plan.year,
                fmt_amount(budget, "comma"),
                pays_to,
                None if std is None else f"{std}.00",
                getattr(prog, "policy", "") or None,
            ]
        yield ["合计", None, None, None, None, None, None, f"{total / 100:,.2f}", None, None, None]

    out.emit(
        f"01_{plan.year}年财政专项资金目录.xlsx",
        k,
        [f"{names.COUNTY}{plan.year}年财政专项资金目录", "单位：元"],
        [cols],
        rows(),
        ["title_rows", "serial_column", "amount_thousands_separator", "total_row"],
    )


def write_agencies(out: Out, plan: Plan) -> None:
    k = "agencies"
    wide = SPECS[k].wide
    top = [alias(k, "agency_code"), alias(k, "agency_name")]
    bottom: list = [None, None]
    for g in WIDE_GROUPS:
        top += [g, None, None, None]
        bottom += [
            wide.measures["quota"][0],
            wide.measures["actual_reported"][0],
            wide.measures["over"][0],
            wide.measures["under"][0],
        ]
    merges = [(0, 0, 1, 0), (0, 1, 1, 1)] + [(0, 2 + 4 * i, 0, 5 + 4 * i) for i in range(4)]

    def wide_rows():
        totals = [0] * 16
        for a in (a for a in plan.agencies if a.layout == "wide"):
            cells = []
            for g in WIDE_GROUPS:
                q, r = a.quotas.get(g, 0), a.reported.get(g, 0)
                cells += [q, r, max(0, r - q), max(0, q - r)]
                if q or r:  # an all-zero group is no row (the loader drops it too)
                    out.tally.add(k, agency_code=a.code, layout_code=("wide", a.code))
            totals = [x + y for x, y in zip(totals, cells, strict=True)]
            yield [a.code, a.name, *cells]
        yield [None, "总计", *totals]

    out.emit(
        "02_各单位编制与人员配备表.xlsx",
        k,
        [
            f"{names.COUNTY}各单位编制与人员配备表（截至{plan.as_of.year}年{plan.as_of.month}月{plan.as_of.day}日）"
        ],
        [top, bottom],
        wide_rows(),
        ["merged_title", "two_level_header", "wide_layout", "total_row"],
        merges=merges,
    )
    cols = [
        alias(k, "agency_code", "机构代码"),
        alias(k, "agency_name", "机构名称"),
        alias(k, "agency_type", "单位性质"),
        alias(k, "department", "上级部门"),
        alias(k, "staffing_type", "编制性质"),
        alias(k, "quota", "核定编制"),
        alias(k, "actual_reported", "在编人数"),
    ]
    written = {
        "事业(其他)": "事业编制",
        "工勤": "工勤编制",
        "事业(参公)": "参公",
        "行政": "行政编制",
    }

    def long_rows():
        for a in (a for a in plan.agencies if a.layout == "long"):
            for st, _ in TYPES[a.agency_type]:
                out.tally.add(k, agency_code=a.code, layout_code=("long", a.code))
                yield [
                    a.code,
                    a.name,
                    AGENCY_TYPE_TEXT[a.agency_type],
                    a.department,
                    written[st],
                    a.quotas[st],
                    a.reported[st],
                ]

    out.emit(
        "03_事业单位机构编制.csv",
        k,
        [f"{names.COUNTY}事业单位机构编制情况"],
        [cols],
        long_rows(),
        ["title_rows", "utf8_bom"],
        encoding="utf-8-sig",
    )


def write_staff(out: Out, plan: Plan) -> None:
    k = "staff"
    layouts = (
        (
            "04_机关编制实名制人员名册.xlsx",
            "wide",
            None,
            "excel",
            [
                "单位代码",
                "单位名称",
                "姓名",
                "身份证号",
                "编制类型",
                "职务",
                "入编时间",
                "人员状态",
            ],
            {"在职": "在职"},
            ["title_rows", "excel_dates", "blank_rows"],
        ),
        (
            "05_事业单位编制实名制人员名册.csv",
            "long",
            "gbk",
            "zh",
            [
                "机构代码",
                "所在单位",
                "人员姓名",
                "公民身份号码",
                "人员类别",
                "岗位",
                "参加工作时间",
                "在职状态",
            ],
            {"在职": "在岗", "死亡": "已故"},
            ["title_rows", "gbk", "chinese_dates"],
        ),
    )
    kinds = {"事业(其他)": "事业", "事业(参公)": "参公", "行政": "行政", "工勤": "工勤"}
    cols_of = (
        "agency_code",
        "agency_name",
        "name",
        "id_number",
        "staffing_type",
        "post",
        "hired_on",
        "status",
    )
    for name, layout, enc, date_style, prefer, status_text, traits in layouts:
        cols = [alias(k, c, p) for c, p in zip(cols_of, prefer, strict=True)]
        rows_of = sorted(
            (s for s in plan.staff if s.agency.layout == layout), key=lambda s: s.agency.code
        )

        def rows(rows_of=rows_of, date_style=date_style, status_text=status_text, layout=layout):
            last = None
            for s in rows_of:
                if layout == "wide" and last is not None and s.agency is not last:
                    yield []
                last = s.agency
                out.tally.add(k, id_number=s.person.id_number, status=s.status)
                yield [
                    s.agency.code,
                    s.agency.name,
                    s.person.name,
                    s.person.id_number,
                    kinds[s.staffing_type] if layout == "long" else s.staffing_type,
                    s.post,
                    fmt_date(s.hired_on, date_style),
                    status_text.get(s.status, s.status),
                ]

        out.emit(
            name,
            k,
            [f"{names.COUNTY}编制实名制人员名册（{'机关' if layout == 'wide' else '事业单位'}）"],
            [cols],
            rows(),
            traits,
            encoding=enc,
        )

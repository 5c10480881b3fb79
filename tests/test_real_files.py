"""Spreadsheets written by WPS and Excel, not by us, load where every column belongs (issue 14).

Each file under tests/realfiles/ is a real public file (manifest: tests/realfiles/README.md).  An xlsx
was stripped of its people and is filled here with synthetic rows by editing its own package
(tests/realfiles/fill.py: new ``<row>`` elements with the file's own style ids, new shared strings
appended to its own table, every other part byte-identical), then loaded through etl.load.load_file
into a real DuckDB file; the stored rows are compared with the values written, and the sheet read in
three pieces (etl.sheetsplit) gives the extract it gives read whole.  An .xls (BIFF8) cannot be
appended to without another writer: its header rows are tested as they are.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from etl import sheetsplit
from etl.idnum import mask
from etl.read import read
from fundquery.synthetic.ids import check_digit
from tests.layouts.harness import HASHER, _open
from tests.realfiles.fill import fill

HERE = Path(__file__).parent / "realfiles"
ROWS = 400
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国秀英志强桂兰海燕红梅德明春华玉珍文杰晓东丽娟"
VILLAGES = ("东风村", "红星村", "新华村", "胜利村", "联合村", "团结村")
REGION = "422822"  # the region code tests/layouts/build.py uses; the numbers are synthetic
STANDARD = Decimal("105")
FUND = {"fund_code": "F001", "township": "城关镇", "standard_yuan": "105"}


def _people(seed: int, n: int = ROWS) -> list[dict]:
    """Synthetic 种粮大户: name, village, ID number (real check digit), phone, area (亩), year."""
    rng = random.Random(seed)
    out, used = [], set()
    while len(out) < n:
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 50))
        first17 = f"{REGION}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
        number = first17 + check_digit(first17)
        if number in used:
            continue
        used.add(number)
        out.append(
            {
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "village": rng.choice(VILLAGES),
                "id_number": number,
                "phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                "area": Decimal(rng.randrange(1000, 500000)) / 100,
                "year": 2024,
            }
        )
    return out


def _stored(con, batch: int) -> list[tuple]:
    return con.execute(
        "SELECT row_no, name, village, id_masked, quantity, year, amount_yuan FROM payments "
        "WHERE batch_id = ? ORDER BY row_no",
        [batch],
    ).fetchall()


def _expected(people: list[dict], first_row: int) -> list[tuple]:
    return [
        (
            first_row + i,
            p["name"],
            p["village"],
            mask(p["id_number"]),
            p["area"],
            p["year"],
            (p["area"] * STANDARD).quantize(Decimal("0.01"), ROUND_HALF_UP),
        )
        for i, p in enumerate(people)
    ]


def _load(tmp_path: Path, path: Path, mapping: dict | None, values: dict, kind: str = "payments"):
    """``path`` through etl.load.load_file into a fresh store (with a fund catalogue where ``kind`` needs one)."""
    from etl.load import load_file

    con = _open(tmp_path / "store", kind)
    res = load_file(
        con,
        path,
        kind,
        hasher=HASHER,
        uploaded_by="tester",
        archive_dir=tmp_path / "uploads",
        mapping=mapping,
        values=values,
    )
    return con, res


def _same_in_pieces(monkeypatch, path: Path, kind: str, mapping, values) -> None:
    monkeypatch.setattr(sheetsplit, "PART_BYTES", 1)
    monkeypatch.setattr(sheetsplit, "SPLIT_PARTS", 3)
    pieces = read(path, kind, mapping=mapping, values=values)
    monkeypatch.setattr(sheetsplit, "SPLIT_PARTS", 1)
    whole = read(path, kind, mapping=mapping, values=values)
    assert pieces.table.equals(whole.table)
    assert (pieces.skipped, pieces.rows_read) == (whole.skipped, whole.rows_read)
    assert whole.rows_read == ROWS


def _cut(path: Path, kind: str, mapping, values) -> bool:
    """Whether the sheet really is cut into pieces (PART_BYTES of one byte, three parts)."""
    import contextlib

    from etl import workbook

    with contextlib.ExitStack() as folder:
        found = workbook._checked_sheet(path, kind, path.name, mapping, values, folder)
        return bool(found and found[3])


# WPS 表格 (11.1.0.12358) wrote both: the county's 种粮大户 register of yam126/landcirculation.  The
# data style ids are the original's first data row's (a custom number format 0_);\(0\) on the area,
# text style 45 on the ID number, the phone a number); the empty 家庭农场 / 合作社 cells keep their
# styles as WPS writes them.
WPS_ROSTERS = {
    "landcirculation-zhongliang-dahu": {
        "styles": [9, 10, 10, 45, 10, 8, 12, 11, 10],
        "row_attrs": ' s="1" customFormat="1" ht="25" customHeight="1" spans="1:9"',
        "cells": lambda i, p: [
            ("n", i + 1),
            ("s", p["name"]),
            ("s", p["village"]),
            ("s", p["id_number"]),
            ("n", p["phone"]),
            ("n", p["area"]),
            (None, None),
            (None, None),
            ("n", p["year"]),
        ],
        "mapping": None,  # no mapping needed (main at 65777a8)
        "warnings": {"amount_computed", "column_unused"},
    },
    "landcirculation-zhongliang-dahu-dizhi": {
        "styles": [8, 8, 43, 8, 7, 10, 9, 8],
        "row_attrs": ' s="1" customFormat="1" ht="25" customHeight="1" spans="1:8"',
        "cells": lambda i, p: [
            ("s", p["name"]),
            ("s", f"城关镇{p['village']}{i % 9 + 1}组"),
            ("s", p["id_number"]),
            ("n", p["phone"]),
            ("n", p["area"]),
            (None, None),
            (None, None),
            ("n", p["year"]),
        ],
        "mapping": None,
        "warnings": {"amount_computed", "column_unused", "village_from_address"},
    },
}


def _filled(tmp_path: Path, slug: str) -> tuple[Path, list[dict]]:
    spec = WPS_ROSTERS[slug]
    people = _people(seed=len(slug))
    out = tmp_path / f"{slug}.xlsx"
    fill(
        HERE / f"{slug}.xlsx",
        out,
        "xl/worksheets/sheet1.xml",
        [spec["cells"](i, p) for i, p in enumerate(people)],
        spec["styles"],
        first_row=2,
        row_attrs=spec["row_attrs"],
    )
    return out, people


@pytest.mark.parametrize("slug", sorted(WPS_ROSTERS))
def test_wps_roster_loads_every_column_where_it_belongs(tmp_path, slug):
    """A WPS-written 种粮大户 register, filled with 400 synthetic people, loads as payments: every row
    stored with the name, village, masked ID, area and year written, the amount area × 105."""
    path, people = _filled(tmp_path, slug)
    con, res = _load(tmp_path, path, WPS_ROSTERS[slug]["mapping"], FUND)
    assert res.status == "loaded", res.as_json()
    assert {w.rule for w in res.report.warnings} == WPS_ROSTERS[slug]["warnings"]
    assert _stored(con, res.batch) == _expected(people, first_row=2)


@pytest.mark.parametrize("slug", sorted(WPS_ROSTERS))
def test_wps_roster_reads_the_same_in_pieces(tmp_path, monkeypatch, slug):
    """The same register cut in three pieces (etl.sheetsplit) reads as it reads whole."""
    path, _ = _filled(tmp_path, slug)
    mapping = WPS_ROSTERS[slug]["mapping"]
    monkeypatch.setattr(sheetsplit, "PART_BYTES", 1)
    monkeypatch.setattr(sheetsplit, "SPLIT_PARTS", 3)
    assert _cut(path, "payments", mapping, FUND)
    _same_in_pieces(monkeypatch, path, "payments", mapping, FUND)


# .xls (BIFF8) templates of Inspur's 民政 system (A1500/cam), header rows only: no people in them, and
# nothing appends a row to a BIFF8 file without rewriting it through another writer.
XLS_VALUES = {"fund_code": "F002", "township": "城关镇", "year": "2024"}


def test_wps_xls_relief_roster_header_lands_and_asks_for_the_village(tmp_path):
    """冬春救助 (WPS Office, .xls): a note row above the header; the name, ID, approved amount and bank
    account are recognised; 行政村（社区）代码 and 行政村（社区）名称 both look like the village, so
    the clerk is asked (column_ambiguous), and an empty template is refused as one (no_rows)."""
    path = HERE / "cam-dongchun-jiuzhu.xls"
    _, res = _load(tmp_path, path, None, XLS_VALUES)
    assert res.status == "rejected"
    assert sorted(e.rule for e in res.report.errors) == ["column_ambiguous", "no_rows"]
    ambiguous = next(e for e in res.report.errors if e.rule == "column_ambiguous")
    assert "行政村(社区)代码" in ambiguous.message and "行政村(社区)名称" in ambiguous.message

    mapping = {"行政村(社区)名称": "village", "行政村(社区)代码": ""}
    got = read(path, "payments", mapping=mapping, values=XLS_VALUES)
    labels = got.match.labels
    landed = {canonical: labels[i] for canonical, i in got.match.mapping.items()}
    assert landed == {
        "name": "户主姓名",
        "id_number": "身份证号码",
        "amount_yuan": "核准救助金额(元)",
        "bank_account": "开户银行帐号",
        "village": "行政村(社区)名称",
    }
    assert got.match.header_rows == (1,)
    assert got.rows_read == 0
    _, res = _load(tmp_path / "mapped", path, mapping, XLS_VALUES)
    assert [e.rule for e in res.report.errors] == ["no_rows"]


def test_excel_xls_bank_account_template_lands_and_names_the_missing_amount(tmp_path):
    """银行账号模板 (Excel 2003, .xls, 200 formatted empty rows): name, ID and account land; the
    missing amount is named with the columns that could be it."""
    path = HERE / "cam-bank-account.xls"
    got = read(path, "payments", values=XLS_VALUES)
    labels = got.match.labels
    assert {c: labels[i] for c, i in got.match.mapping.items()} == {
        "name": "户主姓名",
        "id_number": "身份证号码",
        "bank_account": "银行账号",
    }
    assert got.table.num_rows == 0
    assert len(got.skipped["blank"]) == 200
    _, res = _load(tmp_path, path, None, XLS_VALUES)
    assert [e.rule for e in res.report.errors] == ["column_missing"]
    assert "发放金额" in res.report.errors[0].message
    assert "开户银行、账户名称" in res.report.errors[0].message


# Apache POI's streaming writer (SXSSF), as an HR system (longsky21/ruihr) exports its 员工花名册: 84
# columns, every string inline (t="inlineStr", the shared-string table empty and self-closed), numbers
# with an explicit t="n" and a trailing ".0", dates as serials under yyyy-mm-dd, empty cells written
# <c ...></c>, a line break after each <row> and </row>, a <dimension ref="A1"/> that says nothing of the
# rows, and a comment (VML drawing) on every header cell.  The style of each column is the file's own
# (its <cols>): 3 text, 4 date, 5 two decimals, 6 integer, 7 text.
POI_SLUG = "ruihr-yuangong-huamingce"


def _col_styles(path: Path) -> list[int]:
    """Each column's style id, as the file's own <cols> gives it (one <col> a column)."""
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    cols = re.findall(r'<col min="(\d+)" max="(\d+)"[^>]*\bstyle="(\d+)"', xml)
    assert all(lo == hi for lo, hi, _ in cols)
    return [int(s) for _, _, s in cols]


POI_STYLES = _col_styles(HERE / f"{POI_SLUG}.xlsx")
EXCEL_EPOCH = dt.date(1899, 12, 30)
POSTS = ("科员", "副科长", "科长", "办事员", "技术员")


def _serial(d: dt.date) -> str:
    return f"{(d - EXCEL_EPOCH).days}.0"


def _staff(seed: int) -> list[dict]:
    rng = random.Random(seed)
    people = _people(seed)
    for i, p in enumerate(people):
        p["post"] = rng.choice(POSTS)
        p["hired_on"] = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 24))
        p["status"] = "在职" if i % 7 else "离职"
        p["employee_no"] = f"{i + 1:06d}"
    return people


def _poi_cells(p: dict) -> list[tuple[str, object]]:
    cells: list[tuple[str | None, object]] = [("empty", None)] * len(POI_STYLES)
    birth = dt.date(
        int(p["id_number"][6:10]), int(p["id_number"][10:12]), int(p["id_number"][12:14])
    )
    given = {
        0: ("is", p["name"]),
        2: ("is", p["status"]),
        3: ("is", "县财政局/国库股"),
        4: ("is", p["post"]),
        7: ("is", p["employee_no"]),
        8: ("is", "居民身份证"),
        9: ("is", p["id_number"]),
        10: ("is", p["phone"]),
        11: ("is", "劳动合同"),
        12: ("is", "全职"),
        13: ("tn", _serial(p["hired_on"])),
        14: ("is", "县财政局"),
        15: ("is", "男" if int(p["id_number"][16]) % 2 else "女"),
        16: ("tn", _serial(birth)),
    }
    for i, cell in given.items():
        cells[i] = cell
    return cells


# 职位 is the post (职务 is empty in this export; with no mapping the matcher now takes 职位 too: see the
# test below); 合同公司 is the employer; 员工状态 is not among the status headers the matcher knows
# (reported for etl/vocabulary.py).
POI_MAPPING = {"职位": "post", "职务": "", "合同公司": "agency_name", "员工状态": "status"}
POI_VALUES = {"staffing_type": "事业(其他)"}


def _poi_filled(tmp_path: Path) -> tuple[Path, list[dict]]:
    people = _staff(seed=7)
    out = tmp_path / f"{POI_SLUG}.xlsx"
    fill(
        HERE / f"{POI_SLUG}.xlsx",
        out,
        "xl/worksheets/sheet1.xml",
        [_poi_cells(p) for p in people],
        POI_STYLES,
        first_row=2,
        row_attrs=' customHeight="true" ht="20.0"',
        sep="\n",
    )
    return out, people


def test_poi_staff_roll_loads_every_column_where_it_belongs(tmp_path):
    """A POI-written 员工花名册 (inline strings, dates as serials, a dimension of A1), 400 synthetic
    staff: stored with the name, masked ID, post, hire date and status written."""
    path, people = _poi_filled(tmp_path)
    con, res = _load_staff(tmp_path, path, POI_MAPPING, POI_VALUES)
    assert res.status == "loaded", res.as_json()
    stored = con.execute(
        "SELECT row_no, agency_name, name, id_masked, staffing_type, post, hired_on, status "
        "FROM staff WHERE batch_id = ? ORDER BY row_no",
        [res.batch],
    ).fetchall()
    assert stored == [
        (
            2 + i,
            "县财政局",
            p["name"],
            mask(p["id_number"]),
            "事业(其他)",
            p["post"],
            p["hired_on"],
            p["status"],
        )
        for i, p in enumerate(people)
    ]


def test_poi_staff_rolls_post_is_read_from_its_filled_column_with_no_mapping(tmp_path):
    """With no mapping the post is 职位, which the export fills, not the empty 职务 its header would give
    (etl.headers._filled); the warning names both."""
    path, _ = _poi_filled(tmp_path)
    got = read(path, "staff", values=POI_VALUES)
    assert got.match.labels[got.match.mapping["post"]] == "职位"
    assert got.match.instead == {"post": "职务"}


def test_poi_staff_roll_reads_the_same_in_pieces(tmp_path, monkeypatch):
    path, _ = _poi_filled(tmp_path)
    monkeypatch.setattr(sheetsplit, "PART_BYTES", 1)
    monkeypatch.setattr(sheetsplit, "SPLIT_PARTS", 3)
    assert _cut(path, "staff", POI_MAPPING, POI_VALUES)
    _same_in_pieces(monkeypatch, path, "staff", POI_MAPPING, POI_VALUES)


# Microsoft Excel (last saved; created by openpyxl) — an employee-archive import template of a Kunming
# company's HR system (YJH-JianHui/roster): 11 sheets, each a merged title row, a merged note row and a
# bilingual header row ("姓名_real_name", "身份证号_id_card_no" …), x14ac:dyDescent on every row,
# mc:Ignorable, a frozen pane, phoneticPr, and a <dimension ref="A1:AH325"/> that the 400 appended rows
# outgrow.  Its ~320 real employees (and their families, contracts, salaries) were cut out of every
# sheet; the shared-string table keeps only the header texts.
EXCEL_SLUG = "roster-yuangong-dangan-daoru"
EXCEL_MAPPING = {
    "姓名_real_name": "name",
    "身份证号_id_card_no": "id_number",
    "当前状态_current_status": "status",
}
EXCEL_VALUES = {"agency_name": "县财政局", "staffing_type": "事业(其他)"}


def _excel_cells(p: dict) -> list[tuple[str | None, object]]:
    cells: list[tuple[str | None, object]] = [(None, None)] * 34
    number = p["id_number"]
    cells[0] = ("s", p["name"])
    cells[1] = ("s", number)
    cells[2] = ("s", "男" if int(number[16]) % 2 else "女")
    cells[3] = ("s", f"{number[6:10]}-{number[10:12]}")
    cells[4] = ("s", "汉族")
    cells[5] = ("s", "群众")
    cells[12] = ("s", p["status"])
    cells[13] = ("n", p["phone"])
    return cells


def _excel_filled(tmp_path: Path) -> tuple[Path, list[dict]]:
    people = _staff(seed=11)
    out = tmp_path / f"{EXCEL_SLUG}.xlsx"
    fill(
        HERE / f"{EXCEL_SLUG}.xlsx",
        out,
        "xl/worksheets/sheet1.xml",
        [_excel_cells(p) for p in people],
        [16, 16] + [17] * 32,  # the original first data row's style ids
        first_row=4,
        row_attrs=' spans="1:34" ht="15.6" x14ac:dyDescent="0.25"',
    )
    return out, people


def _load_staff(tmp_path: Path, path: Path, mapping, values):
    return _load(tmp_path, path, mapping, values, "staff")


def test_excel_staff_archive_loads_after_the_clerks_mapping(tmp_path):
    """The Excel-saved 员工主表 with 400 synthetic staff below its title, note and bilingual header:
    with the clerk's mapping of the three bilingual headers, every row is stored as written."""
    path, people = _excel_filled(tmp_path)
    con, res = _load_staff(tmp_path, path, EXCEL_MAPPING, EXCEL_VALUES)
    assert res.status == "loaded", res.as_json()
    stored = con.execute(
        "SELECT row_no, agency_name, name, id_masked, staffing_type, status FROM staff "
        "WHERE batch_id = ? ORDER BY row_no",
        [res.batch],
    ).fetchall()
    assert stored == [
        (4 + i, "县财政局", p["name"], mask(p["id_number"]), "事业(其他)", p["status"])
        for i, p in enumerate(people)
    ]


def test_excel_staff_archive_bilingual_headers_need_no_mapping(tmp_path):
    """姓名_real_name / 身份证号_id_card_no / 当前状态_current_status: the Chinese is the header (etl.text's
    gloss), and the filled 员工主表 is chosen over the empty 家庭成员 sheet beside it (etl.headers.sheet_rank):
    stored as with the clerk's mapping."""
    path, people = _excel_filled(tmp_path)
    con, res = _load_staff(tmp_path, path, None, EXCEL_VALUES)
    assert res.status == "loaded", res.as_json()
    stored = con.execute(
        "SELECT row_no, name, id_masked, status FROM staff WHERE batch_id = ? ORDER BY row_no",
        [res.batch],
    ).fetchall()
    assert stored == [
        (4 + i, p["name"], mask(p["id_number"]), p["status"]) for i, p in enumerate(people)
    ]


def test_excel_staff_archive_reads_the_same_in_pieces(tmp_path, monkeypatch):
    path, _ = _excel_filled(tmp_path)
    monkeypatch.setattr(sheetsplit, "PART_BYTES", 1)
    monkeypatch.setattr(sheetsplit, "SPLIT_PARTS", 3)
    assert _cut(path, "staff", EXCEL_MAPPING, EXCEL_VALUES)
    _same_in_pieces(monkeypatch, path, "staff", EXCEL_MAPPING, EXCEL_VALUES)


def test_excel_wage_sheet_with_a_table_part_lands_and_names_the_missing_id(tmp_path):
    """A 工资表 saved by Excel (tidaybreak/send_wage_mail: a mail-merge sheet, four key/value rows above
    the header, a ListObject table part over the header and its one placeholder row, a hyperlink):
    name, 应发工资 and, by the clerk's mapping, 工资实发合计 land; the form has no ID number, which a
    payroll needs, and the refusal says so and offers the unrecognised columns."""
    path = HERE / "send-wage-mail-gongzibiao.xlsx"
    mapping = {"工资实发合计": "net_yuan"}
    values = {"agency_name": "县财政局", "month": "2019-01"}
    got = read(path, "payroll", mapping=mapping, values=values)
    assert {c: got.match.labels[i] for c, i in got.match.mapping.items()} == {
        "name": "姓名",
        "gross_yuan": "应发工资",
        "net_yuan": "工资实发合计",
    }
    assert got.match.header_rows == (4,)
    # Since the tenth session 工资实发合计 is the net with no mapping.  The month is not taken from the rows
    # above the header: they name two (邮件标题 2019-2月份工资条, 表格头 工资明细表（2019.1.1至2019.1.31）),
    # so the clerk still says which.
    unaided = read(path, "payroll", values={"agency_name": "县财政局"})
    assert unaided.match.labels[unaided.match.mapping["net_yuan"]] == "工资实发合计"
    assert "month" not in unaided.match.values
    _, res = _load(tmp_path, path, mapping, values, "payroll")
    assert [e.rule for e in res.report.errors] == ["column_missing"]
    assert "身份证号" in res.report.errors[0].message
    assert "工资卡号" in res.report.errors[0].message


def test_mac_excel_xls_wage_sheet_is_found_and_names_the_missing_id(tmp_path):
    """工资表模板 (Microsoft Macintosh Excel, .xls; balabalazhoucj/AutoSendSalary; placeholder rows
    xxxx1…, no people): 应付工资 / 本月实付工资 are read as gross and net with or without the clerk's
    mapping (before, only 姓名 was recognised and the file had no header at all), the nine rows read, and the refusal
    names the ID number the form lacks (a duplicated 扣除其他 header is listed twice, not fatal)."""
    path = HERE / "autosendsalary-gongzibiao.xls"
    values = {"agency_name": "县财政局", "month": "2014-10"}
    mapping = {"本月实付工资": "net_yuan", "应付工资": "gross_yuan"}
    for given in (
        None,
        mapping,
    ):  # 本月实付工资 / 应付工资 are read as the clerk maps them (etl.vocabulary)
        got = read(path, "payroll", mapping=given, values=values)
        assert {c: got.match.labels[i] for c, i in got.match.mapping.items()} == {
            "name": "姓名",
            "gross_yuan": "应付工资",
            "net_yuan": "本月实付工资",
        }
    assert got.rows_read == 9
    _, res = _load(tmp_path, path, mapping, values, "payroll")
    assert [e.rule for e in res.report.errors] == ["column_missing"]
    assert "身份证号" in res.report.errors[0].message

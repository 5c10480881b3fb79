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
    """The sheet, cut in three pieces (etl.sheetsplit), reads as it reads whole."""
    monkeypatch.setattr(sheetsplit, "PART_BYTES", 1)
    monkeypatch.setattr(sheetsplit, "SPLIT_PARTS", 3)
    assert _cut(path, kind, mapping, values), "the sheet was not cut into pieces"
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


# Apache POI's XSSFWorkbook (not the streaming writer: a shared-string table, no inline strings) created
# this 待遇补贴 batch-import template of a social-security system (wiltonicp/kiteehub), and Microsoft
# Excel for Mac last saved it: a title row merged over A1:F1 holding a five-line 填表说明 (94.5 pt high,
# line breaks inside the cell), the header 姓名 / 身份证号 / 单位编码 / 单位名称 / 待遇名称 / 金额, x14ac
# and xr namespaces, phoneticPr after each Chinese string.  Its one placeholder row (张三 with a 24-digit
# number, the amount under 待遇名称 and an e-mail address under 金额) was cut out; 400 synthetic people
# are appended with the placeholder row's own style ids (4: text, 3: the amount).
KITEEHUB_SLUG = "kiteehub-daiyu-butie-daoru"
KITEEHUB_VALUES = {"fund_code": "F001", "township": "城关镇", "year": "2024"}
TREATMENTS = ("高龄津贴", "残疾人两项补贴", "独生子女奖励扶助")
EMPLOYERS = (
    ("DW0001", "县民政局"),
    ("DW0002", "县人力资源和社会保障局"),
    ("DW0003", "城关镇人民政府"),
)


def _treatment_people(seed: int) -> list[dict]:
    rng = random.Random(seed)
    people = _people(seed)
    for p in people:
        p["employer"] = rng.choice(EMPLOYERS)
        p["treatment"] = rng.choice(TREATMENTS)
        p["amount"] = Decimal(rng.randrange(5000, 300000)) / 100
    return people


def _kiteehub_filled(tmp_path: Path) -> tuple[Path, list[dict]]:
    people = _treatment_people(seed=13)
    out = tmp_path / f"{KITEEHUB_SLUG}.xlsx"
    fill(
        HERE / f"{KITEEHUB_SLUG}.xlsx",
        out,
        "xl/worksheets/sheet1.xml",
        [
            [
                ("s", p["name"]),
                ("s", p["id_number"]),
                ("s", p["employer"][0]),
                ("s", p["employer"][1]),
                ("s", p["treatment"]),
                ("n", p["amount"]),
            ]
            for p in people
        ],
        [4, 4, 4, 4, 3, 3],
        first_row=3,
        row_attrs=' spans="1:6"',
    )
    return out, people


def test_poi_xssf_subsidy_import_loads_every_column_where_it_belongs(tmp_path):
    """The POI-created, Mac-Excel-saved 待遇补贴 import template with 400 synthetic people below its
    merged 填表说明 and its header: loads as payments with no mapping (fund, township and year chosen
    at upload), each row stored with the name, masked ID and amount written."""
    path, people = _kiteehub_filled(tmp_path)
    con, res = _load(tmp_path, path, None, KITEEHUB_VALUES)
    assert res.status == "loaded", res.as_json()
    stored = con.execute(
        "SELECT row_no, fund_code, township, village, name, id_masked, year, amount_yuan "
        "FROM payments WHERE batch_id = ? ORDER BY row_no",
        [res.batch],
    ).fetchall()
    assert stored == [
        (3 + i, "F001", "城关镇", None, p["name"], mask(p["id_number"]), 2024, p["amount"])
        for i, p in enumerate(people)
    ]


def test_poi_xssf_subsidy_import_reads_the_same_in_pieces(tmp_path, monkeypatch):
    path, _ = _kiteehub_filled(tmp_path)
    _same_in_pieces(monkeypatch, path, "payments", None, KITEEHUB_VALUES)


# Microsoft Excel 2003 (BIFF8) — the 伤残人员 (disabled veterans') import template of Inspur's 民政 system
# (A1500/cam, bpt/excelToTable): the visible template sheet holds a 64-column header with a star on every
# required column (伤残身份证号*, 姓名*, 开户银行*, 开户名称*, 银行账户* …) and no rows; a hidden sheet
# `type` holds the 86 rows of drop-down lists the template's data validations point at; a third sheet
# holds the 导入注意事项.  No people: committed as it is.
CAM_DISABILITY = HERE / "cam-shangcan-renyuan-daoru.xls"


def test_excel_xls_disability_register_reads_the_template_sheet_not_the_hidden_lists(tmp_path):
    """The empty template sheet is the one read (not the hidden 86-row list sheet beside it): 姓名* and
    银行账户* land; the register has no amount, which a payment roster needs, and the refusal says so;
    the two building areas (总建筑面积, 人均建筑面积) are both taken for the quantity and asked about."""
    got = read(CAM_DISABILITY, "payments", values=XLS_VALUES)
    assert got.sheet_name == "伤残人员导入模板"
    assert got.rows_read == 0
    landed = {c: got.match.labels[i] for c, i in got.match.mapping.items()}
    assert landed["name"] == "姓名*"
    assert landed["bank_account"] == "银行账户*"
    _, res = _load(tmp_path, CAM_DISABILITY, None, XLS_VALUES)
    assert res.status == "rejected"
    assert sorted(e.rule for e in res.report.errors) == ["column_ambiguous", "column_missing"]
    missing = next(e for e in res.report.errors if e.rule == "column_missing")
    assert "发放金额" in missing.message
    ambiguous = next(e for e in res.report.errors if e.rule == "column_ambiguous")
    assert "总建筑面积" in ambiguous.message and "人均建筑面积" in ambiguous.message


def test_excel_xls_disability_register_after_the_clerks_mapping(tmp_path):
    """With the clerk's mapping (the prefixed ID header, the two areas and the status not needed) the ID
    lands too, and only the missing amount is left."""
    mapping = {
        "伤残身份证号*": "id_number",
        "总建筑面积": "",
        "人均建筑面积": "",
        "优抚对象状态*": "",
    }
    got = read(CAM_DISABILITY, "payments", mapping=mapping, values=XLS_VALUES)
    landed = {c: got.match.labels[i] for c, i in got.match.mapping.items()}
    assert landed == {"name": "姓名*", "id_number": "伤残身份证号*", "bank_account": "银行账户*"}
    _, res = _load(tmp_path, CAM_DISABILITY, mapping, XLS_VALUES)
    assert [e.rule for e in res.report.errors] == ["column_missing"]


def test_excel_xls_disability_register_prefixed_id_header_needs_no_mapping():
    """伤残身份证号*: the ID number named with who the person is."""
    got = read(CAM_DISABILITY, "payments", values=XLS_VALUES)
    landed = {c: got.match.labels[i] for c, i in got.match.mapping.items()}
    assert landed.get("id_number") == "伤残身份证号*"


def test_excel_xls_disability_register_entitlement_state_is_not_the_cards():
    """优抚对象状态* is the state of the person's 优抚 entitlement, not the card's or the payment's: a
    status is those only where the header says so (发放状态, 一卡通状态)."""
    got = read(CAM_DISABILITY, "payments", values=XLS_VALUES)
    landed = {c: got.match.labels[i] for c, i in got.match.mapping.items()}
    assert "card_status" not in landed


# An XML Spreadsheet 2003 (SpreadsheetML) export, as Chinese Java systems write them: a FreeMarker
# template saved from WPS 表格 as "XML 表格" (ygg404/htsys's 华通用表.ftl: 新能源汽车 subsidies per vehicle,
# KSOProductBuildVer 2052-11.1.0.7987) rendered by the system and sent as an .xls.  Committed is what the
# system sends for an empty list (the template with its <#list> block left out, as FreeMarker leaves it);
# the test appends synthetic vehicles in the template's own row form (styles s53 / s54 / s55, every value
# ss:Type="String", amounts as FreeMarker prints a number: grouped, 35,000), before </Table>, and leaves the
# Table's ss:ExpandedRowCount="2" as the template has it.  Vehicles and producers only: no people.
HTSYS_SLUG = "htsys-huatong-cheliang-butie"
HTSYS_MAPPING = {
    "车企": "recipient",
    "总申报补贴": "amount_yuan",
    "申报市补贴额": "",
    "申报区补贴额": "",
    "状态": "",
}
HTSYS_VALUES = {"fund_code": "F001", "year": "2024"}
PRODUCERS = ("比亚迪汽车工业有限公司", "青岛五龙汽车有限公司", "北汽福田汽车股份有限公司")
_HTSYS_STYLES = (
    "s53",
    "s54",
    "s55",
    "s54",
    "s55",
    "s54",
    "s55",
    "s54",
    "s55",
    "s54",
    "s55",
    "s54",
    "s54",
)


def _freemarker_number(value: Decimal) -> str:
    """A number as FreeMarker's default number_format ("#,##0.###") prints it: 35000 -> 35,000."""
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return text


def _vehicles(seed: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(ROWS):
        total = Decimal(rng.randrange(100, 6000)) * 10
        city = (total * Decimal("0.6")).quantize(Decimal("1"))
        out.append(
            {
                "vin": f"LGXCE4CB{rng.randrange(10**9):09d}",
                "plate": f"鲁B{rng.randrange(10**5):05d}",
                "use": rng.choice(("公交", "出租", "私人")),
                "producer": rng.choice(PRODUCERS),
                "local_km": rng.randrange(1000, 90000),
                "total_km": rng.randrange(90000, 200000),
                "percent": rng.choice(("85%", "100%")),
                "total": total,
                "city": city,
                "area": total - city,
                "status": "已审核",
                "dealer": f"青岛第{i % 7 + 1}汽车销售服务有限公司",
            }
        )
    return out


def _spreadsheetml_row(i: int, v: dict) -> str:
    values = (
        str(i + 1),
        v["vin"],
        v["plate"],
        v["use"],
        v["producer"],
        _freemarker_number(Decimal(v["local_km"])),
        _freemarker_number(Decimal(v["total_km"])),
        v["percent"],
        _freemarker_number(v["total"]),
        _freemarker_number(v["city"]),
        _freemarker_number(v["area"]),
        v["status"],
        v["dealer"],
    )
    cells = "".join(
        f'\t\t\t\t<Cell ss:StyleID="{style}">\n'
        f'\t\t\t\t\t<Data ss:Type="String">{value}</Data>\n'
        "\t\t\t\t</Cell>\n"
        for style, value in zip(_HTSYS_STYLES, values, strict=True)
    )
    return f"\t\t\t<Row>\n{cells}\t\t\t</Row>\n"


def _htsys_filled(tmp_path: Path) -> tuple[Path, list[dict]]:
    vehicles = _vehicles(seed=17)
    data = (HERE / f"{HTSYS_SLUG}.xls").read_bytes()
    end = data.index(b"\t\t</Table>")
    rows = "".join(_spreadsheetml_row(i, v) for i, v in enumerate(vehicles)).encode()
    out = tmp_path / f"{HTSYS_SLUG}.xls"
    out.write_bytes(data[:end] + rows + data[end:])
    return out, vehicles


def test_spreadsheetml_export_loads_every_column_where_it_belongs(tmp_path):
    """The system's .xls (SpreadsheetML) with 400 synthetic vehicles loads as allocations with the
    clerk's mapping of the layout: each row's producer and total subsidy stored as written."""
    path, vehicles = _htsys_filled(tmp_path)
    con, res = _load(tmp_path, path, HTSYS_MAPPING, HTSYS_VALUES, "allocations")
    assert res.status == "loaded", res.as_json()
    stored = con.execute(
        "SELECT row_no, recipient, amount_yuan FROM allocations WHERE batch_id = ? ORDER BY row_no",
        [res.batch],
    ).fetchall()
    assert stored == [(2 + i, v["producer"], v["total"]) for i, v in enumerate(vehicles)]


def test_spreadsheetml_export_is_read_as_what_it_is(tmp_path):
    """The .xls is read as the XML Spreadsheet 2003 it is (etl/spreadsheetml.py), from its one sheet
    华通, every appended row, though the template's Table says ss:ExpandedRowCount="2"; the header is
    the template's first row and the data starts under it, in sheet row 2."""
    path, vehicles = _htsys_filled(tmp_path)
    got = read(path, "allocations", mapping=HTSYS_MAPPING, values=HTSYS_VALUES)
    assert (got.file_format, got.sheet_name) == ("spreadsheetml", "华通")
    assert got.match.header_rows == (0,) and got.rows_read == len(vehicles) == ROWS
    assert got.table["_row"].to_pylist() == list(range(2, 2 + ROWS))
    # the amounts as FreeMarker printed them (grouped), left for the validator to read
    assert got.table["amount_yuan"][0].as_py() == _freemarker_number(vehicles[0]["total"])


# Microsoft Excel 97-2003 (BIFF8, code page 936): a 扶贫 system's 帮扶资金 statistics form (统计表（三）of
# Guangzhou's 规划到户责任到人, moutainhigh/project-exchange fupin/WebRoot/excel/report2.xls), the template
# its export fills: a title, a 帮扶资金 subtitle, a blank row, a three-level header whose cells are padded
# with ideographic spaces (贫困村 followed by seventeen U+3000, 用于帮扶到户资金 by thirteen before (元)),
# a stray number 4 in the top header row over the money columns, and five 注 lines below.  No rows, no
# people: committed as it is.
FUPIN_REPORT = HERE / "fupin-bangfu-zijin-tongji.xls"
FUPIN_VALUES = {"fund_code": "F002", "year": "2024"}

# The clerk maps the column the form calls 已投入帮扶资金（元）, shown to them as "4/已投入帮扶资金(元)" (the
# stray 4 above it taken for its group).  Beside it is the group title 已投入帮扶资金 (over 用于帮扶到户资金
# and 用于帮扶到村资金), shown as "4/已投入帮扶资金": the two differ only by the unit.
FUPIN_MAPPING = {"贫困村": "recipient", "4/已投入帮扶资金(元)": "amount_yuan"}


def test_excel_xls_aid_fund_form_is_found_without_a_mapping_as_with_one(tmp_path):
    """贫困村 is the recipient (not the 帮扶单位 that helps it) and 已投入帮扶资金(元) the amount (not the
    planned 规划投入资金, nor the group title 已投入帮扶资金 whose leaves are on the third row): with no
    mapping the three-level header is found as with the clerk's, the ideographic-space padding is gone
    from the labels, and the empty form is refused as one."""
    for mapping in (None, FUPIN_MAPPING):
        got = read(FUPIN_REPORT, "allocations", mapping=mapping, values=FUPIN_VALUES)
        assert got.match.header_rows == (3, 4, 5)
        assert got.match.labels[:2] == ["帮扶单位", "贫困村"]
        landed = {c: got.match.labels[i] for c, i in got.match.mapping.items()}
        assert landed == {"recipient": "贫困村", "amount_yuan": "4/已投入帮扶资金(元)"}
        assert not got.match.ambiguous
    _, res = _load(tmp_path, FUPIN_REPORT, None, FUPIN_VALUES, "allocations")
    assert [e.rule for e in res.report.errors] == ["no_rows"]


def test_excel_xls_aid_fund_form_mapping_lands_on_the_column_the_clerk_named():
    """The clerk's 4/已投入帮扶资金(元) is column D, not the group title 4/已投入帮扶资金 beside it (one key
    once the unit is dropped): a header named as the page shows it is taken exactly."""
    got = read(FUPIN_REPORT, "allocations", mapping=FUPIN_MAPPING, values=FUPIN_VALUES)
    assert got.match.labels[got.match.mapping["amount_yuan"]] == "4/已投入帮扶资金(元)"
    assert got.match.mapped == {"贫困村": "recipient", "4/已投入帮扶资金(元)": "amount_yuan"}


def test_excel_xls_aid_fund_form_with_a_mapping_has_no_rows(tmp_path):
    """The three-level header (its third row, 用于帮扶到户资金 (元) …, under the 已投入帮扶资金 group: found by
    etl.headers._deepen) and the five 注 lines under it (注:1.… then 2.… to 5.…: the form's footer) are no
    rows: the empty template is refused as one."""
    _, res = _load(tmp_path, FUPIN_REPORT, FUPIN_MAPPING, FUPIN_VALUES, "allocations")
    assert [e.rule for e in res.report.errors] == ["no_rows"]
    assert res.report.skipped.get("footer") == [8, 9, 10, 11, 12]


# WPS Office (.xls, BIFF8) — the 企业信息 import template of a county's 土地流转 system (yam126/landcirculation,
# LandCirculationWeb/WebProject/wwwroot/template/companyInfoTemplate.xls): 20 columns (公司名称, 企业类型,
# 注册资本, 成立时间 as a date cell, 所属乡镇 … 员工人数, 联系人, 联系电话 … 备用字段02) and one placeholder
# row (测试导入公司名称20220927, contact 张三, phone 15812345678): no real person, committed as it is.  The
# 49-row copy of the same form at the repository's root lists real cooperatives and their contacts: not
# committed.
LANDCIRC_COMPANY = HERE / "landcirculation-qiye-xinxi.xls"
COMPANY_MAPPING = {"公司名称": "business_name", "联系人": "name", "员工人数": ""}


def test_wps_xls_company_register_lands_after_the_clerks_mapping(tmp_path):
    """With 公司名称 and 联系人 mapped, the placeholder row reads as written (the capital from a number
    cell, the founding date from a date cell); the form has no ID number, which a business register
    needs, and the refusal says so."""
    got = read(LANDCIRC_COMPANY, "businesses", mapping=COMPANY_MAPPING)
    assert got.table.to_pylist() == [
        {
            "_row": 2,
            "business_name": "测试导入公司名称20220927",
            "name": "张三",
            "business_type": "民营企业",
            "capital_yuan": "80000000",
            "founded_on": "2022-09-27",
        }
    ]
    _, res = _load(tmp_path, LANDCIRC_COMPANY, COMPANY_MAPPING, {}, "businesses")
    assert [e.rule for e in res.report.errors] == ["column_missing"]
    assert "证件号码" in res.report.errors[0].message


def test_wps_xls_company_register_head_count_is_not_a_person():
    """员工人数 is a head count, not the legal representative (…人); 公司名称 is the business's name."""
    got = read(LANDCIRC_COMPANY, "businesses")
    landed = {c: got.match.labels[i] for c, i in got.match.mapping.items()}
    assert landed.get("name") != "员工人数"
    assert landed.get("business_name") == "公司名称"


# The same system's 用户信息 import template (wiltonicp/kiteehub, kiteehub-plugin-sys/.../userImportTemplate.xlsx):
# created by Apache POI, last saved by Microsoft Excel for Windows (a printerSettings part), its 填表说明
# merged over A1:XFD1 (to the sheet's last column), 31 headers (账号, 姓名, 组织名称, 职位名称, 手机 …
# 入职日期, 职级 … 证件类型, 证件号码 …), an ignoredErrors numberStoredAsText on A3.  Its placeholder row
# (张三, 13800000000, a company's 工会办公室) was cut out; 400 synthetic staff are appended as text cells in
# the placeholder row's style (6), the dates typed as text as the template's General columns keep them.
KITEEHUB_USERS = "kiteehub-yonghu-xinxi-daoru"
USERS_MAPPING = {"组织名称": "agency_name", "职位名称": "post", "职级": ""}
USERS_VALUES = {"staffing_type": "事业(其他)"}
AGENCIES = ("县财政局", "县民政局", "县农业农村局")


def _users_cells(p: dict) -> list[tuple[str | None, object]]:
    cells: list[tuple[str | None, object]] = [(None, None)] * 31
    number = p["id_number"]
    given = {
        0: p["phone"],
        1: p["name"],
        2: p["agency"],
        3: p["post"],
        4: p["phone"],
        7: p["employee_no"],
        8: f"{p['hired_on']:%Y-%m-%d}",
        9: "九级",
        11: "男" if int(number[16]) % 2 else "女",
        13: f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
        14: "汉族",
        18: "居民身份证",
        19: number,
    }
    for i, text in given.items():
        cells[i] = ("s", text)
    return cells


def _users_filled(tmp_path: Path) -> tuple[Path, list[dict]]:
    rng = random.Random(19)
    people = _staff(seed=19)
    for p in people:
        p["agency"] = rng.choice(AGENCIES)
    out = tmp_path / f"{KITEEHUB_USERS}.xlsx"
    fill(
        HERE / f"{KITEEHUB_USERS}.xlsx",
        out,
        "xl/worksheets/sheet1.xml",
        [_users_cells(p) for p in people],
        [6] * 31,
        first_row=3,
        row_attrs=' spans="1:31" x14ac:dyDescent="0.2"',
    )
    return out, people


def test_poi_excel_user_import_loads_as_staff_after_the_clerks_mapping(tmp_path):
    """400 synthetic staff below the A1:XFD1 note and the 31 headers: with 组织名称 / 职位名称 mapped
    (职级, the grade, not needed) every row is stored with the agency, name, masked ID, post and hire
    date written."""
    path, people = _users_filled(tmp_path)
    con, res = _load(tmp_path, path, USERS_MAPPING, USERS_VALUES, "staff")
    assert res.status == "loaded", res.as_json()
    stored = con.execute(
        "SELECT row_no, agency_name, name, id_masked, staffing_type, post, hired_on FROM staff "
        "WHERE batch_id = ? ORDER BY row_no",
        [res.batch],
    ).fetchall()
    assert stored == [
        (
            3 + i,
            p["agency"],
            p["name"],
            mask(p["id_number"]),
            "事业(其他)",
            p["post"],
            p["hired_on"],
        )
        for i, p in enumerate(people)
    ]


def test_poi_excel_user_import_reads_the_same_in_pieces(tmp_path, monkeypatch):
    path, _ = _users_filled(tmp_path)
    _same_in_pieces(monkeypatch, path, "staff", USERS_MAPPING, USERS_VALUES)


def test_poi_excel_user_import_post_and_agency_need_no_mapping(tmp_path):
    """职位名称 (the position) above 职级 (the grade) beside it; 组织名称 the agency."""
    path, _ = _users_filled(tmp_path)
    got = read(path, "staff", values=USERS_VALUES)
    landed = {c: got.match.labels[i] for c, i in got.match.mapping.items()}
    assert landed.get("post") == "职位名称"
    assert landed.get("agency_name") == "组织名称"


# WPS 表格 — a small company's monthly 工资表 (wangmiao033/gongzi, 熊动1月工资表(1).xlsx): the table starts in
# column B, a title 2026 年 一 月 工 资 表 (spaced characters, the month in Chinese numerals) merged over
# B1:Z2, 25 headers (姓名, 入职时间 … 税前工资 … 小计, 个税, 税后实发, 备注), the money columns formulas
# (SUM(G4:N4), O4-W4-X4, shared), template rows whose 入职时间 is VLOOKUP(B24,[1]基础信息!B:D,2,FALSE) into
# an external workbook, a 合计 row, a data-validation list (在岗,离岗) on 备注, comments on two cells.
# Its 10 employees, the second sheet (their names and bank card numbers) and the external link's cached
# copy of the other workbook's 基础信息 (names, hire dates) were cut out (fill.strip,
# fill.drop_external_cache); 400 synthetic employees are appended with the first employee row's style
# ids, numbers where the clerk's sheet has formulas.
WANGMIAO_SLUG = "wangmiao-gongzibiao"
WANGMIAO_MAPPING = {"税前工资": "gross_yuan", "税后实发": "net_yuan"}
WANGMIAO_VALUES = {"agency_name": "县财政局"}
_WANGMIAO_STYLES = [28, 29, 30, 31, 32, 32] + [31] * 7 + [32, 33] + [34] * 7 + [35, 35, 36]


def _wages(seed: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for p in _staff(seed):
        base = Decimal(rng.randrange(3000, 12000))
        bonus = Decimal(rng.choice((0, 0, 250, 500)))
        gross = base + bonus
        insurance = (gross * Decimal("0.105")).quantize(Decimal("0.01"), ROUND_HALF_UP)
        tax = max(
            Decimal(0), ((gross - insurance - 5000) * Decimal("0.03")).quantize(Decimal("0.01"))
        )
        p.update(base=base, bonus=bonus, gross=gross, insurance=insurance, tax=tax)
        p["net"] = gross - insurance - tax
        out.append(p)
    return out


def _wangmiao_cells(p: dict) -> list[tuple[str | None, object]]:
    cells: list[tuple[str | None, object]] = [(None, None)] * 25
    cells[0] = ("s", p["name"])
    cells[1] = ("n", (p["hired_on"] - EXCEL_EPOCH).days)
    cells[2] = ("n", 2026 - p["hired_on"].year)
    cells[3] = ("n", "22")
    cells[4] = cells[5] = ("n", p["base"])
    cells[8] = ("n", p["bonus"])
    cells[13] = ("n", p["gross"])
    cells[15] = ("n", p["insurance"])
    cells[21] = ("n", p["insurance"])
    cells[22] = ("n", p["tax"])
    cells[23] = ("n", p["net"])
    return cells


def _wangmiao_filled(tmp_path: Path) -> tuple[Path, list[dict]]:
    people = _wages(seed=23)
    out = tmp_path / f"{WANGMIAO_SLUG}.xlsx"
    fill(
        HERE / f"{WANGMIAO_SLUG}.xlsx",
        out,
        "xl/worksheets/sheet1.xml",
        [_wangmiao_cells(p) for p in people],
        _WANGMIAO_STYLES,
        first_row=4,
        row_attrs=' s="11" customFormat="1" spans="2:26"',
        first_col=2,
    )
    return out, people


def test_wps_company_payroll_reads_every_column_where_it_belongs(tmp_path):
    """400 synthetic employees under the spaced title: with 税前工资 / 税后实发 mapped, each row reads with
    the name, gross and net written, and the month is the title's (2026 年 一 月: 2026-01); the sheet
    has no ID number, which a payroll register needs, and the refusal says so."""
    path, people = _wangmiao_filled(tmp_path)
    got = read(path, "payroll", mapping=WANGMIAO_MAPPING, values=WANGMIAO_VALUES)
    month = got.match.values.get("month")
    assert month is not None and month.value == "2026-01"
    rows = got.table.select(["_row", "name", "gross_yuan", "net_yuan"]).to_pylist()
    assert [
        (r["_row"], r["name"], Decimal(r["gross_yuan"]), Decimal(r["net_yuan"])) for r in rows
    ] == [(4 + i, p["name"], p["gross"], p["net"]) for i, p in enumerate(people)]
    _, res = _load(tmp_path, path, WANGMIAO_MAPPING, WANGMIAO_VALUES, "payroll")
    assert [e.rule for e in res.report.errors] == ["column_missing"]
    assert "身份证号" in res.report.errors[0].message


def test_wps_company_payroll_wage_words_need_no_mapping(tmp_path):
    """税前工资 is the pay due and 税后实发 the pay paid (the sheet's own formulas: 税后实发 = 税前工资 less
    insurance and 个税): with no mapping the sheet reads as it does with the clerk's."""
    path, _ = _wangmiao_filled(tmp_path)
    got = read(path, "payroll", values=WANGMIAO_VALUES)
    landed = {c: got.match.labels[i] for c, i in got.match.mapping.items()}
    assert landed == {"name": "姓名", "gross_yuan": "税前工资", "net_yuan": "税后实发"}
    mapped = read(path, "payroll", mapping=WANGMIAO_MAPPING, values=WANGMIAO_VALUES)
    columns = sorted(mapped.table.column_names)
    assert got.table.select(columns).equals(mapped.table.select(columns))


def test_wps_company_payroll_reads_the_same_in_pieces(tmp_path, monkeypatch):
    path, _ = _wangmiao_filled(tmp_path)
    values = {**WANGMIAO_VALUES, "month": "2026-01"}
    _same_in_pieces(monkeypatch, path, "payroll", WANGMIAO_MAPPING, values)


# A csv an HR system exported (longsky21/ruihr, StaffJobHistory.csv, the data its importer reads): UTF-8
# without a BOM, CRLF line ends, no quoting, no line end after the last row; 姓名, 手机号码, 部门, 工号,
# 职位, 公司名称, 担任职位, 入职日期, 离职日期, 职位描述.  Committed are the file's own bytes above the data
# (the header line and its CRLF); its two real employees are not.  The test appends 400 synthetic ones
# as the export writes them.
RUIHR_CSV = "ruihr-staff-job-history"
RUIHR_MAPPING = {"公司名称": "agency_name", "部门": "", "职位": "post"}


def _ruihr_filled(tmp_path: Path) -> tuple[Path, list[dict]]:
    rng = random.Random(29)
    people = _staff(seed=29)
    lines = []
    for p in people:
        p["agency"] = rng.choice(AGENCIES)
        left = p["hired_on"] + dt.timedelta(days=400) if p["status"] == "离职" else None
        number = p["employee_no"] if rng.random() < 0.8 else ""
        lines.append(
            f"{p['name']},{p['phone']},{rng.choice(('财务部', '国库股', '综合股'))},{number},{p['post']},"
            f"{p['agency']},{p['post']},{p['hired_on']:%Y-%m-%d},{f'{left:%Y-%m-%d}' if left else ''},"
        )
    out = tmp_path / f"{RUIHR_CSV}.csv"
    out.write_bytes((HERE / f"{RUIHR_CSV}.csv").read_bytes() + "\r\n".join(lines).encode())
    return out, people


def test_hr_system_csv_loads_as_staff_after_the_clerks_mapping(tmp_path):
    """The exported csv with 400 synthetic employees: with 公司名称 / 职位 mapped (部门, the section, not
    needed) every row is stored with the agency, name, post and hire date written, the last row (no
    line end) included."""
    path, people = _ruihr_filled(tmp_path)
    con, res = _load(tmp_path, path, RUIHR_MAPPING, USERS_VALUES, "staff")
    assert res.status == "loaded", res.as_json()
    stored = con.execute(
        "SELECT row_no, agency_name, name, post, hired_on FROM staff WHERE batch_id = ? ORDER BY row_no",
        [res.batch],
    ).fetchall()
    assert stored == [
        (2 + i, p["agency"], p["name"], p["post"], p["hired_on"]) for i, p in enumerate(people)
    ]


# The same system's 60岁退役士兵 template (A1500/cam, bpt/excelToTable/excel/countretiredsoldier.xls, Microsoft
# Excel 2003, the same three sheets): beside 60岁退役士兵身份证号* it has 退役证件号, the number of the
# discharge certificate.  No people: committed as it is.
CAM_VETERANS = HERE / "cam-tuiyi-shibing-daoru.xls"


def test_excel_xls_veterans_register_takes_the_id_not_the_certificate_number():
    """Not 退役证件号 (a discharge certificate's number: every row's would have been checked, stored and
    matched as an ID number) but 60岁退役士兵身份证号*."""
    got = read(CAM_VETERANS, "payments", values=XLS_VALUES)
    landed = {c: got.match.labels[i] for c, i in got.match.mapping.items()}
    assert landed.get("id_number") == "60岁退役士兵身份证号*"


def test_excel_xls_veterans_register_after_the_clerks_mapping():
    """With the clerk's mapping the ID is the person's and the certificate number is not needed."""
    mapping = {"60岁退役士兵身份证号*": "id_number", "退役证件号": "", "优抚对象状态*": ""}
    got = read(CAM_VETERANS, "payments", mapping=mapping, values=XLS_VALUES)
    landed = {c: got.match.labels[i] for c, i in got.match.mapping.items()}
    assert landed == {
        "name": "姓名*",
        "id_number": "60岁退役士兵身份证号*",
        "bank_account": "银行账户*",
    }


# Microsoft Excel 97-2003 (BIFF8, code page 936) — the report template a treasury system's client fills
# (caoyanguo/ITFE, 国库信息处理系统: budgetsubcodemonthlyreport/model.xls, opened by
# BudgetsubcodemonthlyreportBean): a title 国家金库上海市分库（全辖）预算收支分科目2012-2013年月度汇总表, a blank
# row, and 年度, 科目, 1月 … 12月, 合计.  No rows, no people: committed as it is.
ITFE_MONTHLY = HERE / "itfe-yusuan-fenkemu-yuedu.xls"


def test_excel_xls_treasury_monthly_report_reads_the_total_and_names_the_months(tmp_path):
    """As a budget table (department and category chosen): 年度, 科目 and the 合计 column land; the
    twelve month columns are named as not imported rather than dropped in silence; the title's range
    of years gives no year; the empty template is refused as one."""
    values = {"department": "县财政局", "category": "一般公共预算收入"}
    got = read(ITFE_MONTHLY, "budgets", values=values)
    landed = {c: got.match.labels[i] for c, i in got.match.mapping.items()}
    assert landed == {"year": "年度", "item": "科目", "amount_yuan": "合计"}
    assert got.match.header_rows == (2,)
    _, res = _load(tmp_path, ITFE_MONTHLY, None, values, "budgets")
    assert [e.rule for e in res.report.errors] == ["no_rows"]
    unused = next(w for w in res.report.warnings if w.rule == "column_unused")
    assert all(f"{m}月" in unused.message for m in range(1, 13))

"""File-level values (etl.filevalues) and the header guards that issue 14's real layouts showed were needed.

A roster is one fund's: the fund, the year and the township are in its title or chosen by the clerk at
upload (``values=``), never silently; a data row (ID numbers, dates, amounts) is never the second row of
a two-level header; and a header or a message never shows an ID number in full.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from etl.filevalues import from_title
from etl.headers import looks_like_data
from etl.read import read
from etl.text import mask_digits
from tests.layouts.build import build, load_layout
from tests.sheets import PAY_HEADER, make_id, pay_row, write_xlsx

LAYOUTS = Path(__file__).resolve().parent / "layouts"
FULL_ID = re.compile(r"\d{17}[\dX]|\d{15}")

# The roster with no fund, year, township or village column (the 资金编码, 年度, 乡镇, 村 of PAY_HEADER out).
_DROP = ("资金编码", "年度", "乡镇", "村")
BARE_HEADER = [h for h in PAY_HEADER if h not in _DROP]


def _bare(row: list) -> list:
    return [v for h, v in zip(PAY_HEADER, row, strict=True) if h not in _DROP]


def _roster(tmp_path: Path, title: list[list] | None = None) -> Path:
    rows = [*(title or []), BARE_HEADER, _bare(pay_row(1)), _bare(pay_row(2, name="李四"))]
    return write_xlsx(tmp_path / "roster.xlsx", rows)


def _rules(result) -> set[str]:
    return {f.rule for f in result.report.findings}


def test_values_fill_the_columns_a_form_lacks(tmp_path, funds_loaded, load, store):
    path = _roster(tmp_path)
    values = {"fund_code": "F001", "year": "2024", "township": "城关镇", "village": "东风村"}
    result = load(path, "payments", values=values)
    assert result.status == "loaded", result.as_json()["errors"]
    rows = store.execute(
        "SELECT DISTINCT fund_code, year, township, village FROM payments WHERE batch_id = ?",
        [result.batch],
    ).fetchall()
    assert rows == [("F001", 2024, "城关镇", "东风村")]
    assert result.as_json()["values"]["fund_code"] == {
        "value": "F001",
        "source": "clerk",
        "line": "",
    }
    assert "value_inferred" not in _rules(result)


def test_without_values_the_missing_columns_are_still_refused(tmp_path, funds_loaded, load):
    result = load(_roster(tmp_path), "payments")
    missing = {f.column for f in result.report.errors if f.rule == "column_missing"}
    assert result.status == "rejected" and {"资金编码", "年度", "乡镇"} <= missing
    assert "村" not in missing  # required only if present (issue 14): a roster may name no village


def test_year_township_village_and_fund_come_from_the_title_with_a_warning(
    tmp_path, funds_loaded, load, store
):
    title = [["城关镇 2024年耕地地力保护补贴发放清册"], ["村：东风村", None, None, "单位：元"]]
    result = load(_roster(tmp_path, title), "payments")
    assert result.status == "loaded", result.as_json()["errors"]
    inferred = {f.column: f for f in result.report.findings if f.rule == "value_inferred"}
    assert set(inferred) == {"资金编码", "年度", "乡镇", "村"}
    assert all(f.severity == "warning" for f in inferred.values())
    assert "年度取自标题“城关镇 2024年耕地地力保护补贴发放清册”" in inferred["年度"].message
    assert inferred["资金编码"].value == "F001"
    used = result.as_json()["values"]
    assert used["year"]["source"] == "title" and used["village"]["value"] == "东风村"
    row = store.execute(
        "SELECT DISTINCT fund_code, year, township, village FROM payments WHERE batch_id = ?",
        [result.batch],
    ).fetchall()
    assert row == [("F001", 2024, "城关镇", "东风村")]


def test_a_title_with_two_years_or_two_funds_gives_nothing(tmp_path, funds_loaded, load):
    title = [["2023年耕地地力保护补贴、2024年城乡居民最低生活保障 城关镇 东风村"]]
    result = load(_roster(tmp_path, title), "payments")
    missing = {f.column for f in result.report.errors if f.rule == "column_missing"}
    assert {"资金编码", "年度"} <= missing


@pytest.mark.parametrize(
    ("column", "lines", "want"),
    [
        ("year", ["2024年度“三公”经费预算表"], "2024"),
        ("year", ["2024年 1-3月"], "2024"),
        ("year", ["表 3-2", "单位：元"], None),
        ("township", ["乡镇：城关镇"], "城关镇"),
        ("township", ["填报单位：城关镇财政所"], "城关镇"),
        ("township", ["县城乡居民最低生活保障资金"], None),
        ("village", ["东风村（盖章）"], "东风村"),
        ("village", ["县农业农村局"], None),
        # a village glued to its table's name (a village's 低保 汇总表); not a kind of village, not 农村
        ("village", ["七田村低保补贴汇总表(城保+农保)"], "七田村"),
        ("village", ["东风社区临时救助发放花名册"], "东风社区"),
        ("village", ["行政村补贴资金汇总表"], None),
        ("village", ["全县农村低保补贴汇总表"], None),
        ("village", ["各村低保资金汇总表"], None),
        ("department", ["部门：清溪县农业农村局", "单位：元"], "清溪县农业农村局"),
        ("department", ["单位：元"], None),
        # a department's published budget table (部门支出预算表): 编制部门 names the department; an opinion
        # of the 编制 office is no department
        ("department", ["编制部门：清溪县农业农村局", "单位：万元"], "清溪县农业农村局"),
        ("department", ["编制部门审核意见：同意"], None),
        # A wage sheet's month (tests/realfiles: 工资明细表（2019.1.1至2019.1.31）), not a range of months.
        ("month", ["工资明细表(2019.1.1至2019.1.31)"], "2019-01"),
        ("month", ["2024年3月机关事业单位工资发放表"], "2024-03"),
        ("month", ["2024年1-3月工资汇总"], None),
        ("month", ["2024年1月至3月工资汇总"], None),
        ("month", ["2024年度工资汇总"], None),
        ("month", ["工资明细(2019.1.1至2019.2.28)"], None),
        ("month", ["邮件标题 2019-2月份工资条", "表格头 工资明细表(2019.1.1至2019.1.31)"], None),
        # The month in Chinese numerals (tests/realfiles: a WPS 工资表 titled 2026 年 一 月 工 资 表), not a
        # range of months nor a quarter.
        ("month", ["2026 年 一 月 工 资 表"], "2026-01"),
        ("month", ["2024年十二月工资发放表"], "2024-12"),
        ("month", ["2024年十月工资", "2024年10月"], "2024-10"),
        ("month", ["2024年一至三月工资汇总"], None),
        ("month", ["2024年一月至三月工资汇总"], None),
        ("month", ["2024年一季度工资汇总"], None),
    ],
)
def test_title_patterns(column, lines, want):
    found = from_title(column, [mask_digits(line) for line in lines])
    assert (found[0] if found else None) == want


def test_the_files_column_wins_over_a_chosen_value(tmp_path, funds_loaded, load, store):
    path = write_xlsx(tmp_path / "pay.xlsx", [PAY_HEADER, pay_row(1), pay_row(2, name="李四")])
    result = load(path, "payments", values={"fund_code": "F002"})
    assert result.status == "loaded"
    unused = [f for f in result.report.findings if f.rule == "value_unused"]
    assert len(unused) == 1 and unused[0].severity == "warning" and "F002" in unused[0].message
    codes = store.execute(
        "SELECT DISTINCT fund_code FROM payments WHERE batch_id = ?", [result.batch]
    ).fetchall()
    assert codes == [("F001",)]


BUDGET_HEADER = ["预算单位", "项目", "申请金额", "资金性质"]
BUDGET_ROWS = [["县农业农村局", "农田建设", "1000.00", "111-一般公共预算拨款"]]


def test_a_chosen_value_stands_over_a_column_only_a_role_guessed(tmp_path, load, store):
    """资金性质 (111-一般公共预算拨款: a funding source) is read as the budget's 支出类别 by a role only; the
    category the clerk chose for the file stands, and the column is named among those not loaded."""
    path = write_xlsx(tmp_path / "b.xlsx", [BUDGET_HEADER, *BUDGET_ROWS])
    result = load(path, "budgets", values={"year": "2024", "category": "项目支出"})
    assert result.status == "loaded", result.as_json()
    assert not [f for f in result.report.findings if f.rule == "value_unused"]
    (unused,) = [f for f in result.report.findings if f.rule == "column_unused"]
    assert "资金性质" in unused.message
    assert store.execute("SELECT category FROM budgets").fetchall() == [("项目支出",)]


def test_the_files_own_category_column_wins_over_a_chosen_value(tmp_path, load, store):
    """The edge: a column the kind's own words name (支出类别) is the file's answer, row by row."""
    header = ["预算单位", "项目", "申请金额", "支出类别"]
    path = write_xlsx(
        tmp_path / "b.xlsx", [header, ["县农业农村局", "农田建设", "1000.00", "基本支出"]]
    )
    result = load(path, "budgets", values={"year": "2024", "category": "项目支出"})
    assert result.status == "loaded", result.as_json()
    assert [f.rule for f in result.report.findings if f.rule == "value_unused"] == ["value_unused"]
    assert store.execute("SELECT category FROM budgets").fetchall() == [("基本支出",)]


def test_a_person_is_never_a_file_level_value(tmp_path, funds_loaded, load):
    values = {
        "fund_code": "F001",
        "year": "2024",
        "township": "城关镇",
        "village": "东风村",
        "id_number": make_id(seq=9),
        "amount_yuan": "100",
    }
    result = load(_roster(tmp_path), "payments", values=values)
    invalid = [f for f in result.report.errors if f.rule == "value_invalid"]
    assert result.status == "rejected" and {f.column for f in invalid} == {
        "id_number",
        "amount_yuan",
    }
    answer = result.as_json()
    # The file's sha256 and the header's fingerprint are hex digests: one now and then holds 15 decimal digits
    # in a row by chance (the xlsx carries its write time), which is not an ID number.
    digests = {key: answer.pop(key) for key in ("sha256", "fingerprint")}
    assert all(value is None or re.fullmatch(r"[0-9a-f]+", value) for value in digests.values())
    text = json.dumps(answer, ensure_ascii=False)
    assert values["id_number"] not in text and values["id_number"][:15] not in text
    assert not FULL_ID.search(text)


# --- a data row is not a header row; an ID number is never echoed ---------------------------------


@pytest.mark.parametrize(
    "row",
    [
        ["张海燕", "422822198104289856"],
        ["422822001000001", None],
        ["2024-03-05", "杨玉珍"],
        ["1,234.50", "x"],
        ["892.50元"],
    ],
)
def test_a_row_with_data_cells_looks_like_data(row):
    assert looks_like_data(row)


@pytest.mark.parametrize(
    "row", [["面积", "标准", "金额"], ["类", "款", "科目名称"], ["1", "2", "3"], [None, "编制数"]]
)
def test_a_row_of_headers_does_not(row):
    assert not looks_like_data(row)


@pytest.mark.parametrize(
    "slug", ["payments/yikatong-yidong-duochong", "payments/zjffqd-caizheng-buzhu-fafang-qingce"]
)
def test_the_first_data_row_is_not_taken_as_a_second_header_row(tmp_path, slug):
    layout = load_layout(LAYOUTS / f"{slug}.json")
    built = build(layout, tmp_path, planted=False)
    extract = read(built.path, "payments", mapping=layout["mapping"])
    assert len(extract.match.header_rows) == len(layout["header_rows"])
    assert extract.table["_row"].to_pylist()[0] == built.data[0]["row"]
    assert not any(FULL_ID.search(label or "") for label in extract.match.labels)


def test_an_id_number_in_a_header_is_masked_in_every_message(tmp_path, funds_loaded, load):
    number = make_id(seq=7)
    header = [*PAY_HEADER, f"代领人身份证{number}"]
    rows = [header, [*pay_row(1), "x"], [*pay_row(2, name="李四"), "y"]]
    result = load(write_xlsx(tmp_path / "pay.xlsx", rows), "payments")
    text = json.dumps(result.as_json(), ensure_ascii=False)
    assert "column_unused" in _rules(result)
    assert number not in text and mask_digits(number) in text
    assert not FULL_ID.search(
        " ".join(result.extract.match.labels[p] or "" for p in result.extract.match.unused)
    )


def test_mask_digits_keeps_short_numbers():
    assert mask_digits("2024年 第3批 12345") == "2024年 第3批 12345"
    assert mask_digits("422822198104289856") == "422822********9856"


def test_a_payroll_exports_month_and_unit_are_chosen_at_upload(tmp_path, load, store):
    """A treasury 统发 export is one unit's file for one month and its rows name neither (layout
    payroll/tongfa-gongzi-shuju-daochu): the inspector gives both at upload."""
    header = ["序号", "人员姓名", "身份证", "应发工资", "实发工资"]
    rows = [
        [1, "张三", make_id(seq=1), "6215.00", "4980.35"],
        [2, "李四", make_id(seq=2), "5100", "4200.10"],
    ]
    path = write_xlsx(tmp_path / "payroll.xlsx", [header, *rows])
    result = load(path, "payroll", values={"agency_name": "县财政局", "month": "2024年3月"})
    assert result.status == "loaded", result.as_json()["errors"]
    got = store.execute(
        "SELECT DISTINCT agency_name, month FROM payroll WHERE batch_id = ?", [result.batch]
    ).fetchall()
    assert [(a, str(m)[:7]) for a, m in got] == [("县财政局", "2024-03")]


def test_a_village_written_as_its_committee_is_stored_as_the_village(
    tmp_path, funds_loaded, load, store
):
    """东风村委会 (a 优抚 export's 户籍地, mapped as the village), 红星村民委员会, 团结社区居委会: the committee of
    a village is the village, stored as it is named elsewhere (东风村), so one village is not two in the
    listings.  Near cases: a village's own name is kept, and a committee word inside a name is not cut
    (委会村 is a village of that name)."""
    village = PAY_HEADER.index("村")
    written = ["东风村委会", "红星村民委员会", "团结社区居委会", "胜利村", "委会村"]
    rows = [PAY_HEADER]
    for n, name in enumerate(written, start=1):
        row = pay_row(n, name=f"张{n}")
        row[village] = name
        rows.append(row)
    result = load(write_xlsx(tmp_path / "pay.xlsx", rows), "payments")
    assert result.status == "loaded", result.as_json()["errors"]
    stored = store.execute(
        "SELECT village FROM payments WHERE batch_id = ? ORDER BY row_no", [result.batch]
    ).fetchall()
    assert [v for (v,) in stored] == ["东风村", "红星村", "团结社区", "胜利村", "委会村"]

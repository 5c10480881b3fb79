"""Issue 14: the ``allocations`` kind (资金分配 / 指标下达) and its two checks.

Real files made in the test (xlsx), loaded through etl.load into a fresh DuckDB store, the checks run
on that store.  Headers here are not those of the layouts under tests/layouts/allocations/.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from etl.headers import detect
from fundquery.inspect import CHECKS, Params, run
from tests.conftest import snapshot
from tests.sheets import write_xlsx

ALLOC_HEADER = ["序号", "资金名称", "下达单位", "指标文号", "下达日期", "分配金额"]
DISB_HEADER = ["凭证号", "资金编码", "收款单位", "拨付金额", "审核签字日期", "拨出日期"]


def _alloc(load, tmp_path, rows, name="alloc.xlsx", **kw):
    path = write_xlsx(tmp_path / name, [["2024年专项资金指标下达表"], ALLOC_HEADER, *rows])
    return load(path, "allocations", **kw)


def test_a_table_that_names_its_funds_gets_each_rows_code_from_the_catalogue(
    store, load, funds_loaded, tmp_path
):
    res = _alloc(
        load,
        tmp_path,
        [
            ["1", "耕地地力保护补贴", "城关镇", "清财农〔2024〕3号", "2024-02-01", "100,000.00"],
            ["2", "城乡居民 最低生活保障", "河口乡", "清财社〔2024〕1号", "2024年2月5日", "50000"],
        ],
    )
    assert res.status == "loaded", res.as_json()
    rows = store.execute(
        "SELECT row_no, fund_code, year, recipient, doc_no, allocated_on, amount_yuan FROM allocations ORDER BY row_no"
    ).fetchall()
    assert rows == [
        (3, "F001", 2024, "城关镇", "清财农〔2024〕3号", dt.date(2024, 2, 1), Decimal("100000.00")),
        (4, "F002", 2024, "河口乡", "清财社〔2024〕1号", dt.date(2024, 2, 5), Decimal("50000.00")),
    ]
    looked = [f for f in res.report.findings if f.rule == "fund_code_looked_up"]
    assert len(looked) == 1 and "耕地地力保护补贴" in looked[0].message
    assert "value_inferred" in {f.rule for f in res.report.findings}  # the year, from the title


def test_a_fund_name_the_catalogue_does_not_hold_is_refused_on_its_row(
    store, load, funds_loaded, tmp_path
):
    before = snapshot(store)
    res = _alloc(
        load,
        tmp_path,
        [
            ["1", "耕地地力保护补贴", "城关镇", "", "2024-02-01", "100000"],
            ["2", "农机购置补贴", "河口乡", "", "2024-02-01", "50000"],
        ],
    )
    assert res.status != "loaded"
    (err,) = [f for f in res.report.errors if f.rule == "fund_name_unknown"]
    assert (err.row, err.column, err.value) == (4, "资金名称", "农机购置补贴")
    assert "2024" in err.message and "专项资金目录" in err.message
    assert snapshot(store) == before
    assert store.execute("SELECT count(*) FROM allocations").fetchone()[0] == 0


def test_a_one_fund_table_takes_the_fund_chosen_at_upload(store, load, funds_loaded, tmp_path):
    path = write_xlsx(
        tmp_path / "one.xlsx",
        [
            ["低保资金分配表"],
            ["乡镇", "文号", "下达资金"],
            ["城关镇", "x1", "3000"],
            ["河口乡", "x1", "2000"],
        ],
    )
    res = load(path, "allocations", values={"fund_code": "F002", "year": "2024"})
    assert res.status == "loaded", res.as_json()
    assert store.execute(
        "SELECT fund_code, recipient, amount_yuan FROM allocations ORDER BY row_no"
    ).fetchall() == [("F002", "城关镇", Decimal("3000.00")), ("F002", "河口乡", Decimal("2000.00"))]


def test_a_signature_line_under_the_table_is_its_footer_not_a_row(
    store, load, funds_loaded, tmp_path
):
    path = write_xlsx(
        tmp_path / "footer.xlsx",
        [
            ["2024年资金分配表"],
            ["资金编码", "乡镇", "分配金额"],
            ["F001", "城关镇", "3000"],
            ["F001", "审核人:王五", "2000"],  # a data row whatever its text: it has an amount
            [None, "制表人：张三", None],
        ],
    )
    res = load(path, "allocations")
    assert res.status == "loaded", res.as_json()
    assert res.report.skipped.get("footer") == [5]
    assert store.execute("SELECT count(*) FROM allocations").fetchone()[0] == 2


def test_notes_under_the_table_are_its_footer_not_rows(store, load, funds_loaded, tmp_path):
    """注：… and the numbered lines under it (a 扶贫 统计表's five notes, tests/realfiles
    fupin-bangfu-zijin-tongji), 说明：… and a signature line: the form's footer, not rows."""
    path = write_xlsx(
        tmp_path / "notes.xlsx",
        [
            ["2024年资金分配表"],
            ["资金编码", "乡镇", "分配金额"],
            ["F001", "城关镇", "3000"],
            ["F001", "河口乡", "2000"],
            [None, None, None],
            ["注：1.分配金额指已下达的资金。", None, None],
            ["2.乡镇为资金的使用单位。", None, None],
            ["（3）金额单位为元。", None, None],
            ["说明：本表由财政所填报。", None, None],
            [None, "填表人：张三", None],
        ],
    )
    res = load(path, "allocations")
    assert res.status == "loaded", res.as_json()
    assert res.report.skipped.get("footer") == [6, 7, 8, 9, 10]
    assert store.execute("SELECT count(*) FROM allocations").fetchone()[0] == 2


def test_a_long_note_under_the_table_is_all_footer(store, load, funds_loaded, tmp_path):
    """A 填表说明 of fourteen numbered lines (more rows than a signature block ever has): every line is
    footer, not only the last few, and the two data rows above them load."""
    notes = [[f"{n}.第{n}项的填写说明。", None, None] for n in range(1, 15)]
    path = write_xlsx(
        tmp_path / "long-notes.xlsx",
        [
            ["2024年资金分配表"],
            ["资金编码", "乡镇", "分配金额"],
            ["F001", "城关镇", "3000"],
            ["F001", "河口乡", "2000"],
            ["填表说明：", None, None],
            *notes,
            [None, "填表人：张三", None],
        ],
    )
    res = load(path, "allocations")
    assert res.status == "loaded", res.as_json()
    first_note_row = 5  # spreadsheet row of 填表说明： (title 1, header 2, data 3-4)
    assert res.report.skipped.get("footer") == list(range(first_note_row, first_note_row + 16))
    assert store.execute("SELECT count(*) FROM allocations").fetchone()[0] == 2


def test_a_numbered_line_under_no_note_is_a_row(store, load, funds_loaded, tmp_path):
    """A numbered line with no 注 / 说明 above it is not proven a note: it is read as a row, and its
    empty cells are named (nothing stored)."""
    path = write_xlsx(
        tmp_path / "numbered.xlsx",
        [
            ["2024年资金分配表"],
            ["资金编码", "乡镇", "分配金额"],
            ["F001", "城关镇", "3000"],
            ["2.河口乡", None, None],
        ],
    )
    res = load(path, "allocations")
    assert res.status == "rejected"
    assert {(e.rule, e.row) for e in res.report.errors} >= {("value_required", 4)}
    assert store.execute("SELECT count(*) FROM allocations").fetchone()[0] == 0


def test_a_header_deeper_than_two_rows_names_each_column_it_does_not_import(
    store, load, funds_loaded, tmp_path
):
    path = write_xlsx(
        tmp_path / "deep.xlsx",
        [
            ["2024年专项资金分配表", None, None, None, None],
            ["分配单位", "合计", "按级次分列（其中）", None, None],
            [None, None, "中央", "地方", None],
            [None, None, None, "省级", "县级"],
            ["城关镇", "3000", "1000", "1000", "1000"],
            ["河口乡", "2000", "1000", "500", "500"],
        ],
    )
    res = load(path, "allocations", values={"fund_code": "F001", "year": "2024"})
    assert res.status == "loaded", res.as_json()
    (unused,) = [f for f in res.report.findings if f.rule == "column_unused"]
    # each named from its group down (the first row's 按级次分列 names the group, it is no title over it)
    assert (
        unused.message.split("：", 1)[1]
        == "按级次分列(其中)/中央、按级次分列(其中)/地方/省级、按级次分列(其中)/地方/县级"
    )
    assert store.execute(
        "SELECT row_no, recipient, amount_yuan FROM allocations ORDER BY row_no"
    ).fetchall() == [(5, "城关镇", Decimal("3000.00")), (6, "河口乡", Decimal("2000.00"))]


def test_a_title_that_says_the_unit_is_wan_yuan_makes_the_amounts_yuan(
    store, load, funds_loaded, tmp_path
):
    rows = [["资金编码", "乡镇", "分配金额"], ["F001", "城关镇", "1.2345"]]
    path = write_xlsx(tmp_path / "wan.xlsx", [["2024年资金分配表  金额单位：万元"], *rows])
    res = load(path, "allocations")
    assert res.status == "loaded", res.as_json()
    assert store.execute("SELECT amount_yuan FROM allocations").fetchone()[0] == Decimal("12345.00")
    assert [f.column for f in res.report.findings if f.rule == "amount_in_wan"] == ["分配金额"]


def test_a_title_in_yuan_or_a_unit_named_by_the_header_is_not_scaled(
    store, load, funds_loaded, tmp_path
):
    path = write_xlsx(
        tmp_path / "yuan.xlsx",
        [
            ["2024年资金分配表 单位：元"],
            ["资金编码", "乡镇", "分配金额"],
            ["F001", "城关镇", "1.50"],
        ],
    )
    assert load(path, "allocations").status == "loaded"
    path = write_xlsx(
        tmp_path / "head.xlsx",
        [
            ["2024年资金分配表 单位：万元"],
            ["资金编码", "乡镇", "分配金额(元)"],
            ["F001", "河口乡", "2"],
        ],
    )
    assert load(path, "allocations").status == "loaded"
    assert store.execute("SELECT amount_yuan FROM allocations ORDER BY recipient").fetchall() == [
        (Decimal("1.50"),),
        (Decimal("2.00"),),
    ]


def _disbursements(load, tmp_path, rows):
    path = write_xlsx(tmp_path / "disb.xlsx", [DISB_HEADER, *rows])
    res = load(path, "disbursements")
    assert res.status == "loaded", res.as_json()


def _keys(store, label, as_of=dt.date(2024, 6, 30)):
    result = run(store, CHECKS[label], Params(as_of=as_of))
    amount = CHECKS[label].amount_column
    return {(r["fund_code"], r["recipient"]): r[amount] for r in result.rows}


def test_allocated_not_disbursed_and_disbursed_beyond_the_allocation(
    store, load, funds_loaded, tmp_path
):
    _alloc(
        load,
        tmp_path,
        [
            ["1", "耕地地力保护补贴", "城关镇", "a", "2024-02-01", "100000"],  # paid in full
            ["2", "耕地地力保护补贴", "河口乡", "a", "2024-02-01", "50000"],  # 20000 of it paid
            ["3", "耕地地力保护补贴", "县农业农村局", "a", "2024-02-01", "8000"],  # paid 9000
            ["4", "耕地地力保护补贴", "青山镇", "b", "2024-06-20", "40000"],  # too recent to be due
            [
                "5",
                "城乡居民最低生活保障",
                "城关镇",
                "c",
                "",
                "6000",
            ],  # no date: due after 2024-12-31
        ],
    )
    _disbursements(
        load,
        tmp_path,
        [
            ["P1", "F001", "城关镇财政所", "60000", "2024-02-05", "2024-02-08"],
            ["P2", "F001", "城关镇财政所", "40000", "2024-03-05", "2024-03-08"],
            ["P3", "F001", "河口乡财政所", "20000", "2024-02-05", "2024-02-08"],
            ["P4", "F001", "县农业农村局", "9000", "2024-02-05", "2024-02-08"],
            ["P5", "F001", "白沙镇财政所", "7000", "2024-02-05", "2024-02-08"],  # no allocation
            [
                "P6",
                "F001",
                "河口乡财政所",
                "30000",
                "2024-06-25",
                "2024-07-02",
            ],  # after the as-of date
            ["P7", "F003", "某公司", "1000", "2024-02-05", "2024-02-08"],  # a fund with no table
        ],
    )
    assert _keys(store, "allocation_not_disbursed") == {("F001", "河口乡"): Decimal("30000.00")}
    assert _keys(store, "disbursed_beyond_allocation") == {
        ("F001", "县农业农村局"): Decimal("1000.00"),
        ("F001", "白沙镇财政所"): Decimal("7000.00"),
    }
    # A year later the undated 低保 allocation is due, and P6 has gone out for 河口乡.
    assert _keys(store, "allocation_not_disbursed", dt.date(2025, 3, 1)) == {
        ("F001", "青山镇"): Decimal("40000.00"),
        ("F002", "城关镇"): Decimal("6000.00"),
    }


def test_allocation_headers_are_known_by_family_not_only_by_alias():
    """Headers no layout and no alias has: each lands by etl.vocabulary's allocations.* roles."""
    match = detect(
        [["项目资金名称", "用款单位名称", "下达文件日期", "发文文号", "指标下达金额", "年度"]],
        "allocations",
    )
    assert {n: match.labels[p] for n, p in match.mapping.items()} == {
        "fund_name": "项目资金名称",
        "recipient": "用款单位名称",
        "allocated_on": "下达文件日期",
        "doc_no": "发文文号",
        "amount_yuan": "指标下达金额",
        "year": "年度",
    }
    match = detect([["区县", "安排资金", "上级文号", "本级指标文号"]], "allocations")
    assert match.labels[match.mapping["recipient"]] == "区县"
    assert match.labels[match.mapping["amount_yuan"]] == "安排资金"
    assert match.labels[match.mapping["doc_no"]] == "本级指标文号"  # the county's own, not 上级


def test_a_payment_roster_is_not_taken_for_an_allocation_table():
    """Its 发放金额 is a payment, not an allocation: ``auto`` reads the roster as payments."""
    match = detect([["资金编码", "年度", "乡镇", "村", "姓名", "身份证号", "发放金额"]])
    assert match.spec.kind == "payments"
    match = detect([["资金编码", "乡镇", "发放金额"]], "allocations")
    assert set(match.mapping) == {"fund_code", "recipient"}


def test_level_columns_with_no_total_are_refused_not_summed(store, load, funds_loaded, tmp_path):
    """中央 / 省级 / 县级 with no 合计: the amount is missing (named), never a sum of guessed columns."""
    path = write_xlsx(
        tmp_path / "levels.xlsx",
        [
            ["2024年资金分配表"],
            ["资金编码", "乡镇", "中央", "省级", "县级"],
            ["F001", "城关镇", "100", "50", "25"],
        ],
    )
    res = load(path, "allocations")
    assert res.status != "loaded"
    (err,) = [f for f in res.report.errors if f.rule == "column_missing"]
    assert (
        "分配金额" in err.message and "中央" in err.message
    )  # the column wanted, the columns there
    assert store.execute("SELECT count(*) FROM allocations").fetchone()[0] == 0


def test_a_first_row_with_text_under_the_headers_own_columns_is_not_more_header():
    """Text under 备注 and 经办人 (each its own header cell, not inside a span) is a row, not a leaf row
    of a deeper header: the header stays one row and keeps its names."""
    head = [
        ["2024年资金分配表", None, None, None, None],
        ["资金编码", "乡镇", "分配金额", "备注", "经办人"],
        [None, None, None, "待补", "李四"],
        ["F001", "城关镇", "3000", None, None],
    ]
    match = detect(head, "allocations")
    assert match.header_rows == (1,)
    assert match.labels == ["资金编码", "乡镇", "分配金额", "备注", "经办人"]

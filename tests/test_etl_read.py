"""The reader takes spreadsheets as they come (DESIGN.md §4): one test per messy trait."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pyarrow as pa
import pytest

from etl.extract import UnreadableFile, kept_rows
from etl.read import read
from tests.sheets import PAY_HEADER, make_id, pay_row, write_csv, write_xls, write_xlsx


def rows_of(con, sql="SELECT row_no, name, amount_yuan, paid_on FROM payments ORDER BY row_no"):
    return con.execute(sql).fetchall()


def test_title_rows_and_total_row_are_skipped(tmp_path, funds_loaded, load, store):
    path = write_xlsx(
        tmp_path / "p.xlsx",
        [
            ["城关镇2024年耕地地力保护补贴发放清册"],
            ["填报单位：城关镇财政所", None, None, "单位：元"],
            PAY_HEADER,
            pay_row(1),
            pay_row(2, name="李四", amount="210", area="2"),
            [None] * 5,
            [
                "合 计",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                "10.5",
                None,
                "1102.50",
            ],
        ],
    )
    result = load(path)
    assert result.status == "loaded", result.as_json()
    assert result.kind == "payments" and result.kind_guessed
    assert result.report.skipped == {"blank": [6], "total": [7]}
    assert rows_of(store) == [
        (4, "张三", Decimal("892.50"), dt.date(2024, 3, 15)),
        (5, "李四", Decimal("210.00"), dt.date(2024, 3, 15)),
    ]


@pytest.mark.parametrize("label", ["合计", "合 计", "小计", "总计", "合计：", "总 计"])
def test_every_total_row_form_is_skipped(tmp_path, funds_loaded, load, store, label):
    path = write_csv(tmp_path / "p.csv", [PAY_HEADER, pay_row(1), [label] + [""] * 14])
    result = load(path)
    assert result.status == "loaded", result.as_json()
    assert result.report.skipped == {"total": [3]}


def test_two_level_header_is_joined(tmp_path, funds_loaded, load, store):
    top = [
        "序号",
        "资金编码",
        "年度",
        "乡镇",
        "村",
        "姓名",
        "身份证号",
        "补贴情况",
        None,
        None,
        "发放日期",
    ]
    sub = [None, None, None, None, None, None, None, "面积", "标准", "金额", None]
    data = [
        "1",
        "F001",
        "2024",
        "城关镇",
        "东风村",
        "王芳",
        make_id(seq=7),
        "8.5",
        "105",
        "892.5",
        "2024-03-05",
    ]
    result = load(write_xlsx(tmp_path / "p.xlsx", [["标题"], top, sub, data]))
    assert result.status == "loaded", result.as_json()
    assert result.extract.match.label("quantity") == "补贴情况/面积"
    assert store.execute(
        "SELECT quantity, standard_yuan, amount_yuan FROM payments"
    ).fetchall() == [(Decimal("8.5"), Decimal("105"), Decimal("892.50"))]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2024-03-05", dt.date(2024, 3, 5)),
        ("2024/3/5", dt.date(2024, 3, 5)),
        ("2024年3月5日", dt.date(2024, 3, 5)),
        ("20240305", dt.date(2024, 3, 5)),
        ("2024.3.5", dt.date(2024, 3, 5)),
        ("45356", dt.date(2024, 3, 5)),  # Excel serial number of 2024-03-05
        ("２０２４年３月５日", dt.date(2024, 3, 5)),  # full-width digits
        ("2024-03-05 00:00:00", dt.date(2024, 3, 5)),
    ],
)
def test_date_forms(tmp_path, funds_loaded, load, store, written, expected):
    result = load(write_csv(tmp_path / "p.csv", [PAY_HEADER, pay_row(1, paid=written)]))
    assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT paid_on FROM payments").fetchone()[0] == expected


def test_excel_date_cells(tmp_path, funds_loaded, load, store):
    row = pay_row(1)
    row[13] = dt.date(2024, 3, 5)
    assert load(write_xlsx(tmp_path / "p.xlsx", [PAY_HEADER, row])).status == "loaded"
    assert store.execute("SELECT paid_on FROM payments").fetchone()[0] == dt.date(2024, 3, 5)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1,234.50", "1234.50"),
        ("1234.5元", "1234.50"),
        ("¥1,234.5", "1234.50"),
        ("１２３４.５０", "1234.50"),
        ("1234", "1234.00"),
        ("0.1", "0.10"),
        (" 1 234.5 ", "1234.50"),
        ("0.12万元", "1200.00"),  # 万 inside the cell: 0.12 × 10000
        ("1.23456万", "12345.60"),
        ("人民币 3万元", "30000.00"),
    ],
)
def test_amount_forms_are_exact(tmp_path, funds_loaded, load, store, written, expected):
    row = pay_row(1, amount=written, area="", standard="")
    assert load(write_csv(tmp_path / "p.csv", [PAY_HEADER, row])).status == "loaded"
    assert store.execute("SELECT amount_yuan FROM payments").fetchone()[0] == Decimal(expected)


def test_numeric_cells_in_xlsx_are_exact_to_the_fen(tmp_path, funds_loaded, load, store):
    # 0.1 + 0.2 style values: float cells must arrive as the decimal the clerk typed.
    rows = [PAY_HEADER] + [pay_row(i, area="", standard="", amount=None) for i in range(1, 4)]
    for row, amount in zip(rows[1:], [0.1, 0.2, 1234567.89], strict=True):
        row[12] = amount
    assert load(write_xlsx(tmp_path / "p.xlsx", rows)).status == "loaded"
    got = [
        r[0] for r in store.execute("SELECT amount_yuan FROM payments ORDER BY row_no").fetchall()
    ]
    assert got == [Decimal("0.10"), Decimal("0.20"), Decimal("1234567.89")]
    assert store.execute("SELECT sum(amount_yuan) FROM payments").fetchone()[0] == Decimal(
        "1234568.19"
    )


def test_names_lose_inner_spaces(tmp_path, funds_loaded, load, store):
    rows = [
        PAY_HEADER,
        pay_row(1, name="张  三"),
        pay_row(2, name="李　四"),
        pay_row(3, name=" 王五 "),
    ]
    assert load(write_xlsx(tmp_path / "p.xlsx", rows)).status == "loaded"
    assert [r[1] for r in rows_of(store)] == ["张三", "李四", "王五"]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_encodings(tmp_path, funds_loaded, load, store, encoding):
    path = write_csv(
        tmp_path / "p.csv",
        [["2024年补贴发放清册"], PAY_HEADER, pay_row(1, name="欧阳娜娜")],
        encoding,
    )
    result = load(path)
    assert result.status == "loaded", result.as_json()
    assert rows_of(store)[0][:2] == (3, "欧阳娜娜")
    assert result.extract.encoding == {"gbk": "gb18030", "gb18030": "gb18030"}.get(
        encoding, encoding
    )


def test_blank_lines_in_csv_keep_row_numbers(tmp_path, funds_loaded, load, store):
    path = write_csv(tmp_path / "p.csv", [PAY_HEADER, pay_row(1), [], pay_row(2, name="李四")])
    result = load(path)
    assert result.status == "loaded"
    assert [r[0] for r in rows_of(store)] == [2, 4]


def test_xls_file(tmp_path, funds_loaded, load, store):
    path = write_xls(
        tmp_path / "p.xls", [["2024年清册"], PAY_HEADER, pay_row(1), pay_row(2, name="李四")]
    )
    result = load(path)
    assert result.status == "loaded", result.as_json()
    assert result.extract.file_format == "xls"
    assert [r[1] for r in rows_of(store)] == ["张三", "李四"]


def test_workbook_with_a_notes_sheet_first(tmp_path, funds_loaded, load, store):
    path = write_xlsx(
        tmp_path / "p.xlsx",
        [PAY_HEADER, pay_row(1)],
        sheet="清册",
        extra_sheets={"填表说明": [["本表由财政所填报"], ["金额单位：元"]]},
    )
    result = load(path)
    assert result.status == "loaded" and result.extract.sheet_name == "清册"


def test_repeated_header_rows_are_skipped(tmp_path, funds_loaded, load, store):
    path = write_xlsx(
        tmp_path / "p.xlsx", [PAY_HEADER, pay_row(1), PAY_HEADER, pay_row(2, name="李四")]
    )
    result = load(path)
    assert result.status == "loaded"
    assert result.report.skipped == {"header_repeat": [3]}


def test_header_aliases(tmp_path, funds_loaded, load, store):
    header = [
        "资金代码",
        "资金年度",
        "镇(区)",
        "行政村",
        "户主姓名",
        "公民身份号码",
        "实发金额(元)",
    ]
    row = ["F001", "2024年", "城关镇", "东风村", "赵六", make_id(seq=9), "300"]
    result = load(write_xlsx(tmp_path / "p.xlsx", [header, row]))
    assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT year, township, name, amount_yuan FROM payments").fetchone() == (
        2024,
        "城关镇",
        "赵六",
        Decimal("300.00"),
    )


def test_months_and_head_counts_are_quantities(tmp_path, funds_loaded, load, store):
    # 高龄津贴 rosters count months, livestock subsidies count head: both are the row's quantity.
    for n, word in enumerate(("发放月数", "头数"), start=1):
        header = [
            "资金代码",
            "年度",
            "乡镇",
            "村",
            "姓名",
            "身份证号",
            word,
            "补助标准",
            "发放金额",
        ]
        row = ["F001", "2024", "城关镇", "东风村", "钱七", make_id(seq=20 + n), "3", "100", "300"]
        result = load(write_xlsx(tmp_path / f"q{n}.xlsx", [header, row]))
        assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT DISTINCT quantity FROM payments").fetchall() == [(Decimal("3"),)]


WIDE_TITLE = ["各单位编制与人员配备表"]
WIDE_TOP = [
    "序号",
    "单位代码",
    "单位名称",
    "行政",
    None,
    None,
    None,
    "事业(参公)",
    None,
    None,
    None,
    "事业(其他)",
    None,
    None,
    None,
    "工勤",
    None,
    None,
    None,
]
WIDE_SUB = [None, None, None] + ["编制数", "实有人数", "超配", "缺配"] * 4


def test_agencies_wide_layout_is_melted(tmp_path, load, store):
    rows = [
        WIDE_TITLE,
        WIDE_TOP,
        WIDE_SUB,
        ["1", "A001", "县财政局", 20, 22, 2, 0, None, None, None, None, 5, 4, 0, 1, 2, 2, 0, 0],
        [
            "2",
            "A002",
            "县农技站",
            None,
            None,
            None,
            None,
            8,
            8,
            0,
            0,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        ["总计", None, None, 20, 22, 2, 0, 8, 8, 0, 0, 5, 4, 0, 1, 2, 2, 0, 0],
    ]
    result = load(write_xlsx(tmp_path / "a.xlsx", rows))
    assert result.status == "loaded", result.as_json()
    assert result.kind == "agencies"
    got = store.execute(
        "SELECT row_no, agency_code, agency_name, staffing_type, quota, actual_reported "
        "FROM agencies ORDER BY row_no, staffing_type"
    ).fetchall()
    assert got == [
        (4, "A001", "县财政局", "事业(其他)", 5, 4),
        (4, "A001", "县财政局", "工勤", 2, 2),
        (4, "A001", "县财政局", "行政", 20, 22),
        (5, "A002", "县农技站", "事业(参公)", 8, 8),
    ]
    assert result.report.skipped == {"total": [6]}


def test_agencies_one_row_per_type(tmp_path, load, store):
    rows = [
        ["单位代码", "单位名称", "编制类型", "编制数", "实有人数"],
        ["A001", "县财政局", "行政编制", "20", "18"],
        ["A001", "县财政局", "工勤", "2", "2"],
    ]
    assert load(write_xlsx(tmp_path / "a.xlsx", rows)).status == "loaded"
    assert store.execute(
        "SELECT staffing_type, quota FROM agencies ORDER BY row_no"
    ).fetchall() == [("行政", 20), ("工勤", 2)]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("empty.xlsx", b"", "空的"),
        ("page.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "HTML"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 100, "损坏"),
        ("random.csv", "只是一段话，没有表头。\n第二行\n".encode(), "找不到"),
        ("latin.csv", b"\xff\xfe\xfa" * 10 + b"\x81", "GBK"),
    ],
)
def test_unreadable_files_say_why(tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=says):
        read(path)


@pytest.mark.parametrize(
    ("kind", "title", "headers"),
    [
        ("payments", "“补贴发放清册”", "姓名、身份证号、发放金额"),
        ("allocations", "“资金分配”", "分配单位、分配金额"),
    ],
)
def test_no_header_names_the_kinds_own_headers(tmp_path, kind, title, headers):
    path = tmp_path / "notes.csv"
    path.write_bytes("只是一段话，没有表头。\n第二行\n".encode())
    with pytest.raises(UnreadableFile) as raised:
        read(path, kind)
    assert title in str(raised.value) and headers in str(raised.value)


@pytest.mark.parametrize(
    "column",
    [
        (
            105.0,
            892.5,
            4.10102e17,
            4.101021990030712e17,
            1234567.89,
            0.1,
            999999999999999.0,
            45356.0,
            None,
        ),
        (1, 2, None, 30),
        ("张三", None, "", " 李 四 "),
        ("文本", 1.5, None, dt.datetime(2024, 3, 5), dt.date(2024, 3, 6), True),
    ],
    ids=["floats", "ints", "text", "mixed"],
)
def test_vectorised_cell_text_agrees_with_cell_text(column):
    from etl.text import cell_text, column_text

    got = column_text(column).to_pylist()
    expected = [cell_text(v) for v in column]
    assert [g or None for g in got] == expected


@pytest.mark.parametrize(
    "written", ["到人(户)", "到人（户）", "到 人", "到户", "persons", "PERSONS"]
)
def test_enum_values_as_written(tmp_path, load, store, written):
    from tests.sheets import FUNDS_HEADER

    row = ["F001", "耕地地力保护补贴", "县农业农村局", "2024", "1000", written, "105"]
    result = load(write_xlsx(tmp_path / "f.xlsx", [FUNDS_HEADER, row]))
    assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT pays_to FROM funds").fetchone()[0] == "persons"


def test_header_only_file_loads_nothing_and_says_so(tmp_path, funds_loaded, load, store):
    """An empty template uploaded as it is: a clear rejection, no crash."""
    for path in (
        write_xlsx(tmp_path / "empty.xlsx", [["标题"], PAY_HEADER]),
        write_csv(tmp_path / "empty.csv", [PAY_HEADER, []]),
    ):
        result = load(path)
        assert result.status == "rejected", result.as_json()
        (finding,) = result.report.errors
        assert finding.rule == "no_rows" and "没有任何数据行" in finding.message
    assert store.execute("SELECT count(*) FROM batches").fetchone() == (1,)


@pytest.mark.parametrize(
    "keep",
    [
        [True] * 6,
        [True] * 5 + [False],  # a total row under the table
        [False, False] + [True] * 4,  # lines above the data
        [False, True, True, True, False, False],
        [True, False, True, True, True, True],  # a blank row inside: not one run
        [False, True, False, True, False, False],
        [False] * 6,
    ],
)
def test_the_kept_rows_are_the_filtered_rows_whether_sliced_or_copied(keep):
    table = pa.table({"_row": list(range(2, 8)), "c0": list("abcdef")})
    mask = pa.array(keep)
    assert kept_rows(table, mask).to_pylist() == table.filter(mask).to_pylist()


def test_the_readers_fallback_to_text_is_not_logged(tmp_path, caplog):
    """A column the form has but leaves empty (户号 here, a 共有权证号 on a 套次 table) is read as text, as
    every column is: fastexcel's “Could not determine dtype … falling back to string” is no news to a
    clerk and must not reach the CLI's stderr."""
    at = PAY_HEADER.index("户号")
    rows = [pay_row(n, id_number=make_id(seq=n)) for n in range(1, 4)]
    path = write_xlsx(
        tmp_path / "roster.xlsx", [PAY_HEADER, *(r[:at] + [None] + r[at + 1 :] for r in rows)]
    )
    with caplog.at_level(logging.WARNING):
        extract = read(path, "payments")
    assert extract.table.num_rows == 3
    assert not [r for r in caplog.records if r.name.startswith("fastexcel")], caplog.text

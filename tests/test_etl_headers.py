"""Headers as clerks write them (issue 14): normalised, scored, mapped, fingerprinted."""

from __future__ import annotations

from decimal import Decimal

import pytest

from etl.extract import UnreadableFile
from etl.headermatch import fingerprint
from etl.headers import detect
from etl.read import read
from etl.text import header_key
from etl.vocabulary import stem
from tests.sheets import make_id, write_csv, write_xlsx


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("实发金额（元）", "实发金额"),
        ("*姓名", "姓名"),
        ("★姓名(必填)", "姓名"),
        ("身份证\n号码", "身份证号码"),
        ("身 份 证 号", "身份证号"),
        ("　乡镇　", "乡镇"),
        ("【户主】姓名", "(户主)姓名"),
        ("面积〔亩〕", "面积"),
        ("补贴标准[元/亩]", "补贴标准"),
        ("人数（人）", "人数"),
        ("预算金额（单位：万元）", "预算金额"),
        ("事业编制数（参公）", "事业编制数(参公)"),
        ("ＩＤ", "id"),
        ("姓名_real_name", "姓名"),
        ("身份证号_id_card_no", "身份证号"),
        ("当前状态 current_status", "当前状态"),
        ("金额（元）/amount", "金额"),
        ("ID号", "id号"),
        ("A类人员", "a类人员"),
        ("单位_id", "单位_id"),
        ("项目业主单位id", "项目业主单位id"),
    ],
    ids=[
        "fullwidth-unit",
        "star",
        "star-required-mark",
        "line-break",
        "spaces",
        "ideographic-space",
        "square-brackets",
        "tortoise-brackets",
        "unit-per-mu",
        "unit-persons",
        "unit-wan",
        "fullwidth-brackets",
        "fullwidth-latin",
        "gloss-underscore",
        "gloss-id-card",
        "gloss-space",
        "gloss-after-unit",
        "latin-first-kept",
        "latin-class-kept",
        "gloss-identifier-kept",
        "latin-suffix-kept",
    ],
)
def test_header_key_normalises(written, key):
    assert header_key(written) == key


@pytest.mark.parametrize(
    ("key", "stemmed"),
    [
        ("所属村子", "村子"),
        ("身份证号码", "身份证"),
        ("身份证号", "身份证"),
        ("享受人员姓名", "人员姓名"),
        ("行政编制数", "行政编制"),
        ("人数", "人数"),
        ("户号", "户号"),
        ("补贴对象", "补贴对象"),
        ("乡镇名称", "乡镇"),
    ],
)
def test_stem_drops_prefixes_and_meaningless_suffixes(key, stemmed):
    assert stem(key) == stemmed


@pytest.mark.parametrize(
    ("written", "column"),
    [
        ("种粮大户姓名", "name"),
        ("农户姓名", "name"),
        ("享受人员姓名", "name"),
        ("受益人", "name"),
        ("户主", "name"),
        ("补贴对象", "name"),
        ("所属村子", "village"),
        ("所在村", "village"),
        ("村委会名称", "village"),
        ("所属村民小组", "village_group"),
        ("身份证号码", "id_number"),
        ("证件号码", "id_number"),
        ("公民身份号码", "id_number"),
        ("身份证\n号码", "id_number"),
        ("所属乡镇", "township"),
        ("乡镇名称", "township"),
        ("种植面积（亩）", "quantity"),
        ("补贴标准（元/亩）", "standard_yuan"),
        ("实发金额（元）", "amount_yuan"),
        ("应发金额", "amount_yuan"),
        ("银行卡号", "bank_account"),
        ("*发放日期", "paid_on"),
        ("种粮大户", "name"),
        ("每亩补贴", "standard_yuan"),
        ("每人每月补助标准", "standard_yuan"),
        ("补贴资金（元）", "amount_yuan"),
        ("补助资金", "amount_yuan"),
    ],
)
def test_header_words_are_recognised(written, column):
    match = detect([["资金编码", "年度", written]], "payments")
    assert match.mapping.get(column) == 2, (match.mapping, match.ambiguous)


@pytest.mark.parametrize(
    "written",
    [
        "联系人电话",
        "联系人",
        "代领人姓名",
        "与户主关系",
        "村民小组",
        "开户银行",
        "经办人",
        "领取人签字",
    ],
)
def test_words_that_are_not_the_person_or_village(written):
    match = detect([["资金编码", "年度", written]], "payments")
    assert "name" not in match.mapping and "village" not in match.mapping


GRAIN_HEADER = [
    "序号",
    "资金编码",
    "年度",
    "所属乡镇",
    "所属村子",
    "种粮大户姓名",
    "身份证号码",
    "种植面积（亩）",
    "补贴标准（元/亩）",
    "补贴金额（元）",
    "联系电话",
    "家庭农场",
]


def grain_row(n: int, name: str = "周大福") -> list:
    return [
        str(n),
        "F001",
        "2024",
        "城关镇",
        "东风村",
        name,
        make_id(seq=n),
        "120",
        "105",
        "12600",
        "13800000000",
        "丰收家庭农场",
    ]


def test_grain_growers_roster_loads(tmp_path, funds_loaded, load, store):
    """A real 种粮大户 roster: 种粮大户姓名 is the name, 所属村子 the village; extra columns named, not stored."""
    path = write_xlsx(
        tmp_path / "grain.xlsx",
        [["2024年种粮大户补贴发放花名册"], GRAIN_HEADER, grain_row(1), grain_row(2, "吴二")],
    )
    result = load(path)
    assert result.status == "loaded", result.as_json()
    assert result.kind == "payments"
    assert store.execute(
        "SELECT name, village, township, quantity, amount_yuan FROM payments ORDER BY row_no"
    ).fetchall() == [
        ("周大福", "东风村", "城关镇", Decimal("120"), Decimal("12600.00")),
        ("吴二", "东风村", "城关镇", Decimal("120"), Decimal("12600.00")),
    ]
    (unused,) = [w for w in result.report.warnings if w.rule == "column_unused"]
    assert unused.message == "未导入的列：联系电话、家庭农场"
    # One warning naming both columns counts once: the preview's “提醒（共 N 条）” is the rows it lists.
    assert result.report.counts[("column_unused", "")] == 1
    assert result.report.total("warning") == len(result.report.warnings)
    assert "13800000000" not in str(store.execute("SELECT * FROM payments").fetchall())


def test_village_group_is_not_the_village(tmp_path, funds_loaded, load, store):
    header = ["资金编码", "年度", "乡镇", "所属村", "所属村民小组", "姓名", "身份证号", "发放金额"]
    row = ["F001", "2024", "城关镇", "东风村", "3组", "张三", make_id(seq=1), "100"]
    assert load(write_xlsx(tmp_path / "p.xlsx", [header, row])).status == "loaded"
    assert store.execute("SELECT village, village_group FROM payments").fetchone() == (
        "东风村",
        "3组",
    )
    # Without a village column, 村民小组 does not stand in for it: the roster loads with no village
    # (required only if present since 026, issue 14) and its one warning names the 村 column.
    header, row = header[:3] + header[4:], row[:3] + row[4:]
    result = load(write_xlsx(tmp_path / "q.xlsx", [header, row]), "payments")
    assert result.status == "loaded", result.as_json()["errors"]
    (absent,) = [f for f in result.report.warnings if f.rule == "column_absent"]
    assert absent.column == "村"
    assert store.execute(
        "SELECT village, village_group FROM payments WHERE batch_id = ?", [result.batch]
    ).fetchone() == (None, "3组")


def test_contact_person_phone_is_not_a_name(tmp_path):
    head = [["资金编码", "年度", "乡镇", "村", "联系人电话", "户主姓名", "身份证号", "发放金额"]]
    match = detect(head, "payments")
    assert match.label("name") == "户主姓名"
    assert [match.labels[p] for p in match.unused] == ["联系人电话"]


def test_the_kinds_columns_beside_the_files():
    head = [
        ["资金编码", "年度", "乡镇", "村", "领取人姓名", "户主姓名", "身份证号", "花名", "发放金额"]
    ]
    match = detect(head, "payments")
    fields = {f["column"]: f for f in match.fields()}
    assert fields["name"]["status"] == "ambiguous" and fields["name"]["candidates"] == [
        "领取人姓名",
        "户主姓名",
    ]
    assert fields["township"]["status"] == "matched" and fields["township"]["header"] == "乡镇"
    assert fields["period"]["status"] == "absent"
    assert {c["header"]: c["status"] for c in match.columns()}["花名"] == "unused"


def test_a_tie_is_ambiguous_not_guessed(tmp_path, funds_loaded, load, store):
    """领取人 and 户主: two people, both exact aliases of the name, one ID number column between them.
    (A plain 姓名 beside 户主姓名 is the row's own person: tests/test_etl_header_roles.py.)"""
    header = ["资金编码", "年度", "乡镇", "村", "领取人姓名", "户主姓名", "身份证号", "发放金额"]
    row = ["F001", "2024", "城关镇", "东风村", "张三", "张大", make_id(seq=1), "100"]
    result = load(write_xlsx(tmp_path / "p.xlsx", [header, row]))
    assert result.status == "rejected"
    (finding,) = [f for f in result.report.errors if f.rule == "column_ambiguous"]
    assert (
        "“领取人姓名”" in finding.message
        and "“户主姓名”" in finding.message
        and finding.column == "姓名"
    )
    assert store.execute("SELECT count(*) FROM payments").fetchone() == (0,)


def test_mapping_resolves_a_tie_and_is_recorded(tmp_path, funds_loaded, load, store):
    header = ["资金编码", "年度", "乡镇", "村", "姓名", "户主姓名", "身份证号", "发放金额"]
    row = ["F001", "2024", "城关镇", "东风村", "张三", "张大", make_id(seq=1), "100"]
    mapping = {"户主姓名": "name", "姓名": ""}
    result = load(write_xlsx(tmp_path / "p.xlsx", [header, row]), mapping=mapping)
    assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT name FROM payments").fetchone() == ("张大",)
    assert result.as_json()["mapping"] == mapping
    (unused,) = [w for w in result.report.warnings if w.rule == "column_unused"]
    assert unused.message == "未导入的列：姓名"


def test_mapping_names_a_column_the_matcher_does_not_know(tmp_path, funds_loaded, load, store):
    header = ["资金编码", "年度", "乡镇", "村", "花名", "身份证号", "发放金额"]
    row = ["F001", "2024", "城关镇", "东风村", "李四", make_id(seq=2), "100"]
    path = write_xlsx(tmp_path / "p.xlsx", [header, row])
    refused = load(path, "payments")
    (missing,) = [f for f in refused.report.errors if f.rule == "column_missing"]
    assert "花名" in missing.message  # the page can offer it for the missing 姓名
    result = load(path, "payments", mapping={"花名": "name"})
    assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT name FROM payments").fetchone() == ("李四",)


def test_mapping_overrides_the_matcher(tmp_path):
    head = [["资金编码", "年度", "乡镇", "村", "姓名", "代领人", "身份证号", "发放金额"]]
    path = write_csv(
        tmp_path / "p.csv",
        [*head, ["F001", "2024", "城关镇", "东风村", "张三", "张大", make_id(seq=1), "1"]],
    )
    extract = read(path, "payments", mapping={"代领人": "name", "姓名": ""})
    assert extract.table["name"].to_pylist() == ["张大"]
    assert extract.match.mapped == {"代领人": "name", "姓名": ""}
    statuses = {c["header"]: c["status"] for c in extract.match.columns()}
    assert (
        statuses["代领人"] == "mapped"
        and statuses["姓名"] == "not_needed"
        and statuses["乡镇"] == "matched"
    )


def test_two_level_mapping_key_is_top_slash_sub(tmp_path):
    top = ["资金编码", "年度", "乡镇", "村", "姓名", "身份证号", "补贴情况", None]
    sub = [None, None, None, None, None, None, "计税亩", "到手"]
    data = ["F001", "2024", "城关镇", "东风村", "王芳", make_id(seq=7), "8.5", "892.5"]
    path = write_xlsx(tmp_path / "p.xlsx", [top, sub, data])
    extract = read(
        path, "payments", mapping={"补贴情况/到手": "amount_yuan", "补贴情况/计税亩": "quantity"}
    )
    assert extract.table["amount_yuan"].to_pylist() == ["892.5"]
    assert extract.table["quantity"].to_pylist() == ["8.5"]


def test_a_mapped_header_is_the_column_of_that_very_label_not_one_equal_without_its_unit(tmp_path):
    """已发金额(元) and 已发金额 have one header_key: the clerk who names 已发金额(元) (as the page shows it,
    or typed at the command line in full width with a space) means that column, not the other."""
    head = ["资金编码", "年度", "乡镇", "村", "姓名", "身份证号", "已发金额(元)", "已发金额"]
    row = ["F001", "2024", "城关镇", "东风村", "王芳", make_id(seq=7), "892.5", "100"]
    path = write_csv(tmp_path / "p.csv", [head, row])
    named = read(path, "payments", mapping={"已发金额(元)": "amount_yuan", "已发金额": ""})
    assert named.table["amount_yuan"].to_pylist() == ["892.5"]
    assert named.match.mapped == {"已发金额(元)": "amount_yuan", "已发金额": ""}
    alone = read(path, "payments", mapping={"已发金额(元)": "amount_yuan"})
    assert alone.table["amount_yuan"].to_pylist() == ["892.5"]
    typed = read(path, "payments", mapping={"已发金额 （元）": "amount_yuan"})  # spaces, full width
    assert typed.table["amount_yuan"].to_pylist() == ["892.5"]


def test_fingerprint_is_the_header_layout(tmp_path):
    header = ["资金编码", "年度", "乡镇", "村", "姓名", "身份证号", "发放金额"]
    march = read(
        write_xlsx(
            tmp_path / "m.xlsx",
            [
                ["2024年3月清册"],
                header,
                ["F001", "2024", "城关镇", "东风村", "张三", make_id(seq=1), "1"],
            ],
        )
    )
    april = read(
        write_csv(
            tmp_path / "a.csv",
            [
                ["2024年4月清册"],
                header,
                ["F002", "2024", "河西乡", "新村", "李四", make_id(seq=2), "2"],
                ["F002", "2024", "河西乡", "新村", "王五", make_id(seq=3), "3"],
            ],
        )
    )
    assert march.match.fingerprint == april.match.fingerprint
    # Width and spelling do not matter (the normalised header is hashed); a different header does.
    assert (
        fingerprint(["资金编码（ ）".replace("（ ）", ""), *header[1:], None])
        == march.match.fingerprint
    )
    other = read(
        write_xlsx(
            tmp_path / "o.xlsx",
            [
                header[:-1] + ["实发金额"],
                ["F001", "2024", "城关镇", "东风村", "张三", make_id(seq=1), "1"],
            ],
        )
    )
    assert other.match.fingerprint != march.match.fingerprint
    assert len(march.match.fingerprint) == 16


def test_auto_detection_says_how_sure_it_is(tmp_path, funds_loaded):
    from tests.sheets import PAY_HEADER, pay_row

    extract = read(write_xlsx(tmp_path / "p.xlsx", [PAY_HEADER, pay_row(1)]))
    sure = extract.match.confidence
    assert (
        sure["kind"] == "payments" and sure["runner_up"] and sure["margin"] > 0 and not sure["tie"]
    )


def test_auto_detection_refuses_a_tie(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", [["资金编码", "金额"], ["F001", "100"]])
    with pytest.raises(UnreadableFile, match="无法自动判断"):
        read(path)
    assert read(path, "payments").kind == "payments"


def test_paid_amount_is_the_amount_and_due_differs_is_a_warning(
    tmp_path, funds_loaded, load, store
):
    header = ["资金编码", "年度", "乡镇", "村", "姓名", "身份证号", "应发金额", "实发金额"]
    rows = [
        ["F001", "2024", "城关镇", "东风村", "张三", make_id(seq=1), "100", "100"],
        ["F001", "2024", "城关镇", "东风村", "李四", make_id(seq=2), "100", "90"],
    ]
    result = load(write_xlsx(tmp_path / "p.xlsx", [header, *rows]))
    assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT amount_yuan FROM payments ORDER BY row_no").fetchall() == [
        (Decimal("100.00"),),
        (Decimal("90.00"),),
    ]
    (warning,) = [w for w in result.report.warnings if w.rule == "amount_due_differs"]
    assert warning.row == 3 and warning.column == "实发金额" and "100" in warning.message


def test_amount_due_alone_is_the_amount(tmp_path, funds_loaded, load, store):
    header = ["资金编码", "年度", "乡镇", "村", "姓名", "身份证号", "应发金额"]
    row = ["F001", "2024", "城关镇", "东风村", "张三", make_id(seq=1), "100"]
    result = load(write_xlsx(tmp_path / "p.xlsx", [header, row]))
    assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT amount_yuan FROM payments").fetchone() == (Decimal("100.00"),)


OFFICIAL_TOP = [
    "序号",
    "单位代码",
    "单位名称",
    "行政编制数",
    None,
    "事业编制数(参公)",
    None,
    "事业编制数(其他)",
    None,
    "工勤编制数",
    None,
    "其他编制数",
    None,
]
OFFICIAL_SUB = [None, None, None] + ["编制数", "实有人数"] * 5


def test_official_staffing_form_loads_with_its_other_type(tmp_path, load, store):
    rows = [
        ["各单位编制与人员配备表"],
        OFFICIAL_TOP,
        OFFICIAL_SUB,
        ["1", "A001", "县财政局", 20, 18, None, None, 5, 5, 2, 2, 1, 1],
        ["2", "A002", "县农技站", None, None, 8, 7, None, None, None, None, None, None],
    ]
    result = load(write_xlsx(tmp_path / "a.xlsx", rows))
    assert result.status == "loaded", result.as_json()
    assert result.kind == "agencies"
    got = store.execute(
        "SELECT agency_code, staffing_type, quota, actual_reported FROM agencies "
        "ORDER BY row_no, staffing_type"
    ).fetchall()
    assert got == [
        ("A001", "事业(其他)", 5, 5),
        ("A001", "其他", 1, 1),
        ("A001", "工勤", 2, 2),
        ("A001", "行政", 20, 18),
        ("A002", "事业(参公)", 8, 7),
    ]


def test_one_row_staffing_form_names_type_and_measure_together(tmp_path, load, store):
    header = [
        "单位代码",
        "单位名称",
        "行政编制数",
        "事业编制数（参公）",
        "事业编制数（其他）",
        "工勤编制数",
        "其他编制数",
    ]
    result = load(
        write_xlsx(tmp_path / "a.xlsx", [header, ["A001", "县财政局", 20, None, 5, 2, 1]]),
        "agencies",
    )
    assert result.status == "loaded", result.as_json()
    assert store.execute(
        "SELECT staffing_type, quota FROM agencies ORDER BY staffing_type"
    ).fetchall() == [("事业(其他)", 5), ("其他", 1), ("工勤", 2), ("行政", 20)]


def test_a_mapping_that_does_not_apply_is_reported(tmp_path, funds_loaded, load):
    header = ["资金编码", "年度", "乡镇", "村", "姓名", "身份证号", "发放金额", "备用"]
    row = ["F001", "2024", "城关镇", "东风村", "张三", make_id(seq=1), "100", "x"]
    path = write_xlsx(tmp_path / "p.xlsx", [header, row])
    result = load(path, "payments", mapping={"户主": "name", "备用": "no_such_column"})
    assert result.status == "rejected"
    (invalid,) = [f for f in result.report.errors if f.rule == "mapping_invalid"]
    assert "no_such_column" in invalid.message and "name（姓名）" in invalid.message
    (unused,) = [w for w in result.report.warnings if w.rule == "mapping_unused"]
    assert "“户主”" in unused.message


def test_amounts_in_wan_are_converted_to_yuan(tmp_path, load, store):
    header = ["资金编码", "资金名称", "主管部门", "年度", "资金总额（万元）", "发放对象"]
    row = ["F001", "耕地地力保护补贴", "县农业农村局", "2024", "123.4567", "到人"]
    result = load(write_xlsx(tmp_path / "f.xlsx", [header, row]))
    assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT budget_yuan FROM funds").fetchone() == (Decimal("1234567.00"),)
    assert [w.rule for w in result.report.warnings] == ["amount_in_wan"]


def test_a_cell_in_wan_under_a_wan_header_is_not_multiplied_twice(tmp_path, load, store):
    header = ["资金编码", "资金名称", "主管部门", "年度", "资金总额（万元）", "发放对象"]
    rows = [
        ["F001", "耕地地力保护补贴", "县农业农村局", "2024", "50万", "到人"],
        ["F002", "农机购置补贴", "县农业农村局", "2024", "1.5", "到人"],
    ]
    result = load(write_xlsx(tmp_path / "f.xlsx", [header, *rows]))
    assert result.status == "loaded", result.as_json()
    assert store.execute(
        "SELECT fund_code, budget_yuan FROM funds ORDER BY fund_code"
    ).fetchall() == [
        ("F001", Decimal("500000.00")),
        ("F002", Decimal("15000.00")),
    ]


def test_an_unused_header_holding_the_lists_comma_is_quoted(tmp_path, funds_loaded, load):
    """未导入的列 names its headers joined by 、: one that holds a 、 itself (*项目审批（核准、备案）文号, an
    import template's) is quoted, so the list reads back as the headers; the others are written as before."""
    from tests.sheets import PAY_HEADER, pay_row

    header = [*PAY_HEADER, "联系电话", "项目审批（核准、备案）文号"]
    rows = [[*pay_row(1), "13800000000", "县发改审批〔2024〕1号"]]
    result = load(write_xlsx(tmp_path / "p.xlsx", [header, *rows]))
    assert result.status == "loaded", result.as_json()
    (unused,) = [w for w in result.report.warnings if w.rule == "column_unused"]
    assert unused.message == "未导入的列：联系电话、“项目审批(核准、备案)文号”"
    assert unused.column == "联系电话、“项目审批(核准、备案)文号”"

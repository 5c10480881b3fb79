"""Every rule in the catalogue: its message, row, column, and (for errors) an unchanged store."""

from __future__ import annotations

import datetime as dt

import pytest

from etl.idnum import mask
from tests.conftest import snapshot
from tests.sheets import PAY_HEADER, make_id, pay_row, write_csv, write_xlsx

GOOD_ID = make_id(seq=5)
WRONG_CHECK = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")


def load_rows(tmp_path, load, rows, name="p.csv"):
    path = tmp_path / name
    writer = write_xlsx if name.endswith(".xlsx") else write_csv
    return load(writer(path, [["2024年发放清册"], PAY_HEADER, *rows]))


def only(findings, rule):
    hits = [f for f in findings if f.rule == rule]
    assert hits, f"no {rule} in {[f.rule for f in findings]}"
    return hits


ERROR_CASES = [
    # (id, row changes, rule, header, value shown, words in the message)
    (
        "id_checksum",
        {"id_number": WRONG_CHECK},
        "id_checksum",
        "身份证号",
        mask(WRONG_CHECK),
        "校验位",
    ),
    (
        "id_length",
        {"id_number": "11010519800101001"},
        "id_length",
        "身份证号",
        "110105*******1001",
        "18 位",
    ),
    (
        "id_birth_date",
        {"id_number": make_id(birth="19800230")},
        "id_birth_date",
        "身份证号",
        mask(make_id(birth="19800230")),
        "出生日期",
    ),
    (
        "id_format",
        {"id_number": "11010519800101001A"},
        "id_format",
        "身份证号",
        "110105********001A",
        "非数字",
    ),
    (
        "id_scientific",
        {"id_number": "4.10102E+17"},
        "id_scientific",
        "身份证号",
        "4.10102E+17",
        "科学计数法",
    ),
    ("amount_text", {"amount": "二百元"}, "amount_not_number", "发放金额", "二百元", "不是金额"),
    (
        "amount_negative",
        {"amount": "-5", "area": "", "standard": ""},
        "amount_negative",
        "发放金额",
        "-5",
        "负数",
    ),
    ("date_bad", {"paid": "2024-02-30"}, "date_invalid", "发放日期", "2024-02-30", "不是日期"),
    ("date_text", {"paid": "三月初"}, "date_invalid", "发放日期", "三月初", "不是日期"),
    ("fund_unknown", {"fund": "F999"}, "fund_unknown", "资金编码", "F999", "资金目录"),
    ("required_empty", {"name": ""}, "value_required", "姓名", None, "不能为空"),
    ("status_unknown", {"status": "发了"}, "enum_invalid", "发放状态", "发了", "允许"),
]


@pytest.mark.parametrize(
    ("change", "rule", "header", "value", "words"),
    [c[1:] for c in ERROR_CASES],
    ids=[c[0] for c in ERROR_CASES],
)
def test_error_names_row_column_value_and_changes_nothing(
    tmp_path, funds_loaded, load, store, change, rule, header, value, words
):
    before = snapshot(store)
    result = load_rows(tmp_path, load, [pay_row(1), pay_row(2, **{"name": "李四", **change})])
    assert result.status == "rejected"
    (finding,) = only(result.report.errors, rule)
    assert finding.row == 4  # title row, header row, first data row, then this one
    assert finding.column == header
    assert finding.value == value
    assert words in finding.message
    assert finding.expected and finding.message_en
    assert snapshot(store) == before


def test_full_id_never_appears_in_findings(tmp_path, funds_loaded, load):
    result = load_rows(tmp_path, load, [pay_row(1, id_number=WRONG_CHECK)])
    text = str(result.as_json())
    assert WRONG_CHECK not in text and mask(WRONG_CHECK) in text


def test_missing_required_column_names_the_header_and_aliases(tmp_path, funds_loaded, load, store):
    # (a roster without 身份证号 loads since issue 14's ID-less rosters: the name is required)
    header = [h for h in PAY_HEADER if h != "姓名"]
    row = pay_row(1)
    del row[PAY_HEADER.index("姓名")]
    before = snapshot(store)
    result = load(write_xlsx(tmp_path / "p.xlsx", [header, row]), "payments")
    assert result.status == "rejected"
    (finding,) = result.report.errors
    assert finding.rule == "column_missing" and finding.row == 1 and finding.column == "姓名"
    assert "户主姓名" in finding.message and "领取人姓名" in finding.message
    assert snapshot(store) == before


def test_findings_use_the_users_own_header_text(tmp_path, funds_loaded, load):
    header = [h.replace("发放金额", "实发金额（元）") for h in PAY_HEADER]
    result = load(write_csv(tmp_path / "p.csv", [header, pay_row(1, amount="abc")]))
    (finding,) = result.report.errors
    assert finding.column == "实发金额(元)"  # NFKC folds the full-width brackets


def test_many_errors_are_all_counted(tmp_path, funds_loaded, load):
    rows = [pay_row(i, amount="x") for i in range(1, 1201)]
    result = load_rows(tmp_path, load, rows)
    assert result.report.total("error") == 1200
    assert len(result.report.errors) == 500  # listed per rule; the count stays complete


WARNING_CASES = [
    (
        "amount_mismatch",
        [pay_row(1, area="8.5", standard="105", amount="900")],
        "amount_mismatch",
        3,
        "892.50",
    ),
    (
        "duplicate",
        [pay_row(1), pay_row(2, name="张三", id_number=make_id(seq=1))],
        "duplicate_in_batch",
        4,
        "3",
    ),
    (
        "two_names",
        [pay_row(1), pay_row(2, name="张叁", period="2024-04", id_number=make_id(seq=1))],
        "id_two_names",
        4,
        "张三",
    ),
    ("paid_before_year", [pay_row(1, paid="2023-12-31")], "paid_before_year", 3, "2024"),
    (
        "region_unknown",
        [pay_row(1, id_number=make_id(region="999999"))],
        "id_region_unknown",
        3,
        "999999",
    ),
    ("rounded", [pay_row(1, area="", standard="", amount="12.345")], "amount_rounded", 3, "12.35"),
]


@pytest.mark.parametrize(
    ("rows", "rule", "row", "detail"),
    [c[1:] for c in WARNING_CASES],
    ids=[c[0] for c in WARNING_CASES],
)
def test_warning_is_reported_and_the_load_goes_on(
    tmp_path, funds_loaded, load, store, rows, rule, row, detail
):
    result = load_rows(tmp_path, load, rows)
    assert result.status == "loaded", result.as_json()
    (finding,) = only(result.report.warnings, rule)
    assert finding.row == row and detail in finding.message
    assert store.execute("SELECT count(*) FROM payments").fetchone()[0] == len(rows)
    stored = store.execute(
        "SELECT warning_count FROM upload_reports WHERE batch_id = ?", [result.batch]
    ).fetchone()
    assert stored == (result.report.total("warning"),)


def test_disbursed_before_approved(tmp_path, funds_loaded, load):
    rows = [
        ["凭证号", "资金编码", "收款单位", "拨付金额", "审核签字日期", "拨出日期"],
        ["PZ1", "F001", "城关镇财政所", "1000", "2024-03-10", "2024-03-08"],
    ]
    result = load(write_xlsx(tmp_path / "d.xlsx", rows))
    assert result.status == "loaded"
    (finding,) = only(result.report.warnings, "disbursed_before_approved")
    assert finding.row == 2 and finding.column == "拨出日期"


def test_rule_messages_are_bilingual_and_labels_unique():
    from etl.rules import CATALOGUE

    labels = [r.label for r in CATALOGUE]
    assert len(labels) == len(set(labels))
    for rule in CATALOGUE:
        assert rule.severity in ("error", "warning")
        assert rule.message_zh and rule.message_en and rule.expected_zh and rule.expected_en


def test_a_duration_cell_in_a_date_column_says_it_is_a_duration(
    tmp_path, load, store, funds_loaded
):
    """A cell formatted [h]:mm (1.5 days) under 发放日期: the message shows what the clerk sees (36:00, not
    "1 day, 12:00:00"), says it is a duration and asks for a date; nothing is stored.  A typed text that
    is no date stays date_invalid."""
    import xlsxwriter

    from etl.text import cell_text

    assert cell_text(dt.timedelta(days=1, hours=12)) == "36:00"
    assert cell_text(dt.timedelta(minutes=90, seconds=5)) == "1:30:05"
    path = tmp_path / "d.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws, duration = book.add_worksheet("S"), book.add_format({"num_format": "[h]:mm"})
    ws.write_row(0, 0, PAY_HEADER)
    paid = PAY_HEADER.index("发放日期")
    for r in range(1, 4):
        ws.write_row(r, 0, pay_row(r))
    ws.write_number(2, paid, 1.5, duration)
    ws.write_string(3, paid, "三月初")
    book.close()
    before = snapshot(store)
    result = load(path, "payments")
    assert result.status == "rejected" and snapshot(store) == before
    found = [(f.rule, f.row, f.column, f.value) for f in result.report.errors]
    assert found == [
        ("date_is_duration", 3, "发放日期", "36:00"),
        ("date_invalid", 4, "发放日期", "三月初"),
    ]
    (error,) = only(result.report.errors, "date_is_duration")
    assert (
        "是时长" in error.message and "不是日期" in error.message and "2024-03-05" in error.expected
    )

"""Issue 15 §1: a personal number typed into a published text column is refused, and shown masked only."""

from __future__ import annotations

import io
import json
import logging

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from etl import personal
from etl.annotate import annotate
from etl.idnum import mask
from etl.preview import dry_run
from etl.rulequeries import personal_in_text
from etl.specs import SPECS
from tests.conftest import snapshot
from tests.sheets import PAY_HEADER, make_id, pay_row, write_csv, write_xlsx

ID = make_id(region="411524", birth="19850612", seq=37)
ID_BAD_CHECK = ID[:-1] + ("0" if ID[-1] != "0" else "1")  # a mistyped ID: the birth date is real
ID_OLD = "411524850612371"  # the 15-digit form: region, YYMMDD, three digits
MOBILE = "13912345678"
CARD = "622202123456789" + luhn.calc_check_digit("622202123456789")  # 16 digits, Luhn right
CARD19 = "621700123456789012" + luhn.calc_check_digit("621700123456789012")
assert luhn.is_valid(CARD) and luhn.is_valid(CARD19)

FOUND = [
    ("id", f"负责人张三{ID}", "id", "411524********" + ID[-4:]),
    ("id_bad_check", f"身份证{ID_BAD_CHECK}号", "id", mask(ID_BAD_CHECK)),
    ("id_old", f"旧证{ID_OLD}", "id", mask(ID_OLD)),
    ("id_grouped", f"{ID[:6]} {ID[6:14]} {ID[14:]}", "id", mask(ID)),
    ("mobile", f"联系人{MOBILE}", "mobile", "139****5678"),
    ("mobile_spaces", "电话 139 1234 5678", "mobile", "139****5678"),
    ("mobile_dashes", "139-1234-5678联系", "mobile", "139****5678"),
    ("mobile_86", "+86 13912345678", "mobile", "139****5678"),
    ("mobile_fullwidth", "１３９１２３４５６７８", "mobile", "139****5678"),
    ("card16", f"卡号{CARD}", "card", "****" + CARD[-4:]),
    ("card19", f"{CARD19}", "card", "****" + CARD19[-4:]),
    (
        "card_grouped",
        " ".join(CARD[i : i + 4] for i in range(0, 16, 4)),
        "card",
        "****" + CARD[-4:],
    ),
]

VOUCHER16 = "202403010000123" + luhn.calc_check_digit("202403010000123")
VOUCHER18 = "20240301000012345" + ric.calc_check_digit("20240301000012345")

NOT_FOUND = [
    ("voucher", "PZ2024-0001"),
    ("fund_code", "F2024001"),
    ("date", "2024-03-05 至 2024-12-31"),
    ("landline", "0376-1234567"),
    ("mobile_12x", "12912345678"),  # 12x is no mobile prefix
    ("twelve_digits", "139123456789"),  # a longer run is not a mobile
    ("amount", "1,234,567,890.00"),
    ("amount_wide", "13500000000.00"),  # 135 亿元 as a page writes a Decimal, not a mobile
    ("decimals", "0.13912345678"),
    ("card_bad_luhn", CARD[:-1] + str((int(CARD[-1]) + 1) % 10)),
    ("eighteen_neither", "990000000000000001"),  # no birth date, and the check digit is wrong
    # Treasury voucher numbers: the check digits fit, but 20… is no province and 2024… no card issuer.
    ("voucher_luhn", "支付凭证" + VOUCHER16),
    ("voucher_id_check", VOUCHER18),
    ("name", "东风村道路硬化"),
]
# The 18-digit negative really fails every test (no valid check digit, no date, no Luhn).
assert not luhn.is_valid("990000000000000001")


@pytest.mark.parametrize(
    ("text", "kind", "shown"), [c[1:] for c in FOUND], ids=[c[0] for c in FOUND]
)
def test_detector_finds_and_masks(text, kind, shown):
    (hit,) = personal.find(text)
    assert hit.kind == kind and hit.shown == shown
    out = personal.masked(text)
    assert shown in out
    digits = "".join(ch for ch in personal.fold(text) if ch.isdigit())
    assert digits not in "".join(ch for ch in out if ch.isdigit())


@pytest.mark.parametrize("text", [c[1] for c in NOT_FOUND], ids=[c[0] for c in NOT_FOUND])
def test_detector_leaves_other_numbers(text):
    assert personal.find(text) == []
    assert personal.masked(text) == text


PROJECT_HEADER = [
    "资金编码",
    "项目名称",
    "乡镇",
    "村",
    "实施单位",
    "项目金额",
    "开工日期",
    "项目状态",
]


def project_row(name="东风村道路硬化", contractor="县公路公司", status="在建"):
    return ["F003", name, "城关镇", "东风村", contractor, "200,000.00", "2024-04-01", status]


def test_clerks_project_notice_is_refused_with_row_header_and_masked_value(
    tmp_path, funds_loaded, load, store, caplog
):
    """The issue's own case: a mobile in 项目名称, an ID number in 实施单位."""
    rows = [
        ["2024年项目资金公示"],
        PROJECT_HEADER,
        project_row(),
        project_row(name=f"村道硬化，联系人 {MOBILE}"),
        project_row(contractor=f"负责人李四 {ID}"),
    ]
    path = write_xlsx(tmp_path / "projects.xlsx", rows)
    before = snapshot(store)
    with caplog.at_level(logging.DEBUG):
        result = load(path)
    assert result.status == "rejected"
    assert snapshot(store) == before
    found = {
        (f.row, f.column, f.value)
        for f in result.report.errors
        if f.rule == "personal_data_in_text"
    }
    assert found == {
        (4, "项目名称", "村道硬化,联系人 139****5678"),
        (5, "实施单位", f"负责人李四 {mask(ID)}"),
    }
    for f in result.report.errors:
        assert "手机号码" in f.message or "身份证号码" in f.message
        assert "mobile number" in f.message_en or "ID number" in f.message_en
    shown = json.dumps(result.as_json(), ensure_ascii=False) + caplog.text
    stored = str(store.execute("SELECT * FROM upload_reports").fetchall())
    for full in (MOBILE, ID):
        assert full not in shown and full not in stored


def test_marked_copy_and_preview_show_the_number_masked(tmp_path, funds_loaded, store, hasher):
    rows = [
        ["2024年项目资金公示"],
        PROJECT_HEADER,
        project_row(name=f"村道硬化{MOBILE}", contractor=ID),
    ]
    path = write_xlsx(tmp_path / "projects.xlsx", rows)
    preview = dry_run(store, path, hasher=hasher)
    assert {f.column for f in preview.report.errors} == {"项目名称", "实施单位"}
    (sample,) = preview.sample
    assert sample["project_name"] == "村道硬化139****5678" and sample["contractor"] == mask(ID)
    wb = openpyxl.load_workbook(io.BytesIO(annotate(preview.extract, preview.report.findings)))
    comments = [c.comment.text for ws in wb for r in ws.iter_rows() for c in r if c.comment]
    listed = [str(c.value) for c in wb.worksheets[-1].iter_rows() for c in c]  # the 问题清单 sheet
    assert len(comments) == 2
    for text in comments + listed:
        assert MOBILE not in text and ID not in text


def test_long_numbers_that_are_not_personal_load(tmp_path, funds_loaded, load):
    """Cells the quick regexp keeps but the check clears (a 12-digit run, a 16-digit non-Luhn) load."""
    card_bad = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)
    rows = [
        ["2024年项目资金公示"],
        PROJECT_HEADER,
        project_row(name="村道硬化139123456789号"),
        project_row(contractor=f"合同{card_bad}"),
        project_row(status="990000000000000001"),
    ]
    result = load(write_xlsx(tmp_path / "projects.xlsx", rows))
    assert result.status == "loaded", result.as_json()
    assert not [f for f in result.report.findings if f.rule == "personal_data_in_text"]


def test_declared_personal_columns_are_not_scanned_but_others_are(tmp_path, funds_loaded, load):
    """The card in 一卡通账号 is stored masked (allowed); a mobile in 姓名 or a card in 户号 is not."""
    header = [*PAY_HEADER, "一卡通账号"]
    ok = load(write_csv(tmp_path / "ok.csv", [header, [*pay_row(1), CARD]]))
    assert ok.status == "loaded", ok.as_json()
    bad = load(
        write_csv(
            tmp_path / "bad.csv",
            [header, [*pay_row(1, name=f"张三{MOBILE}", household=CARD), CARD]],
        )
    )
    assert bad.status == "rejected"
    hits = {(f.row, f.column) for f in bad.report.errors if f.rule == "personal_data_in_text"}
    assert hits == {(2, "姓名"), (2, "户号")}


def test_every_public_kind_is_scanned():
    """Each kind's text and code columns get the rule, except the declared personal ones."""
    for spec in SPECS.values():
        scanned = {name for name, _ in personal_in_text(spec)}
        expected = {c.name for c in spec.columns if c.type in ("text", "code") and not c.personal}
        assert scanned == expected and scanned, spec.kind
    assert "bank_account" not in {n for n, _ in personal_in_text(SPECS["payments"])}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [ID, ID_OLD, MOBILE, CARD, CARD19, "139 1234 5678", "+86", "X", "-", " "]
            ),
            st.text(alphabet="0123456789０１２３ -xX号张", max_size=25),
        ),
        max_size=6,
    ).map("".join)
)
def test_masking_leaves_nothing_to_find(text):
    """Whatever the text, the masked form holds no personal number and the rest is as written."""
    out = personal.masked(text)
    assert personal.find(out) == []
    if not personal.find(text):
        assert out == text

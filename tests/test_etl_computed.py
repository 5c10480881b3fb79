"""Columns the form lacks and the loader computes (etl.filevalues.Computed, in SQL in etl.clean).

A roster with a quantity but no amount: the amount is quantity × standard, exact (DECIMAL, half up to the
fen), with the standard from a column, from the clerk's value, or from the title; one warning for the file.
A catalogue that names its funds but has no code: a code from year + normalised name, the same on every
reload, and two rows with one code an error naming both.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from etl.filevalues import fund_key, generated_fund_code
from tests.sheets import make_id, write_xlsx

ROSTER = ["序号", "姓名", "身份证号", "村", "种植面积"]


def _roster(
    tmp_path: Path, areas: list[str], header=ROSTER, title=None, extra=None, name="roster.xlsx"
) -> Path:
    rows = [*(title or [])]
    rows.append(header)
    villages = ["东风村", "红星村", "新华村"]
    for i, area in enumerate(areas):
        row = [str(i + 1), f"张{'一二三四五六'[i]}", make_id(seq=i + 1), villages[i % 3], area]
        rows.append(row + ([extra[i]] if extra else []))
    return write_xlsx(tmp_path / name, rows)


VALUES = {"fund_code": "F001", "year": "2024", "township": "城关镇"}


def _amounts(store, result) -> list[tuple]:
    return store.execute(
        "SELECT row_no, quantity, standard_yuan, amount_yuan FROM payments WHERE batch_id = ? ORDER BY row_no",
        [result.batch],
    ).fetchall()


def _rules(result) -> list[str]:
    return [f.rule for f in result.report.findings]


def test_amount_is_quantity_times_the_clerks_standard_exact_to_the_fen(
    load, store, funds_loaded, tmp_path
):
    # 0.125 × 4.20 = 0.525: half a fen, rounded up to 0.53 (a float would give 0.52499…); 8.5 × 105 = 892.50;
    # 3.3333 × 4.20 = 13.99986 -> 14.00; 1.0005 × 4.20 = 4.2021 -> 4.20.
    path = _roster(tmp_path, ["0.125", "8.5", "3.3333", "1.0005"])
    result = load(path, "payments", values={**VALUES, "standard_yuan": "4.20元/亩"})
    assert result.status == "loaded", result.as_json()
    amounts = [(r[0], r[3]) for r in _amounts(store, result)]
    assert amounts == [
        (2, Decimal("0.53")),
        (3, Decimal("35.70")),
        (4, Decimal("14.00")),
        (5, Decimal("4.20")),
    ]
    assert all(isinstance(a, Decimal) for _, a in amounts)
    # The standard is stored on each row; the warning is the file's (its header row), not one per row.
    assert {r[2] for r in _amounts(store, result)} == {Decimal("4.20")}
    computed = [f for f in result.report.findings if f.rule == "amount_computed"]
    assert len(computed) == 1 and computed[0].severity == "warning" and computed[0].row == 1
    assert computed[0].message == "发放金额按 种植面积 × 补助标准 计算（4.20 元/亩）"
    assert result.as_json()["computed"]["amount_yuan"]["inputs"] == ["quantity", "standard_yuan"]


def test_half_a_fen_rounds_up_with_the_standard_105(load, store, funds_loaded, tmp_path):
    # 0.0050 × 105 = 0.525 -> 0.53; 10.0010 × 105 = 1050.105 -> 1050.11; 2.3450 × 105 = 246.225 -> 246.23.
    path = _roster(tmp_path, ["0.0050", "10.0010", "2.3450"])
    result = load(path, "payments", values={**VALUES, "standard_yuan": "105"})
    assert result.status == "loaded", result.as_json()
    assert [r[3] for r in _amounts(store, result)] == [
        Decimal("0.53"),
        Decimal("1050.11"),
        Decimal("246.23"),
    ]
    assert "（105.00 元/亩）" in next(
        f.message for f in result.report.findings if f.rule == "amount_computed"
    )


def test_standard_from_a_column_of_the_file(load, store, funds_loaded, tmp_path):
    path = _roster(
        tmp_path,
        ["2", "1.5", "0.125"],
        header=[*ROSTER, "补助标准"],
        extra=["105", "110.50", "4.2"],
    )
    result = load(path, "payments", values=VALUES)
    assert result.status == "loaded", result.as_json()
    assert [r[3] for r in _amounts(store, result)] == [
        Decimal("210.00"),
        Decimal("165.75"),
        Decimal("0.53"),
    ]
    (computed,) = [f for f in result.report.findings if f.rule == "amount_computed"]
    assert computed.message == "发放金额按 种植面积 × 补助标准 计算（每行的“补助标准”）"


def test_standard_from_the_title_is_a_value_inferred_warning(load, store, funds_loaded, tmp_path):
    title = [["2024年种粮大户补贴发放清册"], ["乡镇：城关镇", None, "补贴标准：105元/亩"]]
    path = _roster(tmp_path, ["8.5", "0.005"], title=title)
    result = load(path, "payments", values={"fund_code": "F001"})
    assert result.status == "loaded", result.as_json()
    assert [r[3] for r in _amounts(store, result)] == [Decimal("892.50"), Decimal("0.53")]
    inferred = {f.column: f for f in result.report.findings if f.rule == "value_inferred"}
    assert (
        inferred["补助标准"].value == "105" and "补贴标准:105元/亩" in inferred["补助标准"].message
    )
    assert result.report.values["standard_yuan"]["source"] == "title"
    assert "（105.00 元/亩）" in next(
        f.message for f in result.report.findings if f.rule == "amount_computed"
    )


def test_the_clerks_standard_wins_over_the_title(load, store, funds_loaded, tmp_path):
    title = [["2024年种粮大户补贴发放清册 补贴标准：105元/亩"]]
    path = _roster(tmp_path, ["2"], title=title)
    result = load(path, "payments", values={**VALUES, "standard_yuan": "100"})
    assert result.status == "loaded", result.as_json()
    assert [r[3] for r in _amounts(store, result)] == [Decimal("200.00")]
    assert "value_inferred" not in _rules(result)


def test_neither_amount_nor_standard_says_the_clerk_can_give_the_standard(
    load, store, funds_loaded, tmp_path
):
    result = load(_roster(tmp_path, ["8.5"]), "payments", values=VALUES)
    assert result.status == "rejected"
    (missing,) = [f for f in result.report.errors if f.rule == "column_missing"]
    assert missing.column == "发放金额"
    assert (
        "种植面积" in missing.message
        and "补助标准" in missing.message
        and "上传时" in missing.message
    )
    assert "give the standard at upload" in missing.message_en
    assert store.execute("SELECT count(*) FROM payments").fetchone()[0] == 0


def test_no_quantity_no_amount_names_both_ways(load, funds_loaded, tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx", [["姓名", "身份证号", "村"], ["张三", make_id(), "东风村"]]
    )
    result = load(path, "payments", values={**VALUES, "standard_yuan": "105"})
    assert result.status == "rejected"
    (missing,) = [f for f in result.report.errors if f.rule == "column_missing"]
    assert "数量列" in missing.message and "补助标准" in missing.message
    assert "amount_computed" not in _rules(result)


def test_a_blank_quantity_is_an_error_on_its_row(load, store, funds_loaded, tmp_path):
    result = load(
        _roster(tmp_path, ["8.5", "", "x"]), "payments", values={**VALUES, "standard_yuan": "105"}
    )
    assert result.status == "rejected"
    errors = {(f.rule, f.row, f.column) for f in result.report.errors}
    assert errors == {("amount_uncomputable", 3, "种植面积"), ("amount_not_number", 4, "种植面积")}
    assert "value_required" not in _rules(result)  # the amount is not blamed for its quantity


def test_an_amount_column_is_never_recomputed(load, store, funds_loaded, tmp_path):
    path = _roster(tmp_path, ["2", "3"], header=[*ROSTER, "发放金额"], extra=["210.00", "999.00"])
    result = load(path, "payments", values={**VALUES, "standard_yuan": "105"})
    assert result.status == "loaded", result.as_json()
    assert [r[3] for r in _amounts(store, result)] == [Decimal("210.00"), Decimal("999.00")]
    assert "amount_computed" not in _rules(result)
    # 3 × 105 = 315.00, not 999.00: the file's amount is loaded and the difference reported.
    assert [f.row for f in result.report.findings if f.rule == "amount_mismatch"] == [3]


# --- fund catalogues without a code column --------------------------------------------------------------

CATALOGUE = ["专项资金名称", "主管部门", "年度", "预算金额", "发放对象"]
FUNDS = [
    ["耕地地力保护补贴", "县农业农村局", "2024", "1,000,000.00", "到人"],
    ["城乡居民最低生活保障", "县民政局", "2024", "500,000.00", "到人"],
    ["村道硬化", "县交通运输局", "2024", "2,000,000.00", "到项目"],
]


def _codes(store, result) -> list[tuple]:
    return store.execute(
        "SELECT row_no, fund_name, fund_code FROM funds WHERE batch_id = ? ORDER BY row_no",
        [result.batch],
    ).fetchall()


def test_generated_fund_codes_are_stable_across_two_loads(load, store, tmp_path):
    first = load(
        write_xlsx(tmp_path / "a.xlsx", [["2024年专项资金目录"], CATALOGUE, *FUNDS]), "funds"
    )
    assert first.status == "loaded", first.as_json()
    codes = _codes(store, first)
    assert [c for *_, c in codes] == [generated_fund_code(2024, r[0]) for r in FUNDS]
    assert all(c.startswith("G2024-") and len(c) == len("G2024-") + 10 for *_, c in codes)
    (warning,) = [f for f in first.report.findings if f.rule == "fund_code_generated"]
    assert (
        warning.severity == "warning"
        and codes[0][2] in warning.message
        and "专项资金名称" in warning.message
    )
    # The same catalogue written again (another file: spaces and brackets differ) replaces the first:
    # every fund keeps its code, so rosters that name them still find them.
    again = [[f" {r[0][:2]} {r[0][2:]}（ ）", *r[1:]] for r in FUNDS]
    second = load(
        write_xlsx(tmp_path / "b.xlsx", [CATALOGUE, *again]), "funds", replaces=first.batch
    )
    assert second.status == "loaded", second.as_json()
    assert [c for *_, c in _codes(store, second)] == [c for *_, c in codes]
    roster = write_xlsx(
        tmp_path / "r.xlsx",
        [["姓名", "身份证号", "村", "种植面积"], ["张三", make_id(), "东风村", "2"]],
    )
    paid = load(
        roster,
        "payments",
        values={
            "fund_code": codes[0][2],
            "year": "2024",
            "township": "城关镇",
            "standard_yuan": "105",
        },
    )
    assert paid.status == "loaded", paid.as_json()


def test_a_roster_titled_with_the_funds_name_finds_its_generated_code(load, store, tmp_path):
    first = load(write_xlsx(tmp_path / "a.xlsx", [CATALOGUE, *FUNDS]), "funds", values={})
    assert first.status == "loaded", first.as_json()
    title = [["2024年耕地地力保护补贴发放清册"], ["乡镇：城关镇"]]
    roster = write_xlsx(
        tmp_path / "r.xlsx",
        [*title, ["姓名", "身份证号", "村", "发放金额"], ["张三", make_id(), "东风村", "892.50"]],
    )
    paid = load(roster, "payments")
    assert paid.status == "loaded", paid.as_json()
    assert paid.report.values["fund_code"]["value"] == generated_fund_code(2024, "耕地地力保护补贴")


def test_the_code_differs_by_year_and_ignores_spacing_and_punctuation():
    assert generated_fund_code(2024, "耕地地力保护补贴") != generated_fund_code(
        2025, "耕地地力保护补贴"
    )
    assert generated_fund_code(2024, "耕地地力 保护补贴（中央）") == generated_fund_code(
        2024, "耕地地力保护补贴(中央)"
    )
    assert fund_key("Ａ类 补贴·一") == "a类补贴一"
    assert generated_fund_code(2024, "耕地地力保护补贴") != generated_fund_code(
        2024, "农机购置补贴"
    )


def test_two_rows_with_one_code_are_an_error_naming_both(load, store, tmp_path):
    rows = [*FUNDS, ["耕地地力 保护补贴", "县财政局", "2024", "5,000.00", "到人"]]
    result = load(write_xlsx(tmp_path / "a.xlsx", [CATALOGUE, *rows]), "funds")
    assert result.status == "rejected"
    (err,) = [f for f in result.report.errors if f.rule == "fund_code_collision"]
    assert err.row == 5 and err.column == "专项资金名称" and err.value == "耕地地力 保护补贴"
    assert "第 2 行“耕地地力保护补贴”" in err.message
    assert store.execute("SELECT count(*) FROM funds").fetchone()[0] == 0


def test_a_code_the_store_holds_for_another_name_is_an_error(load, store, tmp_path):
    code = generated_fund_code(2024, "耕地地力保护补贴")
    other = [["资金编码", *CATALOGUE], [code, "另一个资金", "县财政局", "2024", "1.00", "到人"]]
    assert load(write_xlsx(tmp_path / "o.xlsx", other), "funds").status == "loaded"
    result = load(write_xlsx(tmp_path / "a.xlsx", [CATALOGUE, *FUNDS]), "funds")
    assert result.status == "rejected"
    (err,) = [f for f in result.report.errors if f.rule == "fund_code_collision"]
    assert err.row == 2 and "另一个资金" in err.message


def test_a_code_column_or_a_chosen_code_is_never_replaced(load, store, tmp_path):
    result = load(
        write_xlsx(tmp_path / "a.xlsx", [["资金编码", *CATALOGUE], ["F9", *FUNDS[0]]]), "funds"
    )
    assert result.status == "loaded" and _codes(store, result)[0][2] == "F9"
    assert "fund_code_generated" not in _rules(result)
    chosen = load(
        write_xlsx(tmp_path / "b.xlsx", [CATALOGUE, FUNDS[1]]), "funds", values={"fund_code": "F10"}
    )
    assert chosen.status == "loaded" and _codes(store, chosen)[0][2] == "F10"
    assert "fund_code_generated" not in _rules(chosen)

"""A required column whose header the kind's words do not know, found by what its cells hold (issue 14:
held-out forms write their own headers).  Real files made in the test, loaded through etl.load into a
fresh store; the headers here are not those of any layout under tests/layouts/."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import snapshot
from tests.sheets import PAY_HEADER, make_id, pay_row, write_xlsx

ALLOC_HEADER = ["序号", "资金编码", "年度", "拨付对象", "指标文号", "分配金额"]


def _alloc_rows(recipients: list[str]) -> list[list[str]]:
    return [
        [str(n), "F001", "2024", r, f"清财农〔2024〕{n}号", f"{n}0000.00"]
        for n, r in enumerate(recipients, 1)
    ]


def test_a_recipient_under_a_header_nobody_taught_is_found_by_its_names(
    store, load, funds_loaded, tmp_path
):
    """拨付对象 is no word of the allocations kind; its cells name townships and offices, so it is the
    recipient, and one warning says the column was taken for what its values hold."""
    recipients = ["城关镇", "河口乡", "县教育局", "县人民医院"]
    path = write_xlsx(tmp_path / "a.xlsx", [ALLOC_HEADER, *_alloc_rows(recipients)])
    result = load(path, "allocations")
    assert result.status == "loaded", result.as_json()["errors"]
    got = store.execute("SELECT recipient, amount_yuan FROM allocations ORDER BY row_no").fetchall()
    assert got == [(r, Decimal(f"{n}0000.00")) for n, r in enumerate(recipients, 1)]
    (said,) = [f for f in result.report.warnings if f.rule == "column_by_values"]
    assert (said.row, said.column) == (1, "拨付对象")
    assert said.message == (
        "表头“拨付对象”不是“分配单位”的常见写法，但这一列的值都是单位或乡镇名称，已作为“分配单位”导入；"
        "如不是，请在对应关系中改正"
    )


def test_names_that_are_not_units_leave_the_column_missing(store, load, funds_loaded, tmp_path):
    """The same header over people's names is not a recipient: the file is refused as before, nothing
    stored."""
    path = write_xlsx(
        tmp_path / "a.xlsx", [ALLOC_HEADER, *_alloc_rows(["张三", "李四", "王五", "赵六"])]
    )
    before = snapshot(store)
    result = load(path, "allocations")
    assert result.status == "rejected" and snapshot(store) == before
    assert "column_missing" in {f.rule for f in result.report.errors}
    assert "column_by_values" not in {f.rule for f in result.report.findings}


def test_two_columns_that_could_be_the_recipient_are_a_question_not_a_guess(
    store, load, funds_loaded, tmp_path
):
    header = [*ALLOC_HEADER, "经办单位"]
    rows = [
        [*row, office]
        for row, office in zip(
            _alloc_rows(["城关镇", "河口乡", "县教育局"]),
            ["县财政局", "县财政局", "县农业农村局"],
            strict=True,
        )
    ]
    before = snapshot(store)
    result = load(write_xlsx(tmp_path / "a.xlsx", [header, *rows]), "allocations")
    assert result.status == "rejected" and snapshot(store) == before
    assert "column_missing" in {f.rule for f in result.report.errors}


def test_an_id_number_column_under_an_unknown_header_is_found_by_its_check_digits(
    store, load, funds_loaded, tmp_path
):
    """A roster whose ID column is headed 公民号: without it the roster loaded with no ID numbers (one
    column_absent warning) and the inspectors' matches on ID numbers missed every row."""
    header = [h if h != "身份证号" else "公民号" for h in PAY_HEADER]
    ids = [make_id(seq=n) for n in range(1, 5)]
    rows = [pay_row(n, id_number=i) for n, i in enumerate(ids, 1)]
    result = load(write_xlsx(tmp_path / "p.xlsx", [header, *rows]), "payments")
    assert result.status == "loaded", result.as_json()["errors"]
    assert store.execute("SELECT count(*), count(id_hash) FROM payments").fetchone() == (4, 4)
    rules = [f.rule for f in result.report.findings]
    assert rules.count("column_by_values") == 1 and "column_absent" not in rules


def test_the_clerks_not_needed_is_kept(store, load, funds_loaded, tmp_path):
    header = [h if h != "身份证号" else "公民号" for h in PAY_HEADER]
    rows = [pay_row(n, id_number=make_id(seq=n)) for n in range(1, 5)]
    path = write_xlsx(tmp_path / "p.xlsx", [header, *rows])
    result = load(path, "payments", mapping={"公民号": ""})
    assert result.status == "loaded", result.as_json()["errors"]
    assert store.execute("SELECT count(*), count(id_hash) FROM payments").fetchone() == (4, 0)
    assert "column_by_values" not in {f.rule for f in result.report.findings}


def test_a_column_of_numbers_that_are_not_id_numbers_is_not_taken(
    store, load, funds_loaded, tmp_path
):
    """18 digits with a wrong check digit (a bank's serial) are not ID numbers."""
    header = [h if h != "身份证号" else "流水号" for h in PAY_HEADER]
    rows = [pay_row(n, id_number=f"20240315{n:010d}") for n in range(1, 5)]
    result = load(write_xlsx(tmp_path / "p.xlsx", [header, *rows]), "payments")
    assert store.execute("SELECT count(id_hash) FROM payments").fetchone() == (0,)
    assert "column_by_values" not in {f.rule for f in result.report.findings}


def test_a_staff_rolls_unit_is_never_guessed_from_the_units_it_names(store, load, tmp_path):
    """A staff roll names other units than the one each person is counted in (毕业院校 here; 原工作单位,
    发证机关 elsewhere): a roll with no unit column is refused until the clerk chooses or maps the unit, not filled with the
    universities its people graduated from."""
    header = ["姓名", "身份证号码", "毕业院校", "政治面貌"]
    rows = [
        [name, make_id(seq=n), "华中师范大学", "群众"]
        for n, name in enumerate(["张三", "李四", "王五", "赵六"], 1)
    ]
    path = write_xlsx(tmp_path / "s.xlsx", [header, *rows])
    before = snapshot(store)
    result = load(path, "staff", values={"staffing_type": "事业"})
    assert result.status == "rejected" and snapshot(store) == before
    assert "column_missing" in {f.rule for f in result.report.errors}
    assert "column_by_values" not in {f.rule for f in result.report.findings}
    chosen = load(path, "staff", values={"staffing_type": "事业", "agency_name": "城关镇中心小学"})
    assert chosen.status == "loaded", chosen.as_json()["errors"]
    got = store.execute("SELECT DISTINCT agency_name FROM staff").fetchall()
    assert got == [("城关镇中心小学",)]


def test_a_units_name_is_a_name_not_a_sentence_that_ends_like_one():
    """A 工作履历 line ends as a school's name does (“2016 调入本校”, jiaozhigong-huamingce-csv-daochu): it
    has figures, spaces and a "/" in it, which a unit's name has not."""
    from etl.bycontent import ORGANISATION, says

    assert says(["城关镇中心小学", "县第一中学", "县农业农村局"], ORGANISATION)
    assert not says(["2010 参加工作 / 2016 调入本校"] * 3, ORGANISATION)
    assert not says(["张三", "李四", "王五"], ORGANISATION)


def test_a_budget_of_one_department_does_not_take_its_contractors_for_the_department(
    store, load, tmp_path
):
    """A department's project budget names the units carrying its items out (实施单位); the department is
    the one the clerk chooses at upload, not the contractor on each row."""
    header = ["项目名称", "实施单位", "金额"]
    rows = [
        ["农村公路养护", "县公路管理局", "300000.00"],
        ["小型水利维修", "县水利工程公司", "120000.00"],
        ["农技推广", "县农业技术推广中心", "80000.00"],
    ]
    path = write_xlsx(tmp_path / "b.xlsx", [header, *rows])
    values = {"year": "2024", "category": "项目支出"}
    before = snapshot(store)
    result = load(path, "budgets", values=values)
    assert result.status == "rejected" and snapshot(store) == before
    assert "column_by_values" not in {f.rule for f in result.report.findings}
    chosen = load(path, "budgets", values={**values, "department": "县交通运输局"})
    assert chosen.status == "loaded", chosen.as_json()["errors"]
    assert store.execute("SELECT DISTINCT department FROM budgets").fetchall() == [
        ("县交通运输局",)
    ]

"""A unit written as code-name (财政一体化 / 国库支付 exports: 101001-县财政局, [101001]县财政局) is stored as
its name, so that it joins the agencies register and budget tables by name (fundquery/inspect)."""

from __future__ import annotations

import duckdb
import pytest

from etl.clean import parse_expr
from etl.specs import SPECS
from tests.sheets import make_id, write_xlsx


def _parsed(kind: str, column: str, written: str | None):
    col = SPECS[kind].column(column)
    expr = parse_expr(col).replace(f'r."{column}"', "x")
    return duckdb.execute(
        f"SELECT {expr} FROM (SELECT CAST(? AS VARCHAR) AS x)",  # noqa: S608
        [written],
    ).fetchone()[0]


@pytest.mark.parametrize(
    ("written", "want"),
    [
        ("101001-县财政局", "县财政局"),
        ("[101001]县财政局", "县财政局"),
        ("101001 县财政局", "县财政局"),
        ("【101001】县财政局", "县财政局"),
        ("(101001)县财政局", "县财政局"),
        ("101001—县财政局", "县财政局"),
        ("101001－县财政局", "县财政局"),
        ("A01001-县财政局", "县财政局"),
        # near cases: a name, digits that are part of a name, a short number, a code alone
        ("县财政局", "县财政局"),
        ("101医院", "101医院"),
        ("3号楼", "3号楼"),
        ("8341部队", "8341部队"),
        ("12-县财政局", "12-县财政局"),
        ("101001", "101001"),
        ("101001-ABC", "101001-ABC"),
        (None, None),
    ],
)
def test_a_unit_written_as_code_name_is_its_name(written, want):
    assert _parsed("payroll", "agency_name", written) == want


@pytest.mark.parametrize(
    ("kind", "column"),
    [
        ("disbursements", "payee"),
        ("budgets", "department"),
        ("allocations", "recipient"),
        ("projects", "contractor"),
        ("agencies", "agency_name"),
        ("staff", "agency_name"),
    ],
)
def test_every_column_naming_a_unit_takes_it(kind, column):
    assert _parsed(kind, column, "[101001]县财政局") == "县财政局"


def test_a_persons_name_and_an_amount_are_never_cut():
    assert _parsed("payroll", "name", "101001-张三") == "101001-张三"
    assert str(_parsed("payroll", "gross_yuan", "101001.50")) == "101001.50"


def test_a_staff_rolls_coded_units_load_as_names_with_one_warning(tmp_path, load, store):
    header = ["序号", "单位名称", "人员姓名", "身份证", "应发工资", "实发工资"]
    units = ["101001-县财政局", "[101002]县教育局", "县卫健委", "8341部队"]
    rows = [
        [n, unit, f"张{n}", make_id(seq=n), "5100", "4200.10"]
        for n, unit in enumerate(units, start=1)
    ]
    path = write_xlsx(tmp_path / "payroll.xlsx", [header, *rows])
    result = load(path, "payroll", values={"month": "2024年3月"})
    assert result.status == "loaded", result.as_json()["errors"]
    got = store.execute(
        "SELECT agency_name FROM payroll WHERE batch_id = ? ORDER BY row_no", [result.batch]
    ).fetchall()
    assert [a for (a,) in got] == ["县财政局", "县教育局", "县卫健委", "8341部队"]
    (warning,) = [f for f in result.report.findings if f.rule == "unit_code_stripped"]
    assert warning.severity == "warning" and warning.column == "单位名称"
    assert "101001-县财政局" in warning.message and "县财政局" in warning.message_en


def test_units_written_as_names_give_no_warning(tmp_path, load, store):
    header = ["序号", "单位名称", "人员姓名", "身份证", "应发工资", "实发工资"]
    rows = [[1, "县财政局", "张三", make_id(seq=1), "5100", "4200.10"]]
    result = load(
        write_xlsx(tmp_path / "p.xlsx", [header, *rows]), "payroll", values={"month": "2024年3月"}
    )
    assert result.status == "loaded", result.as_json()["errors"]
    assert "unit_code_stripped" not in {f.rule for f in result.report.findings}

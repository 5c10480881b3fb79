"""A kind declared in the test alone is offered by the command line, the web upload, its template,
open data and the lake (issue 16); the declarations are in tests/test_kinds.py.
"""

from __future__ import annotations

import csv
import io
import json

import duckdb
import openpyxl
from click.testing import CliRunner

from etl import kinddocs
from etl.county import set_county
from fundquery.cli import cli
from fundquery.lake.duck import open_lake
from fundquery.lake.export import export_lake
from fundquery.queries.batches import PUBLIC_VIEW
from fundquery.queries.datasets import DATASETS
from fundquery.web.app import create_app
from fundquery.web.db import get_db
from tests.sheets import write_xlsx
from tests.test_kinds import GRANTS_HEADER, GRANTS_ROWS, grants, schema  # noqa: F401
from tests.web.staffing import finance, load, preview, staff_app  # noqa: F401

PASSWORD = "correct horse battery\n"


def test_a_kind_declared_in_a_test_alone_is_everywhere(grants, finance, staff_app, tmp_path):  # noqa: F811
    kind = grants.kind
    path = write_xlsx(
        tmp_path / "grants.xlsx", [["2024年林业补助发放表"], GRANTS_HEADER, *GRANTS_ROWS]
    )

    # the command line offers it and loads it into a store that never heard of it
    db = tmp_path / "cli.duckdb"
    env = {"FUNDQUERY_DB": str(db), "FUNDQUERY_INSTANCE": str(tmp_path / "instance")}
    add_reviewer = ["user", "add", "shen", "--role", "reviewer", "--password-stdin"]
    assert CliRunner(env=env).invoke(cli, add_reviewer, input=PASSWORD).exit_code == 0
    result = CliRunner(env=env).invoke(
        cli,
        ["load", kind, str(path), "--publish", "--reviewer", "shen", "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"] == 2

    con = duckdb.connect(str(db))
    assert schema(con, kind)[0] == [
        ("batch_id", "INTEGER", "NO", None),
        ("row_no", "INTEGER", "NO", None),
        ("year", "INTEGER", "NO", None),
        ("township", "VARCHAR", "NO", None),
        ("name", "VARCHAR", "NO", None),
        ("id_hash", "VARCHAR", "NO", None),
        ("id_masked", "VARCHAR", "NO", None),
        ("sex", "VARCHAR", "YES", None),
        ("birth_date", "DATE", "YES", None),
        ("amount_yuan", "DECIMAL(18,2)", "NO", None),
        ("paid_on", "DATE", "YES", None),
    ]
    stored = con.execute(
        f"SELECT township, name, id_masked, sex, amount_yuan::VARCHAR FROM public_{kind} ORDER BY row_no"  # noqa: S608
    ).fetchall()
    assert stored == [
        ("城关镇", "赵林生", "110105********" + GRANTS_ROWS[0][3][-4:], "男", "1200.00"),
        ("东风镇", "钱木根", "110105********" + GRANTS_ROWS[1][3][-4:], "女", "800.50"),
    ]
    assert con.execute(f"SELECT count(*) FROM live_{kind}").fetchone() == (2,)  # noqa: S608

    # the province's lake takes it, partitioned by the year it was paid in
    set_county(con, "411524", "新县", "test")
    lake = tmp_path / "lake"
    export_lake(con, lake)
    con.close()
    manifest = json.loads((lake / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"][kind]["partition_by"] == ["county_code", "year"]
    assert [
        (p["county_code"], p["year"], p["rows"])
        for p in manifest["partitions"]
        if p["table"] == kind
    ] == [("411524", 2024, 1), ("411524", 2025, 1)]
    assert open_lake(lake).execute(
        f"SELECT year, sum(amount_yuan)::VARCHAR FROM live_{kind} GROUP BY ALL ORDER BY ALL"  # noqa: S608
    ).fetchall() == [(2024, "1200.00"), (2025, "800.50")]

    # open data: the columns declared public, never the ID number; the reviewer's preview the same
    assert [c.name for c in DATASETS[kind].columns] == ["year", "township", "amount_yuan"]
    assert PUBLIC_VIEW[kind] == ("year, township, amount_yuan", "amount_yuan", "township")

    # the web: its blank template, and an upload through preview and load
    template = finance.get(f"/staff/templates/{kind}.xlsx")
    assert template.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(template.data)).worksheets[0]
    assert [c.value for c in sheet[1]] == [
        "*补助年度",
        "*所在乡镇",
        "*林农姓名",
        "*林农身份证号",
        "*补助金额",
        "补助发放日期",
    ]
    url, data = preview(finance, path, kind)
    assert data["kind"] == kind and data["error_total"] == 0, data
    assert load(finance, url, data).status_code == 302
    with staff_app.app_context():
        assert get_db().execute(f"SELECT count(*) FROM live_{kind}").fetchone() == (2,)  # noqa: S608

    # and the docs list it, generated from the same spec
    section = kinddocs.markdown().split(f"## `{kind}`")[1].split("\n## ")[0]
    assert (
        "林业补助发放表" in section
        and "| `amount_yuan` | amount | yes | yes | 补助金额 |" in section
    )
    assert "| `name` | text | yes |  | 林农姓名 |" in section


def test_published_open_data_of_a_declared_kind(grants, tmp_path):  # noqa: F811
    path = write_xlsx(tmp_path / "grants.xlsx", [GRANTS_HEADER, *GRANTS_ROWS])
    db = tmp_path / "web.duckdb"
    env = {"FUNDQUERY_DB": str(db), "FUNDQUERY_INSTANCE": str(tmp_path / "instance")}
    runner = CliRunner(env=env)
    add_reviewer = ["user", "add", "shen", "--role", "reviewer", "--password-stdin"]
    assert runner.invoke(cli, add_reviewer, input=PASSWORD).exit_code == 0
    loaded = runner.invoke(cli, ["load", grants.kind, str(path), "--publish", "--reviewer", "shen"])
    assert loaded.exit_code == 0, loaded.output
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE": str(db)})
    response = app.test_client().get(f"/opendata/{grants.kind}.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows == [
        ["年度", "乡镇", "金额(元)"],
        ["2024", "东风镇", "800.50"],
        ["2024", "城关镇", "1200.00"],
    ]

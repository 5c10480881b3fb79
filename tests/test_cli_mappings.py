"""``fundquery load --map/--mapping/--set`` and ``fundquery mappings``: a clerk's mapping remembered (issue 14)."""

from __future__ import annotations

import json

import duckdb
import pytest
from click.testing import CliRunner

from fundquery.cli import cli
from tests.sheets import (
    FUNDS_HEADER,
    FUNDS_ROWS,
    ROSTER_HEADER,
    make_id,
    roster,
    write_csv,
    write_xlsx,
)

MAPS = [
    "--map",
    "经营主体=姓名",
    "--map",
    "流转面积（亩）=quantity",
    "--map",
    "亩均补贴=补助标准",
    "--map",
    "兑付资金（元）=发放金额",
    "--map",
    "联系电话=不需要",
]
SETS = ["--set", "fund_code=F001", "--set", "乡镇=城关镇"]


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("FUNDQUERY_DB", str(tmp_path / "cli.duckdb"))
    monkeypatch.setenv("FUNDQUERY_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("FUNDQUERY_ID_KEY", raising=False)
    runner = CliRunner()

    def _run(*args):
        return runner.invoke(cli, list(map(str, args)), catch_exceptions=False)

    funds = write_xlsx(tmp_path / "funds.xlsx", [FUNDS_HEADER, *FUNDS_ROWS])
    assert _run("load", "funds", funds).exit_code == 0
    return _run


def test_roster_refused_without_a_mapping_loads_with_map_and_set(run, tmp_path):
    first = roster(tmp_path / "三月.xlsx", 1)
    bare = run("load", "payments", first, "--json")
    assert bare.exit_code == 1
    rules = {e["rule"] for e in json.loads(bare.stdout)["errors"]}
    assert {"column_missing", "column_ambiguous"} <= rules
    mapped = run("load", "payments", first, *MAPS, *SETS, "--office", "城关镇", "--json")
    assert mapped.exit_code == 0, mapped.stdout
    out = json.loads(mapped.stdout)
    assert out["status"] == "loaded" and out["rows"] == 3
    assert out["mapping"] == {
        "经营主体": "name",
        "流转面积(亩)": "quantity",
        "亩均补贴": "standard_yuan",
        "兑付资金(元)": "amount_yuan",
        "联系电话": "",
    }
    assert (
        out["values"]["fund_code"]["value"] == "F001"
        and out["values"]["township"]["value"] == "城关镇"
    )
    assert out["values"]["year"] == {
        "value": "2024",
        "source": "title",
        "line": "2024年种粮大户补贴发放花名册",
    }
    assert len(out["fingerprint"]) == 16 and out["remembered"] is None and out["saved_mapping"] == 1
    con = duckdb.connect(str(tmp_path / "cli.duckdb"), read_only=True)
    rows = con.execute(
        "SELECT name, fund_code, year, township, quantity, amount_yuan FROM payments ORDER BY row_no"
    ).fetchall()
    report = con.execute(
        "SELECT mapping, file_values, fingerprint FROM upload_reports WHERE batch_id = ?",
        [out["batch"]],
    ).fetchone()
    con.close()
    assert rows[0][:4] == ("李1", "F001", 2024, "城关镇") and str(rows[0][5]) == "6025.00"
    assert (
        json.loads(report[0]) == out["mapping"]
        and json.loads(report[1])["fund_code"]["value"] == "F001"
    )
    assert report[2] == out["fingerprint"]


def test_the_mapping_is_remembered_for_the_office_and_used_for_next_month(run, tmp_path):
    assert (
        run(
            "load",
            "payments",
            roster(tmp_path / "三月.xlsx", 1),
            *MAPS,
            *SETS,
            "--office",
            "城关镇",
        ).exit_code
        == 0
    )
    april = roster(tmp_path / "四月.xlsx", 10, "2024年种粮大户补贴发放花名册（四月）")
    again = run("load", "auto", april, "--office", "城关镇")
    assert again.exit_code == 0, again.stdout
    assert "使用已保存的对应关系 #1" in again.stdout and "经营主体 → 姓名" in again.stdout
    assert "按表头自动识别为“补贴发放清册”" in again.stdout and "已导入批次 3" in again.stdout
    # another office has saved nothing: refused as before
    other = run(
        "load", "payments", roster(tmp_path / "东风.xlsx", 20), "--office", "东风镇", "--json"
    )
    assert other.exit_code == 1 and json.loads(other.stdout)["remembered"] is None
    # --no-saved: read as if nothing were saved
    fresh = run(
        "load",
        "payments",
        roster(tmp_path / "五月.xlsx", 30),
        "--office",
        "城关镇",
        "--no-saved",
        "--json",
    )
    assert fresh.exit_code == 1
    listed = json.loads(run("mappings", "--json").stdout)
    assert [(m["mapping_id"], m["office"], m["kind"], m["use_count"]) for m in listed] == [
        (1, "城关镇", "payments", 2)
    ]
    assert listed[0]["values"] == {
        "fund_code": "F001",
        "township": "城关镇",
    }  # the year is chosen each time
    assert listed[0]["mapping"]["经营主体"] == "name" and "经营主体" in listed[0]["headers"]


def test_mapping_file_json_or_lines(run, tmp_path):
    lines = tmp_path / "map.txt"
    lines.write_text(
        "# 种粮大户花名册\n经营主体=姓名\n流转面积（亩）=数量\n亩均补贴=standard_yuan\n兑付资金（元）=发放金额\n",
        encoding="utf-8",
    )
    done = run(
        "load", "payments", roster(tmp_path / "三月.xlsx", 1), "--mapping", lines, *SETS, "--json"
    )
    assert done.exit_code == 0 and json.loads(done.stdout)["mapping"]["经营主体"] == "name"
    as_json = tmp_path / "map.json"
    as_json.write_text(
        json.dumps(
            {
                "经营主体": "name",
                "流转面积（亩）": "quantity",
                "亩均补贴": "",
                "兑付资金（元）": "amount_yuan",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    csv = write_csv(
        tmp_path / "三月.csv",
        [ROSTER_HEADER, ["1", "李1", "东风村", make_id(seq=41), "1", "50", "50.00", "", ""]],
        "gbk",
    )
    done = run("load", "payments", csv, "--mapping", as_json, *SETS, "--set", "year=2024", "--json")
    assert done.exit_code == 0, done.stdout
    assert json.loads(done.stdout)["mapping"]["亩均补贴"] == ""


def test_an_unknown_column_names_the_kinds_columns(run, tmp_path):
    wrong = run("load", "payments", roster(tmp_path / "三月.xlsx", 1), "--map", "经营主体=户主名字")
    assert wrong.exit_code == 1
    assert "“补贴发放清册”没有“户主名字”这一列" in wrong.stderr
    assert "姓名 (name)" in wrong.stderr and "发放金额 (amount_yuan)" in wrong.stderr
    bad = run("load", "payments", roster(tmp_path / "三月.xlsx", 1), "--map", "经营主体")
    assert bad.exit_code == 1 and "应写成 左边=右边" in bad.stderr


def test_mappings_list_and_remove(run, tmp_path):
    assert "还没有保存的对应关系" in run("mappings").stdout
    assert (
        run(
            "load",
            "payments",
            roster(tmp_path / "三月.xlsx", 1),
            *MAPS,
            *SETS,
            "--office",
            "城关镇",
        ).exit_code
        == 0
    )
    table = run("mappings").stdout
    assert "城关镇" in table and "payments" in table and "fund_code=F001" in table
    assert json.loads(run("mappings", "--office", "东风镇", "--json").stdout) == []
    gone = run("mappings", "remove", "1")
    assert gone.exit_code == 0 and "已删除对应关系 #1" in gone.stdout
    assert json.loads(run("mappings", "--json").stdout) == []
    missing = run("mappings", "remove", "1")
    assert missing.exit_code == 1 and "没有编号为 1 的对应关系" in missing.stderr
    # asked again next month
    april = run(
        "load", "payments", roster(tmp_path / "四月.xlsx", 10), "--office", "城关镇", "--json"
    )
    assert april.exit_code == 1


def test_a_payrolls_unit_is_remembered_and_its_month_is_asked_again(run, tmp_path):
    """A 统发 payroll export names neither its unit nor its month (layout payroll/tongfa-gongzi-shuju-daochu):
    next month's file of the same form takes the unit from the remembered values, never last month's month."""
    header = ["序号", "人员姓名", "身份证", "应发工资", "实发工资"]

    def payroll(name: str, seq: int):
        rows = [[1, "张三", make_id(seq=seq), "6215.00", "4980.35"]]
        return write_xlsx(tmp_path / name, [header, *rows])

    sets = ["--set", "agency_name=县财政局", "--set", "month=2024-03"]
    march = run("load", "payroll", payroll("三月.xlsx", 1), *sets, "--office", "县财政局", "--json")
    assert march.exit_code == 0, march.stdout
    listed = json.loads(run("mappings", "--json").stdout)
    assert [m["values"] for m in listed] == [{"agency_name": "县财政局"}]
    april = run("load", "payroll", payroll("四月.xlsx", 2), "--office", "县财政局", "--json")
    assert april.exit_code == 1
    missing = [
        e["column"] for e in json.loads(april.stdout)["errors"] if e["rule"] == "column_missing"
    ]
    assert missing == ["工资月份"], missing

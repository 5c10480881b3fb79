"""The fundquery command: load --json and its exit codes, batches, retract, a busy store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from fundquery.cli import cli
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, PAY_HEADER, pay_row, write_csv, write_xlsx
from tests.xmlsheets import rows_xml, sheet_xml, write_book


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("FUNDQUERY_DB", str(tmp_path / "cli.duckdb"))
    monkeypatch.setenv("FUNDQUERY_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("FUNDQUERY_ID_KEY", raising=False)
    runner = CliRunner()

    def _run(*args):
        return runner.invoke(cli, list(map(str, args)), catch_exceptions=False)

    return _run


@pytest.fixture
def funds(tmp_path):
    return write_xlsx(tmp_path / "funds.xlsx", [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS])


def test_load_json_loaded_then_duplicate(run, funds):
    first = run("load", "funds", funds, "--json")
    assert first.exit_code == 0
    out = json.loads(first.stdout)
    assert out["status"] == "loaded" and out["batch"] == 1 and out["rows"] == 3
    assert out["errors"] == [] and out["warnings"] == []
    again = run("load", "funds", funds, "--json")
    assert again.exit_code == 0
    assert json.loads(again.stdout) | {} == json.loads(again.stdout)
    dup = json.loads(again.stdout)
    assert (
        dup["status"] == "duplicate"
        and dup["batch"] is None
        and dup["rows"] == 0
        and dup["duplicate_of"] == 1
    )


def test_load_json_rejected_exit_1_with_findings(run, funds, tmp_path):
    run("load", "funds", funds)
    bad = write_csv(tmp_path / "bad.csv", [PAY_HEADER, pay_row(1, amount="二百")], "gbk")
    result = run("load", "payments", bad, "--json")
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert out["status"] == "rejected" and out["batch"] is None and out["rows"] == 0
    (err,) = out["errors"]
    assert {k: err[k] for k in ("row", "column", "value", "rule")} == {
        "row": 2,
        "column": "发放金额",
        "value": "二百",
        "rule": "amount_not_number",
    }
    assert set(err) >= {"row", "column", "value", "expected", "rule", "message"}


def test_unreadable_file_exit_2(run, tmp_path):
    page = tmp_path / "export.xls"
    page.write_text("<html><table><tr><td>姓名</td></tr></table></html>")
    result = run("load", "auto", page, "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["errors"][0]["rule"] == "file_unreadable"
    missing = run("load", "auto", tmp_path / "nope.xlsx")
    assert missing.exit_code == 2 and "无法打开" in missing.stderr


def test_auto_kind_is_announced_and_findings_printed(run, funds, tmp_path):
    result = run("load", "auto", funds)
    assert result.exit_code == 0
    assert "funds（专项资金目录），按表头自动识别" in result.stdout
    warn = write_csv(tmp_path / "p.csv", [PAY_HEADER, pay_row(1, amount="900")])
    printed = run("load", "auto", warn)
    assert printed.exit_code == 0
    assert "amount_mismatch" in printed.stdout and "892.50" in printed.stdout
    assert "已导入批次 2：payments" in printed.stdout


def test_batches_and_retract(run, funds):
    run("load", "funds", funds)
    listed = json.loads(run("batches", "--json").stdout)
    assert [(b["batch"], b["kind"], b["status"], b["rows"]) for b in listed] == [
        (1, "funds", "loaded", 3)
    ]
    assert run("retract", "1").exit_code == 0
    assert json.loads(run("batches", "--json").stdout)[0]["status"] == "retracted"
    again = run("retract", "1")
    assert again.exit_code == 1 and "retracted" in again.stderr
    assert run("retract", "99").exit_code == 1


def test_writing_while_another_process_holds_the_store(tmp_path, funds):
    """A second process holding the file read-write: one plain sentence, exit 3, no traceback."""
    db = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(db)!r}); print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        env = {**os.environ, "FUNDQUERY_DB": str(db), "FUNDQUERY_INSTANCE": str(tmp_path / "inst")}
        exe = Path(sys.executable).parent / "fundquery"
        started = time.monotonic()
        done = subprocess.run(
            [str(exe), "load", "funds", str(funds)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert time.monotonic() - started < 60
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    # what to do: wait for the other command (a server started by `fundquery serve` would have taken it)
    assert "请等它结束" in done.stderr and "fundquery serve" in done.stderr
    assert "stop the server" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_an_xml_spreadsheet_saved_as_xml_loads_and_other_xml_is_refused_naming_it(
    run, funds, tmp_path
):
    """A clerk's "XML 表格" saved from WPS or Excel is a .xml: loaded as the same rows in an .xls would be.
    A .xml that is not one (another XML, a text file) is refused, saying what was expected; a web page
    named .xml is still called a web page."""
    run("load", "funds", funds)
    rows = [PAY_HEADER, pay_row(1), pay_row(2, name="李四")]
    xml = write_book(tmp_path / "清册.xml", sheet_xml("清册", rows_xml(rows)))
    loaded = run("load", "payments", xml, "--json")
    assert loaded.exit_code == 0, loaded.output
    out = json.loads(loaded.stdout)
    assert out["status"] == "loaded" and out["rows"] == 2 and out["errors"] == []
    for content, expected in [
        ('<?xml version="1.0"?>\n<发放><人 姓名="张三"/></发放>', "XML 表格"),
        (",".join(PAY_HEADER) + "\n" + ",".join(pay_row(3)) + "\n", "XML 表格"),
        ("<html><table><tr><td>姓名</td></tr></table></html>", "网页"),
    ]:
        other = tmp_path / "其他.xml"
        other.write_text(content, encoding="utf-8")
        refused = run("load", "payments", other, "--json")
        assert refused.exit_code == 2, content
        (error,) = json.loads(refused.stdout)["errors"]
        assert error["rule"] == "file_unreadable" and expected in error["message"], error
        assert "其他.xml" in error["message"]
        if expected == "XML 表格":
            assert "urn:schemas-microsoft-com:office:spreadsheet" in error["message"]

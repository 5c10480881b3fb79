"""`fundquery report`: JSON, XLSX and CSV from the tiny county; formula injection neutralised; masked names."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from fundquery.cli import cli
from fundquery.inspect import CATALOGUE
from fundquery.inspect.export import neutralise
from tests import inspect_county as county
from tests.sheets import write_xlsx

AS_OF = ["--as-of", county.AS_OF.isoformat()]
EVIL_VILLAGE = '=HYPERLINK("http://example.invalid","点我")'


@pytest.fixture
def db(load, store, tmp_path, monkeypatch):
    """The tiny county plus a paid-twice person whose village is a formula; closed for the CLI to open."""
    county.build(load, store, tmp_path)
    rows = [
        county.PAY_HEADER,
        *[
            county.pay(
                "乙二",
                "F002",
                "1",
                "300",
                "300.00",
                day,
                township="@石桥镇",
                village=EVIL_VILLAGE,
                period="2024-05",
            )
            for day in ("2024-05-10", "2024-05-11")
        ],
    ]
    assert load(write_xlsx(tmp_path / "evil.xlsx", rows), "payments").status == "loaded"
    store.close()
    path = tmp_path / "store.duckdb"
    monkeypatch.setenv("FUNDQUERY_DB", str(path))
    return path


def report(*args: str):
    return CliRunner().invoke(cli, ["report", *args], catch_exceptions=False)


def test_json_has_the_check_its_rows_and_masked_names(db):
    result = report("duplicate_payment", "--json", *AS_OF)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (
        data["check"] == "duplicate_payment"
        and data["count"] == 2
        and data["as_of"] == "2024-12-31"
    )
    assert {r["name"] for r in data["rows"]} == {"卫*八", "乙*"}
    assert "id_hash" not in result.output and county.id_of("卫十八") not in result.output
    assert data["rows"][0]["excess_yuan"] in ("420.00", "300.00")


def test_filters_and_all(db):
    data = json.loads(report("all", "--json", "--township", "花园乡", *AS_OF).output)
    assert [d["check"] for d in data] == [c.label for c in CATALOGUE]
    counts = {d["check"]: d["count"] for d in data}
    assert (
        counts["duplicate_payment"] == 1
        and counts["allocation_excess"] == 1
        and counts["stuck_payout"] == 0
    )
    assert data[0]["filters"] == {"township": "花园乡"}


def test_xlsx_has_a_summary_and_a_sheet_per_check_and_no_formula(db, tmp_path):
    out = tmp_path / "report.xlsx"
    result = report("all", "--xlsx", str(out), *AS_OF)
    assert result.exit_code == 0, result.output
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["汇总", *[c.label for c in CATALOGUE]]
    summary = book.get_sheet_by_name("汇总").to_python()
    assert ["统计截至日期", "2024-12-31"] == [str(v) for v in summary[2][:2]]
    counts = {row[0]: row[3] for row in summary if row and row[0] in {c.label for c in CATALOGUE}}
    assert counts["duplicate_payment"] == 2 and counts["over_quota"] == 1
    rows = book.get_sheet_by_name("duplicate_payment").to_python()
    assert rows[0][:2] == ["姓名", "身份证号"]
    assert any(cell == "'" + EVIL_VILLAGE for row in rows for cell in row)
    assert any(cell == "'@石桥镇" for row in rows for cell in row)
    with zipfile.ZipFile(out) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any("<f>" in z.read(n).decode() for n in sheets), (
            "no cell is a formula"
        )


def test_csv_is_utf8_with_bom_and_neutralised(db, tmp_path):
    out = tmp_path / "dup.csv"
    assert report("duplicate_payment", "--csv", str(out), *AS_OF).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "姓名" and len(rows) == 3
    assert "'" + EVIL_VILLAGE in rows[1] + rows[2]
    folder = tmp_path / "all"
    assert report("all", "--csv", str(folder), *AS_OF).exit_code == 0
    assert sorted(p.stem for p in folder.iterdir()) == sorted(c.label for c in CATALOGUE)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+86", "'+86"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("城关镇", "城关镇"),
        (-1, -1),
        (None, None),
    ],
    ids=["equals", "plus", "minus", "at", "tab", "text", "number", "none"],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_text_table_by_default(db):
    result = report("over_quota", *AS_OF)
    assert result.exit_code == 0 and "超编进人" in result.output and "县财政局" in result.output


def test_usage_errors_are_plain(db, tmp_path, monkeypatch):
    assert report("no_such_check").exit_code == 2
    assert report("over_quota", "--as-of", "2024-13-01").exit_code == 2
    assert report("over_quota", "--json", "--csv", str(tmp_path / "x.csv")).exit_code == 2
    monkeypatch.setenv("FUNDQUERY_DB", str(tmp_path / "missing.duckdb"))
    result = report("over_quota")
    assert result.exit_code == 2 and "fundquery init" in result.output


def test_a_store_held_by_the_server_is_one_sentence_and_exit_3(db):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys, time; c = duckdb.connect({str(db)!r}); print('held', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = CliRunner().invoke(cli, ["report", "over_quota"])
        assert result.exit_code == 3, result.output
        assert "Traceback" not in result.output and "占用" in result.output
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()

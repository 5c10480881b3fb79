"""The large hostile files, each in its own process that reports its peak memory (issue 8).

- a zip bomb: an xlsx of about 10 MB whose sheet inflates to 2 GiB, through
  the CLI loader and through the web upload: refused, from the sizes the zip
  declares, before anything is inflated;
- a ratio bomb under the size limit (inflating 200 times): refused;
- the same bomb with headers that lie about its size: refused as damaged;
- a sheet spanning all 1,048,576 rows of Excel (a stray cell on the last
  row): rejected with that row named;
- 1,048,576 csv rows of department budgets: loaded, every row;
- dimension bombs (issue 15): xlsx with a cell at XFD1048576 or XFD3000, xls
  with a cell beyond Excel's 256 columns, ods repeats: refused by the CLI
  (exit 2) and the web preview (twice), near the one-row baseline, the xls
  and ods ones by a reader process that stays under its address-space limit.

Each process runs under an address-space limit, so a regression fails the
test rather than the machine, and prints its own peak resident memory
(``resource.getrusage``), checked against a bound: for a refusal, the peak of reading a one-row
sheet in the same run plus a margin.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from etl.isolated import ADDRESS_SPACE_BYTES
from fundquery import REPO_ROOT
from tests.hostile_files import (
    EXCEL_LAST_COL,
    EXCEL_LAST_ROW,
    far_cell_xls,
    far_cell_xlsx,
    repeated_ods,
    sparse_giant,
    zip_bomb,
)
from tests.sheets import PAY_HEADER, pay_row, write_xlsx

ADDRESS_SPACE_LIMIT = 8 << 30  # the safety net, far above every bound below
# A refusal before inflating costs no more than reading a one-row file: the bound is that baseline,
# measured in the same run (interpreter start-up varied from 177 to 514 MB between runs on one machine),
# plus a margin far below what inflating the 2 GiB sheet would take.
REFUSED_MARGIN_MB = 300  # the smallest bomb here inflates to 600 MB
BIG_BOUND_MB = 2_000  # reading a million rows (DESIGN.md §7: calamine 2.2 GB for 1M x 10)

# Peak memory is the interpreter's own VmHWM (reset by exec), not ru_maxrss: Linux keeps ru_maxrss across
# exec, so a process started by a large pytest process reported the test process's size (a run of the whole
# suite measured 653 MB for a one-row file against 358 MB alone).
CLI_RUN = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from fundquery.cli import cli
try:
    cli(["load", "auto", sys.argv[1], "--json"], prog_name="fundquery")
    code = 0
except SystemExit as exc:
    code = exc.code
print(json.dumps({{"exit": code, "peak_mb": int(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM"))) // 1024,
                   "child_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024}}),
      file=sys.stderr)
"""

WEB_RUN = """
import io, json, re, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from fundquery.accounts import accounts
from fundquery import create_app
from fundquery.web.db import get_db
app = create_app({{"TESTING": True, "SECRET_KEY": "t", "DATABASE": sys.argv[2], "ID_HASH_KEY": "ab" * 32,
                   "WTF_CSRF_ENABLED": False}})
with app.app_context():
    accounts.create(get_db(), "wang", "correct horse battery", ["finance"], office=None, actor="test")
client = app.test_client()
client.post("/login", data={{"username": "wang", "password": "correct horse battery"}})
path = sys.argv[1]
with open(path, "rb") as fh:
    name = sys.argv[3] if len(sys.argv) > 3 else "清册.xlsx"
    staged = client.post("/staff/upload", data={{"kind": "auto", "replaces": "", "file": (fh, name)}},
                         content_type="multipart/form-data")
page = client.get(staged.location + "&format=json")
again = client.get(staged.location + "&format=json")  # the staged preview opened again
print(json.dumps({{"staged": staged.status_code, "status": page.status_code, "data": page.get_json(),
                   "again": again.status_code,
                   "peak_mb": int(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM"))) // 1024,
                   "child_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024}}),
      file=sys.stderr)
"""


def run(code: str, *args: str, env: dict | None = None) -> tuple[dict, str]:
    """Run ``code`` in a fresh interpreter; its last stderr line is its JSON report."""
    done = subprocess.run(
        [sys.executable, "-c", code.format(limit=ADDRESS_SPACE_LIMIT), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    lines = done.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("{"), done.stdout + done.stderr[-3000:]
    report = json.loads(lines[-1])
    print(  # shown with pytest -rP
        f"peak resident memory {report['peak_mb']} MB,"
        f" of a reader process {report.get('child_peak_mb', 0)} MB"
    )
    return report, done.stdout


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    return zip_bomb(tmp_path_factory.mktemp("bomb") / "bomb.xlsx", inflated_bytes=2 << 30)


@pytest.fixture(scope="module")
def one_row(tmp_path_factory) -> Path:
    return write_xlsx(tmp_path_factory.mktemp("small") / "one.xlsx", [PAY_HEADER, pay_row(1)])


@pytest.fixture(scope="module")
def cli_baseline_mb(one_row, tmp_path_factory) -> int:
    """Peak memory of the CLI reading and rejecting (no fund catalogue) a one-row sheet."""
    folder = tmp_path_factory.mktemp("baseline")
    env = {
        **_environ(),
        "FUNDQUERY_DB": str(folder / "cli.duckdb"),
        "FUNDQUERY_INSTANCE": str(folder / "inst"),
    }
    report, out = run(CLI_RUN, str(one_row), env=env)
    assert report["exit"] == 1 and json.loads(out)["status"] == "rejected", out
    return report["peak_mb"]


@pytest.fixture(scope="module")
def web_baseline_mb(one_row, tmp_path_factory) -> int:
    """Peak memory of the web upload previewing a one-row sheet."""
    report, _ = run(
        WEB_RUN, str(one_row), str(tmp_path_factory.mktemp("baseline-web") / "web.duckdb")
    )
    assert report["staged"] == 302, report
    return report["peak_mb"]


def _environ() -> dict:
    import os

    env = dict(os.environ)
    env.pop("FUNDQUERY_ID_KEY", None)
    return env


@pytest.fixture
def cli_env(tmp_path) -> dict:
    import os

    env = {
        **os.environ,
        "FUNDQUERY_DB": str(tmp_path / "cli.duckdb"),
        "FUNDQUERY_INSTANCE": str(tmp_path / "inst"),
    }
    env.pop("FUNDQUERY_ID_KEY", None)
    return env


def test_a_zip_bomb_is_refused_by_the_cli_before_inflating(bomb, cli_env, cli_baseline_mb):
    assert bomb.stat().st_size < 50 << 20  # it passes the upload size limit
    report, out = run(CLI_RUN, str(bomb), env=cli_env)
    result = json.loads(out)
    assert report["exit"] == 2 and result["status"] == "unreadable"
    message = result["errors"][0]["message"]
    assert "2,048 MB" in message and "1,024 MB" in message, message
    assert report["peak_mb"] < cli_baseline_mb + REFUSED_MARGIN_MB, (report, cli_baseline_mb)


def test_a_zip_bomb_is_refused_by_the_web_upload_before_inflating(bomb, tmp_path, web_baseline_mb):
    report, _ = run(WEB_RUN, str(bomb), str(tmp_path / "web.duckdb"))
    assert report["staged"] == 302 and report["status"] == 422, report
    assert (
        "2,048 MB" in report["data"]["unreadable"]
        and "文件 清册.xlsx " in report["data"]["unreadable"]
    )
    assert report["peak_mb"] < web_baseline_mb + REFUSED_MARGIN_MB, (report, web_baseline_mb)


def test_a_ratio_bomb_under_the_size_limit_is_refused(tmp_path, cli_env, cli_baseline_mb):
    ratio_bomb = zip_bomb(tmp_path / "ratio.xlsx", inflated_bytes=600 << 20)
    report, out = run(CLI_RUN, str(ratio_bomb), env=cli_env)
    message = json.loads(out)["errors"][0]["message"]
    assert report["exit"] == 2 and "xl/worksheets/sheet1.xml" in message and "压缩比" in message, (
        message
    )
    assert report["peak_mb"] < cli_baseline_mb + REFUSED_MARGIN_MB, (report, cli_baseline_mb)


def test_a_bomb_that_lies_about_its_size_is_refused_as_damaged(tmp_path, cli_env, cli_baseline_mb):
    liar = zip_bomb(tmp_path / "liar.xlsx", inflated_bytes=2 << 30, declared_bytes=1 << 20)
    report, out = run(CLI_RUN, str(liar), env=cli_env)
    message = json.loads(out)["errors"][0]["message"]
    assert report["exit"] == 2 and "损坏" in message, message
    assert report["peak_mb"] < cli_baseline_mb + REFUSED_MARGIN_MB, (report, cli_baseline_mb)


def test_a_sheet_spanning_every_excel_row_is_rejected_at_its_last_row(tmp_path, cli_env):
    giant = sparse_giant(tmp_path / "giant.xlsx")
    report, out = run(CLI_RUN, str(giant), env=cli_env)
    result = json.loads(out)
    assert report["exit"] == 1 and result["status"] == "rejected", result
    assert 1_048_576 in {
        e["row"] for e in result["errors"]
    }  # the stray cell's row (rows 2, 3: no fund catalogue)
    assert result["skipped"]["blank"] == list(range(4, 1_048_576))  # every row between was empty
    assert report["peak_mb"] < BIG_BOUND_MB, report


def test_a_million_csv_rows_load_within_the_bound(tmp_path, cli_env):
    rows = 1_048_576
    path = tmp_path / "budgets.csv"
    with open(path, "w", encoding="gb18030", newline="") as out:
        out.write("主管部门,年度,支出类别,科目名称,预算金额\r\n")
        for n in range(rows):
            out.write(f"县{n % 97}局,2024,基本支出,科目{n},{n % 1000}.{n % 100:02d}\r\n")
    report, printed = run(CLI_RUN, str(path), env=cli_env)
    result = json.loads(printed)
    assert report["exit"] == 0 and result["status"] == "loaded" and result["rows"] == rows, result
    assert report["peak_mb"] < BIG_BOUND_MB, report


# --- dimension bombs (issue 15 §3): a few KB whose grid is absurd -------------------------------

DIMENSION_BOMBS = {
    # 1.6 KB of xlsx, cells at A1 and XFD1048576: calamine asked for ~500 GB and aborted (exit 134)
    "xlsx-XFD1048576": lambda p: far_cell_xlsx(p / "清册.xlsx", EXCEL_LAST_ROW, EXCEL_LAST_COL),
    # the milder form, a cell at XFD3000: 49 M cells, 2.6 GB for 7.6 s in the server
    "xlsx-XFD3000": lambda p: far_cell_xlsx(p / "清册.xlsx", 3_000, EXCEL_LAST_COL),
    # an xls cell in column 65,536 of row 65,536 (Excel stops at 256 columns): calamine aborted
    "xls-65536x65536": lambda p: far_cell_xls(p / "清册.xls", 65_536, 65_536),
    # an xls cell in column 1,000 of row 65,536: 65 M cells, about 4 GB
    "xls-65536x1000": lambda p: far_cell_xls(p / "清册.xls", 65_536, 1_000),
    # an ods ending in 2,998 repeats of a row of 16,384 cells: 49 M cells, 3 GB
    "ods-3000x16384": lambda p: repeated_ods(p / "清册.ods", 2_998, EXCEL_LAST_COL),
}
TOO_LARGE = ("范围过大", "内存内读取")
CHILD_BOUND_MB = ADDRESS_SPACE_BYTES >> 20  # a reader process never holds more than its limit


@pytest.mark.parametrize("bomb_name", DIMENSION_BOMBS)
def test_the_cli_refuses_a_dimension_bomb_with_exit_2_and_little_memory(
    bomb_name, tmp_path, cli_env, cli_baseline_mb
):
    path = DIMENSION_BOMBS[bomb_name](tmp_path)
    assert path.stat().st_size < 10_000
    report, out = run(CLI_RUN, str(path), env=cli_env)
    result = json.loads(out)
    message = result["errors"][0]["message"]
    assert report["exit"] == 2 and result["status"] == "unreadable", result
    assert any(word in message for word in TOO_LARGE) and path.name in message, message
    assert report["peak_mb"] < cli_baseline_mb + REFUSED_MARGIN_MB, (report, cli_baseline_mb)
    assert report["child_peak_mb"] <= CHILD_BOUND_MB, report


@pytest.mark.parametrize("bomb_name", [n for n in DIMENSION_BOMBS if not n.startswith("ods")])
def test_the_web_preview_refuses_a_dimension_bomb_twice_with_little_memory(
    bomb_name, tmp_path, web_baseline_mb
):
    path = DIMENSION_BOMBS[bomb_name](tmp_path)
    report, _ = run(WEB_RUN, str(path), str(tmp_path / "web.duckdb"), path.name)
    assert report["staged"] == 302 and report["status"] == 422 and report["again"] == 422, report
    message = report["data"]["unreadable"]
    assert any(word in message for word in TOO_LARGE) and path.name in message, message
    assert report["peak_mb"] < web_baseline_mb + REFUSED_MARGIN_MB, (report, web_baseline_mb)
    assert report["child_peak_mb"] <= CHILD_BOUND_MB, report


def test_a_small_sheet_declaring_an_absurd_dimension_loads(tmp_path, cli_env):
    """calamine sizes its grid from the cells, not the declared <dimension ref="A1:XFD1048576">:
    refusing it would refuse a file that is read in a few MB."""
    path = far_cell_xlsx(tmp_path / "清册.xlsx", 0, 0, declared="A1:XFD1048576")
    report, out = run(CLI_RUN, str(path), env=cli_env)
    result = json.loads(out)
    assert report["exit"] == 1 and result["status"] == "rejected", result  # no fund catalogue
    assert {e["row"] for e in result["errors"]} == {2, 3}, result

"""`fundquery publish --on DATE`: an administrator back-fills the day a batch was in fact published.

Only an administrator (who is also the reviewer publishing it) or the demo may give a
publication date; a day after today is refused; the audit line keeps the real time
beside the date given.  The late-publication check then counts working days up to
that date (issue 17, "Notices and the demo").
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest
from click.testing import CliRunner

from fundquery.cli import cli
from fundquery.inspect import CHECKS, Params
from fundquery.inspect import run as run_check
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, PAY_HEADER, pay_row, write_xlsx
from tests.test_cli import run  # noqa: F401  (fixture)

PASSWORD = "correct horse battery\n"


@pytest.fixture
def accounts(run):  # noqa: F811
    """li: reviewer and administrator; zhao: reviewer only; wang: finance clerk who uploads."""
    for name, roles in (
        ("li", ("reviewer", "admin")),
        ("zhao", ("reviewer",)),
        ("wang", ("finance",)),
    ):
        args = ["user", "add", name, "--password-stdin"]
        for role in roles:
            args += ["--role", role]
        done = CliRunner().invoke(cli, args, input=PASSWORD, catch_exceptions=False)
        assert done.exit_code == 0, done.output


@pytest.fixture
def loaded(run, accounts, tmp_path):  # noqa: F811
    """Batch 2: two payments of 城关镇 paid on Friday 2024-03-15, loaded by wang, not yet public
    (batch 1, the fund catalogue, published today by zhao)."""
    catalogue = write_xlsx(
        tmp_path / "funds.xlsx", [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS]
    )
    done = run("load", "funds", catalogue, "--by", "wang", "--publish", "--reviewer", "zhao")
    assert done.exit_code == 0, done.stdout
    path = write_xlsx(
        tmp_path / "pay.xlsx",
        [["2024年3月耕地地力保护补贴发放清册"], PAY_HEADER, pay_row(1), pay_row(2, name="李四")],
    )
    done = run("load", "payments", path, "--by", "wang")
    assert done.exit_code == 0, done.stdout
    return tmp_path / "cli.duckdb"


def _one(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_an_administrator_back_fills_the_day_and_the_audit_keeps_the_real_time(run, loaded):  # noqa: F811
    done = run("publish", "2", "--by", "li", "--on", "2024-04-16")
    assert done.exit_code == 0, done.stderr
    assert "2024-04-16" in done.stdout
    assert _one(
        loaded, "SELECT status, published_at, published_by FROM batches WHERE batch_id = 2"
    ) == [("published", dt.datetime(2024, 4, 16), "li")]
    logged_at, detail = _one(
        loaded,
        "SELECT logged_at, detail FROM audit_log WHERE action = 'publish' AND target = 'batch:2'",
    )[0]
    assert json.loads(detail)["published_on"] == "2024-04-16"
    assert logged_at.date() == dt.date.today()  # when it was done, not the day it counts for
    assert _one(loaded, "SELECT action, actor FROM batch_reviews WHERE batch_id = 2") == [
        ("publish", "li")
    ]


@pytest.mark.parametrize(
    ("on", "published"),
    # Working days in (2024-03-15, day], counted by hand on the State Council's 2024 schedule:
    # 18–22 and 25–29 March (10), 1–3 April (3; 4–6 April is 清明), Sunday 7 April (调休上班),
    # 8–12 April (5), then 15 April makes 20 and 16 April 21.
    [("2024-04-15", None), ("2024-04-16", 21)],
)
def test_late_publication_counts_to_the_day_given(run, loaded, on, published):  # noqa: F811
    assert run("publish", "2", "--by", "li", "--on", on).exit_code == 0
    con = duckdb.connect(str(loaded), read_only=True)
    try:
        rows = run_check(con, CHECKS["late_publication"], Params(as_of=dt.date(2024, 12, 31))).rows
    finally:
        con.close()
    found = [(r["paid_on"], r["published_on"], r["working_days"], r["payment_count"]) for r in rows]
    expected = [] if published is None else [(dt.date(2024, 3, 15), dt.date(2024, 4, 16), 21, 2)]
    assert found == expected


@pytest.mark.parametrize(
    ("by", "on", "says"),
    [
        (
            "zhao",
            "2024-04-16",
            "只有管理员补录历史公开记录时才能指定公开日期；用户“zhao”不是管理员",
        ),
        (
            "li",
            (dt.date.today() + dt.timedelta(days=1)).isoformat(),
            f"公开日期 {dt.date.today() + dt.timedelta(days=1)} 晚于今天（{dt.date.today()}）",
        ),
    ],
    ids=["not-an-administrator", "in-the-future"],
)
def test_a_date_is_refused_with_a_sentence_and_nothing_changes(run, loaded, by, on, says):  # noqa: F811
    refused = run("publish", "2", "--by", by, "--on", on)
    assert refused.exit_code == 1, refused.stdout
    assert says in refused.stderr
    assert _one(loaded, "SELECT status, published_at FROM batches WHERE batch_id = 2") == [
        ("loaded", None)
    ]
    assert _one(loaded, "SELECT count(*) FROM batch_reviews WHERE batch_id = 2") == [(0,)]
    assert _one(
        loaded, "SELECT count(*) FROM audit_log WHERE target = 'batch:2' AND action = 'publish'"
    ) == [(0,)]


def test_a_date_that_is_not_one_is_a_usage_error(run, loaded):  # noqa: F811
    wrong = run("publish", "2", "--by", "li", "--on", "2024-13-01")
    assert wrong.exit_code == 2 and "--on" in wrong.stderr and "2024-13-01" in wrong.stderr
    assert _one(loaded, "SELECT status FROM batches WHERE batch_id = 2") == [("loaded",)]

"""A village notice's 公示期: the batch's 公示天数, else the fund catalogue's, else NOTICE_DAYS (issue 17).

A real store: the catalogue and payment lists go through the loader, published by the
demo's reviewer on 20 March 2024 (a back-filled day, so the dates below are fixed):
F001 in 东风村 (no days chosen: the catalogue's 15), F001 in 红旗村 (5 chosen at upload),
F002 in 红旗村 (neither: the setting); F002 in 东风村 has March's list and April's.  Every end date is counted by hand, the first day
counting as day one.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from click.testing import CliRunner

from etl.batches import DEMO_REVIEWER, BatchError
from etl.idnum import Hasher
from etl.load import load_file
from etl.store import connect
from fundquery import create_app
from fundquery.cli import cli
from fundquery.web.db import EXTENSION
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, PAY_HEADER, pay_row, write_xlsx
from tests.web.public.county import ID_KEY, county_config

PUBLISHED = dt.date(2024, 3, 20)
CATALOGUE = [
    [*FUNDS_HEADER, "公示天数"],
    [*FUNDS_ROWS[0], "15"],  # F001 耕地地力保护补贴: 15 days
    [*FUNDS_ROWS[1], ""],  # F002 低保: not set
    [*FUNDS_ROWS[2], ""],
]


def _village(row: list, village: str) -> list:
    row[5] = village
    return row


def _load(con, tmp_path, path, kind, **extra):
    result = load_file(
        con,
        path,
        kind,
        hasher=Hasher(ID_KEY),
        uploaded_by="clerk",
        archive_dir=tmp_path / "uploads",
        publish=True,
        reviewer=DEMO_REVIEWER,
        **{"published_on": PUBLISHED, **extra},
    )
    return result


@pytest.fixture
def store(tmp_path):
    db = tmp_path / "notice.duckdb"
    con = connect(db)
    catalogue = write_xlsx(tmp_path / "funds.xlsx", [["2024年专项资金目录"], *CATALOGUE])
    assert _load(con, tmp_path, catalogue, "funds").status == "loaded"
    lists = {
        "f001-dongfeng.xlsx": ([pay_row(1)], None),
        "f001-hongqi.xlsx": ([_village(pay_row(2, name="李四"), "红旗村")], "5"),
        "f002-dongfeng.xlsx": ([pay_row(3, name="王五", fund="F002", amount="300.00")], None),
        "f002-hongqi.xlsx": (
            [_village(pay_row(5, name="钱七", fund="F002", amount="300.00"), "红旗村")],
            None,
        ),
    }
    for name, (rows, days) in lists.items():
        path = write_xlsx(tmp_path / name, [["2024年3月发放清册"], PAY_HEADER, *rows])
        done = _load(con, tmp_path, path, "payments", notice_days=days)
        assert done.status == "loaded", done.as_json()["errors"]
    # F002 in 东风村 again a month later (April's list, 8 days chosen): the notice is posted anew
    april = write_xlsx(
        tmp_path / "f002-dongfeng-04.xlsx",
        [["2024年4月发放清册"], PAY_HEADER, pay_row(4, name="赵六", fund="F002", amount="300.00")],
    )
    later = dict(notice_days="8", published_on=dt.date(2024, 4, 22))
    assert _load(con, tmp_path, april, "payments", **later).status == "loaded"
    con.close()
    return db


def _period(db, village: str, fund: str, **settings) -> dict:
    app = create_app(county_config(db, **settings))
    try:
        client = app.test_client()
        data = client.get(f"/notices/2024/{fund}/城关镇/{village}?format=json").get_json()
        page = client.get(f"/notices/2024/{fund}/城关镇/{village}").get_data(as_text=True)
        printed = client.get(f"/notices/2024/{fund}/城关镇/{village}/print").get_data(as_text=True)
    finally:
        app.extensions[EXTENSION].close()
    period = data["notice_period"]
    line = f"公示期：{period['start']} 至 {period['end']}（{period['days']} 天）"
    assert line in page and line in printed
    return {k: period[k] for k in ("start", "end", "days")}


@pytest.mark.parametrize(
    ("village", "fund", "end", "days"),
    [
        ("红旗村", "F002", "2024-03-29", 10),  # the setting: 20–29 March
        ("东风村", "F001", "2024-04-03", 15),  # the catalogue's 15: 20–31 March (12), 1–3 April
        ("红旗村", "F001", "2024-03-24", 5),  # the batch's 5 before the catalogue's 15
    ],
    ids=["setting", "fund-catalogue", "batch"],
)
def test_each_level_of_the_default_chain(store, village, fund, end, days):
    assert _period(store, village, fund, NOTICE_DAYS=10) == {
        "start": "2024-03-20",
        "end": end,
        "days": days,
    }


def test_the_setting_applies_only_where_nothing_else_is_set(store):
    assert _period(store, "红旗村", "F002")["days"] == 7  # NOTICE_DAYS' own default
    assert _period(store, "东风村", "F001")["days"] == 15


def test_a_later_list_posts_the_notice_anew_with_its_own_days(store):
    """东风村's F002 notice: March's list (no days) and April's (8 days, published 22 April)."""
    assert _period(store, "东风村", "F002", NOTICE_DAYS=10) == {
        "start": "2024-04-22",
        "end": "2024-04-29",  # 22–29 April: 8 days
        "days": 8,
    }


def test_days_chosen_at_publication_on_the_command_line(tmp_path, monkeypatch):
    monkeypatch.setenv("FUNDQUERY_DB", str(tmp_path / "cli.duckdb"))
    monkeypatch.setenv("FUNDQUERY_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("FUNDQUERY_ID_KEY", raising=False)
    run = lambda *a: CliRunner().invoke(cli, list(a), input="correct horse battery\n")  # noqa: E731
    assert run("user", "add", "zhao", "--role", "reviewer", "--password-stdin").exit_code == 0
    catalogue = write_xlsx(tmp_path / "funds.xlsx", [["2024年专项资金目录"], *CATALOGUE])
    assert run("load", "funds", str(catalogue), "--publish", "--reviewer", "zhao").exit_code == 0
    pay = write_xlsx(tmp_path / "pay.xlsx", [["2024年3月发放清册"], PAY_HEADER, pay_row(1)])
    refused = run("load", "payments", str(pay), "--notice-days", "七天")
    assert refused.exit_code == 1
    assert "公示天数“七天”无效：应为 1 至 365 的整数天数" in refused.stderr
    assert run("load", "payments", str(pay), "--notice-days", "12").exit_code == 0
    zero = run("publish", "2", "--by", "zhao", "--notice-days", "0")
    assert zero.exit_code == 1 and "公示天数“0”无效" in zero.stderr
    con = duckdb.connect(str(tmp_path / "cli.duckdb"), read_only=True)
    assert con.execute("SELECT status, notice_days FROM batches WHERE batch_id = 2").fetchone() == (
        "loaded",
        12,
    )
    con.close()
    assert run("publish", "2", "--by", "zhao", "--notice-days", "21").exit_code == 0
    con = duckdb.connect(str(tmp_path / "cli.duckdb"), read_only=True)
    assert con.execute("SELECT status, notice_days FROM batches WHERE batch_id = 2").fetchone() == (
        "published",
        21,
    )
    detail = con.execute(
        "SELECT detail FROM audit_log WHERE action = 'publish' AND target = 'batch:2'"
    ).fetchone()[0]
    con.close()
    assert '"notice_days": 21' in detail


@pytest.mark.parametrize(
    ("value", "rule", "expected"),
    [
        ("0", "notice_days_invalid", "1 至 365 的整数天数，如 7"),
        ("七天", "int_invalid", "整数，如 20"),
        ("400", "notice_days_invalid", "1 至 365 的整数天数，如 7"),
    ],
)
def test_a_bad_catalogue_value_names_row_column_value_and_stores_nothing(
    tmp_path, value, rule, expected
):
    con = connect(tmp_path / "bad.duckdb")
    rows = [CATALOGUE[0], CATALOGUE[1], [*FUNDS_ROWS[1], value], CATALOGUE[3]]
    path = write_xlsx(tmp_path / "funds.xlsx", [["2024年专项资金目录"], *rows])
    result = _load(con, tmp_path, path, "funds")
    assert result.status == "rejected"
    errors = result.as_json()["errors"]
    assert [(e["row"], e["column"], e["value"], e["rule"], e["expected"]) for e in errors] == [
        (4, "公示天数", value, rule, expected)  # the title is row 1, the header row 2
    ]
    assert value in errors[0]["message"] and "公示天数" in errors[0]["message"]
    assert con.execute("SELECT count(*) FROM batches").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM funds").fetchone() == (0,)
    con.close()


def test_a_bad_batch_value_is_refused_before_anything_is_stored(tmp_path):
    con = connect(tmp_path / "bad.duckdb")
    pay = write_xlsx(tmp_path / "pay.xlsx", [["2024年3月发放清册"], PAY_HEADER, pay_row(1)])
    with pytest.raises(BatchError, match="公示天数“0”无效"):
        _load(con, tmp_path, pay, "payments", notice_days="0")
    assert con.execute("SELECT count(*) FROM load_attempts").fetchone() == (0,)
    con.close()

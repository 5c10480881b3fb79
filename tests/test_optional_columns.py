"""Issue 14: a fund catalogue without budget amounts and a township-level roster without a village get in,
honestly.

The 直达 system's 专项资金 list names funds with no amount (tests/layouts/funds/zhida-zhuanxiang-zijin-mulu.json);
the 被征地农民社保补贴 roster names only the township (tests/layouts/payments/ruoyi-simc-zhengdi-shebao-butie.json).
A file without the column loads with ONE warning naming it; a file that has the column must still fill
it in every row.  A fund with no budget shows 未公布 and every budget total says how many funds it lacks; a
payment with no village counts for its township and is in no village's notice.  Real files, a real store,
the app's own pages.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner

from etl import store as etl_store
from etl.idnum import Hasher
from etl.load import load_file
from etl.store import connect
from fundquery import create_app
from fundquery.cli import cli
from fundquery.web.db import EXTENSION
from tests.conftest import snapshot
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, PAY_HEADER, make_id, pay_row, write_xlsx

KEY = b"test-key-0123456789abcdef0123456"

# The 直达 system's list as a clerk exports it: names, codes, year, department, no amount.
NO_BUDGET_HEADER = ["资金编码", "资金名称", "主管部门", "年度", "发放对象"]
NO_BUDGET_ROWS = [
    ["F101", "高龄津贴", "县民政局", "2024", "到人"],
    ["F102", "被征地农民社保补贴", "县人社局", "2024", "到人"],
    ["F103", "残疾人两项补贴", "县残联", "2024", "到人"],
]
# A township-level roster: 行政区域 only (here 乡镇), no 村.  Fund F102 of the list above.
NO_VILLAGE_HEADER = ["资金编码", "年度", "乡镇", "姓名", "身份证号", "发放金额", "发放日期"]
NO_VILLAGE_ROWS = [
    ["F102", "2024", "石桥镇", "王一", make_id(seq=101), "300.00", "2024-05-10"],
    ["F102", "2024", "石桥镇", "王二", make_id(seq=102), "300.00", "2024-05-10"],
    ["F102", "2024", "城关镇", "王三", make_id(seq=103), "250.00", "2024-05-10"],
]
# The same fund paid in 城关镇 东风村 by a roster that has the village: 892.50 each (8.5 亩 × 105).
VILLAGE_ROWS = [pay_row(1, "张三", fund="F102"), pay_row(2, "李四", fund="F102")]

BUDGET_ABSENT = "本表无预算金额：3 项资金的预算显示为“未公布”，不参与预算与拨付、发放的比较"
VILLAGE_ABSENT = "本表无村：3 条发放只计入乡镇，不列入任何村的公示"


def _rules(result) -> dict[str, int]:
    found: dict[str, int] = {}
    for f in result.report.findings:
        found[f.rule] = found.get(f.rule, 0) + 1
    return found


def test_a_catalogue_without_budgets_loads_with_one_warning_and_stores_null(load, store, tmp_path):
    path = write_xlsx(tmp_path / "zhida.xlsx", [NO_BUDGET_HEADER, *NO_BUDGET_ROWS])
    result = load(path, "funds")
    assert result.status == "loaded", result.as_json()["errors"]
    (absent,) = [f for f in result.report.findings if f.rule == "column_absent"]
    assert absent.severity == "warning" and absent.column == "预算金额"
    assert absent.message == BUDGET_ABSENT
    assert "3 funds" in absent.message_en and "not published" in absent.message_en
    assert _rules(result) == {"column_absent": 1}
    assert store.execute("SELECT fund_code, budget_yuan FROM funds ORDER BY 1").fetchall() == [
        ("F101", None),
        ("F102", None),
        ("F103", None),
    ]


def test_the_column_decides_an_empty_budget_is_a_row_error_only_where_the_file_has_it(
    funds_loaded, load, store, tmp_path
):
    """Required if present: with the column, row 3 (the second fund) leaving it empty is that row's error
    naming the column, and nothing is stored; the same funds in a file without the column load."""
    before = snapshot(store)
    rows = [
        [*r[:4], budget, r[4]]
        for r, budget in zip(NO_BUDGET_ROWS, ["10.00", "", "5.00"], strict=True)
    ]
    header = [*NO_BUDGET_HEADER[:4], "预算金额", NO_BUDGET_HEADER[4]]
    result = load(write_xlsx(tmp_path / "gap.xlsx", [header, *rows]), "funds")
    assert result.status == "rejected"
    (error,) = result.report.errors
    assert (error.rule, error.row, error.column) == ("value_required", 3, "预算金额")
    assert "column_absent" not in _rules(result)
    assert snapshot(store) == before
    path = write_xlsx(tmp_path / "zhida.xlsx", [NO_BUDGET_HEADER, *NO_BUDGET_ROWS])
    assert load(path, "funds").status == "loaded"


def test_a_roster_without_a_village_loads_with_one_warning_and_stores_null(load, store, tmp_path):
    load(write_xlsx(tmp_path / "f.xlsx", [NO_BUDGET_HEADER, *NO_BUDGET_ROWS]), "funds")
    path = write_xlsx(tmp_path / "zhengdi.xlsx", [NO_VILLAGE_HEADER, *NO_VILLAGE_ROWS])
    result = load(path, "payments")
    assert result.status == "loaded", result.as_json()["errors"]
    (absent,) = [f for f in result.report.findings if f.rule == "column_absent"]
    assert absent.severity == "warning" and absent.column == "村"
    assert absent.message == VILLAGE_ABSENT
    assert "3 payments" in absent.message_en
    assert _rules(result) == {"column_absent": 1}
    assert store.execute(
        "SELECT name, township, village, amount_yuan FROM payments ORDER BY row_no"
    ).fetchall() == [
        ("王一", "石桥镇", None, Decimal("300.00")),
        ("王二", "石桥镇", None, Decimal("300.00")),
        ("王三", "城关镇", None, Decimal("250.00")),
    ]


def test_a_roster_with_the_village_column_must_fill_it(load, store, tmp_path):
    load(write_xlsx(tmp_path / "f.xlsx", [NO_BUDGET_HEADER, *NO_BUDGET_ROWS]), "funds")
    before = snapshot(store)
    rows = [pay_row(1, fund="F102"), pay_row(2, "李四", fund="F102")]
    rows[1][PAY_HEADER.index("村")] = ""
    result = load(write_xlsx(tmp_path / "gap.xlsx", [PAY_HEADER, *rows]), "payments")
    assert result.status == "rejected"
    (error,) = result.report.errors
    assert (error.rule, error.row, error.column) == ("value_required", 3, "村")
    assert snapshot(store) == before


def _published_store(tmp_path) -> Path:
    """A store with both forms published beside the county's own catalogue and a roster with villages."""
    path = tmp_path / "public.duckdb"
    con = connect(path)
    files = (
        ("funds", [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS]),
        ("funds", [NO_BUDGET_HEADER, *NO_BUDGET_ROWS]),
        ("payments", [PAY_HEADER, *VILLAGE_ROWS]),
        ("payments", [NO_VILLAGE_HEADER, *NO_VILLAGE_ROWS]),
    )
    for i, (kind, rows) in enumerate(files):
        result = load_file(
            con,
            write_xlsx(tmp_path / f"{i}.xlsx", rows),
            kind,
            hasher=Hasher(KEY),
            uploaded_by="tester",
            archive_dir=tmp_path / "uploads",
            publish=True,
            reviewer="reviewer",
        )
        assert result.status == "loaded", result.as_json()["errors"]
    con.close()
    return path


@pytest.fixture
def published(tmp_path):
    """The app's test client on ``_published_store``."""
    path = _published_store(tmp_path)
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "DATABASE": str(path), "ID_HASH_KEY": KEY}
    )
    yield app.test_client()
    app.extensions[EXTENSION].close()


def test_the_catalogue_total_says_it_is_partial(published):
    """Six funds; the three with budgets sum to 1,000,000 + 500,000 + 2,000,000 = 3,500,000.00 yuan."""
    data = published.get("/funds?format=json").get_json()
    assert data["totals"] == {
        "fund_count": 6,
        "budget_yuan": "3500000.00",
        "unbudgeted_count": 3,
    }
    page = published.get("/funds").get_data(as_text=True)
    assert (
        "共 6 项资金，已公布的预算合计 3,500,000.00 元（其中 3 项资金未公布预算，未计入）。" in page
    )
    assert page.count("未公布</span></td>") == 3 and "None" not in page
    # one department whose only fund has no budget: the page says so, not a total of 0.00
    only = published.get("/funds?department=县残联").get_data(as_text=True)
    assert "共 1 项资金，均未公布预算。" in only and "0.00" not in only


def test_the_fund_page_says_the_budget_is_not_published(published):
    page = published.get("/funds/2024/F101").get_data(as_text=True)
    assert '<span class="value" id="budget-unpublished">未公布</span>' in page
    assert "None" not in page


def test_the_open_data_writes_an_empty_budget_cell(published):
    text = published.get("/opendata/funds.csv?year=2024").get_data(as_text=True).lstrip("\ufeff")
    rows = {r["资金编码"]: r["预算金额(元)"] for r in csv.DictReader(io.StringIO(text))}
    assert rows == {
        "F001": "1000000.00",
        "F002": "500000.00",
        "F003": "2000000.00",
        "F101": "",
        "F102": "",
        "F103": "",
    }


def test_the_annual_report_says_how_many_funds_its_budget_totals_lack(published):
    """2024: six funds, 350.00 万元 of published budgets (three lack one); to persons five funds (F001,
    F002, F101–F103), 150.00 万元, three lacking."""
    figures = published.get("/annual/2024?format=json").get_json()
    assert (figures["funds"]["count"], figures["funds"]["budget_wan"]) == (6, "350.00")
    assert figures["funds"]["unbudgeted"] == 3
    assert figures["to_persons"] == {"count": 5, "budget_wan": "150.00", "unbudgeted": 3}
    assert figures["to_projects"]["unbudgeted"] == 0
    page = published.get("/annual/2024").get_data(as_text=True)
    assert page.count("其中 3 项资金未公布预算，未计入") == 2  # 资金总额 and 到人（户）资金金额


def test_the_annual_command_says_it_too(tmp_path, monkeypatch):
    """`fundquery annual 2024` (text and --xlsx): the same two budget totals, each saying what it lacks."""
    monkeypatch.setenv("FUNDQUERY_DB", str(_published_store(tmp_path)))
    monkeypatch.setenv("FUNDQUERY_INSTANCE", str(tmp_path / "instance"))
    run = CliRunner().invoke
    text = run(cli, ["annual", "2024"], catch_exceptions=False)
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    at = lines.index("  资金总额（万元）：350.00  (Their budgets (10,000 yuan))")
    assert lines[at + 1] == (
        "    其中 3 项资金未公布预算，未计入  (3 of the funds have no published budget and are not counted)"
    )
    assert text.output.count("其中 3 项资金未公布预算，未计入") == 2
    out = tmp_path / "annual.xlsx"
    assert run(cli, ["annual", "2024", "--xlsx", str(out)], catch_exceptions=False).exit_code == 0
    sheet = openpyxl.load_workbook(out).active
    said = {r[0]: r[2] for r in sheet.iter_rows(values_only=True) if "未公布预算" in str(r[2])}
    assert said == {
        "资金总额（万元）": "其中 3 项资金未公布预算，未计入",
        "到人（户）资金金额（万元）": "其中 3 项资金未公布预算，未计入",
    }


def test_payments_without_a_village_count_for_their_township_and_in_no_notice(published):
    """F102: 城关镇 东风村 2 × 892.50; 城关镇 (no village) 250.00; 石桥镇 (no village) 2 × 300.00."""
    data = published.get("/funds/2024/F102?format=json").get_json()
    villages = [
        (v["township"], v["village"], v["payment_count"], v["paid_yuan"]) for v in data["villages"]
    ]
    assert villages == [
        ("城关镇", "东风村", 2, "1785.00"),
        ("城关镇", None, 1, "250.00"),
        ("石桥镇", None, 2, "600.00"),
    ]
    township: dict[str, Decimal] = {}
    for t, _v, _n, paid in villages:
        township[t] = township.get(t, Decimal(0)) + Decimal(paid)
    assert township == {"城关镇": Decimal("2035.00"), "石桥镇": Decimal("600.00")}
    assert data["money"]["paid_to_persons_yuan"] == "2635.00"
    assert data["money"]["payment_count"] == 5
    page = published.get("/funds/2024/F102").get_data(as_text=True)
    assert page.count("（未分村）</span>") == 2 and "None" not in page
    assert page.count("只计入乡镇，不列入村公示") == 2
    # the notices: one, 东风村's, with its two rows only
    notices = published.get("/notices?fund_code=F102&format=json").get_json()["notices"]
    assert [(n["township"], n["village"], n["payment_count"]) for n in notices] == [
        ("城关镇", "东风村", 2)
    ]
    notice = published.get("/notices/2024/F102/城关镇/东风村?format=json").get_json()
    assert len(notice["rows"]) == 2
    assert published.get("/notices/2024/F102/石桥镇/None").status_code == 404
    search = published.get("/search?q=石桥镇&format=json").get_json()
    assert "None" not in str(search)


def test_migration_026_keeps_the_rows_and_the_indexes(tmp_path):
    """A store made before 026 keeps its funds and payments, their views and payments' two indexes."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    etl_store.migrate(con, [m for m in etl_store.migrations() if m[0] < 26])
    con.execute(
        "INSERT INTO batches (kind, file_name, sha256, uploaded_by, row_count, status)"
        " VALUES ('payments', 'p.xlsx', 'x', 'tester', 1, 'published')"
    )
    con.execute(
        "INSERT INTO funds (batch_id, row_no, fund_code, fund_name, department, year, budget_yuan, pays_to)"
        " VALUES (1, 2, 'F001', '耕地地力保护补贴', '县农业农村局', 2024, 1000.00, 'persons')"
    )
    con.execute(
        "INSERT INTO payments (batch_id, row_no, fund_code, year, township, village, name, amount_yuan)"
        " VALUES (1, 2, 'F001', 2024, '城关镇', '东风村', '张三', 100.00)"
    )
    con.close()
    con = etl_store.connect(path)
    try:
        nullable = con.execute(
            "SELECT table_name, column_name, is_nullable FROM information_schema.columns"
            " WHERE (table_name, column_name) IN (('funds', 'budget_yuan'), ('payments', 'village'))"
            " ORDER BY 1"
        ).fetchall()
        assert nullable == [("funds", "budget_yuan", "YES"), ("payments", "village", "YES")]
        assert con.execute("SELECT budget_yuan FROM public_funds").fetchall() == [
            (Decimal("1000.00"),)
        ]
        assert con.execute("SELECT village FROM public_payments").fetchall() == [("东风村",)]
        indexes = con.execute(
            "SELECT index_name FROM duckdb_indexes() WHERE table_name = 'payments' ORDER BY 1"
        ).fetchall()
        assert indexes == [("payments_household",), ("payments_id_key",)]
    finally:
        con.close()

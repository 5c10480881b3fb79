"""Malformed spreadsheets, generated (hypothesis), through the CLI loader and the web upload (issue 8).

Each generated file ends in a clear rejection (a message; the row and column
where one applies) or a correct load: never a traceback, never a 500, and a
rejected file leaves every data table as it was.  The files: csv in many
encodings (UTF-8, GB18030, UTF-16, Big5, Latin-1, random bytes) with random
and real headers, huge cells, formula text; xlsx and xls with merged cells,
real formulas, several sheets; truncated or forged containers; HTML renamed
.xls; a csv named .xlsx; empty files; a stray cell a little way off (xlsx,
xls, ods); a SpreadsheetML (XML 表格, .xls or .xml) cut short.  Dimension bombs
(issue 15: a few KB whose grid is absurd, as xlsx, strict xlsx, xls beyond 256
columns, SpreadsheetML by ss:Index and ods repeats) are refused with a
sentence by both, the store unchanged; so are a SpreadsheetML entity-expansion
bomb and external entity (as hostile, nothing expanded or read) and a damaged
one.  The large cases (a zip bomb, a sheet
spanning 1,048,576 rows, 1,048,576 csv rows) run in a subprocess that
reports its own peak memory; see tests/test_hostile_memory.py.
"""

from __future__ import annotations

import io
import json
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter
import xlwt
from click.testing import CliRunner
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from etl.specs import SPECS
from etl.store import connect
from etl.xlsx import MAX_GRID_CELLS
from fundquery import create_app
from fundquery.cli import cli
from fundquery.web.db import EXTENSION, get_db
from tests.conftest import snapshot
from tests.hostile_files import (
    EXCEL_LAST_COL,
    EXCEL_LAST_ROW,
    XLS_LAST_ROW,
    entity_bomb_xml,
    external_entity_xml,
    far_cell_xls,
    far_cell_xlsx,
    far_index_xml,
    repeated_ods,
    strict_far_cell_xlsx,
    truncated_xml,
)
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, PAY_HEADER, pay_row, write_xlsx
from tests.web.accounts import add_user, csrf_token, sign_in

LABELS = sorted(
    {label for spec in SPECS.values() for c in spec.columns for label in (c.label_zh, *c.aliases)}
)
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "big5", "latin-1"]
TRICKY = [
    "",
    " ",
    "合计",
    "小计：",
    "=1+2",
    '=HYPERLINK("http://evil.example","x")',
    "@SUM(A1)",
    "+1",
    "-1",
    "\t=1",
    "\r\n",
    "1,234.50元",
    "4.10102E+17",
    "2024年3月5日",
    "2024/3/5",
    "45000",
    "是",
    "否",
    "NaN",
    "\x00",
    "\ufeff",
    "🀄",
    "１２３",
    "（元）",
    '"',
    '""',
    "a,b",
    "\u202e",
    "0" * 40,
]

cell = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=20),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["张三", "李小静", "F001", "城关镇", "东风村", "892.50", "2024-03-15"]),
)
header = st.one_of(
    st.sampled_from(list(SPECS.values())).flatmap(
        lambda spec: st.permutations([c.label_zh for c in spec.columns]).flatmap(
            lambda labels: st.integers(1, len(labels)).map(lambda n: labels[:n])
        )
    ),
    st.lists(st.one_of(st.sampled_from(LABELS), st.text(max_size=12)), max_size=14),
)
real_row = st.integers(1, 500).map(lambda n: pay_row(n))
row = st.one_of(real_row, st.lists(cell, max_size=16))
huge = st.one_of(
    st.none(),
    st.tuples(st.integers(0, 5), st.integers(0, 15), st.characters(), st.integers(1_000, 32_767)),
)


@st.composite
def table(draw) -> list[list[str]]:
    """Title rows, a header (real or random), rows (real payments or random), maybe one huge cell."""
    rows = draw(st.lists(st.lists(cell, max_size=3), max_size=2))
    rows.append(draw(st.one_of(header, st.just(PAY_HEADER))))
    rows += draw(st.lists(row, max_size=8))
    big = draw(huge)
    if big:
        r, c, char, n = big
        while len(rows) <= r:
            rows.append([])
        rows[r] = list(rows[r]) + [""] * max(0, c + 1 - len(rows[r]))
        rows[r][c] = char * n
    return rows


@st.composite
def csv_file(draw) -> tuple[bytes, str]:
    rows = draw(table())
    delimiter = draw(st.sampled_from([",", "\t", ";"]))
    text = "\r\n".join(delimiter.join(_csv_quote(v, delimiter) for v in r) for r in rows)
    encoding = draw(st.sampled_from(ENCODINGS))
    name = draw(st.sampled_from(["清册.csv", "清册.txt", "really-a-csv.xlsx", "清册.xls"]))
    return text.encode(encoding, errors="replace"), name


def _csv_quote(value: str, delimiter: str) -> str:
    if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


def _xlsx_bytes(
    rows: list[list[str]],
    merges: list[tuple[int, int, int, int]],
    formulas: list[tuple[int, int, str]],
    sheets: int,
) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    for n in range(sheets):
        ws = book.add_worksheet(f"表{n + 1}")
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                ws.write_string(r, c, value[:32_767])
        merged = set()
        for r, c, h, w in merges:
            area = {(r + i, c + j) for i in range(h + 1) for j in range(w + 1)}
            if (h or w) and not area & merged:
                ws.merge_range(
                    r, c, r + h, c + w, rows[r][c] if r < len(rows) and c < len(rows[r]) else "合并"
                )
                merged |= area
        for r, c, cached in formulas:
            if (r, c) not in merged:
                ws.write_formula(r, c, f'=CONCATENATE("{cached[:10]}")', None, cached)
    book.close()
    return buf.getvalue()


@st.composite
def xlsx_file(draw) -> tuple[bytes, str]:
    rows = draw(table())
    merges = draw(
        st.lists(
            st.tuples(st.integers(0, 8), st.integers(0, 14), st.integers(0, 2), st.integers(0, 3)),
            max_size=3,
        )
    )
    formulas = draw(
        st.lists(
            st.tuples(st.integers(0, 8), st.integers(0, 14), st.sampled_from(TRICKY + ["张三"])),
            max_size=3,
        )
    )
    return _xlsx_bytes(rows, merges, formulas, draw(st.integers(1, 2))), draw(
        st.sampled_from(["清册.xlsx", "x.xls"])
    )


@st.composite
def xls_file(draw) -> tuple[bytes, str]:
    rows = draw(table())
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet1")
    for r, values in enumerate(rows):
        for c, value in enumerate(values[:256]):
            ws.write(r, c, value[:32_767])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue(), "清册.xls"


XML_NAMES = st.sampled_from(
    ["清册.xls", "清册.xml"]
)  # the Java systems' .xls, WPS's and Excel's .xml
GOOD_XLSX = _xlsx_bytes([PAY_HEADER, pay_row(1), pay_row(2)], [], [], 1)
HTML = b"<html><head><meta charset='utf-8'></head><body><table><tr><td>\xe5\xa7\x93\xe5\x90\x8d</td></tr></table></body></html>"


@st.composite
def broken_file(draw) -> tuple[bytes, str]:
    kind = draw(
        st.sampled_from(
            [
                "truncated",
                "zip-garbage",
                "ole-garbage",
                "random",
                "html",
                "empty",
                "blank",
                "xml-truncated",
            ]
        )
    )
    if kind == "xml-truncated":
        return _built(truncated_xml, draw(XML_NAMES), draw(st.floats(0, 1)))
    if kind == "truncated":
        return GOOD_XLSX[: draw(st.integers(4, len(GOOD_XLSX) - 1))], "清册.xlsx"
    if kind == "zip-garbage":
        return b"PK\x03\x04" + draw(st.binary(max_size=2000)), "清册.xlsx"
    if kind == "ole-garbage":
        return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + draw(st.binary(max_size=2000)), "清册.xls"
    if kind == "random":
        return draw(st.binary(min_size=1, max_size=4000)), draw(
            st.sampled_from(["清册.csv", "清册.xlsx", "清册.xls"])
        )
    if kind == "html":
        return HTML, "清册.xls"
    return (b"" if kind == "empty" else b" \r\n\t "), draw(
        st.sampled_from(["清册.csv", "清册.xlsx"])
    )


def _built(builder, name: str, *args) -> tuple[bytes, str]:
    """A file from a tests.hostile_files builder, as (bytes, name)."""
    with tempfile.TemporaryDirectory() as folder:
        return builder(Path(folder) / name, *args).read_bytes(), name


@st.composite
def far_cell_file(draw) -> tuple[bytes, str]:
    """A real sheet with one stray cell a little way off: read as any sheet is."""
    row, col = draw(st.integers(4, 300)), draw(st.integers(1, 80))
    form = draw(st.sampled_from(["xlsx", "xls", "ods"]))
    if form == "xlsx":
        return _built(far_cell_xlsx, "清册.xlsx", row, col)
    if form == "xls":
        return _built(far_cell_xls, "清册.xls", row, col)
    return _built(repeated_ods, draw(st.sampled_from(["清册.ods", "清册.xlsx"])), row, col)


@st.composite
def dimension_bomb(draw, ods: bool = True) -> tuple[bytes, str]:
    """A file of a few KB whose grid is absurd: a stray cell far off (xlsx, xls, SpreadsheetML) or repeats
    (ods).

    Each would take calamine far past any memory a server has (the xlsx ones up to 17 G cells
    of 32 bytes); in-process before issue 15, the CLI aborted and the web worker died.
    """
    form = draw(
        st.sampled_from(
            ["xlsx", "xlsx-no-header", "xlsx-strict", "xls", "spreadsheetml"] + ["ods"] * ods
        )
    )
    if form == "spreadsheetml":  # ss:Index may say any number: past Excel's last row or column too
        row = draw(st.integers(4, EXCEL_LAST_ROW + 1))
        col = draw(st.integers(1, EXCEL_LAST_COL + 1).filter(lambda c: row * c > MAX_GRID_CELLS))
        return _built(far_index_xml, draw(XML_NAMES), row, col)
    if form.startswith("xlsx"):
        row = draw(st.integers(4, EXCEL_LAST_ROW))
        col = draw(st.integers(1, EXCEL_LAST_COL).filter(lambda c: row * c > MAX_GRID_CELLS))
        if form == "xlsx-strict":
            return _built(strict_far_cell_xlsx, "清册.xlsx", row, col)
        header = None if form == "xlsx-no-header" else PAY_HEADER
        return _built(far_cell_xlsx, "清册.xlsx", row, col, header)
    if form == "xls":  # beyond Excel's 256 columns; 120 M cells and more
        row = draw(st.integers(2_000, XLS_LAST_ROW))
        col = draw(st.integers(257, 65_536).filter(lambda c: row * c > 120_000_000))
        return _built(far_cell_xls, "清册.xls", row, col)
    # calamine refuses more than 100 M ods cells itself; from 60 M the child runs out of memory
    rows = draw(st.integers(4_000, 60_000))
    cols = draw(st.integers(1_000, 16_384).filter(lambda c: 60e6 < rows * c < 99e6))
    return _built(repeated_ods, "清册.ods", rows, cols)


@st.composite
def xml_attack(draw) -> tuple[str, str, float]:
    """An XML Spreadsheet meant to hurt (built by the test: an external entity names a file of its own):
    (what, file name, where a damaged one is cut)."""
    what = draw(st.sampled_from(["entity-bomb", "external-entity", "truncated"]))
    return what, draw(XML_NAMES), draw(st.floats(0, 1))


SECRET = "口令：不应出现"


def _xml_attack_file(folder: Path, what: str, name: str, keep: float) -> tuple[Path, str]:
    """The file ``xml_attack`` describes, in ``folder``, and the word its refusal must hold."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    if what == "entity-bomb":
        return entity_bomb_xml(path), "恶意"
    if what == "external-entity":
        secret = folder / "secret.txt"
        secret.write_text(SECRET, encoding="utf-8")
        return external_entity_xml(path, secret), "恶意"
    return truncated_xml(path, keep), "损坏"


# The few examples drawn may miss the SpreadsheetML form: it is tried by name as well (XFD3000, 49 M
# cells, as .xml; a row past Excel's last, as .xls).
XML_BOMBS = [
    _built(far_index_xml, "清册.xml", 3_000, EXCEL_LAST_COL),
    _built(far_index_xml, "清册.xls", EXCEL_LAST_ROW + 1, 1),
]


any_file = st.one_of(csv_file(), xlsx_file(), xls_file(), broken_file(), far_cell_file())


# --- the CLI loader --------------------------------------------------------------------


@pytest.fixture
def cli_store(tmp_path_factory, monkeypatch):
    """A store for the CLI (its database and instance folders), with a fund catalogue loaded."""
    work = tmp_path_factory.mktemp("cli-hostile")
    monkeypatch.setenv("FUNDQUERY_DB", str(work / "cli.duckdb"))
    monkeypatch.setenv("FUNDQUERY_INSTANCE", str(work / "instance"))
    monkeypatch.delenv("FUNDQUERY_ID_KEY", raising=False)
    funds = write_xlsx(work / "funds.xlsx", [FUNDS_HEADER, *FUNDS_ROWS])
    assert (
        CliRunner()
        .invoke(cli, ["load", "funds", str(funds), "--json"], catch_exceptions=False)
        .exit_code
        == 0
    )
    return work


def _tables(db: Path) -> dict:
    con = connect(db)
    try:
        return snapshot(con)
    finally:
        con.close()


def check_findings(out: dict) -> None:
    """Every error says what is wrong; one about a cell names its row and its column."""
    assert out["errors"], out
    for finding in out["errors"]:
        assert finding["message"] and finding["rule"], finding
        if finding["row"] is not None:
            assert isinstance(finding["row"], int) and finding["row"] >= 1, finding
            assert finding["column"] or finding["rule"] == "no_rows", (
                finding
            )  # no_rows is about the whole row


@given(any_file)
def test_the_cli_loader_rejects_clearly_or_loads(cli_store, generated):
    content, name = generated
    path = cli_store / "in" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    before = _tables(cli_store / "cli.duckdb")
    result = CliRunner().invoke(cli, ["load", "auto", str(path), "--json"], catch_exceptions=False)
    assert result.exit_code in (0, 1, 2), result.output
    out = json.loads(result.stdout)
    event(f"cli: {out['status']}")
    if result.exit_code == 0:
        assert out["status"] in ("loaded", "duplicate") and not out["errors"]
        return
    assert out["status"] in ("rejected", "unreadable")
    check_findings(out)
    assert _tables(cli_store / "cli.duckdb") == before


TOO_LARGE = ("范围过大", "内存内读取")  # etl.workbook (xlsx extent) and etl.isolated (xls, ods)


@given(dimension_bomb())
@example(XML_BOMBS[0])
@example(XML_BOMBS[1])
def test_the_cli_loader_refuses_a_dimension_bomb_with_a_sentence(cli_store, generated):
    content, name = generated
    path = cli_store / "in" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    before = _tables(cli_store / "cli.duckdb")
    result = CliRunner().invoke(cli, ["load", "auto", str(path), "--json"], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    out = json.loads(result.stdout)
    message = out["errors"][0]["message"]
    assert out["status"] == "unreadable" and f"文件 {name}" in message, message
    assert any(word in message for word in TOO_LARGE), message
    assert _tables(cli_store / "cli.duckdb") == before


@given(xml_attack())
def test_the_cli_loader_refuses_an_xml_attack_with_a_sentence(cli_store, generated):
    """An entity-expansion bomb or an external entity in a SpreadsheetML file: refused as hostile before
    anything is expanded or read; a file cut short: refused as damaged.  Nothing stored."""
    path, word = _xml_attack_file(cli_store / "xml", *generated)
    before = _tables(cli_store / "cli.duckdb")
    result = CliRunner().invoke(cli, ["load", "auto", str(path), "--json"], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    out = json.loads(result.stdout)
    message = out["errors"][0]["message"]
    assert out["status"] == "unreadable" and f"文件 {path.name}" in message, message
    assert word in message and SECRET not in result.output, message
    assert _tables(cli_store / "cli.duckdb") == before


# --- the web upload ----------------------------------------------------------------------


@pytest.fixture
def app(tmp_path):
    """The web app on its own empty database (as tests/web/conftest.py makes it)."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "DATABASE": str(tmp_path / "web.duckdb")}
    )
    yield app
    app.extensions[EXTENSION].close()


@pytest.fixture
def finance_client(app, tmp_path):
    app.config["ID_HASH_KEY"] = "cd" * 32
    add_user(app, "wang", "finance", office="城关镇财政所")
    client = app.test_client()
    assert sign_in(client, "wang").status_code == 302
    funds = write_xlsx(tmp_path / "funds.xlsx", [FUNDS_HEADER, *FUNDS_ROWS])
    assert _web_upload(client, funds.read_bytes(), funds.name)[0] == "loaded"
    return client


def _web_upload(client, content: bytes, name: str) -> tuple[str, dict | None]:
    """Upload, preview, and load if the preview allows: (outcome, preview data)."""
    data = {
        "kind": "auto",
        "replaces": "",
        "csrf_token": csrf_token(client, "/staff/upload"),
        "file": (io.BytesIO(content), name),
    }
    staged = client.post("/staff/upload", data=data, content_type="multipart/form-data")
    assert staged.status_code in (302, 400), staged.status_code
    if staged.status_code == 400:
        assert "只能上传" in staged.get_data(as_text=True) or "请选择" in staged.get_data(
            as_text=True
        )
        return "refused", None
    page = client.get(staged.location)
    assert page.status_code in (200, 422), page.status_code
    found = client.get(staged.location + "&format=json")
    assert found.status_code == page.status_code
    preview = found.get_json()
    # 422; or 200 with the header picker when only the header was not found (a question, as a mapping is)
    if page.status_code == 422 or preview.get("unreadable"):
        assert preview["unreadable"] and str(escape(preview["unreadable"])) in page.get_data(
            as_text=True
        )
        assert (
            "Error" not in preview["unreadable"] and "\n" not in preview["unreadable"]
        )  # a sentence, no dump
        return "unreadable", preview
    form = {
        "kind": preview["kind"],
        "replaces": "",
        "csrf_token": csrf_token(client, staged.location),
        "load_anyway": "y",
    }
    loaded = client.post(f"/staff/upload/{preview['sha256']}/load", data=form)
    assert loaded.status_code == 302, loaded.status_code
    if preview["error_total"] or preview["duplicate_of"]:
        assert loaded.location.startswith("/staff/upload/") or preview["duplicate_of"]
        return "rejected", preview
    assert loaded.location == "/staff/batches/", loaded.location
    return "loaded", preview


@given(any_file)
def test_the_web_upload_rejects_clearly_or_loads(app, finance_client, generated):
    content, name = generated
    with app.app_context():
        before = snapshot(get_db())
    outcome, preview = _web_upload(finance_client, content, name)
    event(f"web: {outcome}")
    if outcome == "loaded":
        return
    if outcome == "rejected" and not preview["duplicate_of"]:
        check_findings({"errors": preview["errors"]})
    with app.app_context():
        assert snapshot(get_db()) == before


# --- a correct load is a correct load ------------------------------------------------------


@st.composite
def good_payments(draw) -> tuple[bytes, str, int]:
    """Valid payment rows in any format and encoding the loader accepts, with blank and total rows around."""
    numbers = draw(st.lists(st.integers(1, 500), min_size=1, max_size=12, unique=True))
    rows = [PAY_HEADER, *[pay_row(n) for n in numbers]]
    if draw(st.booleans()):
        rows = [
            ["2024年耕地地力保护补贴发放清册"],
            *rows,
            [],
            ["合计"] + [""] * 11 + [f"{892.5 * len(numbers):.2f}"],
        ]
    fmt = draw(st.sampled_from(["csv", "csv-as-xlsx", "xlsx", "xls"]))
    if fmt.startswith("csv"):
        text = "\r\n".join(",".join(r) for r in rows)
        content = text.encode(
            draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"]))
        )
        return content, "清册.xlsx" if fmt == "csv-as-xlsx" else "清册.csv", len(numbers)
    if fmt == "xlsx":
        return _xlsx_bytes(rows, [], [], 1), "清册.xlsx", len(numbers)
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet1")
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            ws.write(r, c, value)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue(), "清册.xls", len(numbers)


@given(good_payments())
def test_a_good_file_loads_every_row_exactly(cli_store, generated):
    content, name, count = generated
    path = cli_store / "good" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    result = CliRunner().invoke(cli, ["load", "auto", str(path), "--json"], catch_exceptions=False)
    out = json.loads(result.stdout)
    assert result.exit_code == 0 and out["status"] in ("loaded", "duplicate"), out
    event(f"good: {out['status']}")
    batch = out["batch"] or out["duplicate_of"]
    con = connect(cli_store / "cli.duckdb")
    try:
        rows, total = con.execute(
            "SELECT count(*), sum(amount_yuan) FROM payments WHERE batch_id = ?", [batch]
        ).fetchone()
    finally:
        con.close()
    assert rows == count and total == Decimal("892.50") * count


# Each example opens the preview twice, and the xls and ods ones start a reader process.
@settings(max_examples=10)
# The web takes no .ods (by name; renamed .xlsx, it is refused as a damaged xlsx).
@given(dimension_bomb(ods=False))
@example(XML_BOMBS[0])
@example(XML_BOMBS[1])
def test_the_web_upload_refuses_a_dimension_bomb_every_time_its_preview_opens(
    app, finance_client, generated
):
    content, name = generated
    with app.app_context():
        before = snapshot(get_db())
    outcome, preview = _web_upload(finance_client, content, name)
    assert outcome == "unreadable", outcome
    assert any(word in preview["unreadable"] for word in TOO_LARGE), preview
    again = finance_client.get(f"/staff/upload/{preview['sha256']}?format=json")
    assert again.status_code == 422 and again.get_json()["unreadable"] == preview["unreadable"]
    with app.app_context():
        assert snapshot(get_db()) == before


@settings(max_examples=10)  # three kinds of file under two names: each opens a preview
@given(xml_attack())
def test_the_web_upload_refuses_an_xml_attack_with_a_sentence(
    app, finance_client, tmp_path_factory, generated
):
    path, word = _xml_attack_file(tmp_path_factory.mktemp("xml"), *generated)
    with app.app_context():
        before = snapshot(get_db())
    outcome, preview = _web_upload(finance_client, path.read_bytes(), path.name)
    assert outcome == "unreadable", outcome
    assert word in preview["unreadable"] and SECRET not in str(preview), preview
    with app.app_context():
        assert snapshot(get_db()) == before

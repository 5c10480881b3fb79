"""Fixtures and helpers for the staff workflow tests: users, upload, preview, load.

Import the fixtures you use into a test module:
    from tests.web.staffing import finance, funds_file, staff_app, with_funds  # noqa: F401
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from fundquery.web.db import get_db
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, PAY_HEADER, make_id, pay_row, write_xlsx
from tests.web.accounts import add_user, csrf_token, sign_in

ID_KEY = "ab" * 32


@pytest.fixture
def staff_app(app):
    app.config["ID_HASH_KEY"] = ID_KEY
    add_user(app, "wang", "finance", office="城关镇财政所")
    add_user(app, "zhang", "finance", office="东风镇财政所")
    return app


@pytest.fixture
def finance(staff_app):
    client = staff_app.test_client()
    assert sign_in(client, "wang").status_code == 302
    return client


def upload(client, path: Path, kind: str = "auto", replaces: int | None = None):
    token = csrf_token(client, "/staff/upload")
    data = {
        "kind": kind,
        "replaces": str(replaces or ""),
        "csrf_token": token,
        "file": (io.BytesIO(path.read_bytes()), path.name),
    }
    return client.post("/staff/upload", data=data, content_type="multipart/form-data")


def preview(
    client, path: Path, kind: str = "auto", replaces: int | None = None
) -> tuple[str, dict]:
    staged = upload(client, path, kind, replaces)
    assert staged.status_code == 302, staged.get_data(as_text=True)
    url = staged.location
    return url, client.get(url + "&format=json").get_json()


def load(client, preview_url: str, data: dict, anyway: bool = False):
    token = csrf_token(client, preview_url)
    form = {"kind": data["kind"], "replaces": str(data.get("replaces") or ""), "csrf_token": token}
    if anyway:
        form["load_anyway"] = "y"
    return client.post(f"/staff/upload/{data['sha256']}/load", data=form)


def batches_of(app):
    with app.app_context():
        return (
            get_db()
            .execute(
                "SELECT batch_id, kind, status, uploaded_by, office, replaces FROM batches"
                " ORDER BY batch_id"
            )
            .fetchall()
        )


def actions_of(app):
    with app.app_context():
        return [
            r[0]
            for r in get_db().execute("SELECT action FROM audit_log ORDER BY audit_id").fetchall()
        ]


@pytest.fixture
def funds_file(tmp_path):
    return write_xlsx(
        tmp_path / "资金目录.xlsx", [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS]
    )


@pytest.fixture
def with_funds(staff_app, finance, funds_file):
    url, data = preview(finance, funds_file)
    assert data["kind"] == "funds" and data["error_total"] == 0
    assert load(finance, url, data).status_code == 302
    return finance


def messy_rows():
    bad_id = make_id(seq=3)[:-1] + ("0" if make_id(seq=3)[-1] != "0" else "1")
    return [
        ["2024年耕地地力保护补贴发放清册"],
        PAY_HEADER,
        pay_row(1),
        pay_row(2, amount="二百"),
        pay_row(3, id_number=bad_id),
        [None] * 3,
        ["合计"] + [None] * 11 + ["1785.00"],
    ]

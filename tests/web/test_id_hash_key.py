# ruff: noqa: F811  (pytest fixtures imported from tests.web.staffing are parameters here)
"""One ID-hash key setting: the key an administrator sets once hashes both the web upload and the lookup.

Before, uploads read ``ID_KEY`` and the lookup ``ID_HASH_KEY``: whoever set one of
them got every lookup answered "not found".
"""

from __future__ import annotations

import pytest

from fundquery import create_app
from fundquery.web.db import EXTENSION
from tests.sheets import PAY_HEADER, make_id, pay_row, write_xlsx
from tests.web.accounts import add_user, csrf_token, sign_in
from tests.web.staffing import funds_file, load, preview  # noqa: F401

KEY = "5a" * 32


@pytest.fixture
def keyed_app(tmp_path, monkeypatch):
    """The key set once, in the config; the instance folder holds another key that must not be used."""
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "id_hash.key").write_text("0f" * 32 + "\n")
    monkeypatch.setenv("FUNDQUERY_INSTANCE", str(instance))
    monkeypatch.delenv("FUNDQUERY_ID_KEY", raising=False)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(tmp_path / "k.duckdb"),
            "ID_HASH_KEY": KEY,
        }
    )
    yield app
    app.extensions[EXTENSION].close()


def _publish(client, batch_id: int):
    token = csrf_token(client, f"/staff/review/{batch_id}")
    reply = client.post(
        f"/staff/review/{batch_id}/publish",
        data={"csrf_token": token, "note": "已审查", "reviewed": "y"},
    )
    assert reply.status_code == 302, reply.get_data(as_text=True)


def test_a_person_uploaded_on_the_web_is_found_by_the_lookup(keyed_app, funds_file, tmp_path):
    add_user(keyed_app, "wang", "finance", office="城关镇财政所")
    add_user(keyed_app, "zhao", "reviewer", office="县政务公开办")
    finance, reviewer = keyed_app.test_client(), keyed_app.test_client()
    assert sign_in(finance, "wang").status_code == 302
    assert sign_in(reviewer, "zhao").status_code == 302
    for path in (
        funds_file,
        write_xlsx(tmp_path / "清册.xlsx", [["发放清册"], PAY_HEADER, pay_row(1)]),
    ):
        url, data = preview(finance, path)
        assert data["error_total"] == 0, data
        assert load(finance, url, data).status_code == 302
    _publish(reviewer, 1)
    _publish(reviewer, 2)

    resident = keyed_app.test_client()
    token = csrf_token(resident, "/query")
    found = resident.post(
        "/query?format=json",
        data={"csrf_token": token, "id_number": make_id(seq=1), "name": "张三"},
    )
    assert found.status_code == 200
    result = found.get_json()["result"]
    assert result is not None, "the lookup hashed the ID with another key than the upload"
    assert result, result

"""Administrators: users and roles from the web, the audit log browsed, filtered and exported."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from fundquery.accounts import accounts
from fundquery.web.db import get_db
from tests.web.accounts import add_user, csrf_token, sign_in


@pytest.fixture
def admin(app):
    add_user(app, "root", "admin")
    client = app.test_client()
    sign_in(client, "root")
    return client


def _account(app, name):
    with app.app_context():
        return accounts.by_name(get_db(), name)


def test_add_user_from_the_web(app, admin):
    token = csrf_token(admin, "/staff/admin/users")
    response = admin.post(
        "/staff/admin/users",
        data={
            "csrf_token": token,
            "username": "li",
            "office": "县审计局",
            "roles": ["inspector", "reviewer"],
            "password": "a long enough secret",
            "confirm": "a long enough secret",
        },
    )
    assert response.status_code == 302
    account = _account(app, "li")
    assert account.roles == {"inspector", "reviewer"} and account.office == "县审计局"
    users = admin.get("/staff/admin/users?format=json").get_json()["users"]
    assert [u["username"] for u in users] == ["li", "root"]


def test_add_user_refuses_short_password_and_no_role(app, admin):
    token = csrf_token(admin, "/staff/admin/users")
    response = admin.post(
        "/staff/admin/users",
        data={"csrf_token": token, "username": "li", "password": "short", "confirm": "short"},
    )
    assert response.status_code == 400
    assert _account(app, "li") is None


def test_disable_roles_and_password_reset(app, admin):
    add_user(app, "li", "finance")
    li = app.test_client()
    sign_in(li, "li")
    token = csrf_token(admin, "/staff/admin/users")
    admin.post(
        "/staff/admin/users/li",
        data={"csrf_token": token, "action": "roles", "roles": ["inspector"], "office": "县审计局"},
    )
    assert _account(app, "li").roles == {"inspector"}
    assert li.get("/staff/?format=json").status_code == 401  # new rights: signed out
    admin.post(
        "/staff/admin/users/li",
        data={"csrf_token": token, "action": "password", "password": "reset by the admin"},
    )
    assert sign_in(app.test_client(), "li", "reset by the admin").status_code == 302
    admin.post("/staff/admin/users/li", data={"csrf_token": token, "action": "disable"})
    assert not _account(app, "li").is_active


def test_admin_cannot_disable_themselves(app, admin):
    token = csrf_token(admin, "/staff/admin/users")
    admin.post("/staff/admin/users/root", data={"csrf_token": token, "action": "disable"})
    assert _account(app, "root").is_active


def test_audit_log_filters_and_exports(app, admin):
    sign_in(app.test_client(), "root", "wrong password!")
    data = admin.get("/staff/admin/audit?format=json&action=login_failed").get_json()
    assert data["total"] == 1 and data["entries"][0]["actor"] == "root"
    everything = admin.get("/staff/admin/audit?format=json").get_json()
    assert {e["action"] for e in everything["entries"]} >= {"user_add", "login", "login_failed"}
    exported = admin.get("/staff/admin/audit?format=csv&action=login_failed")
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["编号", "时间", "操作人", "操作"] and len(rows) == 2
    book = openpyxl.load_workbook(io.BytesIO(admin.get("/staff/admin/audit?format=xlsx").data))
    assert book.active.max_row >= 4
    html = admin.get("/staff/admin/audit?actor=root").get_data(as_text=True)
    assert "login_failed" in html
    assert "audit_export" in {
        e["action"] for e in admin.get("/staff/admin/audit?format=json").get_json()["entries"]
    }


def test_audit_filter_rejects_bad_dates(admin):
    assert admin.get("/staff/admin/audit?date_from=not-a-date").status_code == 400

"""Sign-in, lock-out, sign-out, password change ending every session, refusals."""

from __future__ import annotations

import pytest

from etl.audit import audit
from fundquery import create_app
from fundquery.accounts import accounts
from fundquery.accounts.auth import logs_personal_data, roles_required
from fundquery.web.db import EXTENSION, get_db
from tests.web.accounts import PASSWORD, add_user, csrf_token, sign_in


def _audit_actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        return get_db().execute("SELECT actor, action FROM audit_log ORDER BY audit_id").fetchall()


def test_login_then_staff_home_shows_roles(app, client):
    add_user(app, "wang", "finance", "reviewer", office="城关镇财政所")
    response = sign_in(client, "wang")
    assert response.status_code == 302 and response.location == "/staff/"
    data = client.get("/staff/?format=json").get_json()
    assert data["username"] == "wang" and data["roles"] == ["finance", "reviewer"]
    assert data["office"] == "城关镇财政所"
    assert ("wang", "login") in _audit_actions(app)


def test_login_form_needs_csrf(app, client):
    add_user(app, "wang", "finance")
    refused = client.post("/login", data={"username": "wang", "password": PASSWORD})
    assert refused.status_code == 400
    assert client.get("/staff/?format=json").status_code == 401


@pytest.mark.parametrize("username", ["wang", "nobody"], ids=["wrong-password", "unknown-user"])
def test_failed_login_says_the_same_and_is_audited(app, client, username):
    add_user(app, "wang", "finance")
    response = sign_in(client, username, "wrong password!")
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.get_data(as_text=True)
    assert (username, "login_failed") in _audit_actions(app)


def test_lockout_after_repeated_failures_even_with_right_password(app, client):
    add_user(app, "wang", "finance")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert sign_in(client, "wang", "wrong password!").status_code == 401
    locked = sign_in(client, "wang")
    assert locked.status_code == 401
    assert "已暂停从这里登录" in locked.get_data(as_text=True)
    assert client.get("/staff/?format=json").status_code == 401


def test_disabled_user_cannot_sign_in_and_is_signed_out(app, client):
    add_user(app, "wang", "finance")
    assert sign_in(client, "wang").status_code == 302
    with app.app_context():
        accounts.set_active(get_db(), "wang", False, actor="admin")
    assert client.get("/staff/?format=json").status_code == 401
    assert sign_in(client, "wang").status_code == 401


def test_password_change_logs_out_everywhere_else(app):
    add_user(app, "wang", "finance")
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, "wang")
    sign_in(elsewhere, "wang")
    token = csrf_token(here, "/account/password")
    new = "a brand new secret"
    response = here.post(
        "/account/password",
        data={"current": PASSWORD, "new": new, "confirm": new, "csrf_token": token},
    )
    assert response.status_code == 302
    assert here.get("/staff/?format=json").status_code == 200
    assert elsewhere.get("/staff/?format=json").status_code == 401
    assert sign_in(app.test_client(), "wang", PASSWORD).status_code == 401
    assert sign_in(app.test_client(), "wang", new).status_code == 302
    assert ("wang", "user_password") in _audit_actions(app)


def test_password_change_needs_the_current_password(app, client):
    add_user(app, "wang", "finance")
    sign_in(client, "wang")
    token = csrf_token(client, "/account/password")
    new = "a brand new secret"
    response = client.post(
        "/account/password",
        data={"current": "not it at all", "new": new, "confirm": new, "csrf_token": token},
    )
    assert response.status_code == 200 and "当前密码不正确" in response.get_data(as_text=True)


def test_logout_is_a_post_and_ends_the_session(app, client):
    add_user(app, "wang", "finance")
    sign_in(client, "wang")
    assert client.get("/logout").status_code == 405
    token = csrf_token(client, "/staff/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/?format=json").status_code == 401
    assert ("wang", "logout") in _audit_actions(app)


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"],
    ids=["absolute", "scheme-relative", "backslash", "javascript"],
)
def test_next_never_leaves_the_site(app, client, target):
    add_user(app, "wang", "finance")
    response = sign_in(client, "wang", next_path=target)
    assert response.status_code == 302 and response.location == "/staff/"


def test_next_returns_to_the_page_asked_for(app, client):
    add_user(app, "wang", "finance")
    assert client.get("/account/password").location == "/login?next=/account/password"
    assert sign_in(client, "wang", next_path="/account/password").location == "/account/password"


def test_roles_required_refuses_anonymous_and_wrong_role(app, client):
    app.add_url_rule("/probe", "probe", roles_required("reviewer")(lambda: "ok"))
    assert client.get("/probe").status_code == 302
    assert client.get("/probe?format=json").status_code == 401
    add_user(app, "wang", "finance")
    sign_in(client, "wang")
    refused = client.get("/probe")
    assert refused.status_code == 403 and "没有使用这个页面的权限" in refused.get_data(as_text=True)
    add_user(app, "zhao", "reviewer")
    other = app.test_client()
    sign_in(other, "zhao")
    assert other.get("/probe").get_data(as_text=True) == "ok"


def test_session_cookie_flags_after_login(app, client):
    add_user(app, "wang", "finance")
    cookie = sign_in(client, "wang").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_password_rules(app):
    with app.app_context(), pytest.raises(accounts.AccountError, match="至少需要 10 个字符"):
        accounts.create(get_db(), "short", "123", ["finance"], office=None, actor="t")
    with app.app_context(), pytest.raises(accounts.AccountError, match="未知的角色"):
        accounts.create(get_db(), "x1", PASSWORD, ["boss"], office=None, actor="t")


def test_no_code_updates_or_deletes_audit_rows():
    """The audit log is append-only: nothing in the application writes to it but INSERT."""
    import re
    from pathlib import Path

    from fundquery import REPO_ROOT

    pattern = re.compile(
        r"(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|DROP\s+TABLE\s+audit_log|"
        r"TRUNCATE\s+audit_log|ALTER\s+TABLE\s+audit_log)",
        re.I,
    )
    offenders = [
        str(p.relative_to(REPO_ROOT))
        for folder in ("fundquery", "etl")
        for p in Path(REPO_ROOT, folder).rglob("*.*")
        if p.suffix in (".py", ".sql") and pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    assert audit  # the one writer is etl.audit.audit, an INSERT


def test_pages_with_personal_data_are_audit_logged(app, client):
    app.add_url_rule(
        "/probe/<int:n>", "probe", roles_required("inspector")(logs_personal_data(lambda n: "ok"))
    )
    add_user(app, "li", "inspector")
    sign_in(client, "li")
    assert client.get("/probe/7?village=东风村").status_code == 200
    with app.app_context():
        rows = (
            get_db()
            .execute(
                "SELECT actor, action, target, detail->>'endpoint', detail->'args'->>'village'"
                " FROM audit_log WHERE action = 'view_personal_data'"
            )
            .fetchall()
        )
    assert rows == [("li", "view_personal_data", "/probe/7", "probe", "东风村")]


def test_sign_in_attempts_are_rate_limited_per_address(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for n in range(3):
        assert sign_in(client, f"guess{n}", "wrong password!").status_code == 401
    assert sign_in(client, "guess9", "wrong password!").status_code == 429


def _from(app, address: str):
    """A test client whose requests come from ``address`` (the socket's peer, no proxy)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_a_stranger_failing_does_not_lock_the_user_out_from_elsewhere(app):
    add_user(app, "admin", "admin")
    stranger, office = _from(app, "203.0.113.66"), _from(app, "10.1.2.3")
    for _ in range(10):
        assert sign_in(stranger, "admin", "guessing again!").status_code == 401
    # The administrator signs in from the office ...
    assert sign_in(office, "admin").status_code == 302
    assert office.get("/staff/?format=json").get_json()["username"] == "admin"
    # ... while the stranger's own address is refused, even with the right password.
    refused = sign_in(stranger, "admin")
    assert refused.status_code == 401 and "已暂停从这里登录" in refused.get_data(as_text=True)
    assert stranger.get("/staff/?format=json").status_code == 401


def test_refused_address_counts_behind_a_trusted_proxy(tmp_path):
    """Behind one proxy the client is the X-Forwarded-For address the proxy wrote, not the proxy."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(tmp_path / "proxy.duckdb"),
            "TRUSTED_PROXIES": 1,
        }
    )
    try:
        add_user(app, "admin", "admin")
        stranger, villager = _from(app, "127.0.0.1"), _from(app, "127.0.0.1")
        stranger.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.66"
        villager.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            sign_in(stranger, "admin", "guessing again!")
        assert sign_in(stranger, "admin").status_code == 401
        assert sign_in(villager, "admin").status_code == 302
    finally:
        app.extensions[EXTENSION].close()


def test_admin_unlock_clears_the_refusal_and_is_audited(app):
    add_user(app, "root", "admin")
    add_user(app, "wang", "finance")
    wang = _from(app, "10.9.9.9")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(wang, "wang", "forgot it again!")
    assert sign_in(wang, "wang").status_code == 401
    admin = _from(app, "10.0.0.1")
    assert sign_in(admin, "root").status_code == 302
    users = admin.get("/staff/admin/users?format=json").get_json()["users"]
    assert {u["username"]: u["refused_addresses"] for u in users} == {"root": 0, "wang": 1}
    token = csrf_token(admin, "/staff/admin/users")
    assert 'value="unlock"' in admin.get("/staff/admin/users").get_data(as_text=True)
    response = admin.post(
        "/staff/admin/users/wang",
        data={"action": "unlock", "csrf_token": token},
        follow_redirects=True,
    )
    assert "已清除用户 wang 的登录失败记录" in response.get_data(as_text=True)
    assert 'value="unlock"' not in response.get_data(as_text=True)  # nothing left to unlock
    assert ("root", "user_unlock") in _audit_actions(app)
    assert sign_in(wang, "wang").status_code == 302

"""fundquery user add / passwd / disable / roles / list: no default password, audit-logged."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from etl.store import connect
from fundquery.accounts import accounts
from fundquery.cli import cli


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("FUNDQUERY_DB", str(tmp_path / "cli.duckdb"))
    monkeypatch.setenv("FUNDQUERY_INSTANCE", str(tmp_path / "instance"))
    runner = CliRunner()

    def _run(*args, input=None):
        return runner.invoke(cli, list(map(str, args)), input=input, catch_exceptions=False)

    return _run


def _account(tmp_path, name):
    con = connect(tmp_path / "cli.duckdb")
    try:
        return accounts.by_name(con, name)
    finally:
        con.close()


def test_add_with_password_from_stdin_and_several_roles(run, tmp_path):
    result = run(
        "user",
        "add",
        "admin1",
        "--role",
        "admin",
        "--role",
        "reviewer",
        "--office",
        "公开办",
        "--password-stdin",
        input="a long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    account = _account(tmp_path, "admin1")
    assert account.roles == {"admin", "reviewer"} and account.office == "公开办"
    assert accounts.verify_password(account, "a long enough secret")
    assert "a long enough secret" not in account.password_hash
    listed = json.loads(run("user", "list", "--json").stdout)
    assert listed == [
        {"user": "admin1", "roles": ["admin", "reviewer"], "office": "公开办", "active": True}
    ]


def test_add_prompts_twice_for_the_password(run, tmp_path):
    result = run(
        "user", "add", "li", "--role", "finance", input="typed at the prompt\ntyped at the prompt\n"
    )
    assert result.exit_code == 0, result.output
    assert accounts.verify_password(_account(tmp_path, "li"), "typed at the prompt")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--role", "finance", "--password-stdin"], "short\n", "至少需要 10 个字符"),
        (["--password-stdin"], "a long enough secret\n", "Missing option '--role'"),
        (
            ["--role", "boss", "--password-stdin"],
            "a long enough secret\n",
            "Invalid value for '--role'",
        ),
    ],
    ids=["short-password", "no-role", "unknown-role"],
)
def test_add_refuses(run, tmp_path, args, stdin, message):
    result = run("user", "add", "li", *args, input=stdin)
    assert result.exit_code != 0 and message in result.output
    assert _account(tmp_path, "li") is None


def test_duplicate_name_is_refused(run):
    run(
        "user", "add", "li", "--role", "finance", "--password-stdin", input="a long enough secret\n"
    )
    again = run(
        "user", "add", "li", "--role", "finance", "--password-stdin", input="a long enough secret\n"
    )
    assert again.exit_code == 1 and "已经存在" in again.output


def test_passwd_disable_enable_roles_raise_the_session_version(run, tmp_path):
    run(
        "user", "add", "li", "--role", "finance", "--password-stdin", input="a long enough secret\n"
    )
    versions = [_account(tmp_path, "li").session_version]
    assert (
        run("user", "passwd", "li", "--password-stdin", input="another long secret\n").exit_code
        == 0
    )
    assert accounts.verify_password(_account(tmp_path, "li"), "another long secret")
    versions.append(_account(tmp_path, "li").session_version)
    assert run("user", "disable", "li").exit_code == 0
    assert not _account(tmp_path, "li").is_active
    versions.append(_account(tmp_path, "li").session_version)
    assert run("user", "enable", "li").exit_code == 0
    assert run("user", "roles", "li", "--role", "inspector", "--office", "审计局").exit_code == 0
    account = _account(tmp_path, "li")
    assert account.is_active and account.roles == {"inspector"} and account.office == "审计局"
    assert versions == sorted(set(versions))
    con = connect(tmp_path / "cli.duckdb")
    actions = [
        r[0] for r in con.execute("SELECT action FROM audit_log ORDER BY audit_id").fetchall()
    ]
    con.close()
    assert actions == ["user_add", "user_password", "user_disable", "user_enable", "user_roles"]


def test_unknown_user(run):
    result = run("user", "disable", "ghost")
    assert result.exit_code == 1 and "没有用户" in result.output


def test_unlock_clears_the_refused_addresses_and_is_audited(run, tmp_path):
    """`fundquery user unlock NAME`: an address refused after five failures signs in again at once."""
    run(
        "user", "add", "li", "--role", "finance", "--password-stdin", input="a long enough secret\n"
    )
    con = connect(tmp_path / "cli.duckdb")
    window = dt.timedelta(minutes=15)
    try:
        for _ in range(5):
            accounts.authenticate(
                con, "li", "wrong!", remote_addr="10.0.0.5", max_failures=5, window=window
            )
        status, _ = accounts.authenticate(
            con, "li", "a long enough secret", remote_addr="10.0.0.5", max_failures=5, window=window
        )
        assert status == "locked"
    finally:
        con.close()
    result = run("user", "unlock", "li")
    assert result.exit_code == 0, result.output
    con = connect(tmp_path / "cli.duckdb")
    try:
        status, account = accounts.authenticate(
            con, "li", "a long enough secret", remote_addr="10.0.0.5", max_failures=5, window=window
        )
        assert status == "ok" and account.username == "li"
        unlocks = con.execute(
            "SELECT actor, target FROM audit_log WHERE action = 'user_unlock'"
        ).fetchall()
    finally:
        con.close()
    assert len(unlocks) == 1 and unlocks[0][0].startswith("cli:") and unlocks[0][1] == "user:li"
    assert run("user", "unlock", "ghost").exit_code == 1

"""Staff accounts in the store: users, roles, passwords, login attempts.

No Flask here: the ``fundquery user`` command and the web app both call these
with a DuckDB connection.  Passwords are hashed with werkzeug's current
default; every change is audit-logged in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
from werkzeug.security import check_password_hash, generate_password_hash

from etl.audit import audit
from etl.transaction import transaction
from fundquery.queries import accounts as account_queries

ROLES = ("finance", "reviewer", "inspector", "admin")
MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,40}$")
# A hash nobody's password matches, checked for unknown names so that a
# failed login takes as long whether or not the name exists.
_DUMMY_HASH = generate_password_hash("not-a-password-of-anyone")


class AccountError(ValueError):
    """An account change that cannot be made; ``str()`` is a sentence for a person."""


@dataclass(frozen=True)
class Account:
    user_id: int
    username: str
    office: str | None
    is_active: bool
    session_version: int
    roles: frozenset[str]
    password_hash: str = ""


def _account(row) -> Account | None:
    if row is None:
        return None
    user_id, username, office, active, version, pw_hash, roles = row
    return Account(user_id, username, office, active, version, frozenset(roles), pw_hash)


def by_name(con: duckdb.DuckDBPyConnection, username: str) -> Account | None:
    return _account(account_queries.user_by_name(con, username))


def by_id(con: duckdb.DuckDBPyConnection, user_id: int) -> Account | None:
    return _account(account_queries.user_by_id(con, user_id))


def all_accounts(con: duckdb.DuckDBPyConnection) -> list[Account]:
    return [_account(r) for r in account_queries.every_user(con)]


def verify_password(account: Account, password: str) -> bool:
    return check_password_hash(account.password_hash, password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。/ The password needs at least {MIN_PASSWORD_LENGTH} characters."
        )
    if password.strip() != password or not password.strip():
        raise AccountError(
            "密码的首尾不能是空格。/ The password must not start or end with a space."
        )


def _check_roles(roles: Iterable[str]) -> list[str]:
    roles = sorted(set(roles))
    if not roles:
        raise AccountError(f"至少需要一个角色：{', '.join(ROLES)}。/ At least one role is needed.")
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise AccountError(
            f"未知的角色 {', '.join(unknown)}，可选：{', '.join(ROLES)}。/ Unknown role."
        )
    return roles


def create(
    con: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    roles: Iterable[str],
    *,
    office: str | None,
    actor: str,
) -> Account:
    """Add a user with ``roles``; the name must be new and the password long enough."""
    if not USERNAME.match(username):
        raise AccountError(
            "用户名只能由 2 到 40 个字母、数字、汉字、下划线、点或连字符组成。"
            " / A user name is 2–40 letters, digits, Chinese characters, '_', '.' or '-'."
        )
    roles = _check_roles(roles)
    check_password_rules(password)
    if by_name(con, username) is not None:
        raise AccountError(f"用户“{username}”已经存在。/ User {username} already exists.")
    pw_hash = generate_password_hash(password)
    with transaction(con):
        user_id = account_queries.insert_user(con, username, pw_hash, office, roles)
        audit(con, actor, "user_add", f"user:{username}", roles=roles, office=office)
    return by_id(con, user_id)


def _require(con: duckdb.DuckDBPyConnection, username: str) -> Account:
    account = by_name(con, username)
    if account is None:
        raise AccountError(f"没有用户“{username}”。/ No user {username}.")
    return account


def set_password(
    con: duckdb.DuckDBPyConnection, username: str, password: str, *, actor: str
) -> Account:
    """Change the password and raise the session version: every session of the user ends."""
    account = _require(con, username)
    check_password_rules(password)
    pw_hash = generate_password_hash(password)
    with transaction(con):
        account_queries.update_password(con, account.user_id, pw_hash)
        audit(con, actor, "user_password", f"user:{username}")
    return by_id(con, account.user_id)


def set_active(
    con: duckdb.DuckDBPyConnection, username: str, is_active: bool, *, actor: str
) -> Account:
    """Disable (ending every session) or re-enable a user."""
    account = _require(con, username)
    with transaction(con):
        account_queries.update_active(con, account.user_id, is_active)
        audit(con, actor, "user_enable" if is_active else "user_disable", f"user:{username}")
    return by_id(con, account.user_id)


def set_roles(
    con: duckdb.DuckDBPyConnection,
    username: str,
    roles: Iterable[str],
    *,
    office: str | None,
    actor: str,
) -> Account:
    """Replace a user's roles and office (their sessions end, so new rights apply at once)."""
    account = _require(con, username)
    roles = _check_roles(roles)
    with transaction(con):
        account_queries.replace_roles(con, account.user_id, roles, office)
        audit(
            con,
            actor,
            "user_roles",
            f"user:{username}",
            roles=roles,
            office=office,
            previous_roles=sorted(account.roles),
            previous_office=account.office,
        )
    return by_id(con, account.user_id)


# --- login -------------------------------------------------------------------


def failures_since_success(
    con: duckdb.DuckDBPyConnection,
    username: str,
    window: dt.timedelta,
    remote_addr: str | None = None,
) -> int:
    """Failed attempts for ``username`` from ``remote_addr`` in the last ``window``, after its last success."""
    return account_queries.failures_since_success(con, username, remote_addr, window)


def refused_addresses(
    con: duckdb.DuckDBPyConnection, max_failures: int, window: dt.timedelta
) -> dict[str, int]:
    """User name -> number of client addresses refused for it now."""
    return account_queries.refused_addresses(con, max_failures, window)


def unlock(con: duckdb.DuckDBPyConnection, username: str, *, actor: str) -> Account:
    """Clear the name's sign-in failures from every address, at once and audit-logged."""
    account = _require(con, username)
    with transaction(con):
        account_queries.insert_unlock(con, account.username, actor)
        audit(con, actor, "user_unlock", f"user:{account.username}")
    return account


def authenticate(
    con: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    *,
    remote_addr: str | None,
    max_failures: int,
    window: dt.timedelta,
) -> tuple[str, Account | None]:
    """('ok', account) or ('locked' | 'failed', None); every attempt is recorded and audited.

    Failures are counted per name AND client address: after ``max_failures``
    in ``window`` that address is refused for that name, even with the right
    password, while the same name still signs in from any other address (a
    stranger can refuse only himself).  The answer for a wrong password, an
    unknown name and a disabled account is the same.
    """
    locked = failures_since_success(con, username, window, remote_addr) >= max_failures
    account = by_name(con, username)
    ok = check_password_hash(account.password_hash if account else _DUMMY_HASH, password)
    ok = ok and account is not None and account.is_active and not locked
    with transaction(con):
        account_queries.record_attempt(con, username[:80], remote_addr, ok)
        if ok:
            audit(con, username, "login", f"user:{username}", remote_addr=remote_addr)
        else:
            reason = (
                "locked"
                if locked
                else ("disabled" if account and not account.is_active else "bad_credentials")
            )
            audit(
                con,
                username[:80] or "-",
                "login_failed",
                f"user:{username[:80]}",
                remote_addr=remote_addr,
                reason=reason,
            )
    if ok:
        return "ok", account
    return ("locked" if locked else "failed"), None

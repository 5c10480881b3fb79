"""``fundquery user``: add users, change passwords, disable, unlock, list.

There is no default password anywhere: the first administrator is created
here, with the password typed at a prompt or piped on standard input.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable
from typing import Any

import click
from flask.cli import AppGroup
from rich.console import Console
from rich.table import Table

from fundquery.accounts import accounts
from fundquery.cli.common import (  # the CLI's one way to open the store (exit 3 when busy)
    caller_env,
    store,
)


def _actor() -> str:
    return "cli:" + (caller_env("USER") or getpass.getuser() or "?")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            "密码 password", hide_input=True, confirmation_prompt="再次输入 repeat"
        )
    try:
        accounts.check_password_rules(password)
    except accounts.AccountError as exc:
        raise click.UsageError(str(exc)) from exc
    return password


def _change(change: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one accounts change on the store as the CLI's actor; a refusal prints and exits 1."""
    with store() as con:
        try:
            return change(con, *args, actor=_actor(), **kwargs)
        except accounts.AccountError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)


@click.group("user", cls=AppGroup)
def users_group() -> None:
    """Staff accounts and roles (finance, reviewer, inspector, admin)."""


_role_option = click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(accounts.ROLES),
    help="Role; repeat for several.",
)
_stdin_option = click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input."
)


@users_group.command("add", with_appcontext=False)
@click.argument("name")
@_role_option
@click.option("--office", help="Office (财政所/股室) the user works for; scopes finance batches.")
@_stdin_option
def add(name: str, roles: tuple[str, ...], office: str | None, password_stdin: bool) -> None:
    """Add user NAME with one or more roles."""
    password = _read_password(password_stdin)
    account = _change(accounts.create, name, password, roles, office=office)
    click.echo(f"已添加用户 {account.username}（{', '.join(sorted(account.roles))}）。")


@users_group.command("passwd", with_appcontext=False)
@click.argument("name")
@_stdin_option
def passwd(name: str, password_stdin: bool) -> None:
    """Set NAME's password; every session of NAME ends."""
    password = _read_password(password_stdin)
    _change(accounts.set_password, name, password)
    click.echo(f"已修改用户 {name} 的密码，其所有登录已失效。")


@users_group.command("disable", with_appcontext=False)
@click.argument("name")
def disable(name: str) -> None:
    """Disable NAME: no more sign-ins, current sessions end."""
    _change(accounts.set_active, name, False)
    click.echo(f"已停用用户 {name}。")


@users_group.command("enable", with_appcontext=False)
@click.argument("name")
def enable(name: str) -> None:
    """Enable NAME again."""
    _change(accounts.set_active, name, True)
    click.echo(f"已启用用户 {name}。")


@users_group.command("unlock", with_appcontext=False)
@click.argument("name")
def unlock(name: str) -> None:
    """Clear NAME's sign-in failures from every address (after a lock-out); audit-logged."""
    _change(accounts.unlock, name)
    click.echo(
        f"已清除用户 {name} 的登录失败记录，可以立即登录。/ {name} may sign in again at once."
    )


@users_group.command("roles", with_appcontext=False)
@click.argument("name")
@_role_option
@click.option("--office", help="Office; omitted means none.")
def set_roles(name: str, roles: tuple[str, ...], office: str | None) -> None:
    """Replace NAME's roles (and office)."""
    account = _change(accounts.set_roles, name, roles, office=office)
    click.echo(f"用户 {name} 的角色：{', '.join(sorted(account.roles))}。")


@users_group.command("list", with_appcontext=False)
@click.option("--json", "as_json", is_flag=True)
def list_users(as_json: bool) -> None:
    """Every user with roles, office and state."""
    with store() as con:
        found = accounts.all_accounts(con)
    rows = [
        {"user": a.username, "roles": sorted(a.roles), "office": a.office, "active": a.is_active}
        for a in found
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("用户", "角色", "单位", "状态")
    for r in rows:
        table.add_row(
            r["user"], ", ".join(r["roles"]), r["office"] or "", "启用" if r["active"] else "停用"
        )
    Console().print(table)

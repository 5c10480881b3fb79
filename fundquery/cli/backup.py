"""`fundquery backup DIR` and `fundquery restore DIR` (issue 8).

backup: when no process holds the store, the command snapshots it itself.
When the web server holds it (only one process may), the command signs in to
the server as an administrator and asks it for the snapshot (the admin backup
page, /staff/admin/backup), then moves the folder the server wrote to DIR.
Either way the snapshot is consistent: one DuckDB transaction.

restore: puts a verified backup in place of a store that does not exist yet,
and says whether the instance's ID-hash key is the one the backup was made
with (the key is never in a backup: keep it apart).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import click

from etl.backup import BackupError, restore, snapshot, verify
from etl.idnum import MissingKey, load_key
from etl.store import StoreBusy, connect, write_failure
from fundquery.cli.common import archive_dir, caller_user, db_path, instance_dir

EXIT_FAILED = 1


def _key(instance: Path) -> bytes | None:
    try:
        return load_key(instance)
    except MissingKey:
        return None


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(EXIT_FAILED)


class _ServerSession:
    """An administrator's session on the running server, through its own sign-in page."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def _open(
        self, path: str, fields: dict | None = None, timeout: float = 3600
    ) -> tuple[str, str]:
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        request = urllib.request.Request(self.base + path, data=data)  # noqa: S310 (the server's own http URL)
        with self.opener.open(request, timeout=timeout) as response:
            return response.geturl(), response.read().decode("utf-8")

    @staticmethod
    def _token(html: str) -> str:
        found = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', html)
        return found.group(1) if found else ""

    def sign_in(self, username: str, password: str) -> None:
        _, html = self._open("/login")
        url, _ = self._open(
            "/login", {"csrf_token": self._token(html), "username": username, "password": password}
        )
        if urllib.parse.urlsplit(url).path.rstrip("/") == "/login":
            raise BackupError(
                f"无法以 {username} 登录网站（用户名或密码不对，或账号已锁定）。"
                f" / Cannot sign in to the server as {username}."
            )

    def backup(self) -> dict:
        try:
            _, html = self._open("/staff/admin/backup/")
            _, body = self._open(
                "/staff/admin/backup/?format=json", {"csrf_token": self._token(html)}
            )
        except urllib.error.HTTPError as exc:
            if exc.code == 403:
                raise BackupError(
                    "该账号不是管理员，不能备份。/ Only an administrator may back up."
                ) from exc
            raise
        return json.loads(body)


def _through_server(target: Path, server: str, user: str, password: str) -> dict:
    session = _ServerSession(server)
    try:
        session.sign_in(user, password)
        answer = session.backup()
    except urllib.error.URLError as exc:
        raise BackupError(
            f"数据库正被网站服务占用，但连不上网站 {server}（{exc.reason}）：请用 --server 指定其地址。"
            f" / The server holds the store but {server} does not answer: give --server."
        ) from exc
    made = Path(answer["folder"])
    try:
        if target.exists():
            target.rmdir()  # empty (checked before asking the server)
        shutil.move(str(made), str(target))
    except OSError as exc:
        raise BackupError(
            f"网站已做好备份，在 {made}；但无法移到 {target}：{exc.strerror}。请手工复制该目录。"
            f" / The server made the backup in {made} but it cannot be moved to {target}."
        ) from exc
    return verify(target)


@click.command("backup")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--server",
    default=lambda: os.environ.get("FUNDQUERY_SERVER", "http://127.0.0.1:5000"),
    show_default="FUNDQUERY_SERVER or http://127.0.0.1:5000",
    help="The running server, asked for the snapshot when it holds the store.",
)
@click.option(
    "--user", default="admin", show_default=True, help="An administrator's user name on the server."
)
@click.option(
    "--password-stdin", is_flag=True, help="Read the administrator's password from standard input."
)
def backup_command(folder: Path, server: str, user: str, password_stdin: bool) -> None:
    """Back up the store and the archived originals into FOLDER (new or empty), consistently, server running or not."""
    folder = folder.absolute()
    if folder.exists() and any(folder.iterdir()):
        _fail(
            f"备份目录 {folder} 不是空的：请指定一个新目录。/ Backup folder {folder} is not empty."
        )
    try:
        try:
            con = connect(db_path())
        except StoreBusy:
            if password_stdin:
                password = sys.stdin.readline().rstrip("\n")
            else:
                password = click.prompt(f"{user} 的密码 / password", hide_input=True, err=True)
            click.echo(f"数据库正被网站服务占用：请网站 {server} 做备份。", err=True)
            manifest = _through_server(folder, server, user, password)
        else:
            try:
                manifest = snapshot(
                    con,
                    archive_dir(),
                    folder,
                    key=_key(instance_dir()),
                    made_by=caller_user(),
                )
            finally:
                con.close()
    except BackupError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(write_failure(exc) or f"备份失败：{exc}。/ Backup failed: {exc}.")
    rows = sum(manifest["tables"].values())
    click.echo(
        f"已备份到 {folder}：{len(manifest['tables'])} 个表 {rows} 行，{len(manifest['uploads'])} 个上传原件"
        f"（快照时间 {manifest['taken_at'][:19]}）。"
    )
    click.echo(
        "身份证号哈希密钥不在备份中：请另行保管实例目录中的 id_hash.key（不要与备份放在一起）。"
    )


@click.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(folder: Path) -> None:
    """Restore a backup FOLDER into the store (FUNDQUERY_DB), which must not exist yet."""
    key = _key(instance_dir())
    try:
        done = restore(folder, db_path(), archive_dir(), key=key)
    except BackupError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(write_failure(exc) or f"恢复失败：{exc}。/ Restore failed: {exc}.")
    manifest = done["manifest"]
    click.echo(
        f"已恢复 {db_path()}：{done['rows']} 行，{done['files']} 个上传原件到 {archive_dir()}"
        f"（备份时间 {manifest['taken_at'][:19]}）。"
    )
    if done["key_matches"] is True:
        click.echo("身份证号哈希密钥与备份时相同。")
    elif done["key_matches"] is False:
        click.echo(
            f"警告：{instance_dir()} 中的身份证号哈希密钥不是备份时使用的那一把。按身份证号查询将找不到任何人，"
            "新上传的数据也无法与已有人员对应。请把备份时保存的 id_hash.key 放回实例目录。",
            err=True,
        )
    else:
        click.echo(
            f"警告：{instance_dir()} 中没有身份证号哈希密钥。请把备份时另行保存的 id_hash.key 放回该目录"
            "（不要运行 init 生成新密钥：新密钥与已有数据对不上）。",
            err=True,
        )

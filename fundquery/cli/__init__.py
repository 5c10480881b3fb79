"""The ``fundquery`` command: a click group that also carries Flask's commands.

Writing commands open the DuckDB file themselves; while the web server holds
it they say so in one sentence and point to the web upload (exit 3).
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import FlaskGroup
from rich.console import Console
from rich.table import Table

from etl.attempts import recent as recent_attempts
from etl.county import CountyError, get_county, set_county
from etl.idnum import Hasher, load_key
from etl.load import BatchError, LoadResult, load_file, set_status
from etl.read import UnreadableFile
from etl.specs import SPECS
from etl.store import StoreBusy, StoreUnwritable, connect

EXIT_REJECTED, EXIT_UNREADABLE, EXIT_BUSY = 1, 2, 3
EXIT_UNWRITABLE = 4  # disk full or store read-only (issue 8)
KINDS = ["auto", *SPECS]


def db_path() -> Path:
    return Path(os.environ.get("FUNDQUERY_DB") or "data/fundquery.duckdb")


def instance_dir() -> Path:
    """The instance folder (secret key, ID-hash key): FUNDQUERY_INSTANCE or ./instance."""
    return Path(os.environ.get("FUNDQUERY_INSTANCE") or Path.cwd() / "instance")


def archive_dir() -> Path:
    return Path(os.environ.get("FUNDQUERY_UPLOADS") or db_path().parent / "uploads")


def _make_app():
    """The app for Flask's own commands (routes, shell); the instance keys are made on first use."""
    from fundquery import create_app

    os.environ.setdefault("FUNDQUERY_INSTANCE", str(instance_dir().absolute()))
    ensure_instance()
    return create_app()


def _set_env(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        os.environ[param.envvar] = str(Path(value).absolute())
    return value


@click.group(cls=FlaskGroup, create_app=_make_app, load_dotenv=False, set_debug_flag=False)
@click.option(
    "--db",
    envvar="FUNDQUERY_DB",
    callback=_set_env,
    expose_value=False,
    is_eager=True,
    help="DuckDB file (default data/fundquery.duckdb, or FUNDQUERY_DB).",
)
@click.option(
    "--instance",
    envvar="FUNDQUERY_INSTANCE",
    callback=_set_env,
    expose_value=False,
    is_eager=True,
    help="Instance folder with the secret and ID-hash keys (default ./instance).",
)
def cli() -> None:
    """财政资金公开查询系统 fundquery."""
    # One instance folder for the CLI and the app it serves.
    os.environ.setdefault("FUNDQUERY_INSTANCE", str(instance_dir().absolute()))


# Flask's `run` starts the debug reloader, which opens the DuckDB file twice
# (DESIGN.md §7): `serve` is the way to run the app.
cli.commands.pop("run", None)


@contextmanager
def store():
    """The store, or one plain sentence and exit 3 when the server holds it."""
    try:
        con = connect(db_path())
    except StoreBusy as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_BUSY)
    except StoreUnwritable as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_UNWRITABLE)
    try:
        yield con
    finally:
        con.close()


def ensure_instance() -> Path:
    """Create the instance folder with its keys if missing (first start)."""
    from fundquery.web.config import ensure_instance as ensure_app_instance

    folder = instance_dir()
    ensure_app_instance(folder)
    load_key(folder, create=True)
    return folder


@cli.command(with_appcontext=False)
@click.option("--county-code", help="The county's six-digit administrative division code (GB/T 2260), e.g. 411524.")
@click.option("--county-name", help="The county's name, e.g. 新县.")
def init(county_code: str | None, county_name: str | None) -> None:
    """Create the database, its schema and the instance keys; set the county."""
    folder = ensure_instance()
    with store() as con:
        if county_code or county_name:
            _set_county(con, county_code, county_name)
        version = con.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        code, name = get_county(con)
    click.echo(f"数据库 {db_path()}（结构版本 {version}，县（区）{code} {name}），实例目录 {folder}。")


def _set_county(con, code: str | None, name: str | None) -> None:
    """Set the store's county (issue 7), or one sentence and exit 2."""
    try:
        set_county(con, code or get_county(con)[0], name, os.environ.get("USER", "cli"))
    except CountyError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_UNREADABLE)


def _print_findings(console: Console, result: LoadResult) -> None:
    findings = result.report.findings if result.report else []
    if not findings:
        return
    table = Table(
        "行 row",
        "列 column",
        "值 value",
        "应为 expected",
        "规则 rule",
        "说明 message",
        show_lines=False,
    )
    for f in findings:
        style = "red" if f.severity == "error" else "yellow"
        table.add_row(
            str(f.row or ""), f.column, f.value or "", f.expected, f.rule, f.message, style=style
        )
    console.print(table)
    report = result.report
    listed = len(findings)
    total = report.total("error") + report.total("warning")
    if total > listed:
        console.print(f"（共 {total} 个问题，每条规则最多列出 {listed} 个）")


def _summary(result: LoadResult) -> str:
    kind = f"{result.kind}（{SPECS[result.kind].title_zh}）" if result.kind else "?"
    guessed = "，按表头自动识别" if result.kind_guessed else ""
    if result.status == "duplicate":
        return f"文件 {result.file_name} 已由批次 {result.duplicate_of} 导入过，本次未做任何改动。"
    if result.status == "loaded":
        skipped = result.report.skipped if result.report else {}
        extra = (
            "；跳过 " + "、".join(f"{k} {len(v)} 行" for k, v in skipped.items()) if skipped else ""
        )
        return f"已导入批次 {result.batch}：{kind}{guessed}，{result.rows} 行{extra}。"
    errors = result.report.total("error") if result.report else 0
    return f"未导入：{kind}{guessed}，发现 {errors} 个错误，数据库未做任何改动。请改正后重新上传。"


@cli.command(with_appcontext=False)
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--replaces", type=int, help="Batch this corrected file supersedes.")
@click.option(
    "--publish",
    is_flag=True,
    help="Publish at once (demo and tests only: normally a reviewer publishes).",
)
@click.option(
    "--by", "uploaded_by", default=lambda: os.environ.get("USER", "cli"), help="Who uploads."
)
def load(
    kind: str, file: Path, as_json: bool, replaces: int | None, publish: bool, uploaded_by: str
) -> None:
    """Validate FILE and load it as KIND (auto: guess from the headers)."""
    console = Console(stderr=True, quiet=as_json)
    hasher = Hasher(load_key(ensure_instance()))
    def on_stage(name: str, status) -> None:  # noqa: ANN001
        status.update(f"{name}…")
        if not sys.stderr.isatty():  # a log (or a supervisor) sees how far the load got
            click.echo(f"阶段 stage: {name}", err=True)

    with store() as con:
        try:
            with console.status("导入中…") as status:
                result = load_file(
                    con,
                    file,
                    kind,
                    hasher=hasher,
                    uploaded_by=uploaded_by,
                    archive_dir=archive_dir(),
                    replaces=replaces,
                    publish=publish,
                    on_stage=lambda s: on_stage(s, status),
                )
        except UnreadableFile as exc:
            _emit_unreadable(as_json, file, str(exc))
            sys.exit(EXIT_UNREADABLE)
        except BatchError as exc:
            _emit_unreadable(as_json, file, str(exc))
            sys.exit(EXIT_REJECTED)
        except StoreUnwritable as exc:
            _emit_unreadable(as_json, file, str(exc), rule="store_unwritable")
            sys.exit(EXIT_UNWRITABLE)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        # Piped into a file or a log, keep each finding on one line.
        _print_findings(Console() if sys.stdout.isatty() else Console(width=200), result)
        click.echo(_summary(result))
    sys.exit(EXIT_REJECTED if result.status == "rejected" else 0)


def _emit_unreadable(as_json: bool, file: Path, message: str, rule: str = "file_unreadable") -> None:
    if as_json:
        click.echo(
            json.dumps(
                {
                    "batch": None,
                    "status": "unreadable" if rule == "file_unreadable" else "failed",
                    "rows": 0,
                    "file": file.name,
                    "errors": [
                        {
                            "row": None,
                            "column": None,
                            "value": None,
                            "expected": None,
                            "rule": rule,
                            "message": message,
                        }
                    ],
                    "warnings": [],
                },
                ensure_ascii=False,
            )
        )
    else:
        click.echo(message, err=True)


@cli.command(with_appcontext=False)
@click.option("--json", "as_json", is_flag=True)
def batches(as_json: bool) -> None:
    """List every batch with its status."""
    with store() as con:
        rows = con.execute(
            "SELECT batch_id, kind, file_name, status, row_count, uploaded_by, strftime(uploaded_at, '%Y-%m-%d %H:%M'),"
            " replaces FROM batches ORDER BY batch_id"
        ).fetchall()
        unfinished = recent_attempts(con)
    keys = ("batch", "kind", "file", "status", "rows", "uploaded_by", "uploaded_at", "replaces")
    if as_json:
        click.echo(json.dumps([dict(zip(keys, r, strict=True)) for r in rows], ensure_ascii=False))
        return
    table = Table("批次", "类别", "文件", "状态", "行数", "上传人", "上传时间", "替换")
    for r in rows:
        table.add_row(*["" if v is None else str(v) for v in r])
    console = Console() if sys.stdout.isatty() else Console(width=200)
    console.print(table)
    if unfinished:  # issue 8: loads that stored nothing and were not loaded since
        table = Table("未完成的导入", "文件", "上传人", "开始时间", "进行到", "状态", "说明", title="未完成的导入")
        for a in unfinished:
            table.add_row(str(a["attempt_id"]), a["file_name"], a["uploaded_by"],
                          a["started_at"].strftime("%Y-%m-%d %H:%M"), a["stage"],
                          {"loading": "正在导入", "interrupted": "已中断", "failed": "失败"}[a["status"]], a["message"] or "")
        console.print(table)


def _batch_action(batch: int, action: str, by: str) -> None:
    with store() as con:
        try:
            set_status(con, batch, action, by)
        except BatchError as exc:
            click.echo(str(exc), err=True)
            sys.exit(EXIT_REJECTED)
    click.echo(
        {
            "retract": f"批次 {batch} 已撤回：不再出现在任何页面和报表中，历史记录保留。",
            "publish": f"批次 {batch} 已公开。",
        }[action]
    )


@cli.command(with_appcontext=False)
@click.argument("batch", type=int)
@click.option("--by", default=lambda: os.environ.get("USER", "cli"))
def retract(batch: int, by: str) -> None:
    """Take BATCH out of every view and report (kept in history)."""
    _batch_action(batch, "retract", by)


@cli.command(with_appcontext=False)
@click.argument("batch", type=int)
@click.option("--by", default=lambda: os.environ.get("USER", "cli"))
def publish(batch: int, by: str) -> None:
    """Publish BATCH (normally a reviewer does this after the secrecy review)."""
    _batch_action(batch, "publish", by)


@cli.command(with_appcontext=False)
@click.option("--scale", default=0.02, type=float, show_default=True, help="1 = the seed county (882,804 payments).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Where the spreadsheets go (data/demo).")
@click.option("--seed", default=20070101, type=int, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with each file's result.")
@click.option("--county-code", help="The demo county's six-digit code (default: leave the store's as it is).")
@click.option("--county-name", help="The demo county's name.")
def demo(scale: float, out: Path | None, seed: int, as_json: bool, county_code: str | None,
         county_name: str | None) -> None:
    """Write a synthetic county's messy spreadsheets, load them through the ETL and publish them."""
    from rich.progress import Progress

    from fundquery.synthetic import generate

    out = out or db_path().parent / "demo"
    hasher = Hasher(load_key(ensure_instance()))
    results = []
    with Progress(console=Console(stderr=True, quiet=as_json), transient=True) as progress:
        writing = progress.add_task("生成表格 writing", total=None)
        manifest = generate(out, scale=scale, seed=seed,
                            progress=lambda _name, done, total: progress.update(writing, completed=done, total=total))
        progress.remove_task(writing)
        loading = progress.add_task("导入 loading", total=len(manifest.files))
        with store() as con:
            if county_code or county_name:
                _set_county(con, county_code, county_name)
            for entry in manifest.files:
                result = load_file(con, out / entry.path, entry.kind, hasher=hasher, uploaded_by="demo",
                                   archive_dir=archive_dir(), publish=True, office="演示县财政局")
                results.append(result)
                progress.advance(loading)
                if result.status == "rejected":
                    break
    failed = [r for r in results if r.status == "rejected"]
    if as_json:
        click.echo(json.dumps({"out": str(out), "manifest": str(manifest.path),
                               "files": [r.as_json() for r in results]}, ensure_ascii=False))
    else:
        for r in failed:
            _print_findings(Console(width=200), r)
        rows = sum(r.rows for r in results)
        click.echo(f"演示县：{len(results)} 个文件，{rows} 行已导入并公开；表格和清单在 {out}。")
    sys.exit(EXIT_REJECTED if failed else 0)


@cli.command(with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=int, show_default=True)
@click.option("--threads", default=8, type=int, show_default=True)
def serve(host: str, port: int, threads: int) -> None:
    """Serve the app through gunicorn: one process, threads (DESIGN.md §7)."""
    from fundquery import create_app
    from fundquery.web.server import serve as run_server

    ensure_instance()
    run_server(create_app(), host, port, threads=threads)


def main() -> None:
    cli(prog_name="fundquery")


from fundquery.cli.users import users_group  # noqa: E402  (it imports `store` from here)

cli.add_command(users_group, "user")

from fundquery.cli.report import report_command  # noqa: E402  (issue 5: discrepancy reports)

cli.add_command(report_command, "report")

from fundquery.cli.backup import backup_command, restore_command  # noqa: E402  (issue 8: backup and restore)

cli.add_command(backup_command, "backup")
cli.add_command(restore_command, "restore")

# -- issue 7: a province's lake ------------------------------------------------
@cli.command("export-lake", with_appcontext=False)
@click.argument("lake", type=click.Path(file_okay=False, path_type=Path))
def export_lake_command(lake: Path) -> None:
    """Write the store's published data into the Parquet lake LAKE (only this county's changed partitions)."""
    from fundquery.lake.export import ExportError, export_lake

    with store() as con:
        try:
            result = export_lake(con, lake)
        except ExportError as exc:
            click.echo(str(exc), err=True)
            sys.exit(EXIT_UNREADABLE)
    rows = "，".join(f"{t} {n}" for t, n in result.rows.items())
    click.echo(f"县（区）{result.county_code} 已写入数据湖 {lake}：重写 {len(result.written)} 个分区，"
               f"未变 {len(result.kept)} 个，删除 {len(result.removed)} 个（{rows} 行）。")

"""The store's commands: ``init``, ``load``, ``batches``, ``publish``, ``reject`` and ``retract``.

``publish``, ``reject`` and ``load --publish`` take the same steps as the web's review page
(etl.batches) and name a reviewer who must be an active reviewer account, never the uploader.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click
import duckdb
from rich.console import Console
from rich.table import Table

from etl import batches as transitions
from etl.attempts import recent as recent_attempts
from etl.batches import BatchError
from etl.county import get_county
from etl.extract import UnreadableFile
from etl.idnum import Hasher, load_key
from etl.load import LoadResult, load_file
from etl.specs import SPECS
from etl.store import StoreUnwritable, schema_version
from fundquery.cli import mappings as choices
from fundquery.cli.common import (
    EXIT_REJECTED,
    EXIT_UNREADABLE,
    EXIT_UNWRITABLE,
    archive_dir,
    caller_user,
    db_path,
    ensure_instance,
    print_findings,
    set_county_or_exit,
    stdout_console,
    store,
)
from fundquery.queries import batches as batch_queries
from fundquery.uploads.remembered import choose, remember


class KindChoice(click.Choice):
    """The kinds ``load`` accepts: "auto" and every declared one, read from etl.specs when asked."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        return ("auto", *SPECS)

    @choices.setter
    def choices(self, _value: object) -> None:
        """click.Choice sets its choices once; these follow the specs instead."""


@click.command()
@click.option(
    "--county-code",
    help="The county's six-digit administrative division code (GB/T 2260), e.g. 411524.",
)
@click.option("--county-name", help="The county's name, e.g. 新县.")
def init(county_code: str | None, county_name: str | None) -> None:
    """Create the database, its schema and the instance keys; set the county."""
    folder = ensure_instance()
    with store() as con:
        if county_code or county_name:
            set_county_or_exit(con, county_code, county_name)
        version = schema_version(con)
        code, name = get_county(con)
    click.echo(
        f"数据库 {db_path()}（结构版本 {version}，县（区）{code} {name}），实例目录 {folder}。"
    )


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


_notice_days = click.option(
    "--notice-days",
    help="Days the village notices of these payments stay up (公示天数, 1–365); default: the fund"
    " catalogue's 公示天数, else the setting NOTICE_DAYS.",
)


@click.command()
@click.argument("kind", type=KindChoice())
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--replaces", type=int, help="Batch this corrected file supersedes.")
@click.option(
    "--publish",
    is_flag=True,
    help="Publish at once, as --reviewer (normally a reviewer publishes on the review page).",
)
@click.option("--by", "uploaded_by", default=caller_user, help="Who uploads.")
@click.option(
    "--reviewer",
    help="With --publish: the reviewer account that publishes (role reviewer); never the uploader.",
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="HEADER=COLUMN",
    help="Read the file's HEADER as COLUMN (a column name or its Chinese label; 不需要 = not needed).",
)
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A file of mappings: a JSON object, or one HEADER=COLUMN per line.",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="COLUMN=VALUE",
    help="One value for every row of a column the file lacks (fund_code=F2024001, year=2024).",
)
@click.option(
    "--office", help="Whose remembered mappings apply, and under whose the mapping used is saved."
)
@click.option(
    "--no-saved", is_flag=True, help="Do not use a remembered mapping for this file's header."
)
@_notice_days
def load(
    kind: str,
    file: Path,
    as_json: bool,
    replaces: int | None,
    publish: bool,
    uploaded_by: str,
    reviewer: str | None,
    maps: tuple[str, ...],
    mapping_file: Path | None,
    sets: tuple[str, ...],
    office: str | None,
    no_saved: bool,
    notice_days: str | None,
) -> None:
    """Validate FILE and load it as KIND (auto: guess from the headers)."""
    console = Console(stderr=True, quiet=as_json)
    hasher = Hasher(load_key(ensure_instance()))
    asked_mapping, asked_values = choices.from_options(kind, maps, mapping_file, sets)

    def on_stage(name: str, status) -> None:  # noqa: ANN001
        status.update(f"{name}…")
        if not sys.stderr.isatty():  # a log (or a supervisor) sees how far the load got
            click.echo(f"阶段 stage: {name}", err=True)

    with store() as con:
        try:
            reviewer_office = _reviewer(con, reviewer) if publish else None
            choice = choose(
                con,
                file,
                kind,
                office,
                mapping=asked_mapping,
                values=asked_values,
                use_saved=not no_saved,
            )
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
                    reviewer=reviewer,
                    reviewer_office=reviewer_office,
                    office=office,
                    on_stage=lambda s: on_stage(s, status),
                    mapping=choice.mapping or None,
                    values=choice.values or None,
                    notice_days=notice_days,
                )
            saved_id = remember(con, result, choice, office=office, username=uploaded_by)
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
        out = result.as_json()
        out["remembered"] = choices.recalled_json(choice.recalled)
        out["saved_mapping"] = saved_id
        click.echo(json.dumps(out, ensure_ascii=False))
    else:
        # Piped into a file or a log, keep each finding on one line.
        print_findings(stdout_console(), result)
        for line in choices.describe(result, choice, saved_id):
            click.echo(line)
        click.echo(_summary(result))
    sys.exit(EXIT_REJECTED if result.status == "rejected" else 0)


def _emit_unreadable(
    as_json: bool, file: Path, message: str, rule: str = "file_unreadable"
) -> None:
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


@click.command()
@click.option("--json", "as_json", is_flag=True)
def batches(as_json: bool) -> None:
    """List every batch with its status."""
    with store() as con:
        rows = batch_queries.every_batch(con)
        unfinished = recent_attempts(con)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("批次", "类别", "文件", "状态", "行数", "上传人", "上传时间", "替换", "退回原因")
    for r in rows:
        table.add_row(*["" if v is None else str(v) for v in r.values()])
    out = stdout_console()
    out.print(table)
    if unfinished:  # issue 8: loads that stored nothing and were not loaded since
        table = Table(
            "未完成的导入",
            "文件",
            "上传人",
            "开始时间",
            "进行到",
            "状态",
            "说明",
            title="未完成的导入",
        )
        for a in unfinished:
            table.add_row(
                str(a["attempt_id"]),
                a["file_name"],
                a["uploaded_by"],
                a["started_at"].strftime("%Y-%m-%d %H:%M"),
                a["stage"],
                {"loading": "正在导入", "interrupted": "已中断", "failed": "失败"}[a["status"]],
                a["message"] or "",
            )
        out.print(table)


def _refuse(exc: BatchError) -> None:
    click.echo(str(exc), err=True)
    sys.exit(EXIT_REJECTED)


def _reviewer(con: duckdb.DuckDBPyConnection, name: str | None) -> str | None:
    """The office of the reviewer account ``name``; BatchError when there is none (load --publish)."""
    if not name:
        raise BatchError(
            "--publish 须用 --reviewer 写明公开它的审核人员（审核人员账号，不是上传人）。"
            " / --publish needs --reviewer NAME: a reviewer account, not the uploader."
        )
    return transitions.reviewer_office(con, name)


@click.command()
@click.argument("batch", type=int)
@click.option("--by", default=caller_user)
def retract(batch: int, by: str) -> None:
    """Take BATCH out of every view and report (kept in history)."""
    with store() as con:
        try:
            transitions.retract(con, batch, actor=by)
        except BatchError as exc:
            _refuse(exc)
    click.echo(f"批次 {batch} 已撤回：不再出现在任何页面和报表中，历史记录保留。")


_by_reviewer = click.option(
    "--by",
    default=caller_user,
    help="The reviewer's account (role reviewer), never the one who uploaded the batch.",
)


@click.command()
@click.argument("batch", type=int)
@_by_reviewer
@click.option("--note", help="The review's note (保密审查意见).")
@click.option(
    "--on",
    "published_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Back-fill history: the day BATCH was in fact published (YYYY-MM-DD, not after today);"
    " --by must also be an administrator. The audit log keeps the real time beside it.",
)
@_notice_days
def publish(
    batch: int, by: str, note: str | None, published_on: dt.datetime | None, notice_days: str | None
) -> None:
    """Publish BATCH after the secrecy review, as reviewer --by (never the one who uploaded it)."""
    day = published_on.date() if published_on else None
    with store() as con:
        try:
            days = transitions.parse_notice_days(notice_days)
            office = transitions.reviewer_office(con, by)
            transitions.publish(
                con, batch, actor=by, office=office, note=note, published_on=day, days=days
            )
        except BatchError as exc:
            _refuse(exc)
    click.echo(
        f"批次 {batch} 已公开" + (f"（公开日期登记为 {day.isoformat()}）。" if day else "。")
    )


@click.command()
@click.argument("batch", type=int)
@_by_reviewer
@click.option("--reason", required=True, help="Why it is sent back; the uploader sees it.")
def reject(batch: int, by: str, reason: str) -> None:
    """Send BATCH back to its uploader with --reason, as reviewer --by; it is never published."""
    with store() as con:
        try:
            office = transitions.reviewer_office(con, by)
            transitions.reject(con, batch, actor=by, office=office, reason=reason)
        except BatchError as exc:
            _refuse(exc)
    click.echo(f"批次 {batch} 已退回上传人：{reason.strip()}")

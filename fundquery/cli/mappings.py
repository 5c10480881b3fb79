"""Column mappings on the command line: ``load --map/--mapping/--set`` and ``fundquery mappings``.

``load`` takes a clerk's mapping (``--map "种粮大户姓名=姓名"``, the right side a
column name or the kind's Chinese label) and file-level values (``--set
fund_code=F2024001``); a mapping saved for the office and the file's header
layout is used on its own.  ``fundquery mappings`` lists the saved ones and
``fundquery mappings remove ID`` forgets one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.table import Table

from etl.load import LoadResult
from etl.specs import SPECS
from fundquery.cli.common import EXIT_REJECTED, caller_user, stdout_console, store
from fundquery.queries import mappings as saved_mappings
from fundquery.uploads.remembered import Choice, UnknownColumn, target


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(EXIT_REJECTED)


def _target(kind: str, name: str) -> str:
    """The column ``name`` means for ``kind`` (for auto: for any kind that has it)."""
    if kind != "auto":
        return target(kind, name)
    for k in SPECS:
        try:
            return target(k, name)
        except UnknownColumn:
            continue
    raise UnknownColumn(
        f"没有哪一类数据有“{name}”这一列：请写明数据类别（如 payments）后再试。"
        f" / No dataset kind has a column “{name}”: name the kind instead of auto."
    )


def _pairs(lines: list[str], what: str) -> list[tuple[str, str]]:
    out = []
    for line in lines:
        left, eq, right = line.rpartition("=")
        if not eq or not left.strip():
            _fail(
                f"{what} “{line}” 应写成 左边=右边，如 “种粮大户姓名=姓名”。 / {what} “{line}” must be LEFT=RIGHT."
            )
        out.append((left.strip(), right.strip()))
    return out


def _read_mapping_file(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return [
            line.strip()
            for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]
    if not isinstance(data, dict):
        _fail(
            f'{path} 应是一个 JSON 对象 {{"表头": "列"}}，或每行一个 表头=列。 / {path}: a JSON object or lines.'
        )
    return [f"{k}={v if v is not None else ''}" for k, v in data.items()]


def from_options(
    kind: str, maps: tuple[str, ...], mapping_file: Path | None, sets: tuple[str, ...]
) -> tuple[dict[str, str], dict[str, str]]:
    """The mapping and values ``load`` was given, with each right side resolved to a column; exit 1 if unknown."""
    lines = (_read_mapping_file(mapping_file) if mapping_file else []) + list(maps)
    try:
        mapping = {header: _target(kind, column) for header, column in _pairs(lines, "--map")}
        values = {}
        for column, value in _pairs(list(sets), "--set"):
            name = _target(kind, column)
            if not name:
                raise UnknownColumn(
                    f"--set “{column}={value}”：请写明列名，如 fund_code=F2024001。"
                )
            values[name] = value
    except UnknownColumn as exc:
        _fail(str(exc))
    return mapping, values


def recalled_json(saved: dict | None) -> dict | None:
    if saved is None:
        return None
    return {
        "id": saved["mapping_id"],
        "office": saved["office"],
        "kind": saved["kind"],
        "fingerprint": saved["fingerprint"],
        "saved_by": saved["saved_by"],
        "saved_at": saved["saved_at"].isoformat(sep=" ", timespec="minutes"),
    }


def _describe_mapping(mapping: dict[str, str], kind: str | None) -> str:
    labels = {c.name: c.label_zh for c in SPECS[kind].columns} if kind in SPECS else {}
    return "、".join(f"{h} → {labels.get(c, c) if c else '不需要'}" for h, c in mapping.items())


def describe(result: LoadResult, choice: Choice, saved_id: int | None) -> list[str]:
    """Lines that say how the file was read: auto detection's certainty, the mapping and values used."""
    lines = []
    report = result.report
    if result.kind_guessed and report and report.detection:
        d = report.detection
        if d.get("runner_up") and d.get("runner_up_score") is not None:
            runner = f"；次选“{SPECS[d['runner_up']].title_zh}”{d['runner_up_score']} 分，相差 {d['margin']} 分"
        elif d.get("runner_up"):
            runner = f"；“{SPECS[d['runner_up']].title_zh}”没有对应关系中的列"
        else:
            runner = "；没有别的类别符合"
        sure = "，两类同样符合：请写明数据类别" if d.get("tie") else ""
        lines.append(
            f"按表头自动识别为“{SPECS[d['kind']].title_zh}”：{d['score']} 分{runner}{sure}。"
        )
    if choice.recalled:
        s = choice.recalled
        lines.append(
            f"使用已保存的对应关系 #{s['mapping_id']}（{s['saved_by']} 于 {s['saved_at']:%Y-%m-%d} 保存，"
            f"单位 {s['office'] or '未指定'}）：{_describe_mapping(s['mapping'], s['kind'])}。"
            "不想使用时加 --no-saved。"
        )
    elif report and report.mapping:
        lines.append(f"对应关系：{_describe_mapping(report.mapping, result.kind)}。")
    if report and report.values:
        shown = "、".join(
            f"{k}={v['value']}（{'指定' if v['source'] == 'clerk' else '取自标题'}）"
            for k, v in report.values.items()
        )
        lines.append(f"整个文件统一的值：{shown}。")
    if report and report.fingerprint:
        lines.append(f"表头指纹 {report.fingerprint}。")
    if saved_id and not (choice.recalled and choice.recalled["mapping_id"] == saved_id):
        lines.append(
            f"已保存对应关系 #{saved_id}：以后同样表头的文件将自动使用（fundquery mappings 查看）。"
        )
    return lines


@click.group("mappings", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--office", help="Only this office's mappings.")
@click.pass_context
def mappings_group(ctx: click.Context, as_json: bool, office: str | None) -> None:
    """List the column mappings saved per office and header layout (remove: forget one)."""
    if ctx.invoked_subcommand is not None:
        return
    with store() as con:
        rows = saved_mappings.listing(con, office)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, default=str))
        return
    if not rows:
        click.echo("还没有保存的对应关系。/ No saved mappings.")
        return
    table = Table(
        "编号",
        "单位",
        "类别",
        "表头指纹",
        "对应关系",
        "统一的值",
        "保存人",
        "保存时间",
        "上次使用",
        "次数",
    )
    for r in rows:
        table.add_row(
            str(r["mapping_id"]),
            r["office"] or "",
            r["kind"],
            r["fingerprint"],
            _describe_mapping(r["mapping"], r["kind"]),
            "、".join(f"{k}={v}" for k, v in r["values"].items()),
            r["saved_by"],
            f"{r['saved_at']:%Y-%m-%d %H:%M}",
            f"{r['last_used_at']:%Y-%m-%d %H:%M}" if r["last_used_at"] else "",
            str(r["use_count"]),
        )
    stdout_console().print(table)


@mappings_group.command("remove")
@click.argument("mapping_id", type=int)
@click.option("--by", default=caller_user)
def remove(mapping_id: int, by: str) -> None:
    """Forget saved mapping MAPPING_ID: the next file of that form is asked about again."""
    with store() as con:
        if not saved_mappings.remove(con, mapping_id, by):
            _fail(
                f"没有编号为 {mapping_id} 的对应关系（fundquery mappings 列出全部）。/ No saved mapping {mapping_id}."
            )
    click.echo(f"已删除对应关系 #{mapping_id}：下一个同样表头的文件需要重新指定。")

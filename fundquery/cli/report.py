"""`fundquery report LABEL [--json | --xlsx FILE | --csv FILE] [--as-of DATE]`: run discrepancy checks.

Opens the store read-only and needs no app context.  LABEL is a check of the
catalogue (fundquery.inspect) or ``all``; without an output option the rows
are printed as a table.  Names are masked in every output.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import click
import duckdb
from rich.console import Console
from rich.table import Table

from etl.store import StoreBusy
from fundquery.cli.common import caller_user, db_path, open_store
from fundquery.inspect import CATALOGUE, CHECKS, Filters, Params, run, visits
from fundquery.inspect.catalogue import SEVERITY_ZH, UNDATED_EN, UNDATED_ZH
from fundquery.inspect.checks.delays import stages as delay_stages
from fundquery.inspect.export import result_json, shown_row, write_csv, write_xlsx
from fundquery.lake.duck import LakeError, open_lake
from fundquery.web.formatting import jsonable

EXIT_USAGE, EXIT_BUSY = 2, 3
LABELS = ["all", "delays", *CHECKS]  # delays: the disbursement-speed table on its own


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(
            f"“{value}”不是日期，应为 2024-12-31 这样的格式。/ not a date (YYYY-MM-DD)"
        ) from exc


def _open_store():
    path = db_path()
    if not path.exists():
        click.echo(
            f"数据库 {path} 不存在：请先运行 `fundquery init` 并导入数据。/ No database at {path}.",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    try:
        return open_store(read_only=True)
    except StoreBusy as exc:
        click.echo(str(exc).replace("无法写入", "无法读取"), err=True)
        sys.exit(EXIT_BUSY)


@click.command()
@click.argument("label", type=click.Choice(LABELS), metavar="LABEL")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write an Excel workbook: a summary sheet, then one sheet per check.",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path),
    help="Write CSV (UTF-8 with BOM); with LABEL all, a folder of one file per check.",
)
@click.option(
    "--as-of", "as_of", callback=_date, help="Count ages and waits up to this date (default today)."
)
@click.option("--year", type=int, help="Only this fund year.")
@click.option("--fund", "fund_code", help="Only this fund code.")
@click.option("--department", help="Only this department.")
@click.option("--township", help="Only this township.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option(
    "--lake",
    "lake",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Run over a Parquet lake of many counties (fundquery export-lake) instead of the store.",
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="With --lake: DuckDB in this process, or Apache Spark (local, or SPARK_MASTER).",
)
def report_command(
    label: str,
    as_json: bool,
    xlsx_path: Path | None,
    csv_path: Path | None,
    as_of: dt.date | None,
    year: int | None,
    fund_code: str | None,
    department: str | None,
    township: str | None,
    lang: str,
    lake: Path | None,
    engine: str,
) -> None:
    """Run the discrepancy check LABEL (or all of them) over the store, or over a lake."""
    if sum(bool(x) for x in (as_json, xlsx_path, csv_path)) > 1:
        raise click.UsageError(
            "--json、--xlsx、--csv 只能选一个。/ Choose one of --json, --xlsx, --csv."
        )
    if engine == "spark" and lake is None:
        raise click.UsageError(
            "--engine spark 需要 --lake 数据湖目录。/ --engine spark needs --lake DIR."
        )
    params = Params(as_of=as_of or dt.date.today())
    filters = Filters(year=year, fund_code=fund_code, department=department, township=township)
    if label == "delays":
        _delays(params, filters, lake, as_json)
        return
    checks = CATALOGUE if label == "all" else (CHECKS[label],)
    found_samples: list[dict] = []
    if engine == "spark":
        results = _run_spark(lake, checks, params, filters)
    else:
        con = _open_lake(lake) if lake else _open_store()
        try:
            results = [run(con, check, params, filters) for check in checks]
            # The whole catalogue's workbook carries the field checks' summaries, as the web's does
            # (issue 16); samples live in the store, never in a lake.
            if xlsx_path and label == "all" and not lake:
                found_samples = visits.summaries(con)
        except duckdb.CatalogException as exc:
            click.echo(
                f"数据库结构版本过旧，请先运行 `fundquery init` 升级。/ The database needs `fundquery init`: {exc}",
                err=True,
            )
            sys.exit(EXIT_USAGE)
        finally:
            con.close()
    if as_json:
        data = [result_json(r, lang) for r in results]
        click.echo(json.dumps(data if label == "all" else data[0], ensure_ascii=False))
    elif xlsx_path:
        write_xlsx(results, xlsx_path, generated_by=caller_user(), samples=found_samples)
        click.echo(
            f"已写入 {xlsx_path}：{len(results)} 项检查，共 {sum(r.count for r in results)} 条。"
        )
    elif csv_path:
        if label == "all":
            csv_path.mkdir(parents=True, exist_ok=True)
            for r in results:
                write_csv(r, csv_path / f"{r.check.label}.csv", lang)
        else:
            write_csv(results[0], csv_path, lang)
        click.echo(f"已写入 {csv_path}：共 {sum(r.count for r in results)} 条。")
    else:
        _print(results, lang)


def _delays(params: Params, filters: Filters, lake: Path | None, as_json: bool) -> None:
    """The delay report of the inspectors' page: days from approval to disbursement and from
    disbursement to the household, over everything, per fund and per department."""
    con = _open_lake(lake) if lake else _open_store()
    try:
        found = delay_stages(con, params, filters)
    finally:
        con.close()
    if as_json:
        data = {"as_of": params.as_of, "edges_days": list(params.delay_edges_days), "stages": found}
        click.echo(json.dumps(jsonable(data), ensure_ascii=False))
        return
    console = Console()
    for stage, title in (("treasury", "审核到拨出"), ("payout", "拨出到农户到账")):
        table = Table(title=f"{title}天数 / days, {stage}")
        rows = found[stage]["all"]
        labels = rows[0]["labels"] if rows else []
        for column in ("", *labels, "合计"):
            table.add_column(column, justify="right")
        for row in rows:
            table.add_row(
                "笔数",
                *(f"{n:,}" for n in row["buckets"]),
                f"{row['total']:,}",
            )
            table.add_row("占比 %", *(f"{p}" for p in row["percentages"]), "100")
        console.print(table)
        undated = sum(row.get("undated", 0) for row in rows)
        if undated:  # vouchers with no approval date: in no bucket (issue 14)
            console.print(UNDATED_ZH.format(n=undated) + " / " + UNDATED_EN.format(n=undated))


def _open_lake(lake: Path):
    try:
        return open_lake(lake)
    except LakeError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_USAGE)


def _run_spark(lake: Path, checks, params: Params, filters: Filters):
    """The checks on Spark over the lake (issue 7); SPARK_MASTER picks the cluster (default local[*])."""
    try:  # pyspark and sqlglot are the optional `lake` extra: imported only when asked for
        from fundquery.lake.spark import SparkLake, SparkRunError, session
        from fundquery.lake.translate import Untranslatable
    except ImportError as exc:
        click.echo(
            f"需要安装 pyspark 和 sqlglot（pip install 'fundquery[lake]'）。/ Install pyspark and sqlglot: {exc}",
            err=True,
        )
        sys.exit(EXIT_USAGE)

    spark = session(
        os.environ.get("SPARK_MASTER", "local[*]"), shuffle_partitions=8, driver_memory="2g"
    )
    try:
        runner = SparkLake(spark, lake)
        return [runner.run(check, params, filters) for check in checks]
    except (LakeError, Untranslatable, SparkRunError) as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_USAGE)
    finally:
        spark.stop()


def _print(results, lang: str) -> None:
    console = Console() if sys.stdout.isatty() else Console(width=200)
    for r in results:
        check = r.check
        console.print(
            f"[bold]{check.label}[/bold] {check.title(lang)}（{SEVERITY_ZH[check.severity]}）：{r.count} 条"
        )
        if r.left_out:  # rows the check could not judge (vouchers with no approval date)
            console.print(r.left_out_text(lang))
        if not r.rows:
            continue
        table = Table(*[c.en if lang == "en" else c.zh for c in check.columns])
        for row in r.rows[:200]:
            table.add_row(*["" if v is None else str(v) for v in shown_row(check, row).values()])
        console.print(table)
        if r.count > 200:
            console.print(f"（只列出前 200 条，共 {r.count} 条；全部请用 --xlsx 或 --csv 导出）")

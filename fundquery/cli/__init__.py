"""The ``fundquery`` command: a click group that also carries Flask's commands.

Commands open the DuckDB file themselves; while ``fundquery serve`` holds it,
the server carries them out on its own connection (fundquery.cli.remote, issue
18), so every command works with the server running.  With the store held by a
process that does not answer on the instance's socket, they say so in one
sentence (exit 3).  Each command group is a module of this package; a new
command goes in one of them (or a new one) and is added to the group here: it
is delegated like the others without further ado.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup

import fundquery
from fundquery.cli import (
    annual,
    backup,
    demo,
    lake,
    mappings,
    points,
    report,
    serve,
    snapshot,
    spool,
    store,
    users,
)
from fundquery.cli.common import ensure_instance, instance_dir, is_delegated
from fundquery.cli.remote import absolute_paths, dispatch
from fundquery.cli.sample import sample_group, visit_command

# The command line as typed, when `fundquery` runs as a program (main): what the server is sent.
_ARGV: list[str] | None = None


def _make_app():
    """The app for Flask's own commands (routes, shell); the instance keys are made on first use."""
    os.environ.setdefault("FUNDQUERY_INSTANCE", str(instance_dir().absolute()))
    ensure_instance()
    return fundquery.create_app()


def _set_env(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    # Carried out by the server: its store was checked to be the caller's; its environment stays its own.
    if value and not is_delegated():
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
@click.pass_context
def cli(ctx: click.Context) -> None:
    """财政资金公开查询系统 fundquery."""
    absolute_paths(ctx.command)  # path arguments are read from the caller's folder
    if is_delegated():
        return
    # One instance folder for the CLI and the app it serves.
    os.environ.setdefault("FUNDQUERY_INSTANCE", str(instance_dir().absolute()))
    if _ARGV is not None:  # a running server holds the store: it carries the command out
        code = dispatch(ctx.invoked_subcommand, _ARGV)
        if code is not None:
            ctx.exit(code)


# Flask's `run` starts the debug reloader, which opens the DuckDB file twice
# (DESIGN.md §7): `serve` is the way to run the app.
cli.commands.pop("run", None)


for command in (store.init, store.load, store.batches, store.retract, store.publish, store.reject):
    cli.add_command(command, command.name)
cli.add_command(mappings.mappings_group, "mappings")  # issue 14: remembered column mappings
cli.add_command(demo.demo, "demo")
cli.add_command(serve.serve, "serve")
cli.add_command(users.users_group, "user")
cli.add_command(report.report_command, "report")  # issue 5: discrepancy reports
cli.add_command(annual.annual_command, "annual")  # issue 17: the yearly openness report
cli.add_command(points.points_group, "point")  # issue 17: query points, for usage counts
cli.add_command(backup.backup_command, "backup")  # issue 8: backup and restore
cli.add_command(backup.restore_command, "restore")
cli.add_command(lake.export_lake_command, "export-lake")  # issue 7: a province's lake
cli.add_command(sample_group, "sample")  # issue 16: field checks (明查暗访)
cli.add_command(visit_command, "visit")  # issue 16: a field check's visit recorded
cli.add_command(snapshot.snapshot_command, "snapshot")  # issue 18: the public servers' snapshot
cli.add_command(spool.spool_in_command, "spool-in")  # issue 18: what they spooled, taken back


def main() -> None:
    global _ARGV
    _ARGV = sys.argv[1:]
    cli(prog_name="fundquery")

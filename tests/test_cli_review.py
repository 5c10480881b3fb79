"""Four eyes on the command line (issue 15 §2): publish and reject name a reviewer account, never the uploader.

``fundquery publish``, ``load --publish`` and ``reject`` go through etl.batches as the
web does and write the same batch_reviews row; the reviewer they name must be an
active account holding the reviewer role (the CLI has no sign-in, so a made-up or
mistyped name would otherwise stand in the publication record).
"""

from __future__ import annotations

import json

import duckdb
import pytest
from click.testing import CliRunner

from fundquery.cli import cli
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, write_xlsx
from tests.test_cli import funds, run  # noqa: F401  (fixtures)

PASSWORD = "correct horse battery\n"


@pytest.fixture
def accounts(run):  # noqa: F811
    """zhao the reviewer (县政务公开办), wang a finance clerk, qian a reviewer who left (disabled)."""
    for name, role, office in (
        ("zhao", "reviewer", "县政务公开办"),
        ("wang", "finance", "城关镇财政所"),
        ("qian", "reviewer", None),
    ):
        args = ["user", "add", name, "--role", role, "--password-stdin"]
        if office:
            args += ["--office", office]
        done = CliRunner().invoke(cli, args, input=PASSWORD, catch_exceptions=False)
        assert done.exit_code == 0, done.output
    assert run("user", "disable", "qian").exit_code == 0


def rows(tmp_path, sql):
    con = duckdb.connect(str(tmp_path / "cli.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize(
    ("by", "says"),
    [
        ("nobody", "没有名为“nobody”的用户"),
        ("wang", "没有审核人员（reviewer）角色"),
        ("qian", "已停用"),
        ("demo-reviewer", "没有名为“demo-reviewer”的用户"),
    ],
    ids=["unknown", "not-a-reviewer", "disabled", "demo-name"],
)
def test_publish_names_an_active_reviewer_account(run, funds, accounts, tmp_path, by, says):  # noqa: F811
    run("load", "funds", funds, "--by", "wang")
    refused = run("publish", "1", "--by", by)
    assert refused.exit_code == 1 and says in refused.stderr
    assert rows(tmp_path, "SELECT status FROM batches") == [("loaded",)]
    assert rows(tmp_path, "SELECT count(*) FROM batch_reviews") == [(0,)]
    done = run("publish", "1", "--by", "zhao", "--note", "已做保密审查")
    assert done.exit_code == 0, done.stderr
    assert rows(tmp_path, "SELECT action, actor, office, note FROM batch_reviews") == [
        ("publish", "zhao", "县政务公开办", "已做保密审查")
    ]


def test_load_publish_needs_a_reviewer_account(run, funds, accounts, tmp_path):  # noqa: F811
    """No default reviewer: --publish without --reviewer, or with a name that is no reviewer, loads nothing."""
    bare = run("load", "funds", funds, "--publish", "--by", "wang")
    assert bare.exit_code == 1 and "--reviewer" in bare.stderr
    fake = run("load", "funds", funds, "--publish", "--by", "wang", "--reviewer", "demo-reviewer")
    assert fake.exit_code == 1 and "没有名为“demo-reviewer”的用户" in fake.stderr
    own = run("load", "funds", funds, "--publish", "--by", "zhao", "--reviewer", "zhao")
    assert own.exit_code == 1 and "须由另一位审核人员审核公开" in own.stderr
    assert rows(tmp_path, "SELECT count(*) FROM batches") == [(0,)]
    out = run("load", "funds", funds, "--json", "--publish", "--by", "wang", "--reviewer", "zhao")
    assert json.loads(out.stdout)["status"] == "loaded"
    batch = json.loads(out.stdout)["batch"]  # the refused load used a number of the sequence
    assert rows(tmp_path, "SELECT batch_id, status, published_by FROM batches") == [
        (batch, "published", "zhao")
    ]
    assert rows(tmp_path, "SELECT batch_id, action, actor, office FROM batch_reviews") == [
        (batch, "publish", "zhao", "县政务公开办")
    ]


def test_reject_with_a_reason(run, funds, accounts, tmp_path):  # noqa: F811
    run("load", "funds", funds, "--by", "wang")
    no_reason = run("reject", "1", "--by", "zhao", "--reason", " ")
    assert no_reason.exit_code == 1 and "退回原因" in no_reason.stderr
    not_reviewer = run("reject", "1", "--by", "wang", "--reason", "预算金额有误")
    assert not_reviewer.exit_code == 1 and "没有审核人员（reviewer）角色" in not_reviewer.stderr
    done = run("reject", "1", "--by", "zhao", "--reason", "预算金额有误，请核对后重新上传")
    assert done.exit_code == 0, done.stderr
    assert "已退回" in done.stdout
    listed = json.loads(run("batches", "--json").stdout)[0]
    assert (listed["status"], listed["reject_reason"]) == (
        "rejected",
        "预算金额有误，请核对后重新上传",
    )
    assert "预算金额有误" in run("batches").stdout
    assert rows(tmp_path, "SELECT action, actor, office, note FROM batch_reviews") == [
        ("reject", "zhao", "县政务公开办", "预算金额有误，请核对后重新上传")
    ]
    assert rows(
        tmp_path, "SELECT actor, target, detail->>'note' FROM audit_log WHERE action = 'reject'"
    ) == [("zhao", "batch:1", "预算金额有误，请核对后重新上传")]
    assert rows(tmp_path, "SELECT count(*) FROM public_funds") == [(0,)]
    assert run("publish", "1", "--by", "zhao").exit_code == 1
    # The clerk corrects it: a replacement of the rejected batch.
    fixed = write_xlsx(tmp_path / "funds2.xlsx", [FUNDS_HEADER, *FUNDS_ROWS[:2]])
    again = json.loads(
        run("load", "funds", fixed, "--json", "--replaces", "1", "--by", "wang").stdout
    )
    assert again["status"] == "loaded" and again["batch"] == 2


def test_publish_by_the_uploader_is_refused_as_on_the_web(run, funds, accounts, tmp_path):  # noqa: F811
    """The web's rule on the command line: another reviewer publishes, with a review row and an audit line."""
    run("load", "funds", funds, "--by", "zhao")
    refused = run("publish", "1", "--by", "zhao")
    assert refused.exit_code == 1
    assert refused.stderr.strip() == "批次 1 是您本人上传的，须由另一位审核人员审核公开。"
    assert json.loads(run("batches", "--json").stdout)[0]["status"] == "loaded"
    done = CliRunner().invoke(
        cli, ["user", "add", "sun", "--role", "reviewer", "--password-stdin"], input=PASSWORD
    )
    assert done.exit_code == 0, done.output
    published = run("publish", "1", "--by", "sun", "--note", "已做保密审查")
    assert published.exit_code == 0, published.stderr
    again = run("publish", "1", "--by", "sun")
    assert again.exit_code == 1 and "只有已导入、未公开的批次可以公开" in again.stderr
    assert rows(tmp_path, "SELECT batch_id, action, actor, note FROM batch_reviews") == [
        (1, "publish", "sun", "已做保密审查")
    ]
    assert rows(tmp_path, "SELECT status, published_by FROM batches") == [("published", "sun")]
    assert rows(
        tmp_path, "SELECT actor, action, target FROM audit_log WHERE action = 'publish'"
    ) == [("sun", "publish", "batch:1")]


def test_load_replaces_and_publishes_in_one_step(run, funds, accounts, tmp_path):  # noqa: F811
    run("load", "funds", funds, "--by", "wang")
    fixed = write_xlsx(tmp_path / "funds2.xlsx", [FUNDS_HEADER, *FUNDS_ROWS[:2]])
    out = run(
        "load",
        "funds",
        fixed,
        "--json",
        "--replaces",
        "1",
        "--publish",
        "--by",
        "wang",
        "--reviewer",
        "zhao",
    )
    assert json.loads(out.stdout)["status"] == "loaded"
    statuses = {b["batch"]: b["status"] for b in json.loads(run("batches", "--json").stdout)}
    assert statuses == {1: "superseded", 2: "published"}

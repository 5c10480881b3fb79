"""`fundquery demo`: the synthetic county loads through the same ETL and matches its manifest."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import duckdb
from click.testing import CliRunner

from fundquery.cli import cli
from fundquery.synthetic import Manifest


def test_demo_loads_publishes_and_matches_its_manifest(tmp_path, monkeypatch):
    db = tmp_path / "demo.duckdb"
    monkeypatch.setenv("FUNDQUERY_DB", str(db))
    monkeypatch.setenv("FUNDQUERY_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("FUNDQUERY_ID_KEY", raising=False)
    result = CliRunner().invoke(
        cli,
        ["demo", "--scale", "0.01", "--out", str(tmp_path / "demo"), "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stdout
    out = json.loads(result.stdout)
    manifest = Manifest.load(tmp_path / "demo")
    assert [f["status"] for f in out["files"]] == ["loaded"] * len(manifest.files)
    assert all(f["errors"] == [] for f in out["files"])
    # the reader found exactly the records each file holds (titles, 合计 and blank rows skipped);
    # the wide agencies table is melted to one row per agency and 编制类型 that has a quota or staff.
    loaded = [
        (e.path, f["rows"])
        for e, f in zip(manifest.files, out["files"], strict=True)
        if e.kind != "agencies"
    ]
    assert loaded == [(e.path, e.rows) for e in manifest.files if e.kind != "agencies"]
    exp = manifest.expected
    con = duckdb.connect(str(db), read_only=True)
    one = lambda sql: con.execute(sql).fetchone()  # noqa: E731
    assert one("SELECT count(*) FROM batches WHERE status <> 'published'") == (0,)
    assert one("SELECT count(*) FROM public_funds") == (exp["funds"]["count"],)
    assert one(
        "SELECT count(*) FILTER (pays_to = 'persons'), count(*) FILTER (pays_to = 'projects') FROM public_funds"
    ) == (exp["funds"]["by_pays_to"]["persons"], exp["funds"]["by_pays_to"]["projects"])
    assert one("SELECT sum(budget_yuan) FROM public_funds") == (
        Decimal(exp["funds"]["budget_yuan"]["all"]),
    )
    assert one("SELECT count(*), sum(amount_yuan) FROM public_payments") == (
        exp["payments"]["rows"],
        Decimal(exp["payments"]["amount_yuan"]),
    )
    assert one("SELECT count(DISTINCT id_hash) FROM public_payments") == (
        exp["payments"]["distinct_id_numbers"],
    )
    assert one("SELECT count(*) FROM public_projects") == (exp["projects"]["count"],)
    assert one("SELECT count(DISTINCT department), sum(amount_yuan) FROM public_budgets") == (
        exp["budgets"]["departments"],
        Decimal(exp["budgets"]["amount_yuan"]),
    )
    assert one("SELECT count(DISTINCT agency_code) FROM public_agencies") == (
        exp["agencies"]["count"],
    )
    assert one("SELECT count(*) FROM public_staff") == (exp["staff"]["rows"],)
    buckets = dict(
        con.execute(
            "SELECT CASE WHEN d <= 3 THEN 'le3' WHEN d <= 10 THEN '4to10' ELSE 'gt10' END, count(*) FROM "
            "(SELECT disbursed_on - approved_on AS d FROM public_disbursements WHERE disbursed_on IS NOT NULL) GROUP BY 1"
        ).fetchall()
    )
    assert buckets == {k: v for k, v in exp["disbursements"]["delay_buckets"].items() if v}
    # published by the demo's own reviewer, never by its uploader, each with its review row
    assert one(
        "SELECT count(*) FROM batches WHERE published_by <> 'demo-reviewer' OR uploaded_by <> 'demo'"
    ) == (0,)
    assert one(
        "SELECT count(DISTINCT batch_id), min(actor), max(actor) FROM batch_reviews WHERE action = 'publish'"
    ) == (len(manifest.files), "demo-reviewer", "demo-reviewer")
    con.close()
    # the yearly report computes the same figures from the store (the manifest's are the generator's own tally)
    report = CliRunner().invoke(
        cli, ["annual", str(manifest.year), "--json"], catch_exceptions=False
    )
    assert report.exit_code == 0, report.stdout
    figures = json.loads(report.stdout)
    wan = exp["funds"]["budget_wan"]
    assert figures["funds"] == {
        "count": exp["funds"]["count"],
        "budget_wan": wan["all"],
        "person_times": exp["payments"]["rows"],
        "paid_wan": str(
            (Decimal(exp["payments"]["amount_yuan"]) / 10000).quantize(Decimal("0.01"))
        ),
        "projects": exp["projects"]["count"],
        # every fund row the generator writes has a budget (fundquery.synthetic.files.write_funds)
        "unbudgeted": 0,
    }
    assert figures["to_persons"] == {
        "count": exp["funds"]["by_pays_to"]["persons"],
        "budget_wan": wan["persons"],
        "unbudgeted": 0,
    }
    assert figures["to_projects"]["count"] == exp["projects"]["count"]
    assert figures["to_projects"]["amount_wan"] == exp["projects"]["amount_wan"]
    assert figures["budgets"] == {
        "departments": exp["budgets"]["departments"],
        "amount_wan": exp["budgets"]["amount_wan"],
    }
    assert figures["staffing"] == {
        "agencies": exp["agencies"]["count"],
        "staff": exp["staff"]["by_status"]["在职"],
    }
    # the seed county's 62 messages, all answered: 31 directly, 25 transferred, 1 to the discipline
    # commission, 5 otherwise (seeds/002); every one on time
    assert {k: figures["messages"][k] for k in ("received", "answered", "on_time")} == {
        "received": 62,
        "answered": 62,
        "on_time": 62,
    }
    assert figures["messages"]["handling"] == {
        "direct": 31,
        "transferred": 25,
        "discipline": 1,
        "other": 5,
    }
    buckets = exp["disbursements"]["delay_buckets"]
    counts = [buckets["le3"], buckets["4to10"], buckets["gt10"]]
    assert figures["speed"]["counts"] == counts
    assert figures["speed"]["total"] == exp["disbursements"]["disbursed"] == sum(counts)
    shares = [Decimal(s) for s in figures["speed"]["shares"]]
    assert shares == [
        (Decimal(100 * n) / sum(counts)).quantize(Decimal("0.01"), ROUND_HALF_UP) for n in counts
    ]
    # and `fundquery report delays` gives the delay table of the inspectors' page on its own
    delays = CliRunner().invoke(cli, ["report", "delays", "--json"], catch_exceptions=False)
    assert delays.exit_code == 0, delays.stdout
    treasury = json.loads(delays.stdout)["stages"]["treasury"]["all"]
    assert [row["buckets"] for row in treasury] == [counts]
    assert CliRunner().invoke(cli, ["annual", "1899"]).exit_code == 2  # not a year it accepts

"""The short version of bench/soak.py (issue 8): ~25 s of mixed traffic against the real server.

Lookups, public pages and inspector reports at a modest fixed rate, with one
upload-preview-load by a finance clerk in the middle.  Asserted: every
request answered as it should (no error, no 5xx) and the upload loaded.
Rates and latencies are the bench's business, not the test's.
"""

from __future__ import annotations

from bench.soak import soak


def test_mixed_traffic_with_an_upload_has_no_error_and_no_5xx(tmp_path):
    figures = soak(
        tmp_path / "work",
        rate=15,
        minutes=0.4,
        people=200,
        upload_rows=5_000,
        connections=8,
        quiet=True,
    )
    s = figures["soak"]
    assert s["all"]["requests"] >= 15 * 20  # the rate was kept up (no request silently dropped)
    assert s["all"]["errors"] == 0, s["errors_seen"]
    assert s["all"]["status_5xx"] == 0
    assert all(s["by_kind"][k]["requests"] > 0 for k in ("lookup", "public", "report"))
    assert figures["upload"].get("loaded") is True, figures["upload"]
    assert figures["memory"]["samples"] > 5
    # The worker logged what its memory is made of (fundquery/web/memory_log.py), and the
    # inspectors' reports were kept (fundquery/web/report_cache.py).
    end = figures["memory_parts"]["end"]
    assert end["rssanon_mib"] > 0 and end["malloc_in_use_mib"] > 0 and end["duckdb_mib"] >= 0
    assert end["report_cache_entries"] > 0 and end["page_cache_entries"] > 0

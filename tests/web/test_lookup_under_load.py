"""The short version of bench/lookup_under_load.py (issue 8): lookups keep answering during a web load.

50,000 rows are uploaded, previewed and loaded through /staff/upload of the
real server while three residents look people up.  It asserts that every
lookup answered with its result and that the load went through; speed is the
bench's business, not the test's.
"""

from __future__ import annotations

from bench.lookup_under_load import run


def test_lookups_answer_without_error_while_a_batch_loads_through_the_web(tmp_path):
    figures = run(50_000, 200, 3, 5.0, 1.0, tmp_path / "work", quiet=True)
    assert figures["loaded"] is True
    during = figures["during_upload_to_load"]
    assert during["errors"] == 0, figures["errors_seen"]
    assert (
        figures["phases"]["load"]["requests"] > 0 and figures["phases"]["preview"]["requests"] > 0
    )
    assert figures["phases"]["idle"]["errors"] == 0

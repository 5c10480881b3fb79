"""The register checks of issue 16 in Debian's chromium against the real server, on a synthetic county.

An inspector opens relief_vehicle_owner, register_name_differs and roll_not_on_payroll and sees the
demo's planted rows (names masked, IDs masked); screenshots go to tests/artifacts/relief-*.png.
No console error (a CSP violation would be one).
"""

from __future__ import annotations

import pytest

from fundquery.synthetic import Manifest
from tests.web.conftest import signed_in_page, synthetic_county_server

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
AS_OF = "as_of=2024-12-31"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("relief-browser")
    with synthetic_county_server(root, [("jian", "inspector", "县纪委监委")], PASSWORD) as live:
        yield live, Manifest.load(root / "county")


@pytest.fixture
def page(browser, server):
    with signed_in_page(browser, server[0].url, "jian", PASSWORD) as page:
        yield page


def test_the_register_checks_show_the_planted_rows(page, server, artifacts):
    live, manifest = server
    planted = manifest.anomalies
    expected = {
        "relief_vehicle_owner": sum(len(d["payments"]) for d in planted["relief_vehicle_owner"]),
        "register_name_differs": len(planted["register_name_differs"]),
        "roll_not_on_payroll": sum(len(d["months"]) for d in planted["roll_not_on_payroll"]),
    }
    for label, rows in expected.items():
        page.goto(f"{live.url}/staff/inspect/check/{label}?{AS_OF}")
        assert page.locator("table.findings tbody tr").count() == rows, label
        body = page.locator("table.findings").inner_text()
        for entry in planted[label]:
            assert entry["id_masked"] in body and entry["id_number"] not in body
        page.screenshot(path=artifacts / f"relief-{label}.png", full_page=True)
    page.goto(f"{live.url}/staff/inspect/?{AS_OF}")
    assert page.get_by_role("link", name="救助对象名下有机动车").is_visible()

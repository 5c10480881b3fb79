"""The public record of publication: date and office of each published batch, per fund too."""

from __future__ import annotations

# ruff: noqa: F811  (pytest fixtures imported from tests.web.staffing are parameters here)
from fundquery.queries import publication
from tests.web.staffing import finance, funds_file, load, preview, staff_app, with_funds  # noqa: F401
from tests.web.test_staff_review import _publish, loaded  # noqa: F401


def test_published_page_names_date_and_offices(staff_app, loaded):
    assert staff_app.test_client().get("/published?format=json").get_json()["datasets"] == []
    _publish(loaded, 1)
    _publish(loaded, 2)
    rows = staff_app.test_client().get("/published?format=json").get_json()["datasets"]
    assert [(r["batch_id"], r["published_office"], r["uploaded_office"]) for r in rows] == [
        (2, "县政务公开办", "城关镇财政所"), (1, "县政务公开办", "城关镇财政所")]
    html = staff_app.test_client().get("/published").get_data(as_text=True)
    assert "县政务公开办" in html and "补贴发放清册" in html
    with staff_app.test_request_context():
        assert [r["kind"] for r in publication.fund_publications(2024, "F001")] == ["funds", "payments"]
        assert [r["kind"] for r in publication.fund_publications(2024, "F003")] == ["funds"]
        assert publication.fund_publications(2023, "F001") == []

"""The public record of publication: date and office of each published batch, per fund too."""

from __future__ import annotations

# ruff: noqa: F811  (pytest fixtures imported from tests.web.staffing are parameters here)
import datetime as dt

from fundquery.queries import publication
from fundquery.web.db import get_db
from tests.web.staffing import finance, funds_file, load, preview, staff_app, with_funds  # noqa: F401
from tests.web.test_staff_review import _publish, loaded  # noqa: F401


def test_published_page_names_date_and_offices(staff_app, loaded):
    assert staff_app.test_client().get("/published?format=json").get_json()["datasets"] == []
    _publish(loaded, 1)
    _publish(loaded, 2)
    rows = staff_app.test_client().get("/published?format=json").get_json()["datasets"]
    assert [(r["batch_id"], r["published_office"], r["uploaded_office"]) for r in rows] == [
        (2, "县政务公开办", "城关镇财政所"),
        (1, "县政务公开办", "城关镇财政所"),
    ]
    html = staff_app.test_client().get("/published").get_data(as_text=True)
    assert "县政务公开办" in html and "补贴发放清册" in html
    with staff_app.test_request_context():
        assert [r["kind"] for r in publication.fund_publications(get_db(), 2024, "F001")] == [
            "funds",
            "payments",
        ]
        assert [r["kind"] for r in publication.fund_publications(get_db(), 2024, "F003")] == [
            "funds"
        ]
        assert publication.fund_publications(get_db(), 2023, "F001") == []


def test_fund_page_says_when_and_by_whom_each_dataset_was_published(staff_app, loaded):
    _publish(loaded, 1)
    _publish(loaded, 2)
    client = staff_app.test_client()
    published = {
        r["batch_id"]: r for r in client.get("/published?format=json").get_json()["datasets"]
    }
    data = client.get("/funds/2024/F001?format=json").get_json()
    assert sorted(p["batch_id"] for p in data["publications"]) == sorted(published)
    html = client.get("/funds/2024/F001").get_data(as_text=True)
    note = html[html.index('class="publication-note"') :]
    for row in published.values():
        day = (
            dt.datetime.fromisoformat(row["published_at"]).date().isoformat()
        )  # ISO 8601 since one render helper
        assert f"{day} 公开" in note
    assert "公开单位：县政务公开办" in note and "数据提供：城关镇财政所" in note
    # A fund with no published payments lists only its catalogue batch.
    f003 = client.get("/funds/2024/F003?format=json").get_json()["publications"]
    assert [p["kind"] for p in f003] == ["funds"]

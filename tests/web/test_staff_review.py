# ruff: noqa: F811  (pytest fixtures imported from tests.web.staffing are parameters here)
"""Review and publication: a different reviewer publishes, the public sees it, withdrawal hides it."""

from __future__ import annotations

import pytest

from fundquery.web.db import get_db
from tests.sheets import PAY_HEADER, pay_row, write_xlsx
from tests.web.accounts import add_user, csrf_token, sign_in
from tests.web.staffing import finance, funds_file, load, preview, staff_app, with_funds  # noqa: F401


@pytest.fixture
def loaded(staff_app, with_funds, tmp_path):
    """wang (finance and reviewer) has loaded the funds (batch 1) and a payment list (batch 2)."""
    with staff_app.app_context():
        get_db().execute(
            "INSERT INTO user_roles SELECT user_id, 'reviewer' FROM users WHERE username = 'wang'"
        )
    rows = [
        ["2024年耕地地力保护补贴发放清册"],
        PAY_HEADER,
        pay_row(1, paid="2024-03-01"),
        pay_row(2, name="欧阳修平", paid="2024-03-15"),
    ]
    url, data = preview(with_funds, write_xlsx(tmp_path / "清册.xlsx", rows))
    assert load(with_funds, url, data).status_code == 302
    add_user(staff_app, "zhao", "reviewer", office="县政务公开办")
    reviewer = staff_app.test_client()
    sign_in(reviewer, "zhao")
    return reviewer


def _publish(client, batch_id: int, reviewed: bool = True):
    token = csrf_token(client, f"/staff/review/{batch_id}")
    form = {"csrf_token": token, "note": "已审查"}
    if reviewed:
        form["reviewed"] = "y"
    return client.post(f"/staff/review/{batch_id}/publish", data=form)


def _status(app, batch_id):
    with app.app_context():
        return (
            get_db()
            .execute("SELECT status, published_by FROM batches WHERE batch_id = ?", [batch_id])
            .fetchone()
        )


def _public_rows(app, table):
    with app.app_context():
        return get_db().execute(f"SELECT count(*) FROM public_{table}").fetchone()[0]  # noqa: S608


def test_review_page_shows_what_the_public_will_see(staff_app, loaded):
    data = loaded.get("/staff/review/2?format=json").get_json()
    names = [r["name"] for r in data["public"]["sample"]]
    assert names == ["张*", "欧**平"]
    hidden = {"id_hash", "id_masked", "bank_account_masked", "household_no", "birth_date"}
    assert not hidden & set(data["public"]["sample"][0])
    assert data["public"]["totals"]["row_count"] == 2
    assert data["public"]["totals"]["amount"] == "1785.00"
    timeliness = data["timeliness"]
    assert (
        timeliness["first_paid_on"].startswith("Fri, 01 Mar 2024")
        or timeliness["first_paid_on"] == "2024-03-01"
    )
    assert timeliness["from_first"]["working_days"] > timeliness["from_last"]["working_days"] > 20
    assert not data["own_upload"]


def test_publish_by_another_reviewer_makes_it_public(staff_app, loaded):
    assert _public_rows(staff_app, "payments") == 0
    assert _publish(loaded, 2).status_code == 302
    assert _status(staff_app, 2) == ("published", "zhao")
    assert _public_rows(staff_app, "payments") == 2
    with staff_app.app_context():
        review = (
            get_db().execute("SELECT action, actor, office, note FROM batch_reviews").fetchall()
        )
    assert review == [("publish", "zhao", "县政务公开办", "已审查")]
    listing = loaded.get("/staff/review/?format=json").get_json()
    assert [b["batch_id"] for b in listing["published"]] == [2]
    assert listing["published"][0]["published_office"] == "县政务公开办"


def test_uploader_cannot_publish_own_batch(staff_app, loaded, with_funds):
    page = with_funds.get("/staff/review/2")
    assert "须由另一位审核人员" in page.get_data(as_text=True)
    assert _publish(with_funds, 2).status_code == 403
    assert _status(staff_app, 2)[0] == "loaded"


def test_publish_needs_the_review_tick(staff_app, loaded):
    response = _publish(loaded, 2, reviewed=False)
    assert response.status_code == 302 and _status(staff_app, 2)[0] == "loaded"
    assert "请先确认已完成保密审查" in loaded.get(response.location).get_data(as_text=True)


def test_withdraw_needs_a_reason_and_hides_the_batch(staff_app, loaded):
    _publish(loaded, 2)
    token = csrf_token(loaded, "/staff/review/2")
    no_reason = loaded.post("/staff/review/2/withdraw", data={"csrf_token": token, "note": ""})
    assert no_reason.status_code == 302 and _status(staff_app, 2)[0] == "published"
    done = loaded.post("/staff/review/2/withdraw", data={"csrf_token": token, "note": "姓名有误"})
    assert done.status_code == 302 and _status(staff_app, 2) == ("loaded", None)
    assert _public_rows(staff_app, "payments") == 0
    with staff_app.app_context():
        actions = [r[0] for r in get_db().execute("SELECT action FROM audit_log").fetchall()]
    assert "publish" in actions and "withdraw" in actions


def test_finance_only_user_cannot_review(staff_app, loaded):
    other = staff_app.test_client()
    sign_in(other, "zhang")
    assert other.get("/staff/review/").status_code == 403
    assert _publish(other, 2).status_code in (400, 403)


def test_timeliness_for_reviewers_and_inspectors(staff_app, loaded):
    _publish(loaded, 2)
    add_user(staff_app, "li", "inspector")
    inspector = staff_app.test_client()
    sign_in(inspector, "li")
    rows = inspector.get("/staff/review/timeliness?format=json").get_json()["batches"]
    assert [r["batch_id"] for r in rows] == [2]
    timeliness = rows[0]["timeliness"]
    assert timeliness["from_first"]["working_days"] >= timeliness["from_last"]["working_days"] > 20
    assert timeliness["from_last"]["is_late"] and not timeliness["from_last"]["is_provisional"]
    assert "超过时限" in inspector.get("/staff/review/timeliness").get_data(as_text=True)

# ruff: noqa: F811  (pytest fixtures imported from tests.web are parameters here)
"""The reviewer chooses a payment list's 公示天数 when publishing it on the review page (issue 17)."""

from __future__ import annotations

import re

import pytest

from fundquery.web.db import get_db
from tests.sheets import PAY_HEADER, pay_row, write_xlsx
from tests.web.accounts import add_user, csrf_token, sign_in
from tests.web.staffing import finance, funds_file, load, preview, staff_app, with_funds  # noqa: F401
from tests.web.test_staff_review import loaded  # noqa: F401


def _publish(client, days: str, batch: int = 2):
    token = csrf_token(client, f"/staff/review/{batch}")
    form = {"csrf_token": token, "reviewed": "y", "note": "", "notice_days": days}
    return client.post(f"/staff/review/{batch}/publish", data=form)


def _batch(app):
    with app.app_context():
        return (
            get_db()
            .execute("SELECT status, notice_days FROM batches WHERE batch_id = 2")
            .fetchone()
        )


def test_the_review_page_offers_the_days_for_a_payment_list(staff_app, loaded):
    page = loaded.get("/staff/review/2").get_data(as_text=True)
    assert 'name="notice_days"' in page and "村级公示天数" in page
    assert 'name="notice_days"' not in loaded.get("/staff/review/1").get_data(as_text=True)


@pytest.mark.parametrize("days", ["0", "七天", "366"])
def test_a_bad_value_is_named_and_nothing_is_published(staff_app, loaded, days):
    response = _publish(loaded, days)
    assert response.status_code == 302
    assert f"公示天数“{days}”无效：应为 1 至 365 的整数天数" in loaded.get(
        response.location
    ).get_data(as_text=True)
    assert _batch(staff_app) == ("loaded", None)


def test_the_days_chosen_are_the_batch_s(staff_app, loaded):
    assert _publish(loaded, "14").status_code == 302
    assert _batch(staff_app) == ("published", 14)
    assert _publish(loaded, "", batch=1).status_code == 302  # the catalogue, for the notice's fund
    page = loaded.get("/notices/2024/F001/城关镇/东风村").get_data(as_text=True)
    assert "（14 天）" in page


def test_the_clerk_chooses_the_days_at_upload(staff_app, with_funds, tmp_path):
    """The preview's load form carries 村级公示天数 for a payment list; a bad one loads nothing."""
    rows = [["2024年耕地地力保护补贴发放清册"], PAY_HEADER, pay_row(1, paid="2024-03-01")]
    url, data = preview(with_funds, write_xlsx(tmp_path / "清册.xlsx", rows))
    assert 'name="notice_days"' in with_funds.get(url).get_data(as_text=True)
    token = csrf_token(with_funds, url)
    form = {"kind": data["kind"], "replaces": "", "csrf_token": token}
    refused = with_funds.post(
        f"/staff/upload/{data['sha256']}/load", data={**form, "notice_days": "0"}
    )
    assert refused.status_code == 302
    assert "公示天数“0”无效" in with_funds.get(refused.location).get_data(as_text=True)
    with staff_app.app_context():
        assert get_db().execute(
            "SELECT count(*) FROM batches WHERE kind = 'payments'"
        ).fetchone() == (0,)
    done = with_funds.post(
        f"/staff/upload/{data['sha256']}/load", data={**form, "notice_days": "9"}
    )
    assert done.status_code == 302
    with staff_app.app_context():
        assert get_db().execute(
            "SELECT status, notice_days FROM batches WHERE kind = 'payments'"
        ).fetchone() == ("loaded", 9)
    add_user(staff_app, "zhao", "reviewer", office="县政务公开办")
    reviewer = staff_app.test_client()
    sign_in(reviewer, "zhao")
    review = reviewer.get("/staff/review/2").get_data(as_text=True)  # to keep or to change
    assert re.search(r'<input[^>]*name="notice_days"[^>]*value="9"', review), review


def test_a_roster_without_villages_is_asked_no_days(staff_app, with_funds, tmp_path):
    """A township-level roster (no 村 column, issue 14) is in no village's notice: neither the preview
    nor the review page asks for 村级公示天数."""
    at = PAY_HEADER.index("村")
    rows = [
        ["2024年耕地地力保护补贴发放清册"],
        PAY_HEADER[:at] + PAY_HEADER[at + 1 :],
        *(r[:at] + r[at + 1 :] for r in (pay_row(1), pay_row(2, name="欧阳修平"))),
    ]
    url, data = preview(with_funds, write_xlsx(tmp_path / "乡镇清册.xlsx", rows))
    assert data["can_load"] and not data["village_notice"]
    page = with_funds.get(url).get_data(as_text=True)
    assert "导入 2 行" in page and 'name="notice_days"' not in page
    assert load(with_funds, url, data, anyway=True).status_code == 302
    with staff_app.app_context():
        assert get_db().execute(
            "SELECT count(*), count(village) FROM payments WHERE batch_id = 2"
        ).fetchone() == (2, 0)
    add_user(staff_app, "zhao", "reviewer", office="县政务公开办")
    reviewer = staff_app.test_client()
    sign_in(reviewer, "zhao")
    page = reviewer.get("/staff/review/2").get_data(as_text=True)
    assert "公开这个批次" in page and 'name="notice_days"' not in page

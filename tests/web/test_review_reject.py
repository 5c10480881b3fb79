# ruff: noqa: F811  (pytest fixtures imported from tests.web.staffing are parameters here)
"""Issue 15 §2 on the web: a reviewer rejects with a reason; a replacement keeps the old rows public.

wang (finance, also a reviewer) uploads; zhao (reviewer, 县政务公开办) reviews.
The public village notice is the page the villagers read: it shows the old
rows while a correction waits for review, and the new rows once it is
published, never both and never neither.
"""

from __future__ import annotations

from fundquery.web.db import get_db
from tests.sheets import PAY_HEADER, pay_row, write_xlsx
from tests.web.accounts import csrf_token, sign_in
from tests.web.staffing import (  # noqa: F401
    batches_of,
    finance,
    funds_file,
    load,
    preview,
    staff_app,
    with_funds,
)
from tests.web.test_staff_review import _publish, _status, loaded  # noqa: F401

NOTICE = "/notices/2024/F001/城关镇/东风村?format=json"
REASON = "第 2 行姓名与户籍不符，请核对后重新上传"


def _reject(client, batch_id: int, reason: str = REASON):
    token = csrf_token(client, f"/staff/review/{batch_id}")
    return client.post(
        f"/staff/review/{batch_id}/reject", data={"csrf_token": token, "reason": reason}
    )


def _notice_names(app) -> list[str]:
    response = app.test_client().get(NOTICE)
    if response.status_code == 404:
        return []
    return [r["name_masked"] for r in response.get_json()["rows"]]


def _replace_batch_2(finance, tmp_path):
    """wang uploads the corrected list as a replacement of batch 2 (欧阳修平 was 司马光明)."""
    rows = [
        ["2024年耕地地力保护补贴发放清册"],
        PAY_HEADER,
        pay_row(1, paid="2024-03-01"),
        pay_row(2, name="司马光明", paid="2024-03-15"),
    ]
    url, data = preview(finance, write_xlsx(tmp_path / "清册_更正.xlsx", rows), replaces=2)
    assert data["error_total"] == 0, data
    assert load(finance, url, data).status_code == 302


def test_review_page_offers_reject_with_a_reason(staff_app, loaded):
    html = loaded.get("/staff/review/2").get_data(as_text=True)
    assert 'action="/staff/review/2/reject"' in html and 'name="reason"' in html


def test_reviewer_rejects_with_a_reason_and_the_uploader_sees_it(staff_app, loaded, with_funds):
    no_reason = _reject(loaded, 2, reason="")
    assert no_reason.status_code == 302 and _status(staff_app, 2)[0] == "loaded"
    assert "请写明退回原因" in loaded.get(no_reason.location).get_data(as_text=True)
    assert _reject(loaded, 2).status_code == 302
    assert _status(staff_app, 2)[0] == "rejected"
    with staff_app.app_context():
        con = get_db()
        assert con.execute("SELECT action, actor, office, note FROM batch_reviews").fetchall() == [
            ("reject", "zhao", "县政务公开办", REASON)
        ]
        assert con.execute(
            "SELECT actor, target, detail->>'note' FROM audit_log WHERE action = 'reject'"
        ).fetchall() == [("zhao", "batch:2", REASON)]
        assert con.execute("SELECT count(*) FROM public_payments").fetchone()[0] == 0
    # The uploader's batches page: rejected, by whom, and why; and a way to send a correction.
    mine = with_funds.get("/staff/batches/?format=json").get_json()["batches"]
    row = next(b for b in mine if b["batch_id"] == 2)
    assert (row["status"], row["rejected_by"], row["reject_reason"]) == ("rejected", "zhao", REASON)
    html = with_funds.get("/staff/batches/").get_data(as_text=True)
    assert "已退回" in html and REASON in html
    assert "/staff/upload?replaces=2" in html
    # A rejected batch is no longer waiting for review, and cannot be published.
    waiting = loaded.get("/staff/review/?format=json").get_json()["waiting"]
    assert [b["batch_id"] for b in waiting] == [1]
    assert _publish(loaded, 2).status_code == 302 and _status(staff_app, 2)[0] == "rejected"


def test_uploader_cannot_reject_own_batch(staff_app, loaded, with_funds):
    assert _reject(with_funds, 2).status_code == 403
    assert _status(staff_app, 2)[0] == "loaded"


def test_finance_only_user_cannot_reject(staff_app, loaded):
    other = staff_app.test_client()
    sign_in(other, "zhang")
    assert _reject(other, 2).status_code in (400, 403)
    assert _status(staff_app, 2)[0] == "loaded"


def test_replacement_keeps_the_old_rows_public_until_it_is_published(
    staff_app, loaded, with_funds, tmp_path
):
    assert _publish(loaded, 1).status_code == 302
    assert _publish(loaded, 2).status_code == 302
    old = ["张*", "欧**平"]
    assert _notice_names(staff_app) == old
    _replace_batch_2(with_funds, tmp_path)
    assert [b[0] for b in batches_of(staff_app)] == [1, 2, 3]
    # Loaded, not yet reviewed: the public still reads the published rows, only them.
    assert _notice_names(staff_app) == old
    assert _status(staff_app, 2)[0] == "published" and _status(staff_app, 3)[0] == "loaded"
    # The reviewer sees what the correction replaces, and that it stays up until published.
    page = loaded.get("/staff/review/3?format=json").get_json()
    assert (page["batch"]["replaces"], page["replaced"]["status"]) == (2, "published")
    assert page["replaced"]["totals"] == {"row_count": 2, "amount": "1785.00"}
    html = loaded.get("/staff/review/3").get_data(as_text=True)
    assert "批次 2（已公开）：2 行，合计 1,785.00" in html
    assert _publish(loaded, 3).status_code == 302
    assert _notice_names(staff_app) == ["张*", "司**明"]
    assert _status(staff_app, 2)[0] == "superseded"


def test_rejected_replacement_leaves_the_old_rows_public(staff_app, loaded, with_funds, tmp_path):
    _publish(loaded, 1)
    _publish(loaded, 2)
    _replace_batch_2(with_funds, tmp_path)
    assert _reject(loaded, 3).status_code == 302
    assert _notice_names(staff_app) == ["张*", "欧**平"]
    assert _status(staff_app, 2)[0] == "published" and _status(staff_app, 3)[0] == "rejected"


def test_a_correction_of_a_rejected_correction_names_the_batch_it_takes_down(
    staff_app, loaded, with_funds, tmp_path
):
    _publish(loaded, 1)
    _publish(loaded, 2)
    _replace_batch_2(with_funds, tmp_path)
    _reject(loaded, 3)
    rows = [["2024年耕地地力保护补贴发放清册"], PAY_HEADER, pay_row(1), pay_row(2, name="司马光")]
    url, data = preview(with_funds, write_xlsx(tmp_path / "清册_再改.xlsx", rows), replaces=3)
    assert load(with_funds, url, data).status_code == 302
    page = loaded.get("/staff/review/4?format=json").get_json()
    assert (page["batch"]["replaces"], page["replaced"]["batch_id"]) == (3, 2)
    html = loaded.get("/staff/review/4").get_data(as_text=True)
    assert "公开本批次时，批次 2 同时下线" in html and "已退回的批次 3" in html
    mine = {
        b["batch_id"]: b
        for b in with_funds.get("/staff/batches/?format=json").get_json()["batches"]
    }
    assert mine[2]["corrected_by"] == 4 and not mine[2]["can_replace"]
    assert _notice_names(staff_app) == ["张*", "欧**平"]
    assert _publish(loaded, 4).status_code == 302
    assert _notice_names(staff_app) == ["张*", "司*光"]

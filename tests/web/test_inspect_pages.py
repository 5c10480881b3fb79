"""The inspectors' pages on the tiny county: report, check rows, exports, flags to resolution, the person record."""

from __future__ import annotations

import io
import json
import re

import pytest
from python_calamine import CalamineWorkbook

from etl.idnum import Hasher
from etl.load import load_file
from fundquery.web.db import get_db
from fundquery.web.security import CHART_CONTENT_SECURITY_POLICY
from tests import inspect_county as county
from tests.sheets import write_xlsx
from tests.web.accounts import add_user, csrf_token, sign_in

AS_OF = "as_of=2024-12-31"
KEY = b"inspect-pages-key-0123456789abcd"


@pytest.fixture
def loaded_app(app, tmp_path):
    with app.app_context():
        con = get_db()

        def load(path, kind="auto", **kw):
            return load_file(
                con,
                path,
                kind,
                hasher=Hasher(KEY),
                uploaded_by="clerk",
                archive_dir=tmp_path / "up",
                **kw,
            )

        county.build(load, con, tmp_path)
    add_user(app, "jian", "inspector", office="县纪委监委")
    add_user(app, "shen", "reviewer")
    add_user(app, "cai", "finance")
    return app


def signed_in(app, username):
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


@pytest.fixture
def inspector(loaded_app):
    return signed_in(loaded_app, "jian")


def audit_actions(app):
    with app.app_context():
        return (
            get_db()
            .execute("SELECT actor, action, target, detail FROM audit_log ORDER BY audit_id")
            .fetchall()
        )


def test_the_report_lists_every_check_with_its_count(inspector):
    data = inspector.get(f"/staff/inspect/?{AS_OF}&format=json").get_json()
    counts = {c["label"]: c["count"] for g in data["groups"] for c in g["checks"]}
    expected = {label: len(found) for label, found in county.EXPECTED.items()}
    expected["late_publication"] = 2  # one late file, paid on two days
    assert counts == expected
    page = inspector.get(f"/staff/inspect/?{AS_OF}")
    assert (
        page.status_code == 200
        and page.headers["Content-Security-Policy"] == CHART_CONTENT_SECURITY_POLICY
    )
    html = page.get_data(as_text=True)
    assert "重复发放" in html and 'data-chart="chart-townships"' in html and "<script>" not in html


def test_filters_narrow_the_report(inspector):
    data = inspector.get(f"/staff/inspect/?{AS_OF}&township=花园乡&format=json").get_json()
    counts = {c["label"]: c["count"] for g in data["groups"] for c in g["checks"]}
    assert counts["duplicate_payment"] == 1 and counts["allocation_shortfall"] == 0
    assert data["filters"] == {"township": "花园乡"}


def test_check_rows_are_masked_and_link_to_the_person(inspector):
    data = inspector.get(f"/staff/inspect/check/duplicate_payment?{AS_OF}&format=json").get_json()
    (row,) = data["rows"]
    assert row["cells"]["name"] == "卫*八" and row["cells"]["times_paid"] == 2
    assert row["person_url"].startswith("/staff/inspect/person/")
    html = inspector.get(f"/staff/inspect/check/duplicate_payment?{AS_OF}").get_data(as_text=True)
    assert "卫*八" in html and "卫十八" not in html and county.id_of("卫十八") not in html
    assert inspector.get("/staff/inspect/check/no_such_check").status_code == 404


def test_quota_chart_and_delay_report(inspector):
    html = inspector.get(f"/staff/inspect/check/over_quota?{AS_OF}").get_data(as_text=True)
    assert 'data-chart="chart-check"' in html
    data = inspector.get(f"/staff/inspect/delays?{AS_OF}&format=json").get_json()
    (total,) = data["stages"]["treasury"]["all"]
    assert total["buckets"] == [4, 1, 3] and total["explained"] == [0, 0, 2]
    assert total["percentages"] == ["50.00", "12.50", "37.50"]
    html = inspector.get(f"/staff/inspect/delays?{AS_OF}").get_data(as_text=True)
    assert 'data-chart="chart-treasury"' in html and 'data-chart="chart-payout"' in html


def test_exports_are_audit_logged(inspector, loaded_app):
    xlsx = inspector.get(f"/staff/inspect/report.xlsx?{AS_OF}")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("sheet")
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.data))
    assert book.sheet_names[0] == "汇总" and len(book.sheet_names) == 1 + len(county.EXPECTED)
    csv_page = inspector.get(f"/staff/inspect/check/off_standard.csv?{AS_OF}")
    text = csv_page.data.decode("utf-8-sig")
    assert text.startswith("姓名,") and "戊*" in text and "戊五" not in text
    actions = [(a, t) for _, a, t, _ in audit_actions(loaded_app) if a == "inspect_export"]
    assert actions == [("inspect_export", "check:all"), ("inspect_export", "check:off_standard")]


def _post(client, path, form_path, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, form_path), **data})


def test_a_flag_is_followed_to_resolution_and_keeps_its_figures(inspector, loaded_app):
    check = inspector.get(
        f"/staff/inspect/check/allocation_shortfall?{AS_OF}&format=json"
    ).get_json()
    flag_url = check["rows"][0]["flag_url"]
    form = inspector.get(flag_url)
    assert form.status_code == 200 and "7,922.50" in form.get_data(as_text=True)
    assert (
        _post(
            inspector, flag_url, flag_url, note="", severity="high", assignee_office="x"
        ).status_code
        == 400
    )
    done = _post(
        inspector,
        flag_url,
        flag_url,
        note="城关镇少发 100 元",
        severity="high",
        assignee_office="城关镇财政所",
        due_on="2025-01-31",
    )
    assert done.status_code == 302
    flag_path = done.location
    flag_id = int(flag_path.rsplit("/", 1)[1])
    # The data changes (the disbursements are retracted); the flag keeps what it saw.
    with loaded_app.app_context():
        get_db().execute("UPDATE batches SET status = 'retracted' WHERE kind = 'disbursements'")
    flag = inspector.get(f"{flag_path}?format=json").get_json()["flag"]
    assert flag["figures"]["gap_yuan"] == "100.00" and flag["figures"]["as_of"] == "2024-12-31"
    assert flag["status"] == "open" and flag["is_overdue"] is True  # due 2025-01-31, long past
    listing = inspector.get("/staff/inspect/flags?overdue=1&format=json").get_json()
    assert [f["flag_id"] for f in listing["flags"]] == [flag_id] and listing["overdue_count"] == 1
    check = inspector.get(
        f"/staff/inspect/check/allocation_shortfall?{AS_OF}&format=json"
    ).get_json()
    assert check["rows"] == []  # retracted: no longer a finding, still a flag
    move = f"{flag_path}/move"
    _post(inspector, move, flag_path, to_status="in_progress", note="已通知城关镇财政所")
    _post(
        inspector, move, flag_path, to_status="resolved", note="缺少整改结果"
    )  # refused: no outcome
    assert inspector.get(f"{flag_path}?format=json").get_json()["flag"]["status"] == "in_progress"
    _post(
        inspector,
        move,
        flag_path,
        to_status="resolved",
        note="已补发到户",
        outcome="recovered",
        recovered_yuan="100",
    )
    data = inspector.get(f"{flag_path}?format=json").get_json()
    assert data["flag"]["status"] == "resolved" and data["flag"]["recovered_yuan"] == "100.00"
    assert [e["to_status"] for e in data["history"]] == ["open", "in_progress", "resolved"]
    assert [e["note"] for e in data["history"]][-1] == "已补发到户"
    assert not inspector.get("/staff/inspect/flags?overdue=1&format=json").get_json()["flags"]
    moves = [a for _, a, t, _ in audit_actions(loaded_app) if t == f"flag:{flag_id}"]
    assert moves == ["flag_open", "flag_move", "flag_move"]


def test_the_rectification_notice_is_drafted_by_inspectors_and_published_by_a_reviewer(
    inspector, loaded_app
):
    check = inspector.get(f"/staff/inspect/check/staff_on_relief?{AS_OF}&format=json").get_json()
    flag_url = check["rows"][0]["flag_url"]
    flag_path = _post(
        inspector,
        flag_url,
        flag_url,
        note="财政局干部领低保",
        severity="high",
        assignee_office="县民政局",
    ).location
    _post(
        inspector,
        f"{flag_path}/move",
        flag_path,
        to_status="resolved",
        note="已停发并追回",
        outcome="recovered",
        recovered_yuan="300",
    )
    summary = inspector.get("/staff/inspect/summary?format=json").get_json()
    assert (
        summary["summary"]["recovered_yuan"] == "300.00"
        and summary["summary"]["resolved_count"] == 1
    )
    drafted = _post(
        inspector, "/staff/inspect/notices", "/staff/inspect/summary", title="2024年整改情况公示"
    )
    notice_path = drafted.location
    anonymous = loaded_app.test_client()
    assert "2024年整改情况公示" not in anonymous.get("/rectification").get_data(as_text=True)
    assert _post(inspector, f"{notice_path}/publish", notice_path).status_code == 403
    reviewer = signed_in(loaded_app, "shen")
    assert _post(reviewer, f"{notice_path}/publish", notice_path).status_code == 302
    public = anonymous.get("/rectification").get_data(as_text=True)
    assert (
        "2024年整改情况公示" in public
        and "丁*" in public
        and "丁四" not in public
        and "300.00" in public
    )
    assert county.id_of("丁四")[:6] + "*" not in public  # no ID, not even masked


def test_full_detail_of_a_person_is_an_explicit_audit_logged_action(inspector, loaded_app):
    check = inspector.get(f"/staff/inspect/check/duplicate_payment?{AS_OF}&format=json").get_json()
    person_url = check["rows"][0]["person_url"]
    masked = inspector.get(f"{person_url}?format=json").get_json()
    assert masked["full"] is None and masked["person"]["name_masked"] == "卫*八"
    assert "卫十八" not in inspector.get(person_url).get_data(as_text=True)
    reveal = f"{person_url}/reveal"
    _post(inspector, reveal, person_url, reason="")
    assert inspector.get(f"{person_url}?format=json").get_json()["full"] is None
    assert _post(inspector, reveal, person_url, reason="核查重复发放线索").status_code == 302
    full = inspector.get(f"{person_url}?format=json").get_json()["full"]
    assert full["names"] == ["卫十八"] and len(full["payments"]) == 2
    assert {p["batch_status"] for p in full["payments"]} == {"published"}
    (entry,) = [d for _, a, _, d in audit_actions(loaded_app) if a == "reveal_person"]
    assert json.loads(entry)["reason"] == "核查重复发放线索"
    # Another inspector's session has not been granted anything.
    other = signed_in(loaded_app, "jian")
    assert other.get(f"{person_url}?format=json").get_json()["full"] is None


def test_other_roles_are_refused(loaded_app):
    finance = signed_in(loaded_app, "cai")
    assert finance.get("/staff/inspect/").status_code == 403
    assert loaded_app.test_client().get("/staff/inspect/").status_code == 302
    reviewer = signed_in(loaded_app, "shen")
    assert reviewer.get("/staff/inspect/summary").status_code == 200
    assert reviewer.get("/staff/inspect/check/over_quota").status_code == 403


def test_pages_render_in_english(inspector):
    html = inspector.get(f"/staff/inspect/?{AS_OF}&lang=en").get_data(as_text=True)
    assert "Paid twice" in html
    assert re.search(r"Public staff on relief rolls", html)


def test_an_empty_name_in_a_row_is_not_a_link_to_the_person(inspector, loaded_app, tmp_path):
    """death_name_differs shows the roster's and the payroll's name; a side that does not know the
    ID has no name, and its empty cell must not lead to the person record as if it were one."""
    header = ["姓名", "公民身份号码", "死亡日期", "信息来源"]
    path = write_xlsx(
        tmp_path / "deaths.xlsx", [header, ["甲壹", county.id_of("甲一"), "2024-01-05", "县殡仪馆"]]
    )
    with loaded_app.app_context():
        result = load_file(
            get_db(), path, "deaths", hasher=Hasher(KEY), uploaded_by="jian",
            archive_dir=tmp_path / "up",
        )  # fmt: skip
    assert result.status == "loaded", result.as_json()
    html = inspector.get(f"/staff/inspect/check/death_name_differs?{AS_OF}").get_data(as_text=True)
    cells = re.findall(r'<td class="k-name">(.*?)</td>', html, re.S)
    # the register's name, the roster's name, the payroll's name (none: 甲一 draws no salary)
    assert len(cells) == 3, cells
    assert "<a " in cells[0] and "<a " in cells[1]
    assert "<a " not in cells[2] and cells[2].strip() != ""

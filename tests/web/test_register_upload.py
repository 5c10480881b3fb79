# ruff: noqa: F811  (pytest fixtures imported from tests.web.staffing are parameters here)
"""A register from another department (deaths) on the web: uploaded by inspectors and admins only,
never by finance staff, and every view of its rows audit-logged (issue 16)."""

from __future__ import annotations

import json

import pytest

from fundquery.web.db import get_db
from tests.sheets import make_id, write_xlsx
from tests.web.accounts import add_user, csrf_token, sign_in
from tests.web.staffing import finance, load, preview, staff_app  # noqa: F401

DEATHS = [
    ["死者姓名", "公民身份号码", "死亡日期", "数据来源"],
    ["李老汉", make_id(birth="19400203", seq=501), "2024-03-10", "县公安局"],
]


@pytest.fixture
def inspector(staff_app):
    add_user(staff_app, "li", "inspector")
    client = staff_app.test_client()
    assert sign_in(client, "li").status_code == 302
    return client


def test_an_inspector_uploads_the_deaths_register(inspector, staff_app, tmp_path):
    path = write_xlsx(tmp_path / "deaths.xlsx", DEATHS)
    assert "死亡火化登记" in inspector.get("/staff/upload").get_data(as_text=True)
    assert inspector.get("/staff/templates/deaths.xlsx").status_code == 200
    url, data = preview(inspector, path, "deaths")
    assert data["kind"] == "deaths" and data["error_total"] == 0, data
    assert load(inspector, url, data).status_code == 302
    with staff_app.app_context():
        rows = get_db().execute("SELECT name, died_on::VARCHAR, source FROM live_deaths").fetchall()
    assert rows == [("李老汉", "2024-03-10", "县公安局")]
    # the county's own rolls stay with finance staff
    assert inspector.get("/staff/templates/payments.xlsx").status_code == 403


def test_finance_staff_cannot_upload_a_register(finance, staff_app, tmp_path):
    page = finance.get("/staff/upload").get_data(as_text=True)
    assert "死亡火化登记" not in page and "补贴发放清册" in page
    assert finance.get("/staff/templates/deaths.xlsx").status_code == 403
    path = write_xlsx(tmp_path / "deaths.xlsx", DEATHS)
    _url, data = preview(finance, path, "auto")  # a register is never guessed: nothing to load
    # No kind of its own fits the file: none is guessed ("auto" stays; since held8 taught that 死者姓名 is
    # no payee the page asks for the header row, and for a kind the clerk may load: below, not deaths).
    assert data.get("kind", "auto") == "auto" and data["unreadable"]
    with staff_app.app_context():
        assert get_db().execute("SELECT count(*) FROM deaths").fetchone() == (0,)
    token = csrf_token(finance, "/staff/upload")
    posted = finance.post(
        "/staff/upload",
        data={"kind": "deaths", "csrf_token": token, "file": (path.open("rb"), path.name)},
        content_type="multipart/form-data",
    )
    assert posted.status_code == 400


def test_every_view_of_a_registers_rows_is_audit_logged(inspector, staff_app):
    assert inspector.get("/staff/inspect/check/paid_after_death").status_code == 200
    assert inspector.get("/staff/inspect/check/duplicate_payment").status_code == 200
    with staff_app.app_context():
        logged = (
            get_db()
            .execute("SELECT actor, target, detail FROM audit_log WHERE action = 'view_register'")
            .fetchall()
        )
    assert [(a, t) for a, t, _ in logged] == [("li", "check:paid_after_death")]
    assert json.loads(logged[0][2])["registers"] == ["deaths"]


def test_the_reviewers_page_of_a_register_batch_shows_the_public_nothing(
    inspector, staff_app, tmp_path
):
    url, data = preview(inspector, write_xlsx(tmp_path / "deaths.xlsx", DEATHS), "deaths")
    assert load(inspector, url, data).status_code == 302
    add_user(staff_app, "zhao", "reviewer")
    reviewer = staff_app.test_client()
    sign_in(reviewer, "zhao")
    page = reviewer.get("/staff/review/1?format=json")
    assert page.status_code == 200
    public = page.get_json()["public"]
    assert public["sample"] == [] and public["totals"]["row_count"] == 1


NEW_REGISTERS = {
    "vehicles": (
        "机动车登记",
        [
            ["机动车所有人", "身份证明号码", "号牌号码", "车辆类型", "初次登记日期"],
            ["李老汉", make_id(birth="19400203", seq=501), "豫P1A001", "小型轿车", "2020-05-01"],
        ],
    ),
    "businesses": (
        "市场主体登记",
        [
            ["企业名称", "经营者", "证件号码", "资金数额", "成立日期"],
            ["清溪县李记百货店", "李老汉", make_id(birth="19400203", seq=501), "3", "2021-04-01"],
        ],
    ),
    "properties": (
        "不动产登记",
        [
            ["权利人", "证件号码", "坐落", "建筑面积", "登记日期"],
            [
                "李老汉",
                make_id(birth="19400203", seq=501),
                "城关镇建设路12号",
                "98.56",
                "2018-03-05",
            ],
        ],
    ),
}


@pytest.mark.parametrize("kind", NEW_REGISTERS)
def test_the_new_registers_are_loaded_by_inspectors_only(
    kind, inspector, finance, staff_app, tmp_path
):
    title, rows = NEW_REGISTERS[kind]
    assert title in inspector.get("/staff/upload").get_data(as_text=True)
    assert title not in finance.get("/staff/upload").get_data(as_text=True)
    assert finance.get(f"/staff/templates/{kind}.xlsx").status_code == 403
    assert inspector.get(f"/staff/templates/{kind}.xlsx").status_code == 200
    url, data = preview(inspector, write_xlsx(tmp_path / f"{kind}.xlsx", rows), kind)
    assert data["kind"] == kind and data["error_total"] == 0, data
    assert load(inspector, url, data).status_code == 302
    with staff_app.app_context():
        assert get_db().execute(f"SELECT count(*) FROM live_{kind}").fetchone() == (1,)  # noqa: S608


def test_viewing_the_relief_checks_logs_the_registers_they_read(inspector, staff_app):
    for label in ("relief_vehicle_owner", "register_name_differs", "roll_not_on_payroll"):
        assert inspector.get(f"/staff/inspect/check/{label}").status_code == 200
    with staff_app.app_context():
        logged = (
            get_db()
            .execute(
                "SELECT target, detail FROM audit_log WHERE action = 'view_register' ORDER BY audit_id"
            )
            .fetchall()
        )
    assert [(t, json.loads(d)["registers"]) for t, d in logged] == [
        ("check:relief_vehicle_owner", ["vehicles"]),
        ("check:register_name_differs", ["vehicles", "businesses", "properties"]),
        ("check:roll_not_on_payroll", ["payroll"]),
    ]

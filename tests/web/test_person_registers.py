"""Each register finding leads to the person record, which shows the register rows beside the payments
(issue 16): every declared register, found from the specs, including one declared in the test alone."""

from __future__ import annotations

import json

import pytest

from etl.idnum import Hasher
from etl.load import load_file
from fundquery.web.db import get_db
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, PAY_HEADER, make_id, pay_row, write_xlsx
from tests.test_kinds import licences  # noqa: F401 (a register declared in the test alone)
from tests.web.accounts import add_user, csrf_token, sign_in

KEY = b"person-registers-key-0123456789a"
AS_OF = "as_of=2024-12-31"
DEAD = make_id(birth="19400203", seq=701)  # paid after dying, holds a hunting licence
GHOST = make_id(birth="19900909", seq=702)  # a salary, on no roll and paid nothing else


@pytest.fixture
def county_app(licences, app, tmp_path):  # noqa: F811
    with app.app_context():
        con = get_db()

        def load(rows, kind, name):
            result = load_file(
                con,
                write_xlsx(tmp_path / name, rows),
                kind,
                hasher=Hasher(KEY),
                uploaded_by="jian",
                archive_dir=tmp_path / "up",
            )
            assert result.status == "loaded", result.as_json()

        load([FUNDS_HEADER, *FUNDS_ROWS], "funds", "funds.xlsx")
        payments = [
            pay_row(1, "李老汉", period="2024-03", paid="2024-03-15", id_number=DEAD),
            pay_row(2, "李老汉", period="2024-05", paid="2024-05-15", id_number=DEAD),
        ]
        load([PAY_HEADER, *payments], "payments", "payments.xlsx")
        deaths = [
            ["逝者姓名", "证件号码", "死亡时间", "数据来源"],
            ["李老汉", DEAD, "2024-03-10", "县殡仪馆"],
        ]
        load(deaths, "deaths", "deaths.xlsx")
        payroll = [
            ["单位名称", "姓名", "公民身份号码", "发放年月", "应发合计", "实发合计"],
            ["县财政局", "赵鬼", GHOST, "2024年3月", "5,500.00", "4,400.00"],
        ]
        load(payroll, "payroll", "payroll.xlsx")
        load(
            [["持证人", "持证人身份证号", "发证日期"], ["李老汉", DEAD, "2023-10-01"]],
            licences.kind,
            "l.xlsx",
        )
    add_user(app, "jian", "inspector", office="县纪委监委")
    client = app.test_client()
    assert sign_in(client, "jian").status_code == 302
    return app, client


def _person_url(client, label):
    data = client.get(f"/staff/inspect/check/{label}?{AS_OF}&format=json").get_json()
    (row,) = data["rows"]
    return row["person_url"]


def _views(app):
    with app.app_context():
        rows = (
            get_db()
            .execute(
                "SELECT target, detail FROM audit_log WHERE action = 'view_register' AND target LIKE 'person:%'"
            )
            .fetchall()
        )
    return [(t, json.loads(d)) for t, d in rows]


def test_a_death_finding_leads_to_every_register_row_beside_the_payments(county_app):
    app, client = county_app
    url = _person_url(client, "paid_after_death")
    data = client.get(f"{url}?format=json").get_json()
    kinds = {r["kind"]: r for r in data["registers"]}
    # the deaths register and the register declared in the test alone, with no edit for it
    assert set(kinds) == {"deaths", "hunting_licences"}
    (death,) = kinds["deaths"]["rows"]
    assert "2024-03-10" in death["cells"] and "县殡仪馆" in death["cells"]
    assert "李*汉" in death["cells"] and "李老汉" not in death["cells"]  # masked until revealed
    (licence,) = kinds["hunting_licences"]["rows"]
    assert licence["cells"] == ["李*汉", DEAD[:6] + "********" + DEAD[-4:], "2023-10-01"]
    assert data["person"]["payment_count"] == 2
    html = client.get(url).get_data(as_text=True)
    assert "死亡火化登记" in html
    assert "狩猎证登记" in html and DEAD not in html and "李老汉" not in html
    views = _views(app)
    assert len(views) == 2  # the JSON and the page: every view is in the audit log
    assert sorted(views[0][1]["registers"]) == ["deaths", "hunting_licences"]
    assert views[0][1]["rows"] == 2
    # after the audited reveal the names are shown as written, never the ID number
    token = csrf_token(client, url)
    client.post(f"{url}/reveal", data={"csrf_token": token, "reason": "核查死亡后发放"})
    full = client.get(f"{url}?format=json").get_json()
    (death,) = [r for r in full["registers"] if r["kind"] == "deaths"][0]["rows"]
    assert "李老汉" in death["cells"] and DEAD not in json.dumps(full)


def test_a_ghost_salary_leads_to_a_person_paid_nothing_else(county_app):
    app, client = county_app
    url = _person_url(client, "payroll_not_on_roll")
    page = client.get(url)
    assert page.status_code == 200  # found by the register alone, not "no such person"
    data = client.get(f"{url}?format=json").get_json()
    assert data["person"]["id_masked"] == GHOST[:6] + "********" + GHOST[-4:]
    assert data["person"]["name_masked"] == "赵*"
    (payroll,) = data["registers"]
    assert payroll["kind"] == "payroll" and len(payroll["rows"]) == 1
    assert "4400.00" in payroll["rows"][0]["cells"]
    assert [d["registers"] for _, d in _views(app)] == [["payroll"], ["payroll"]]

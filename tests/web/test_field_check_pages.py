"""Field checks on the inspectors' pages (issue 16): draw, the printed visit list, a visit, the summary."""

from __future__ import annotations

import io
import json
import re

import pytest
from python_calamine import CalamineWorkbook

from etl.idnum import Hasher
from etl.load import load_file
from fundquery.web.db import get_db
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, PAY_HEADER, make_id, pay_row, write_xlsx
from tests.web.accounts import add_user, csrf_token, sign_in

KEY = b"field-check-pages-key-0123456789"


@pytest.fixture
def county_app(app, tmp_path):
    with app.app_context():
        con = get_db()
        rows = []
        for n in range(1, 9):
            row = pay_row(n, f"村民{n}", id_number=make_id(seq=n))
            row[4] = "城关镇" if n <= 6 else "石桥镇"
            rows.append(row)
        for name, sheet in (
            ("funds", [FUNDS_HEADER, *FUNDS_ROWS]),
            ("payments", [PAY_HEADER, *rows]),
        ):
            result = load_file(
                con,
                write_xlsx(tmp_path / f"{name}.xlsx", sheet),
                name,
                hasher=Hasher(KEY),
                uploaded_by="clerk",
                archive_dir=tmp_path / "up",
            )
            assert result.status == "loaded", result.as_json()
    add_user(app, "jian", "inspector", office="县纪委监委")
    add_user(app, "cai", "finance", office="城关镇财政所")
    client = app.test_client()
    assert sign_in(client, "jian").status_code == 302
    return app, client


def _draw(client, **form):
    token = csrf_token(client, "/staff/inspect/samples")
    return client.post("/staff/inspect/samples", data={"csrf_token": token, **form})


def _audit(app, action):
    with app.app_context():
        rows = (
            get_db()
            .execute(
                "SELECT target, detail FROM audit_log WHERE action = ? ORDER BY audit_id", [action]
            )
            .fetchall()
        )
    return [(t, json.loads(d)) for t, d in rows]


def test_an_inspector_draws_prints_visits_and_sees_the_summary(county_app):
    app, client = county_app
    drawn = _draw(client, fund="F001", year="2024", size="4", seed="31")
    assert drawn.status_code == 302
    url = drawn.headers["Location"]
    data = client.get(f"{url}?format=json").get_json()
    assert data["sample"]["seed"] == 31
    # 4 of 6 and 2: quotas 3 and 1
    assert {s["township"]: s["drawn"] for s in data["sample"]["strata"]} == {
        "城关镇": 3,
        "石桥镇": 1,
    }
    assert all("id_hash" not in m for m in data["members"])
    printed = client.get(data["print_url"]).get_data(as_text=True)
    first = data["members"][0]
    assert first["name"] in printed and first["id_masked"] in printed  # names in full, IDs masked
    assert not re.search(r">H\d{4}<", printed)  # households only after the reveal
    token = csrf_token(client, data["print_url"])
    client.post(
        f"{data['print_url'][: -len('/print')]}/reveal",
        data={"csrf_token": token, "reason": "入户核实"},
    )
    revealed = client.get(data["print_url"]).get_data(as_text=True)
    assert len(re.findall(r">H\d{4}<", revealed)) == 4 and ">1980-01-01<" in revealed
    (reveal,) = _audit(app, "reveal_sample")
    assert reveal[1]["reason"] == "入户核实"
    # the sample page, the list, the list fetched for its form token, the revealed list
    assert [d.get("revealed") for _, d in _audit(app, "view_sample")] == [None, False, False, True]
    # a visit that finds the amount differs becomes a flag for the township's finance office
    visit_url = first["visit_url"]
    token = csrf_token(client, visit_url)
    bad = client.post(
        visit_url,
        data={
            "csrf_token": token,
            "outcome": "amount_differs",
            "note": "少发",
            "recover_yuan": "三百元",
        },
    )
    assert bad.status_code == 400 and "“三百元”" in bad.get_data(as_text=True)
    assert _audit(app, "sample_visit") == []
    done = client.post(
        visit_url,
        data={
            "csrf_token": token,
            "outcome": "amount_differs",
            "note": "农户只收到 600 元",
            "recover_yuan": "292.50",
            "assignee_office": "城关镇财政所",
        },
    )
    assert done.status_code == 302
    after = client.get(f"{url}?format=json").get_json()
    assert after["summary"]["visited_count"] == 1 and after["summary"]["recover_yuan"] == "292.50"
    member = after["members"][0]
    assert member["outcome"] == "amount_differs" and member["flag_url"]
    flag = client.get(f"{member['flag_url']}?format=json").get_json()["flag"]
    assert flag["assignee_office"] == "城关镇财政所" and flag["amount_yuan"] == "292.50"
    figures = {f["title"]: f["value"] for f in flag["figures_list"]}
    assert figures["姓名"] == first["name"][0] + "*" + first["name"][2:]  # masked, labelled
    assert figures["核查结果"] == "金额不符" and figures["应追回金额"] == "292.50"
    # the office sees it among its flags to answer
    office = app.test_client()
    assert sign_in(office, "cai").status_code == 302
    assert "实地抽查：金额不符" in office.get("/staff/flags").get_data(as_text=True)


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({"size": "0"}, "抽样数量“0”"),
        ({"share": "1.5"}, "抽样比例“1.5”"),
        ({"size": "abc"}, "抽样数量“abc”"),
        ({"fund": "F999", "size": "3"}, "资金编码“F999”"),
    ],
    ids=["size-0", "share-over-1", "size-words", "unknown-fund"],
)
def test_a_bad_draw_is_refused_with_its_reason_and_stores_nothing(county_app, form, words):
    app, client = county_app
    page = _draw(client, **form)
    assert page.status_code == 400 and words in page.get_data(as_text=True)
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM samples").fetchone() == (0,)


def test_the_sample_sheet_is_in_the_inspectors_workbook(county_app):
    app, client = county_app
    url = _draw(client, fund="F001", size="3", seed="8").headers["Location"]
    data = client.get(f"{url}?format=json").get_json()
    token = csrf_token(client, data["members"][0]["visit_url"])
    client.post(
        data["members"][0]["visit_url"],
        data={
            "csrf_token": token,
            "outcome": "deceased",
            "note": "已去世",
            "recover_yuan": "892.50",
        },
    )
    book = CalamineWorkbook.from_filelike(io.BytesIO(client.get("/staff/inspect/report.xlsx").data))
    assert "实地抽查" in book.sheet_names
    rows = book.get_sheet_by_name("实地抽查").to_python()
    header = rows[0]
    (row,) = [r for r in rows[1:] if r[0] == data["sample"]["sample_id"]]
    cells = dict(zip(header, row, strict=True))
    assert cells["随机种子"] == "8" and cells["抽取人数"] == 3 and cells["已走访"] == 1
    assert cells["已死亡"] == 1 and cells["应追回金额（元）"] == 892.5
    assert not re.search(r"村民\d", json.dumps(rows, ensure_ascii=False))  # no names in the summary

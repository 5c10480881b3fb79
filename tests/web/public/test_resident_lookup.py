"""The resident lookup at /query and /kiosk: results, household, one failure message, limits, no ID anywhere."""

from __future__ import annotations

import logging
import re

import pytest

from etl import batches as transitions
from etl.idnum import Hasher
from etl.load import load_file
from fundquery import create_app
from fundquery.web.db import EXTENSION, get_db, query
from tests.sheets import write_xlsx
from tests.web.public.county import (
    ALL_IDS,
    ID_KEY,
    MULTI_READING,
    NAMESAKE,
    RESIDENT,
    RETURNED,
    SPOUSE,
    UNPUBLISHED_ONLY,
    county_config,
)

FAILURE = "没有查到可以显示的记录。"
PATHS = ("/query", "/kiosk")


def csrf(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def look_up(client, person_id: str, name: str, path: str = "/query", fmt: str | None = None):
    url = path + ("?format=json" if fmt else "")
    return client.post(
        url, data={"csrf_token": csrf(client, path), "id_number": person_id, "name": name}
    )


@pytest.mark.parametrize("path", PATHS)
def test_form_is_posted_without_form_history(county_client, path):
    html = county_client.get(path).get_data(as_text=True)
    before = html[: html.index('id="id_number"')]
    form = re.search(r"<form[^>]*>", before[before.rindex("<form") :]).group(0)  # the lookup's own
    assert 'method="post"' in form and 'autocomplete="off"' in form
    for field in ("id_number", "name"):
        tag = re.search(rf'<input[^>]*id="{field}"[^>]*>', html).group(0)
        assert 'autocomplete="off"' in tag and 'value=""' in tag


@pytest.mark.parametrize("path", PATHS)
def test_resident_sees_own_and_household_payments(county_client, path):
    response = look_up(county_client, RESIDENT["id"], "张三", path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "420102********" + RESIDENT["id"][-4:] in html
    assert "李*静" in html and "同户" in html  # the spouse, same household and village, masked
    assert "王*" not in html  # same household number in another village is another household
    assert "2024 年" in html and "2023 年" in html
    assert "892.51" in html and "600.00" in html and "50.00" in html
    assert "2,385.01" in html  # 892.50 + 892.51 + 600.00, exact


def test_result_as_json_groups_by_year_and_fund_with_exact_totals(county_client):
    data = look_up(county_client, RESIDENT["id"], "张三", fmt="json").get_json()
    result = data["result"]
    assert result["id_masked"] == "420102********" + RESIDENT["id"][-4:]
    assert [y["year"] for y in result["years"]] == [2024, 2023]
    y2024 = result["years"][0]
    assert y2024["total_yuan"] == "2385.01"
    assert [f["fund_code"] for f in y2024["funds"]] == ["F001", "F002"]
    f001 = y2024["funds"][0]
    assert [r["amount_yuan"] for r in f001["rows"]] == ["892.50", "892.51"]
    assert f001["rows"][0]["quantity"] == "8.5000" and f001["rows"][0]["standard_yuan"] == "105.00"
    assert result["payment_count"] == 4 and result["household_member_count"] == 1
    assert "form" not in data


def test_unpublished_and_retracted_payments_never_show(county_client):
    html = look_up(county_client, RESIDENT["id"], "张三").get_data(as_text=True)
    assert "777.77" not in html and "666.66" not in html
    # a person only in unpublished or retracted batches is not found at all
    assert FAILURE in look_up(county_client, UNPUBLISHED_ONLY["id"], "赵六").get_data(as_text=True)


def test_returned_payment_is_shown_plainly_with_what_to_do(county_client):
    html = look_up(county_client, RETURNED["id"], "欧阳小平").get_data(as_text=True)
    assert "退回" in html and "到乡镇财政所核对账户信息" in html
    assert "其中退回未到账 210.00 元" in html


@pytest.mark.parametrize(
    ("person_id", "name"),
    [
        (RESIDENT["id"], "张四"),  # wrong name
        (RESIDENT["id"], ""),  # no name
        (
            RESIDENT["id"][:-1] + ("0" if RESIDENT["id"][-1] != "0" else "1"),
            "张三",
        ),  # check digit wrong
        ("12345", "张三"),  # malformed
        ("", ""),
        ("420102195603041", "张三"),  # too short
        (NAMESAKE["id"].replace("420102", "110105"), "王五"),  # valid-looking, not in the store
        (UNPUBLISHED_ONLY["id"], "赵六"),  # only in unpublished/retracted batches
    ],
    ids=[
        "wrong-name",
        "no-name",
        "check-digit",
        "malformed",
        "empty",
        "short",
        "unknown",
        "unpublished",
    ],
)
@pytest.mark.parametrize("path", PATHS)
def test_every_failure_gets_the_same_calm_message(county_client, person_id, name, path):
    response = look_up(county_client, person_id, name, path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert FAILURE in html and "0710-1234567" in html
    assert "查询结果" not in html
    # nothing in the page differs by failure kind: strip the per-request token and compare
    reference = look_up(county_client, "", "", path).get_data(as_text=True)
    strip = lambda text: re.sub(r'value="[^"]*"', "", text)  # noqa: E731
    assert strip(html) == strip(reference)


def test_the_message_link_appears_when_the_message_form_exists(county_app):
    client = county_app.test_client()
    html = look_up(client, "1", "x").get_data(as_text=True)
    if "public.messages" in county_app.view_functions:
        assert 'href="/messages' in html
    else:
        assert "在网上留言" not in html


def test_id_number_is_accepted_as_people_type_it(county_client):
    typed = " ".join([RESIDENT["id"][:6], RESIDENT["id"][6:14], RESIDENT["id"][14:]])
    full_width = typed.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert "查询结果" in look_up(county_client, full_width, "张 三").get_data(as_text=True)


def test_lookups_are_audited_without_the_id(county_app, county_client):
    look_up(county_client, RESIDENT["id"], "张三")
    look_up(county_client, RESIDENT["id"], "错名")
    with county_app.app_context():
        rows = query(
            "SELECT actor, action, detail FROM audit_log WHERE action = 'resident_lookup' ORDER BY audit_id"
        )
    assert [r["detail"].count('"found": true') for r in rows] == [1, 0]
    assert not any(i in str(rows) for i in ALL_IDS)


def test_pinyin_initials_only_behind_the_setting(county_db):
    for allowed in (False, True):
        app = create_app(county_config(county_db, LOOKUP_PINYIN_INITIALS=allowed))
        client = app.test_client()
        html = look_up(client, RESIDENT["id"], "zs", "/kiosk").get_data(as_text=True)
        assert ("查询结果" in html) is allowed
        # every reading of a 多音字 counts: 单 is d, s or c
        for initials in ("DTF", "STF", "CTF"):
            html = look_up(client, MULTI_READING["id"], initials, "/kiosk").get_data(as_text=True)
            assert ("查询结果" in html) is allowed
        assert FAILURE in look_up(client, MULTI_READING["id"], "XTF", "/kiosk").get_data(
            as_text=True
        )
        assert ("拼音首字母" in client.get("/kiosk").get_data(as_text=True)) is allowed
        app.extensions[EXTENSION].close()


def test_rate_limit_answers_with_the_same_message(county_db):
    app = create_app(county_config(county_db, LOOKUP_RATE_LIMIT="3 per minute;5 per hour"))
    client = app.test_client()
    codes = [
        look_up(client, RESIDENT["id"], "张三", path).status_code
        for path in ("/query", "/kiosk", "/query")
    ]
    assert codes == [200, 200, 200]
    limited = look_up(
        client, RESIDENT["id"], "张三", "/kiosk"
    )  # /query and /kiosk share one budget
    html = limited.get_data(as_text=True)
    assert limited.status_code == 429
    assert FAILURE in html and "查询结果" not in html and RESIDENT["id"] not in html
    assert client.get("/query").status_code == 200  # showing the form is not a lookup
    other = app.test_client()
    other_html = other.post(
        "/query",
        data={"csrf_token": csrf(other, "/query"), "id_number": RESIDENT["id"], "name": "张三"},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert "查询结果" in other_html.get_data(as_text=True)  # per client address
    app.extensions[EXTENSION].close()


def test_default_limits_are_ten_a_minute_and_fifty_an_hour(county_app):
    assert county_app.config["LOOKUP_RATE_LIMIT"] == "10 per minute;50 per hour"
    client = county_app.test_client()
    codes = [look_up(client, "1", "x").status_code for _ in range(11)]
    assert codes == [200] * 10 + [429]


def test_id_number_never_appears_in_a_response_url_or_log(county_client, caplog):
    caplog.set_level(logging.DEBUG)
    seen = []
    for person in (RESIDENT, SPOUSE, RETURNED, UNPUBLISHED_ONLY):
        for path in PATHS:
            for name in (person["name"], "错名"):
                response = look_up(county_client, person["id"], name, path)
                seen.append(response.get_data(as_text=True))
                seen.append(str(response.headers))
                seen.append(
                    look_up(county_client, person["id"], name, path, fmt="json").get_data(
                        as_text=True
                    )
                )
    for url in (
        "/notices/2024/F001/城关镇/东风村",
        "/opendata/payments.csv",
        "/opendata/payments.json",
        "/api/v1/payments",
        "/opendata/staff.csv",
        "/api/v1/staff",
        "/funds/2024/F001",
    ):
        seen.append(county_client.get(url).get_data(as_text=True))
    everything = "\n".join(seen) + caplog.text
    for number in ALL_IDS:
        assert number not in everything
        assert number[6:14] + number[14:17] not in everything  # no birth date + sequence either


def test_async_audit_writes_the_lines_in_batches(county_db):
    app = create_app(county_config(county_db, LOOKUP_AUDIT_ASYNC=True))
    client = app.test_client()
    look_up(client, RESIDENT["id"], "张三")
    look_up(client, RESIDENT["id"], "错名", "/kiosk")
    writer = app.extensions["fundquery.audit_writer"]
    writer.flush()  # the background thread would do it within half a second
    with app.app_context():
        rows = query(
            "SELECT detail FROM audit_log WHERE action = 'resident_lookup' ORDER BY audit_id"
        )
    assert [
        ('"found": true' in r["detail"], '"channel": "kiosk"' in r["detail"]) for r in rows
    ] == [(True, False), (False, True)]
    app.extensions[EXTENSION].close()


def test_fund_names_follow_a_replaced_catalogue(county_app, county_client, county, tmp_path):
    """The lookup caches fund names per set of published catalogues: a replacement shows at once."""
    assert "耕地地力保护补贴" in look_up(county_client, RESIDENT["id"], "张三").get_data(
        as_text=True
    )
    rows = [
        ["资金编码", "资金名称", "主管部门", "年度", "预算金额", "发放对象"],
        ["F001", "耕地地力保护补贴(更正)", "县农业农村局", "2024", "1,000,000.00", "到人"],
        ["F002", "城乡居民最低生活保障", "县民政局", "2024", "500,000.00", "到人"],
        ["F003", "村道硬化", "县交通运输局", "2024", "2,000,000.00", "到项目"],
        ["F004", "临时救助", "县民政局", "2023", "120,000.00", "到人"],
    ]
    with county_app.app_context():
        result = load_file(
            get_db(),
            write_xlsx(tmp_path / "funds2.xlsx", rows),
            "funds",
            hasher=Hasher(ID_KEY),
            uploaded_by="tester",
            archive_dir=tmp_path / "uploads",
            replaces=county["funds"],
        )
        assert result.status == "loaded", result.as_json()
        transitions.publish(get_db(), result.batch, actor="reviewer")
    assert "耕地地力保护补贴(更正)" in look_up(county_client, RESIDENT["id"], "张三").get_data(
        as_text=True
    )


def test_a_stranger_who_shares_the_lookup_key_is_never_shown(county_app, county_client):
    """The lookup goes by the 60-bit key (etl/sql/025_lookup_key.sql); two people may share one, and only
    the rows whose whole hash is the resident's are the resident's."""
    own_hash = Hasher(ID_KEY)(RESIDENT["id"])
    stranger_hash = own_hash[:15] + ("0" if own_hash[15] != "0" else "1") + own_hash[16:]
    with county_app.app_context():
        db = get_db()
        batch = db.execute(
            "SELECT batch_id FROM payments WHERE id_hash = ? LIMIT 1", [own_hash]
        ).fetchone()[0]
        db.execute(
            "INSERT INTO payments (batch_id, row_no, fund_code, year, township, village, name, id_hash,"
            " id_key, id_masked, amount_yuan)"
            " SELECT batch_id, 9999, fund_code, year, township, village, '钱多多', ?, ?, 'x', 777.77"
            " FROM payments WHERE id_hash = ? LIMIT 1",
            [stranger_hash, int(own_hash[:15], 16), own_hash],
        )
        assert db.execute(
            "SELECT count(DISTINCT id_hash) FROM payments WHERE batch_id = ? AND id_key = ?",
            [batch, int(own_hash[:15], 16)],
        ).fetchone() == (2,)
    html = look_up(county_client, RESIDENT["id"], "张三").get_data(as_text=True)
    assert "892.51" in html  # the resident's own
    assert "777.77" not in html and "钱*多" not in html

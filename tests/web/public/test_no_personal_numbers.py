"""Issue 15 §1: no full personal number on any public page, download or API answer.

The county (tests/web/public/county.py) holds ID numbers and bank accounts where they
belong (a roster's 身份证号 and 银行账号, the staff roll, a complainant's phone).
Here personal numbers are also forced into every published free-text column, a
published reply and question, and a published 整改 notice, directly in SQL: the
loader and the desk now refuse them, but a store written before may hold them.
Then every public GET route of ``app.url_map`` is requested, its parameters filled
from the store, each page also as ``?format=json``, each dataset in every format,
and no answer may carry any of the numbers in full.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from stdnum import luhn

from etl.store import connect
from fundquery.accounts.access import PUBLIC_ENDPOINTS
from fundquery.inspect import flags
from fundquery.messages import store as messages
from fundquery.messages import workflow
from fundquery.queries.datasets import DATASETS
from fundquery.web.db import get_db
from tests.sheets import make_id
from tests.web.public.county import ALL_IDS

# Routes that serve files of the code base, not data.
NO_DATA = {"static", "assets.plotly_js"}


def _card(stem: str) -> str:
    return stem + luhn.calc_check_digit(stem)


class Planted:
    """Distinct numbers, one per place, so a leak names its place."""

    def __init__(self):
        self.by_place: dict[str, str] = {}
        self._n = 0

    def next(self, place: str) -> str:
        self._n += 1
        kind = self._n % 3
        if kind == 0:
            number = make_id("411524", f"1970{1 + self._n % 12:02d}15", 100 + self._n)
        elif kind == 1:
            number = f"1{3 + self._n % 7}8{self._n:08d}"
        else:
            number = _card(f"62220212{self._n:07d}")
        self.by_place[place] = number
        return number


# (table, column): the published free-text columns whose values are not URL keys.
FORCED_COLUMNS = [
    ("funds", "fund_name"),
    ("funds", "category"),
    ("funds", "department"),
    ("funds", "level"),
    ("funds", "policy_basis"),
    ("projects", "project_name"),
    ("projects", "contractor"),
    ("projects", "status"),
    ("payments", "period"),
    ("payments", "village_group"),
    ("payments", "name"),
    ("payments", "household_no"),
    ("payments", "voucher_no"),
    ("disbursements", "voucher_no"),
    ("disbursements", "payee"),
    ("disbursements", "reason"),
    ("budgets", "department"),
    ("budgets", "item"),
    ("agencies", "department"),
    ("staff", "name"),
    ("staff", "post"),
]


def _force(con, planted: Planted) -> None:
    for table, column in FORCED_COLUMNS:
        # Every row of the table: whichever row a page shows, it carries a number.
        rows = con.execute(f"SELECT batch_id, row_no FROM {table}").fetchall()  # noqa: S608
        for batch_id, row_no in rows:
            number = planted.next(f"{table}.{column}#{batch_id}.{row_no}")
            con.execute(
                f'UPDATE {table} SET "{column}" = ? WHERE batch_id = ? AND row_no = ?',  # noqa: S608
                [f"见{number}", batch_id, row_no],
            )


def _published_message(con, planted: Planted) -> None:
    receipt = messages.submit(
        con,
        message_type="投诉",
        township="城关镇",
        village="东风村",
        fund_code="F001",
        body=f"我的卡 {planted.next('message.body')} 没到账",  # never published
        name="张三",
        phone=planted.next("message.sender_phone"),  # allowed: never published
    )
    mid = receipt.message_id
    workflow.register(
        con, mid, category="补贴发放", department="城关镇财政所", working_days=3, actor="desk"
    )
    workflow.route(con, mid, actor="desk")
    workflow.answer(con, mid, reply="已补发。", actor="wang", office="城关镇财政所")
    workflow.review(con, mid, public_body="卡没到账。", is_listed=True, actor="head")
    workflow.publish(con, mid, actor="head")
    con.execute(
        "UPDATE messages SET reply = ?, public_body = ?, department = ? WHERE message_id = ?",
        [
            f"请联系 {planted.next('message.reply')}",
            f"我的证号 {planted.next('message.public_body')}",
            f"城关镇财政所{planted.next('message.department')}",
            mid,
        ],
    )


def _published_notice(con, planted: Planted) -> None:
    notice_id = flags.create_notice(con, "整改情况公示", "inspector")
    flags.publish_notice(con, notice_id, "head")
    body = {
        "items": [
            {
                "flag_id": 1,
                "check_label": "ghost_staff",
                "title": f"吃空饷 {planted.next('notice.item.title')}",
                "township": "城关镇",
                "fund_code": "F001",
                "amount_yuan": "100.00",
                "outcome": "recovered",
                "recovered_yuan": "100.00",
                "resolved_on": "2024-05-01",
                "assignee_office": f"县财政局 {planted.next('notice.item.office')}",
                "agency_name": f"县财政局 {planted.next('notice.item.agency')}",
                "name": f"张* {planted.next('notice.item.name')}",
            }
        ],
        "summary": {},
    }
    con.execute(
        "UPDATE rectification_notices SET title = ?, body = ? WHERE notice_id = ?",
        [
            f"整改公示 {planted.next('notice.title')}",
            json.dumps(body, ensure_ascii=False),
            notice_id,
        ],
    )


@pytest.fixture
def planted(county_db) -> Planted:
    planted = Planted()
    con = connect(county_db)
    try:
        _force(con, planted)
        _published_message(con, planted)
        _published_notice(con, planted)
    finally:
        con.close()
    return planted


def _urls(app, con) -> dict[str, list[str]]:
    """endpoint -> the URLs to request, parameters taken from the store."""
    keys = {
        "public.fund": con.execute("SELECT DISTINCT year, fund_code FROM funds").fetchall(),
        "public.agency": con.execute("SELECT DISTINCT agency_name FROM agencies").fetchall(),
        "public.notice": con.execute(
            "SELECT DISTINCT year, fund_code, township, village FROM payments"
        ).fetchall(),
        "public.download": [(n, f) for n in DATASETS for f in ("csv", "xlsx", "json")],
        "api.rows": [(n,) for n in DATASETS],
        "public.annual": con.execute("SELECT DISTINCT year FROM funds").fetchall(),
    }
    keys["public.notice_print"] = keys["public.notice"]
    urls: dict[str, list[str]] = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint not in PUBLIC_ENDPOINTS or rule.endpoint in NO_DATA:
                continue
            if "GET" not in rule.methods:
                continue
            names = [n for n in rule.arguments]
            if not names:
                urls[rule.endpoint] = [rule.build({}, append_unknown=False)[1]]
                continue
            ordered = {
                "public.fund": ("year", "fund_code"),
                "public.agency": ("agency_name",),
                "public.notice": ("year", "fund_code", "township", "village"),
                "public.notice_print": ("year", "fund_code", "township", "village"),
                "public.download": ("name", "fmt"),
                "api.rows": ("name",),
                "public.annual": ("year",),
            }[rule.endpoint]
            assert set(ordered) == set(names), (rule.endpoint, names)
            urls[rule.endpoint] = [
                rule.build(dict(zip(ordered, values, strict=True)), append_unknown=False)[1]
                for values in keys[rule.endpoint]
            ]
    return urls


def _texts(body: bytes) -> str:
    """The answer as text; an xlsx (a zip) as the text of every part."""
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return body.decode("utf-8", "replace")


def test_no_public_answer_carries_a_full_personal_number(planted, county_app, county_db):
    client = county_app.test_client()
    with county_app.app_context():
        urls = _urls(county_app, get_db())
    public_get = {
        r.endpoint
        for r in county_app.url_map.iter_rules()
        if r.endpoint in PUBLIC_ENDPOINTS and "GET" in r.methods and r.endpoint not in NO_DATA
    }
    assert set(urls) == public_get  # a new public route is walked too
    full = {**planted.by_place, **{f"county.id{i}": n for i, n in enumerate(ALL_IDS)}}
    # the county's bank accounts, as its roster wrote them
    full["county.bank_account"] = "6228480012345678901"
    leaks: dict[str, list[str]] = {}
    requested = 0
    for endpoint, paths in sorted(urls.items()):
        assert paths, f"no parameters found in the store for {endpoint}"
        for path in paths:
            variants = [path]
            if endpoint not in ("public.download", "api.rows", "api.index", "public.healthz"):
                variants.append(path + ("&" if "?" in path else "?") + "format=json")
            for url in variants:
                response = client.get(url)
                requested += 1
                assert response.status_code in (200, 302), (url, response.status_code)
                text = _texts(response.get_data())
                for place, number in full.items():
                    if number in text:
                        leaks.setdefault(url, []).append(place)
    assert requested > 30
    assert leaks == {}

"""Public pages on a small published county: notices, funds, projects, budgets, staffing, open data."""

from __future__ import annotations

import csv
import io
import json
import re
import tracemalloc
from decimal import Decimal
from urllib.parse import quote

import pytest
import segno
from python_calamine import CalamineWorkbook

from fundquery.web.db import get_db
from fundquery.web.security import CHART_CONTENT_SECURITY_POLICY
from tests.web.public.county import ALL_IDS

NOTICE = "/notices/2024/F001/城关镇/东风村"
NOTICE_QUOTED = quote(NOTICE)
PAGES = [
    "/funds",
    "/funds/2024/F001",
    "/funds/2024/F003",
    "/notices",
    NOTICE,
    NOTICE + "/print",
    "/projects",
    "/budgets",
    "/staffing",
    "/staffing/agency/县财政局",
    "/opendata",
    "/query",
    "/kiosk",
]


def read_csv(response) -> list[dict]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_in_both_languages(county_client, url, lang):
    response = county_client.get(url, query_string={"lang": lang})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in html
    # no inline script: only <script src> from the app and JSON data blocks
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
    for number in ALL_IDS:
        assert number not in html


@pytest.mark.parametrize("url", [p for p in PAGES if p not in ("/query", "/kiosk")])
def test_every_page_serves_its_data_as_json(county_client, url):
    response = county_client.get(url, query_string={"format": "json"})
    assert response.status_code == 200 and response.is_json


@pytest.mark.parametrize(
    "url",
    [
        "/funds/2024/NOPE",
        "/funds/2030/F001",
        "/notices/2024/F001/城关镇/无此村",
        "/staffing/agency/无此单位",
        "/opendata/nothing.csv",
        "/api/v1/nothing",
        "/budgets?year=1999",
    ],
)
def test_missing_things_are_404(county_client, url):
    assert county_client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/funds?year=abc",
        "/api/v1/funds?year=x",
        "/api/v1/funds?page=x",
        "/opendata/funds.csv?year=二〇二四",
    ],
)
def test_malformed_arguments_are_400(county_client, url):
    assert county_client.get(url).status_code == 400


def test_village_notice_masks_names_and_shows_no_identifiers(county_client):
    html = county_client.get(NOTICE).get_data(as_text=True)
    assert "张*" in html and "欧**平" in html and "单*芳" in html
    assert "李*静" in county_client.get("/notices/2024/F002/城关镇/东风村").get_data(as_text=True)
    for full in ("张三", "欧阳小平", "单田芳"):
        assert full not in html
    assert "6228" not in html and "H0001" not in html
    assert (
        "777.77" not in html and "666.66" not in html and "赵*" not in html
    )  # unpublished, retracted
    assert "王*" not in html  # another village
    assert "892.50" in html and "8.5" in html and "105.00" in html and "2024-03-15" in html


def test_notice_print_has_a_qr_code_of_the_online_notice(county_client, county_app):
    county_app.config["PUBLIC_BASE_URL"] = "https://czgk.example.gov.cn"
    html = county_client.get(NOTICE + "/print").get_data(as_text=True)
    assert "<svg" in html and "data-print" in html and "张*" in html
    assert "https://czgk.example.gov.cn/notices/2024/F001/" in html
    assert (
        "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    )  # CSP forbids inline styles


def _qr_path(html: str) -> str:
    """The drawing of the page's QR code (the modules, without title or size)."""
    return re.search(r'<svg[^>]*class="segno".*? d="([^"]+)"', html, re.S).group(1)


def test_notice_print_qr_never_comes_from_the_host_header(county_client, county_app):
    """A forged Host must not end up in the code villagers scan from the notice board."""
    forged = {"Host": "czgk.evil.example"}
    county_app.config["PUBLIC_BASE_URL"] = "https://czgk.example.gov.cn/"
    html = county_client.get(NOTICE + "/print", headers=forged).get_data(as_text=True)
    assert "evil" not in html
    expected = "https://czgk.example.gov.cn" + NOTICE_QUOTED
    assert expected in html
    drawn = segno.make(expected, error="m").svg_inline(scale=4, dark="#000")
    assert _qr_path(html) == _qr_path(drawn)
    # Without PUBLIC_BASE_URL there is no QR code at all, and the page says why.
    county_app.config["PUBLIC_BASE_URL"] = None
    response = county_client.get(NOTICE + "/print", headers=forged)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "张*" in html
    assert "<svg" not in html and "evil" not in html
    assert 'id="no-qr"' in html and "PUBLIC_BASE_URL" in html
    data = county_client.get(NOTICE + "?format=json", headers=forged).get_json()
    assert data["online_url"] is None


def test_notices_list_only_published(county_client):
    data = county_client.get("/notices?format=json").get_json()
    villages = {(n["fund_code"], n["village"]): n for n in data["notices"]}
    assert villages[("F001", "东风村")]["payment_count"] == 4
    assert villages[("F001", "东风村")]["amount_yuan"] == "2310.01"
    assert ("F001", "红旗村") in villages and ("F004", "东风村") in villages


def _facet_checks(client, facet_values):
    for facet, entry in facet_values:
        if entry["value"] is None:
            continue
        rows = read_csv(client.get("/opendata/funds.csv", query_string={facet: entry["value"]}))
        assert len(rows) == entry["fund_count"], (facet, entry)
        assert sum(Decimal(r["预算金额(元)"]) for r in rows) == Decimal(entry["budget_yuan"]), (
            facet,
            entry,
        )


def test_catalogue_facet_counts_and_totals_match_the_downloads(county_client):
    data = county_client.get("/funds?format=json").get_json()
    assert data["totals"] == {"fund_count": 4, "budget_yuan": "3620000.00", "unbudgeted_count": 0}
    _facet_checks(county_client, [(f, e) for f, values in data["facets"].items() for e in values])
    chosen = county_client.get("/funds?format=json&year=2024&pays_to=persons").get_json()
    assert chosen["totals"] == {"fund_count": 2, "budget_yuan": "1500000.00", "unbudgeted_count": 0}
    rows = read_csv(county_client.get(chosen["downloads"]["csv"]))
    assert len(rows) == 2 and sum(Decimal(r["预算金额(元)"]) for r in rows) == Decimal("1500000.00")
    departments = {e["value"]: e["fund_count"] for e in chosen["facets"]["department"]}
    assert departments == {"县农业农村局": 1, "县民政局": 1}


def test_fund_page_breaks_the_money_down(county_client):
    response = county_client.get("/funds/2024/F001")
    data = county_client.get("/funds/2024/F001?format=json").get_json()
    assert data["money"]["disbursed_yuan"] == "500000.00"
    assert data["money"]["paid_to_persons_yuan"] == "2415.01"  # published batches only
    assert data["money"]["payment_count"] == 5
    assert {(v["village"], v["paid_yuan"]) for v in data["villages"]} == {
        ("东风村", "2310.01"),
        ("红旗村", "105.00"),
    }
    assert [m["month"] for m in data["months"]] == ["2024-03", "2024-09"]
    html = response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"] == CHART_CONTENT_SECURITY_POLICY
    blocks = re.findall(
        r'<script type="application/json" data-chart="([^"]+)">(.*?)</script>', html, re.S
    )
    assert [b[0] for b in blocks] == ["chart-villages", "chart-months"]
    treemap = json.loads(blocks[0][1])
    assert treemap["data"][0]["type"] == "treemap" and "东风村" in treemap["data"][0]["labels"]
    assert '<script src="/static/vendor/plotly.min.js' in html and "/static/js/charts.js" in html


def test_project_fund_page_lists_its_projects(county_client):
    data = county_client.get("/funds/2024/F003?format=json").get_json()
    assert [p["project_name"] for p in data["projects"]] == ["东风村道路硬化", "红旗村桥梁"]
    assert (
        data["money"]["projects_yuan"] == "350000.50"
        and data["money"]["disbursed_yuan"] == "100000.00"
    )


def test_projects_page_filters_and_downloads_the_same_rows(county_client):
    data = county_client.get("/projects?format=json&status=完工").get_json()
    assert [p["project_name"] for p in data["projects"]] == ["红旗村桥梁"]
    rows = read_csv(county_client.get(data["downloads"]["csv"]))
    assert [r["项目名称"] for r in rows] == ["红旗村桥梁"]
    assert rows[0]["实施单位"] == "'@SUM(1+1)"  # formula injection neutralised


def test_budgets_show_three_public_lines(county_client):
    data = county_client.get("/budgets?format=json").get_json()
    assert data["year"] == 2024 and data["total_yuan"] == "5042000.00"
    assert data["three_public_total_yuan"] == "42000.00"
    assert {(r["department"], r["item"]) for r in data["three_public"]} == {
        ("县财政局", "公务接待费"),
        ("县财政局", "公务用车购置及运行费"),
        ("县民政局", "因公出国(境)费"),
    }
    html = county_client.get("/budgets").get_data(as_text=True)
    assert "三公经费" in html and "42,000.00" in html


def test_staffing_counts_serving_staff_against_quota(county_client):
    data = county_client.get("/staffing?format=json").get_json()
    agencies = {a["agency_name"]: a for a in data["agencies"]}
    assert (
        agencies["县财政局"]["quota"] == 2 and agencies["县财政局"]["actual"] == 3
    )  # the retired one not counted
    assert agencies["县财政局"]["over_quota"] == 1 and agencies["县国库支付中心"]["actual"] == 1
    html = county_client.get("/staffing").get_data(as_text=True)
    assert 'data-chart="chart-main"' in html and "超编 1" in html


def test_agency_roll_has_names_posts_and_types_but_no_ids(county_client):
    data = county_client.get("/staffing/agency/县财政局?format=json").get_json()
    assert [(s["name"], s["post"], s["staffing_type"]) for s in data["roll"]] == [
        ("刘一", "局长", "行政"),
        ("陈二", "科员", "行政"),
        ("周三", "科员", "行政"),
    ]
    rows = read_csv(county_client.get("/opendata/staff.csv?agency_name=县财政局"))
    assert list(rows[0]) == ["单位代码", "单位名称", "姓名", "职务(岗位)", "编制类型"]
    assert len(rows) == 3


@pytest.mark.parametrize(
    "name", ["funds", "payments", "disbursements", "projects", "budgets", "agencies", "staff"]
)
def test_downloads_agree_in_every_format_and_with_the_api(county_client, name):
    csv_rows = read_csv(county_client.get(f"/opendata/{name}.csv"))
    json_rows = json.loads(county_client.get(f"/opendata/{name}.json").get_data(as_text=True))
    api = county_client.get(f"/api/v1/{name}?per_page=1000").get_json()
    sheet = CalamineWorkbook.from_filelike(
        io.BytesIO(county_client.get(f"/opendata/{name}.xlsx").data)
    )
    xlsx_rows = sheet.get_sheet_by_index(0).to_python()
    assert (
        len(csv_rows)
        == len(json_rows)
        == api["total"]
        == len(api["rows"])
        == len(xlsx_rows) - 1
        > 0
    )
    assert api["rows"] == json_rows
    assert list(csv_rows[0]) == [str(h) for h in xlsx_rows[0]]
    text = json.dumps(json_rows, ensure_ascii=False) + repr(xlsx_rows)
    for forbidden in ("id_hash", "id_masked", "bank_account", "6228", *ALL_IDS):
        assert forbidden not in text


def test_formula_cells_are_escaped_in_csv_and_xlsx(county_client):
    csv_rows = read_csv(county_client.get("/opendata/funds.csv?year=2023"))
    assert csv_rows[0]["资金名称"] == '\'=HYPERLINK("http://x")'
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(county_client.get("/opendata/funds.xlsx?year=2023").data)
    )
    assert book.get_sheet_by_index(0).to_python()[1][1] == '\'=HYPERLINK("http://x")'


def test_api_pages_through_a_dataset(county_client):
    first = county_client.get("/api/v1/payments?per_page=2").get_json()
    assert first["total"] == 7 and len(first["rows"]) == 2 and first["next"]
    second = county_client.get(first["next"]).get_json()
    assert second["page"] == 2 and second["rows"] != first["rows"]
    everything = county_client.get("/api/v1/payments?per_page=1000").get_json()["rows"]
    assert first["rows"] + second["rows"] == everything[:4]
    assert county_client.get("/api/v1/").get_json()["datasets"][0]["name"] == "funds"


def _add_rows(app, batch: int, first: int, count: int) -> None:
    with app.app_context():
        get_db().execute(
            "INSERT INTO payments (batch_id, row_no, fund_code, year, township, village, name, id_hash, id_masked,"
            " amount_yuan) SELECT ?, i, 'F001', 2024, '城关镇', '大村', '某某某', md5(i::VARCHAR), 'x', 1.25"
            " FROM range(?, ?) r(i)",
            [batch, first, first + count],
        )


def _traced_download(client, url: str) -> tuple[int, int]:
    """(bytes sent, peak Python memory while sending)."""
    tracemalloc.start()
    response = client.get(url)
    assert response.is_streamed
    size = sum(len(chunk) for chunk in response.response)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return size, peak


def test_downloads_stream_in_constant_memory(county_app, county_client, county):
    """Twice the rows, the same memory (it levels off at ~11 MiB: one 10,000-row fetch): never all rows at once."""
    url = "/opendata/payments.{}?village=大村"
    _add_rows(county_app, county["payments"], 1000, 20_000)
    small = {fmt: _traced_download(county_client, url.format(fmt)) for fmt in ("csv", "json")}
    _add_rows(county_app, county["payments"], 21_000, 20_000)
    for fmt, (small_size, small_peak) in small.items():
        size, peak = _traced_download(county_client, url.format(fmt))
        assert size > 1.9 * small_size
        assert peak < 1.2 * small_peak, (
            f"{fmt}: {small_peak / 2**20:.1f} MiB for 20k rows, {peak / 2**20:.1f} for 40k"
        )
    xlsx = county_client.get(url.format("xlsx"))
    assert xlsx.is_streamed
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(xlsx.get_data()))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert len(rows) == 40_001

"""Vehicles, businesses and real estate against means-tested payments (issue 16).

A fund catalogue with a 是否经济状况核查 column, payments and the three registers are written here
as spreadsheets in the registers' own header variants and loaded through the real loader.  Each
person below is one case; the comment says what the checks must make of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from etl.store import connect, migrate, migrations
from fundquery.inspect import CHECKS, Params, run
from fundquery.queries.datasets import DATASETS
from tests.sheets import PAY_HEADER, make_id, pay_row, write_csv, write_xlsx

PARAMS = Params(as_of=dt.date(2024, 12, 31))

FUNDS = [
    ["资金编码", "资金名称", "主管部门", "年度", "预算金额", "发放对象", "是否经济状况核查"],
    ["F001", "耕地地力保护补贴", "县农业农村局", "2024", "1,000,000.00", "到人", ""],  # name: no
    ["F002", "城乡居民最低生活保障", "县民政局", "2024", "500,000.00", "到人", ""],  # name: yes
    ["F004", "困难家庭救济金", "县民政局", "2024", "100,000.00", "到人", "是"],  # declared yes
    ["F005", "特困人员救助供养金", "县民政局", "2024", "100,000.00", "到人", "否"],  # declared no
]

PEOPLE = {  # name -> ID
    name: make_id(birth=f"19{60 + i}0101", seq=600 + i)
    for i, name in enumerate(
        ["周甲", "吴乙", "郑丙", "王丁", "冯戊", "陈己", "褚庚", "卫辛", "蒋壬", "沈癸", "韩子"]
    )
}


def _pay(n, name, fund, paid):
    return pay_row(n, name, fund=fund, period=paid[:7], paid=paid, id_number=PEOPLE[name])


PAYMENTS = [
    _pay(1, "周甲", "F002", "2024-03-15"),  # car bought 2024-05-01: 06-15 and 09-15 only
    _pay(2, "周甲", "F002", "2024-06-15"),
    _pay(3, "周甲", "F002", "2024-09-15"),
    _pay(4, "吴乙", "F004", "2024-03-15"),  # a fund declared means-tested: found
    _pay(5, "郑丙", "F005", "2024-03-15"),  # a 特困 fund declared not means-tested: not found
    _pay(6, "王丁", "F001", "2024-03-15"),  # the farmland subsidy: not means-tested
    _pay(7, "冯戊", "F002", "2024-03-15"),  # a motorcycle: exempt
    _pay(8, "陈己", "F002", "2024-03-15"),  # status E (注销) with no date: left out
    _pay(9, "褚庚", "F002", "2024-03-15"),  # car cancelled 2024-05-01: 03-15 only
    _pay(10, "褚庚", "F002", "2024-07-15"),
    _pay(11, "卫辛", "F002", "2024-03-15"),  # company revoked 2024-06-01: 03-15 only
    _pay(12, "卫辛", "F002", "2024-07-15"),
    _pay(13, "蒋壬", "F002", "2024-03-15"),  # a shop of 3 万元: below the threshold
    _pay(14, "沈癸", "F002", "2024-03-15"),  # a shop cancelled in 2023: not found
    _pay(15, "韩子", "F002", "2024-03-15"),  # 98.56 m² by March, 184.76 m² from May: 07-15 only
    _pay(16, "韩子", "F002", "2024-07-15"),
]

# The traffic police's export: 机动车所有人, 身份证明号码, 号牌号码, 车辆类型, 使用性质, 初次登记日期, 机动车状态.
VEHICLES = [
    ["机动车登记信息查询结果"],
    ["序号", "号牌号码", "车辆类型", "机动车所有人", "身份证明号码", "使用性质", "初次登记日期", "机动车状态", "注销日期"],
    ["1", "豫P1A001", "小型轿车", "周甲", PEOPLE["周甲"], "非营运", "2024-05-01", "A", ""],
    ["2", "豫P1A002", "小型普通客车", "吴乙", PEOPLE["吴乙"], "非营运", "2020-01-01", "A", ""],
    ["3", "豫P1A003", "小型普通客车", "郑丙", PEOPLE["郑丙"], "非营运", "2020-01-01", "A", ""],
    ["4", "豫P1A004", "小型普通客车", "王丁", PEOPLE["王丁"], "非营运", "2020-01-01", "A", ""],
    ["5", "豫P1A005", "普通二轮摩托车", "冯戊", PEOPLE["冯戊"], "非营运", "2020-01-01", "A", ""],
    ["6", "豫P1A006", "小型轿车", "陈己", PEOPLE["陈己"], "非营运", "2019-01-01", "E", ""],
    ["7", "豫P1A007", "小型轿车", "褚庚", PEOPLE["褚庚"], "非营运", "2019-01-01", "E", "2024-05-01"],
]  # fmt: skip

# The market regulator's export, GBK csv, 注册资本 in 万元.
BUSINESSES = [
    ["2024年度市场主体登记信息"],
    ["序号", "统一社会信用代码", "企业名称", "市场主体类型", "法定代表人", "证件号码", "注册资本(万元)", "成立日期", "登记状态", "注销日期", "吊销日期"],
    ["1", "91411522MA0000001X", "清溪县卫辛商贸有限公司", "有限责任公司", "卫辛", PEOPLE["卫辛"], "50", "2020-04-01", "吊销", "", "2024-06-01"],
    ["2", "92411522MA0000002X", "清溪县蒋壬农资店", "个体工商户", "蒋壬", PEOPLE["蒋壬"], "3", "2021-04-01", "存续", "", ""],
    ["3", "92411522MA0000003X", "清溪县沈癸百货店", "个体工商户", "沈癸", PEOPLE["沈癸"], "80", "2018-04-01", "注销", "2023-12-01", ""],
]  # fmt: skip

# The real-estate centre's export: 权利人, 证件号码, 坐落, 用途, 建筑面积(㎡), 登簿日期.
PROPERTIES = [
    ["不动产登记信息查询结果"],
    ["序号", "不动产权证号", "权利人", "证件号码", "坐落", "用途", "建筑面积(㎡)", "登簿日期"],
    ["1", "豫(2018)清溪县不动产权第0000001号", "韩子", PEOPLE["韩子"], "城关镇建设路12号", "住宅", "98.56", "2018年3月5日"],
    ["2", "豫(2024)清溪县不动产权第0000002号", "韩子", PEOPLE["韩子"], "城关镇新华街8号", "住宅", "86.20", "2024年5月1日"],
    ["3", "豫(2019)清溪县不动产权第0000003号", "周家", PEOPLE["周甲"], "城关镇人民路3号", "住宅", "300.00", "2019年1月1日"],
]  # fmt: skip


@pytest.fixture
def county(store, load, tmp_path):
    files = [
        (write_xlsx(tmp_path / "funds.xlsx", FUNDS), "funds"),
        (write_xlsx(tmp_path / "payments.xlsx", [PAY_HEADER, *PAYMENTS]), "payments"),
        (write_xlsx(tmp_path / "vehicles.xlsx", VEHICLES), "vehicles"),
        (write_csv(tmp_path / "businesses.csv", BUSINESSES, "gbk"), "businesses"),
        (write_xlsx(tmp_path / "properties.xlsx", PROPERTIES), "properties"),
    ]
    for path, kind in files:
        result = load(path, kind)
        assert result.status == "loaded", (kind, result.as_json()["errors"][:3])
    return store


def _found(store, label, params=PARAMS) -> list[tuple[str, str]]:
    return sorted((r["name"], str(r["paid_on"])) for r in run(store, CHECKS[label], params).rows)


def test_the_registers_load_with_their_departments_headers(county):
    cars = county.execute(
        "SELECT name, plate_no, vehicle_type, registered_on, vehicle_status, cancelled_on"
        " FROM live_vehicles WHERE name = '褚庚'"
    ).fetchall()
    assert cars == [("褚庚", "豫P1A007", "小型轿车", dt.date(2019, 1, 1), "E", dt.date(2024, 5, 1))]
    # 注册资本(万元): 50 万元 is 500,000.00 yuan
    firms = county.execute(
        "SELECT name, business_type, capital_yuan, revoked_on FROM live_businesses ORDER BY row_no"
    ).fetchall()
    assert firms[0] == ("卫辛", "有限责任公司", Decimal("500000.00"), dt.date(2024, 6, 1))
    assert [f[2] for f in firms] == [
        Decimal("500000.00"),
        Decimal("30000.00"),
        Decimal("800000.00"),
    ]
    flats = county.execute(
        "SELECT area_m2, registered_on FROM live_properties WHERE name = '韩子' ORDER BY row_no"
    ).fetchall()
    assert flats == [
        (Decimal("98.5600"), dt.date(2018, 3, 5)),
        (Decimal("86.2000"), dt.date(2024, 5, 1)),
    ]
    assert county.execute("SELECT means_tested FROM live_funds ORDER BY fund_code").fetchall() == [
        (None,),
        (None,),
        ("是",),
        ("否",),
    ]


def test_a_vehicle_counts_while_held_on_a_means_tested_fund_and_not_exempt(county):
    assert _found(county, "relief_vehicle_owner") == [
        ("吴乙", "2024-03-15"),  # F004: the catalogue says means-tested
        ("周甲", "2024-06-15"),  # bought 2024-05-01
        ("周甲", "2024-09-15"),
        ("褚庚", "2024-03-15"),  # cancelled 2024-05-01
    ]
    rows = run(county, CHECKS["relief_vehicle_owner"], PARAMS).rows
    assert {r["plates"] for r in rows if r["name"] == "周甲"} == {"豫P1A001"}


def test_the_exempt_types_are_a_parameter(county):
    params = dataclasses.replace(PARAMS, exempt_vehicle_types="拖拉机")
    assert ("冯戊", "2024-03-15") in _found(county, "relief_vehicle_owner", params)


def test_the_vocabulary_decides_only_where_the_catalogue_is_silent(county):
    # Without F002 and F004 in the vocabulary's reach, F004 (declared 是) still counts, F002 does not.
    params = dataclasses.replace(PARAMS, means_tested_funds="^没有这样的资金$")
    assert _found(county, "relief_vehicle_owner", params) == [("吴乙", "2024-03-15")]


def test_an_active_business_above_the_capital_counts_until_revoked(county):
    assert _found(county, "relief_business_owner") == [("卫辛", "2024-03-15")]
    everything = dataclasses.replace(PARAMS, business_capital_yuan=0)
    # the shop of 3 万元 counts without a threshold; the shop cancelled in 2023 never does
    assert _found(county, "relief_business_owner", everything) == [
        ("卫辛", "2024-03-15"),
        ("蒋壬", "2024-03-15"),
    ]


def test_property_counts_by_the_area_held_at_payment_time(county):
    rows = run(county, CHECKS["relief_property_owner"], PARAMS).rows
    assert [(r["name"], str(r["paid_on"]), r["area_m2"], r["property_count"]) for r in rows] == [
        ("韩子", "2024-07-15", Decimal("184.7600"), 2)
    ]
    lower = dataclasses.replace(PARAMS, property_area_sqm=90)
    assert _found(county, "relief_property_owner", lower) == [
        ("韩子", "2024-03-15"),
        ("韩子", "2024-07-15"),
    ]


def test_a_register_row_under_another_name_is_a_data_quality_row_not_a_finding(county):
    rows = run(county, CHECKS["register_name_differs"], PARAMS).rows
    assert [(r["register"], r["name"], r["payee_name"], r["payment_count"]) for r in rows] == [
        ("不动产登记", "周家", "周甲", 3)
    ]
    assert "周甲" not in {n for n, _ in _found(county, "relief_property_owner")}


def test_the_registers_are_never_public(county):
    views = {
        r[0] for r in county.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    for table in ("vehicles", "businesses", "properties"):
        assert f"live_{table}" in views and f"public_{table}" not in views
        assert table not in DATASETS


def test_a_vehicle_without_a_registration_date_is_refused_and_nothing_stored(load, store, tmp_path):
    header = ["机动车所有人", "身份证明号码", "号牌号码", "车辆类型", "初次登记日期"]
    bad = ["周甲", PEOPLE["周甲"], "豫P1A001", "小型轿车", "不详"]
    result = load(write_xlsx(tmp_path / "bad.xlsx", [header, bad]), "vehicles")
    assert result.status == "rejected"
    (error,) = [f for f in result.report.findings if f.severity == "error"]
    assert error.row == 2 and error.value == "不详" and "初次登记日期" in error.column, error
    assert store.execute("SELECT count(*) FROM vehicles").fetchone() == (0,)


def test_a_store_made_before_021_gets_the_column_and_its_funds_go_by_name(tmp_path):
    """A catalogue loaded before the column existed: NULL, so the vocabulary decides (F002 低保 yes)."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, [m for m in migrations() if m[0] < 21])
    assert "means_tested" not in {r[0] for r in con.execute("DESCRIBE funds").fetchall()}
    con.execute(
        "INSERT INTO funds (batch_id, row_no, fund_code, fund_name, department, year, budget_yuan, pays_to)"
        " VALUES (1, 2, 'F002', '城乡居民最低生活保障', '县民政局', 2024, 1, 'persons'),"
        " (1, 3, 'F001', '耕地地力保护补贴', '县农业农村局', 2024, 1, 'persons')"
    )
    con.close()
    con = connect(path)
    rows = con.execute(
        "SELECT fund_code, means_tested, regexp_matches(fund_name, ?) FROM funds ORDER BY fund_code",
        [PARAMS.means_tested_funds],
    ).fetchall()
    assert rows == [("F001", None, False), ("F002", None, True)]
    con.close()


def test_a_traffic_police_export_with_both_plate_kind_and_vehicle_type_loads(load, store, tmp_path):
    header = [
        "号牌种类",
        "号牌号码",
        "车辆类型",
        "机动车所有人",
        "身份证明名称",
        "身份证明号码",
        "初次登记日期",
    ]
    row = ["小型汽车", "豫P1A001", "小型轿车", "周甲", "居民身份证", PEOPLE["周甲"], "2020-05-01"]
    result = load(write_xlsx(tmp_path / "gat.xlsx", [header, row]), "vehicles")
    assert result.status == "loaded", result.as_json()["errors"]
    assert store.execute("SELECT vehicle_type FROM live_vehicles").fetchall() == [("小型轿车",)]

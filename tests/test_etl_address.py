"""The village read out of an address (etl.address), for a roster with 家庭地址 and no 村 column (issue 14).

A township-wide 一卡通 roster names each household's village only inside its address; the finance office
reads it from there, and so does the loader: one warning for the file, each row's village stored, a row
whose address names no village refused by the rule that a village is required, naming that row.
"""

from __future__ import annotations

import pyarrow as pa
import pytest

from etl.address import VILLAGE_GROUP_HEADER, group_in, only_village_names, village_in
from etl.text import header_key
from tests.conftest import snapshot
from tests.sheets import make_id, write_csv, write_xls, write_xlsx


@pytest.mark.parametrize(
    ("address", "village"),
    [
        ("城关镇东风村3组3号", "东风村"),
        ("湖北省随州市曾都区城关镇东风村二组", "东风村"),
        ("新村镇东风村5号", "东风村"),  # 新村 is the township's name, not a village
        ("城南街道新华社区5栋2单元", "新华社区"),
        ("东风村", "东风村"),
        ("东风村委会", "东风村"),
        ("城 关 镇 东 风 村 一 组", "东风村"),
        ("坪坝乡红星村", "红星村"),
        # 红旗村, as common a village name as any: 旗 ends a banner (a county in Inner Mongolia), but not
        # right before the village's ending
        ("城关镇红旗村3组", "红旗村"),
        ("红旗村委会", "红旗村"),
        ("红旗社区居委会", "红旗社区"),
        ("科尔沁右翼前旗东风村", "东风村"),  # the banner before the village is no part of it
        ("科尔沁右翼前旗红旗村", "红旗村"),
        ("科尔沁右翼前旗", None),
        # 前街村, 南街村, 道口村: 街 and 道 in a village's name; 街道 (a township-level street office) is not
        ("城关镇前街村3组", "前街村"),
        ("南街村委会", "南街村"),
        ("城关镇道口村二组", "道口村"),
        ("城南街道道口村", "道口村"),
        ("城南街道", None),
        ("城关镇解放路12号", None),
        ("", None),
        (None, None),
    ],
)
def test_the_village_in_an_address(address, village):
    assert village_in(address) == village


@pytest.mark.parametrize(
    ("names", "villages_alone"),
    [
        (
            ["红旗村委会", "东风村", "红旗社区"],
            True,
        ),  # one 红旗村 no longer sends a whole area to the address
        (["红旗村", "正蓝旗"], False),  # a banner is no village
        (["南街村委会", "道口村", "前街社区"], True),
        (["南街村", "城南街道新华社区"], False),  # a street office before the community: an address
        (["红旗村", "前旗红旗村"], False),  # a banner before the village: an address
    ],
)
def test_an_area_of_village_names_with_a_banner_word(names, villages_alone):
    assert only_village_names(pa.array(names)) is villages_alone


HEADER = ["序号", "姓名", "身份证号", "补贴金额", "家庭地址"]
ADDRESSES = ["城关镇东风村一组3号", "城关镇红星村二组4号", "城关镇新华社区5栋"]
VALUES = {"fund_code": "F001", "year": "2024", "township": "城关镇"}


def _roster(tmp_path, addresses, header=HEADER, village=False):
    rows = [["城关镇财政补助性资金发放清册"], header]
    for i, address in enumerate(addresses):
        row = [str(i + 1), f"张{'一二三四'[i]}", make_id(seq=i + 1), "100.00", address]
        rows.append(row + (["东风村"] if village else []))
    return write_xlsx(tmp_path / "roster.xlsx", rows)


@pytest.mark.parametrize(
    ("header", "addresses"),
    [
        ("家庭地址", ADDRESSES),
        ("居住地址", ADDRESSES),
        ("户口地址", ADDRESSES),  # the registered address, with no area beside it: read as before
        # A civil-affairs system's 属地: the household's registered area at village level.
        ("属地", ["东风村委会", "红星村委会", "新华社区居委会"]),
        # An area whose values name villages (nongye-butie-shenbao-mingxi: the village a plot lies in), one
        # in an address: read as an address (a column of village names alone is the village: below).
        ("所属地区", ["东风村", "城关镇红星村", "新华社区"]),
        ("地区", ["城关镇东风村", "城关镇红星村", "城关镇新华社区"]),
    ],
)
def test_a_roster_with_only_an_address_loads_each_rows_village(
    load, store, funds_loaded, tmp_path, header, addresses
):
    path = _roster(tmp_path, addresses, header=[*HEADER[:-1], header])
    result = load(path, "payments", values=VALUES)
    assert result.status == "loaded", result.as_json()
    stored = store.execute(
        "SELECT row_no, village FROM payments WHERE batch_id = ? ORDER BY row_no", [result.batch]
    ).fetchall()
    assert stored == [(3, "东风村"), (4, "红星村"), (5, "新华社区")]
    (warning,) = [f for f in result.report.findings if f.rule == "village_from_address"]
    assert warning.severity == "warning" and warning.column == header
    assert "column_unused" not in {f.rule for f in result.report.findings}


def test_an_address_with_no_village_is_refused_on_its_row_and_nothing_is_stored(
    load, store, funds_loaded, tmp_path
):
    before = snapshot(store)
    result = load(
        _roster(tmp_path, [ADDRESSES[0], "城关镇解放路12号", ADDRESSES[2]]),
        "payments",
        values=VALUES,
    )
    assert result.status == "rejected"
    errors = [(f.rule, f.row, f.column) for f in result.report.errors]
    assert errors == [("village_not_in_address", 4, "家庭地址")]
    assert result.report.errors[0].value == "城关镇解放路12号"
    assert snapshot(store) == before


def test_a_village_column_is_the_village_and_the_address_is_not_read(
    load, store, funds_loaded, tmp_path
):
    path = _roster(tmp_path, ADDRESSES, header=[*HEADER, "村"], village=True)
    result = load(path, "payments", values=VALUES)
    assert result.status == "loaded", result.as_json()
    assert {r[0] for r in store.execute("SELECT village FROM payments").fetchall()} == {"东风村"}
    assert "village_from_address" not in {f.rule for f in result.report.findings}
    (unused,) = [f for f in result.report.findings if f.rule == "column_unused"]
    assert "家庭地址" in unused.message


def test_an_area_that_names_no_villages_is_not_the_village(load, store, funds_loaded, tmp_path):
    """所属地区 of another level (a prefecture, as other forms write it) is not read for the village:
    the roster loads with no village, saying so, and the area is named among the columns not loaded."""
    path = _roster(tmp_path, ["恩施州", "恩施州", "宜昌市"], header=[*HEADER[:-1], "所属地区"])
    result = load(path, "payments", values=VALUES)
    assert result.status == "loaded", result.as_json()["errors"]
    assert store.execute("SELECT count(*), count(village) FROM payments").fetchone() == (3, 0)
    rules = {f.rule: f for f in result.report.findings}
    assert "village_from_address" not in rules and "village_not_in_address" not in rules
    assert rules["column_absent"].column == "村"
    assert "所属地区" in rules["column_unused"].message.split("：", 1)[1].split("、")


@pytest.mark.parametrize("header", ["地区", "所属地区"])
def test_an_area_of_village_names_alone_is_the_village(load, store, funds_loaded, tmp_path, header):
    """A 孤儿基本生活费 发放详情 (guer-jiben-shenghuofei-fafang-xiangqing): its 地区 holds village committees
    and communities.  Every value a village's name alone, the column is the village, taken as a column
    headed 村 is, with no address read and no warning about one: a committee is stored as the village it
    names (etl/clean.py VILLAGE_COMMITTEE, held7), as on every other form."""
    names = ["东风村委会", "红星村村民委员会", "新华社区"]
    result = load(
        _roster(tmp_path, names, header=[*HEADER[:-1], header]), "payments", values=VALUES
    )
    assert result.status == "loaded", result.as_json()
    stored = store.execute("SELECT village FROM payments ORDER BY row_no").fetchall()
    assert [v for (v,) in stored] == ["东风村", "红星村", "新华社区"]
    rules = {f.rule for f in result.report.findings}
    assert not rules & {"village_from_address", "column_unused", "column_absent"}


@pytest.mark.parametrize(
    ("places", "village"),
    [
        # a township before a village: an address, read for its village, with the warning
        (["东风村", "城关镇红星村", "新华社区"], ["东风村", "红星村", "新华社区"]),
        # townships: no village at all
        (["城关镇", "新村镇", "坪坝乡"], [None, None, None]),
    ],
)
def test_an_area_of_other_places_is_not_taken_as_written(
    load, store, funds_loaded, tmp_path, places, village
):
    result = load(
        _roster(tmp_path, places, header=[*HEADER[:-1], "地区"]), "payments", values=VALUES
    )
    assert result.status == "loaded", result.as_json()
    stored = store.execute("SELECT village FROM payments ORDER BY row_no").fetchall()
    assert [v for (v,) in stored] == village
    rules = {f.rule for f in result.report.findings}
    assert ("village_from_address" in rules) == (village[0] is not None)


# --- an area beside an address (所属行政区划 and 户口地址: cam-youfu-shenghuo-buzhujin-renyuan) -----------

# Each household's registered address names another village than the area it is filed under: the area
# column is where the office filed the person, the address free text (a move, an old address).
HOMES = ["城关镇团结村一组3号", "城关镇团结村二组4号", "坪坝乡光明村5号"]
COMMITTEES = ["东风村委会", "红星村村民委员会", "新华社区"]


def _area_roster(tmp_path, area, places, address="户口地址", fmt="xlsx"):
    rows = [["城关镇优抚对象生活补助金发放名册"], [*HEADER[:-1], area, address]]
    for i, (place, home) in enumerate(zip(places, HOMES, strict=True)):
        rows.append([str(i + 1), f"张{'一二三'[i]}", make_id(seq=i + 1), "100.00", place, home])
    write = {"xlsx": write_xlsx, "xls": write_xls, "csv": write_csv}[fmt]
    return write(tmp_path / f"roster.{fmt}", rows)


def _villages(store, result):
    stored = store.execute(
        "SELECT village FROM payments WHERE batch_id = ? ORDER BY row_no", [result.batch]
    ).fetchall()
    return [v for (v,) in stored]


def _unused(result) -> list[str]:
    found = [f for f in result.report.findings if f.rule == "column_unused"]
    return found[0].message.split("：", 1)[1].split("、") if found else []


@pytest.mark.parametrize(
    ("area", "address", "fmt"),
    [
        ("所属行政区划", "户口地址", "xls"),  # the 浪潮 cams 优抚 export as it came
        ("所属行政区划", "户口地址", "csv"),
        ("行政区划", "家庭住址", "xlsx"),
        ("地区", "家庭住址", "xlsx"),  # a civil-affairs 地区 of committees: the same rule
        ("所属地区", "家庭地址", "xlsx"),
    ],
)
def test_an_area_of_village_names_beats_the_address_beside_it(
    load, store, funds_loaded, tmp_path, area, address, fmt
):
    """Every value of the area a village's (or a committee's) name alone: the area is the village, as
    written, and the address beside it is not read (named among the columns not loaded), though it names
    other villages."""
    path = _area_roster(tmp_path, area, COMMITTEES, address=address, fmt=fmt)
    result = load(path, "payments", values=VALUES)
    assert result.status == "loaded", result.as_json()["errors"]
    assert _villages(store, result) == ["东风村", "红星村", "新华社区"]
    rules = {f.rule for f in result.report.findings}
    assert "village_from_address" not in rules and "column_absent" not in rules
    assert address in _unused(result) and area not in _unused(result)


@pytest.mark.parametrize(
    "places",
    [
        ["城关镇", "城关镇", "坪坝乡"],  # townships: the area is the township's, not the village's
        ["清溪县", "清溪县", "清溪县"],  # the county
        # village names and addresses mixed: not the village alone on every row, so not the village
        # (all or nothing, as etl.address.only_village_names decides for an area with no address)
        ["东风村委会", "城关镇红星村二组", "新华社区"],
    ],
)
def test_an_area_of_other_places_leaves_the_village_to_the_address(
    load, store, funds_loaded, tmp_path, places
):
    """An area that is not village names alone: the village is read out of the address, with its
    warning, and the area is named among the columns not loaded."""
    result = load(_area_roster(tmp_path, "所属行政区划", places), "payments", values=VALUES)
    assert result.status == "loaded", result.as_json()["errors"]
    assert _villages(store, result) == ["团结村", "团结村", "光明村"]
    (warning,) = [f for f in result.report.findings if f.rule == "village_from_address"]
    assert warning.column == "户口地址"
    assert "所属行政区划" in _unused(result) and "户口地址" not in _unused(result)


@pytest.mark.parametrize(
    ("places", "village"),
    [
        (COMMITTEES, ["东风村", "红星村", "新华社区"]),
        (["城关镇", "城关镇", "坪坝乡"], [None, None, None]),  # townships: no village, said so
    ],
)
def test_an_administrative_area_alone_is_the_village_only_when_it_names_villages(
    load, store, funds_loaded, tmp_path, places, village
):
    """行政区划 with no address beside it, as 地区 is: the village when every value is a village's name."""
    rows = [["城关镇优抚对象生活补助金发放名册"], [*HEADER[:-1], "所属行政区划"]]
    for i, place in enumerate(places):
        rows.append([str(i + 1), f"张{'一二三'[i]}", make_id(seq=i + 1), "100.00", place])
    result = load(write_xlsx(tmp_path / "roster.xlsx", rows), "payments", values=VALUES)
    assert result.status == "loaded", result.as_json()["errors"]
    assert _villages(store, result) == village
    rules = {f.rule for f in result.report.findings}
    assert ("column_absent" in rules) == (village[0] is None)
    assert ("所属行政区划" in _unused(result)) == (village[0] is None)


# --- a cell that holds the village and its group together (所在村组: 东风村一组) --------------------------


@pytest.mark.parametrize(
    ("cell", "village", "group"),
    [
        ("东风村一组", "东风村", "一组"),
        ("东风村3组", "东风村", "3组"),
        ("东风村东一组", "东风村", "东一组"),
        ("红星村张家湾组", "红星村", "张家湾组"),
        ("新华社区二组", "新华社区", "二组"),
        ("东 风 村 二 组", "东风村", "二组"),
        ("东风村", "东风村", None),  # a bare village: no group
        ("一组", None, None),  # a group alone names no village, and is no group of a village known
        ("东风一组", None, None),  # no 村 or 社区: the village's name is not known
    ],
)
def test_the_village_and_the_group_in_a_village_group_cell(cell, village, group):
    assert (village_in(cell), group_in(cell)) == (village, group)


@pytest.mark.parametrize(
    ("header", "is_both"),
    [
        ("所在村组", True),
        ("村组", True),
        ("村(组)", True),
        ("村/组", True),
        ("村民小组", False),  # the group alone
        ("村民组", False),
        ("村小组", False),
        ("所在村", False),
    ],
)
def test_a_village_group_header(header, is_both):
    assert bool(VILLAGE_GROUP_HEADER.search(header_key(header))) is is_both


def _village_group_roster(tmp_path, cells, header="所在村组", extra=None):
    rows = [
        ["城关镇农机购置补贴公示"],
        ["序号", "姓名", "身份证号", "补贴金额", header, *(extra or [])],
    ]
    for i, cell in enumerate(cells):
        row = [str(i + 1), f"张{'一二三四五'[i]}", make_id(seq=i + 1), "100.00", cell]
        rows.append(row + (["东风村"] if extra else []))
    return write_xlsx(tmp_path / "roster.xlsx", rows)


def test_a_village_group_cell_gives_one_village_for_all_its_groups(
    load, store, funds_loaded, tmp_path
):
    """东风村一组 and 东风村二组 are two groups of one village, never two villages; each row's group is kept."""
    cells = ["东风村一组", "东风村二组", "红星村三组", "东风村"]
    result = load(_village_group_roster(tmp_path, cells), "payments", values=VALUES)
    assert result.status == "loaded", result.as_json()["errors"]
    stored = store.execute(
        "SELECT row_no, village, village_group FROM payments WHERE batch_id = ? ORDER BY row_no",
        [result.batch],
    ).fetchall()
    assert stored == [
        (3, "东风村", "一组"),
        (4, "东风村", "二组"),
        (5, "红星村", "三组"),
        (6, "东风村", None),
    ]
    assert store.execute("SELECT count(DISTINCT village) FROM payments").fetchone() == (2,)
    warnings = [f for f in result.report.findings if f.rule == "village_from_address"]
    assert [w.column for w in warnings] == ["所在村组", "所在村组"]
    assert "东风村一组" in warnings[0].message and "一组" in warnings[1].message
    rules = {f.rule for f in result.report.findings}
    assert "column_unused" not in rules and "column_absent" not in rules


def test_a_village_group_cell_with_no_village_is_refused_on_its_row(
    load, store, funds_loaded, tmp_path
):
    before = snapshot(store)
    result = load(
        _village_group_roster(tmp_path, ["东风村一组", "一组", "红星村二组"]),
        "payments",
        values=VALUES,
    )
    assert result.status == "rejected"
    errors = [(f.rule, f.row, f.column, f.value) for f in result.report.errors]
    assert errors == [("village_not_in_address", 4, "所在村组", "一组")]
    assert snapshot(store) == before


def test_a_village_column_wins_over_a_village_group_cell(load, store, funds_loaded, tmp_path):
    """With a 村 column the form gives the village: its 村组 is not read (it is named among the unused)."""
    path = _village_group_roster(tmp_path, ["东风村一组", "东风村二组", "东风村三组"], extra=["村"])
    result = load(path, "payments", values=VALUES)
    assert result.status == "loaded", result.as_json()["errors"]
    assert store.execute("SELECT DISTINCT village, village_group FROM payments").fetchall() == [
        ("东风村", None)
    ]
    assert "village_from_address" not in {f.rule for f in result.report.findings}


def test_a_group_column_is_not_a_village_group_cell(load, store, funds_loaded, tmp_path):
    """村民小组 holds the group alone: it is the group, and no village is read out of it."""
    result = load(
        _village_group_roster(tmp_path, ["一组", "二组", "三组"], header="村民小组"),
        "payments",
        values=VALUES,
    )
    assert result.status == "loaded", result.as_json()["errors"]
    assert store.execute(
        "SELECT count(village), count(village_group) FROM payments"
    ).fetchone() == (
        0,
        3,
    )
    assert "village_from_address" not in {f.rule for f in result.report.findings}


def test_a_banks_address_is_not_the_households(load, store, funds_loaded, tmp_path):
    """开户银行地址 (a 民政 relief template, tests/realfiles/cam-dongchun-jiuzhu.xls) is where the account was
    opened: no village is read out of it; the roster loads without one, saying so."""
    path = _roster(
        tmp_path,
        ["县农商行东风村网点", "县农商行红星村网点", "县农商行城关支行"],
        header=[*HEADER[:-1], "开户银行地址"],
    )
    result = load(path, "payments", values=VALUES)
    assert result.status == "loaded", result.as_json()["errors"]
    assert store.execute("SELECT count(*), count(village) FROM payments").fetchone() == (3, 0)
    rules = {f.rule: f for f in result.report.findings}
    assert "village_from_address" not in rules and rules["column_absent"].column == "村"


def test_village_columns_that_tie_are_asked_and_no_address_is_read():
    """行政村（社区）代码 and 行政村（社区）名称 tie for the village: the clerk is asked, and the 家庭地址 beside
    them is not read for a village meanwhile."""
    from etl import filevalues
    from etl.headers import detect

    header = [
        "户主姓名",
        "身份证号码",
        "行政村（社区）代码",
        "行政村（社区）名称",
        "补贴金额",
        "家庭地址",
    ]
    match = detect([header], "payments")
    filevalues.apply(match, VALUES, [])
    assert "village" not in match.mapping and not match.parsed
    assert "village" in {name for name, _ in match.ambiguous}


def test_the_mapping_page_shows_a_village_group_cell_as_both():
    """The upload's mapping page lists the file's 所在村组 as read for the village and the group."""
    from etl import filevalues
    from etl.headers import detect

    match = detect([["姓名", "身份证号", "补贴金额", "所在村组"]], "payments")
    filevalues.apply(match, VALUES, [])
    (entry,) = [c for c in match.columns() if c["header"] == "所在村组"]
    assert (entry["column"], entry.get("also")) == ("village", ["village_group"])

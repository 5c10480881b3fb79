"""The village in an address: a roster that names the village only inside 家庭地址 (城关镇东风村3组3号).

A township-wide roster of the 一卡通 system writes each household's 家庭地址 and no 村 column; the
finance office reads the village out of the address.  So does the loader, when the form has no
village column, the clerk chose none and the title names none (etl.filevalues): the village is the
first "…村" or "…社区" in the address that is not part of a township's name (新村镇), after the
province, city, county, township or 街道 before it.  A row whose address names no village is left
without one, and the rule that a village is required names that row.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from etl.text import norm

# Headers that hold an address, or the registered area a household belongs to: 家庭地址, 家庭住址,
# 户籍住址, 种植地址, 居住地址, 地址, 属地 (a civil-affairs system's area name: 东风村委会), 户籍地.
ADDRESS_HEADER = re.compile(r"(住址|地址|属地|户籍地|居住地)$")
# An address that is not the household's: a bank's or a unit's (开户银行地址 on a 民政 relief template: where
# the account was opened).
NOT_HOME = re.compile(r"银行|开户|网点|单位|公司|企业|机构")
# Headers of an area, which may be a village or a place of any other level (所属地区 is the village a
# plot lies in on nongye-butie-shenbao-mingxi, a prefecture on other forms): read as an address only
# when at least half of its distinct values name a village (``names_villages``).  所属行政区划 (a civil-affairs
# system's 优抚 export: 东风村委会, cam-youfu-shenghuo-buzhujin-renyuan) is such an area; 行政区划代码 is not.
AREA_HEADER = re.compile(r"^(所属|所在)?(地区|区域|地域|片区|所在地|行政区划)(名称)?$")
# Headers of a cell that holds the village and its group together: 所在村组 (东风村一组, a 农机购置补贴
# 公示), 村组, 村(组), 村/组.  Not 村民组 / 村民小组 / 村小组: those are the group alone.  Taken as written
# such a cell would make each group of a village a village of its own (东风村一组, 东风村二组); the
# village and the group are read out of it.
VILLAGE_GROUP_HEADER = re.compile(r"^(所属|所在|归属)?村(/|、|\(|及|和)?组\)?(名称|名)?$")

# A village's own name: no digit, space or punctuation, and none of the words that end a place of
# another level (省 市 县 区 旗 镇 乡 街道 办事处) or a part below it (组 号) — but 旗 right before the
# village's ending, for 红旗村 (as common a village name as any) is no banner (科右前旗红旗村: 红旗村), and
# 街 or 道 alone, for 前街村, 南街村 and 道口村 are villages: only 街道 together (a street office) ends a
# place, and a name does not start at its 道.
_NAME = r"(?!(?<=街)道)(?:(?!街道)[^\s\d0-9省市县区旗镇乡办处村组号社,，、()（）\-#]){1,8}旗?"
_VILLAGE = re.compile(rf"({_NAME}(?:村|社区))(?!镇|乡|街道)")
# A village-level name and nothing else: 东风村, 东风村委会, 东风村村民委员会, 新华社区, 新华社区居委会 (a
# civil-affairs system's 地区: guer-jiben-shenghuofei-fafang-xiangqing).  Not a township's or a county's
# (城关镇, 新村镇), nor an address (城关镇东风村: a township before the village).
_VILLAGE_NAME = re.compile(
    rf"{_NAME}村?(村|村委会|村民委员会)|{_NAME}(社区|居委会|居民委员会|社区居委会|社区居民委员会)"
)
# The group written right after its village: 一组, 3组, 东一组, 第二村民小组, 张家湾组 (up to the first 组).
_GROUP = re.compile(r"[^\s组号,，、()（）\-#]{1,6}?组")


def village_in(address: str | None) -> str | None:
    """The village an address names (城关镇东风村3组3号 -> 东风村), or None when it names none."""
    text = norm(address)
    if not text:
        return None
    found = _VILLAGE.search(text.replace(" ", ""))
    return found.group(1) if found else None


def group_in(text: str | None) -> str | None:
    """The group written right after the village in ``text`` (东风村一组 -> 一组, 城关镇东风村3组3号 -> 3组), or
    None: a cell with no village (一组 alone) gives no group either, since a group is a part of its village."""
    squeezed = (norm(text) or "").replace(" ", "")
    village = _VILLAGE.search(squeezed)
    if not village:
        return None
    found = _GROUP.match(squeezed, village.end())
    return found.group(0) if found else None


def villages(addresses: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``village_in`` of every address, each distinct address parsed once."""
    if isinstance(addresses, pa.ChunkedArray):
        addresses = addresses.combine_chunks()
    encoded = pc.dictionary_encode(addresses.cast(pa.string()))
    parsed = pa.array([village_in(a) for a in encoded.dictionary.to_pylist()], pa.string())
    return pc.take(parsed, encoded.indices)


def groups(cells: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``group_in`` of every cell, each distinct cell parsed once."""
    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks()
    encoded = pc.dictionary_encode(cells.cast(pa.string()))
    parsed = pa.array([group_in(a) for a in encoded.dictionary.to_pylist()], pa.string())
    return pc.take(parsed, encoded.indices)


def names_villages(values: pa.Array | pa.ChunkedArray) -> bool:
    """At least half of the distinct non-empty values name a village (东风村, 城关镇团结社区)."""
    written = {v for v in pc.unique(values).to_pylist() if v and v.strip()}
    return bool(written) and 2 * sum(1 for v in written if village_in(v)) >= len(written)


def only_village_names(values: pa.Array | pa.ChunkedArray) -> bool:
    """Every distinct non-empty value is a village's name alone (东风村, 红星村委会, 新华社区): an area column
    so written is the village itself, its cells taken as written, as a column headed 村委会 is."""
    written = {v.replace(" ", "") for v in pc.unique(values).to_pylist() if v and v.strip()}
    return bool(written) and all(_VILLAGE_NAME.fullmatch(v) for v in written)

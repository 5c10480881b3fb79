"""File-level values: one value for every row of a file, where the form has no column for it.

A real roster is one fund's roster: the fund and the year are in its title
("2024年耕地地力保护补贴发放清册"), the township in a line above the header
("乡镇：城关镇", "填报单位：城关镇财政所").  They reach a column in two ways:

- the clerk chooses them at upload (``values=``: canonical column -> text, e.g.
  ``{"fund_code": "F2024001", "year": "2024"}``); only the columns of
  ``FILE_LEVEL`` may be given so, never a person's name, ID number or amount;
- a required column the form lacks, with no value given, is taken from the
  title and note rows above the header when they name exactly one candidate:
  one year (19xx/20xx followed by 年 or 年度), one township (…镇 / …乡 /
  …街道), one village (…村), one department ("部门：…", "填报单位：…"), one fund of the store's catalogue by name (in
  etl.load, which has the store).  Each is reported as a warning that says
  where it came from, never taken silently.

A value is text, parsed and checked like a cell of its column.  When the file
has a column for it after all, the file's column wins and the unused value is
reported (``value_unused``): the rows say more than one word chosen for all.

Two required columns may be computed, in SQL (etl.clean), when the form lacks them
(``HeaderMatch.computed``; each reported once for the file as a warning):

- a roster's amount (``amount_yuan``) is the quantity × the standard when the
  form has a quantity (面积, 人数, 月数) and the standard is known: a column of
  the file, the clerk's value (``values={"standard_yuan": "105"}``), or a title
  line ("补贴标准：105元/亩", a ``value_inferred`` warning like the year's).
  Exact: DECIMAL, rounded half up to the fen, never float (``amount_computed``).
- a catalogue's fund code (``fund_code`` of ``funds``), when the form lists funds
  by name only: ``G`` + year + ``-`` + the first 10 hex digits of the SHA-256 of
  the normalised name (``fund_key``), e.g. ``G2024-1A2B3C4D5E``
  (``fund_code_generated``).  Decided so because real provincial and county
  catalogues name their funds and a code is what every roster, voucher and
  project joins on: derived from the year and the name only, the same catalogue
  loaded again gives the same codes, so a roster whose fund the clerk chose (or
  whose title names it) still finds it.  A code is never shared silently: two
  rows of the file with the same code (the same fund twice: an allocation table
  split by unit, not a catalogue), or a code the store already holds for another
  name, is an error naming both (``fund_code_collision``).  A form that has a
  code column, or a code the clerk chose, is never given a generated one.
- the fund code of any other kind's row that names its fund by name only (an
  allocation table's 专项资金名称 / 中央直达资金名称): the code of the store's
  catalogue fund of the row's year with that name, compared as ``fund_key``
  (``fund_lookup``, a ``fund_code_looked_up`` warning); a name the catalogue
  does not hold for that year, or holds twice, is an error on its row
  (``fund_name_unknown``).  Never generated: an allocation points at a fund
  the catalogue declares.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyarrow as pa
import pyarrow.compute as pc

from etl.address import (
    ADDRESS_HEADER,
    AREA_HEADER,
    NOT_HOME,
    VILLAGE_GROUP_HEADER,
    groups,
    names_villages,
    only_village_names,
    villages,
)
from etl.headermatch import HeaderMatch
from etl.text import header_key, header_unit, mask_digits, norm
from etl.vocabulary import STEM

__all__ = [
    "FILE_LEVEL",
    "VILLAGE_ADDRESS",
    "FUND_CODE_HEX",
    "Computed",
    "FileValue",
    "apply",
    "fill",
    "from_title",
    "fund_key",
    "generated_fund_code",
    "infer_fund",
    "mask_digits",
    "notes_above",
]

# Columns that one value can fill for a whole file: what a form states once, in its title or by its
# purpose (the fund, the year, the place, the unit), never a person's or a row's own data.
FILE_LEVEL = frozenset(
    {
        "fund_code",
        "fund_name",
        "year",
        "period",
        "township",
        "village",
        "village_group",
        "department",
        "category",
        "level",
        "pays_to",
        "agency_code",
        "agency_name",
        "agency_type",
        "staffing_type",
        "status",
        # A payroll register's month: the treasury's 统发 export is run per unit and month, and its rows
        # name neither (layout payroll/tongfa-gongzi-shuju-daochu); the inspector says which at upload.
        "month",
        # A roster's 补助标准 when every row has the same one (its amount is then quantity × standard).
        "standard_yuan",
    }
)

# The reader's column holding the address read beside an area chosen for the village
# (``HeaderMatch.village_address``), until ``fill`` has chosen between them.
VILLAGE_ADDRESS = "__village_address"

# Punctuation, brackets and spaces a fund's name is compared without (fund_key; SQL in etl.clean).
FUND_NAME_NOISE = r"[\s()\[\]<>《》“”\"'‘’、,，.。·:;；\-—_/]"
FUND_CODE_HEX = 10  # hex digits of the name's SHA-256 in a generated fund code
# The unit of a standard: 元/亩, 元每人, 元/人/月 (taken out of the clerk's value, kept for the message).
_PER_UNIT = re.compile(r"\s*元?\s*(?:/|每)\s*([\u4e00-\u9fff]{1,2}(?:/[\u4e00-\u9fff])?)$")
_STANDARD = re.compile(
    r"(?:补贴|补助|发放|救助|奖补)?标准\s*(?::|为|是)?\s*([0-9]+(?:\.[0-9]+)?)\s*元"
    r"(?:\s*(?:/|每)\s*([\u4e00-\u9fff]{1,2}(?:/[\u4e00-\u9fff])?))?"
)
# The unit a quantity's header implies when no unit is written: 面积 is in 亩, 人数 in 人.
_QUANTITY_UNITS = (
    ("面积", "亩"),
    ("亩", "亩"),
    ("人数", "人"),
    ("月数", "月"),
    ("头数", "头"),
    ("户数", "户"),
)

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
# A month: 2024年3月, 2024-03, 2019.1.1 (工资明细表（2019.1.1至2019.1.31）: both ends in one month), not a range
# of months (2024年1-3月, 2024年1月至3月) and not a year alone (2024年度).
_MONTH = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年|[.\-/])\s*(1[0-2]|0?[1-9])(?!\d)"
    r"(?!\s*月?\s*(?:至|到|~|-|－)\s*(?:1[0-2]|0?[1-9])\s*月)"
)
# The month in Chinese numerals, as a title writes it (2026 年 一 月 工 资 表, 2024年十二月), followed by 月;
# not a range (2024年一至三月, 2024年一月至三月) nor a quarter (2024年一季度).
_CHINESE_MONTHS = {c: n for n, c in enumerate("一二三四五六七八九十", start=1)} | {
    "十一": 11,
    "十二": 12,
}
_MONTH_HANZI = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*年\s*(十[一二]?|[一二三四五六七八九])\s*月"
    r"(?!\s*(?:至|到|~|-|－))"
)
_PLACE_END = r"(?=$|[\s(,;，；、]|财政所|人民政府|政府|办事处|委员会|村委会|村民委员会|盖章)"
# A place starts a line, follows a space or a colon, or follows another place in a list
# (东风村,城关镇,恩施州: a page heading its table with the village, the township and the city).
_PLACE_START = r"(?:^|[\s:,;，；、])"
_TOWNSHIP = re.compile(
    _PLACE_START + r"((?!城乡|乡村)[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道))" + _PLACE_END
)
_VILLAGE = re.compile(
    _PLACE_START + r"((?!农村|乡村)[\u4e00-\u9fff]{1,8}?(?:村|社区))" + _PLACE_END
)
# A village glued to the name of its table (七田村低保补贴汇总表: a village's own 低保 汇总表, qitian-cun-
# dibao-butie-huizong): a short name with no county, township or 农村 in it, then the fund or the table.
# Not a kind of village (行政村补贴…, 贫困村…) nor 农村 / 城乡 (全县农村低保…).
_VILLAGE_GLUED = re.compile(
    _PLACE_START
    + r"((?:(?![县市区镇乡省街农城])[\u4e00-\u9fff]){1,4}?(?:村|社区))"
    + r"(?=最低生活保障|低保|特困|五保|临时救助|高龄|补贴|补助|救助|资金|发放|花名册|名册|清册|汇总表|明细表"
    + r"|公示|台账|登记表|统计表)"
)
_KINDS_OF_VILLAGE = ("行政村", "自然村", "贫困村", "脱贫村", "重点村", "示范村", "试点村", "帮扶村")
_LABELLED = {  # 乡镇：城关镇, 村：东风村
    "township": re.compile(
        r"(?:乡镇|乡\(镇\)|镇\(乡\)|街道|乡镇\(街道\))\s*:\s*([\u4e00-\u9fff]{2,12})"
    ),
    "village": re.compile(r"(?:村|村名|行政村|村\(社区\))\s*:\s*([\u4e00-\u9fff]{2,12})"),
    # 部门：清溪县农业农村局, 填报单位：县农业农村局 (not 单位：元, a unit).  编制部门：… heads every table of
    # a department's published budget (部门预算公开: 支出预算表, “三公”经费表).
    "department": re.compile(
        r"(?:^|\s)(?:部门|主管部门|部门名称|填报单位|编制单位|编制部门|预算单位|统计单位)\s*:\s*([\u4e00-\u9fff]{2,20})"
    ),
}
_NOT_A_PLACE = (
    "城乡",
    "乡村",
    "农村",
    "各乡",
    "全乡",
    "全镇",
    "各镇",
    "本镇",
    "本乡",
    "本村",
    "各村",
)


@dataclass(frozen=True)
class FileValue:
    column: str
    value: str
    source: str  # "clerk" | "title"
    line: str = ""  # the title or note line it was taken from (digits masked)

    def as_dict(self) -> dict:
        return {"value": self.value, "source": self.source, "line": self.line}


@dataclass(frozen=True)
class Computed:
    """A required column the form lacks, computed for every row in SQL (etl.clean)."""

    column: str
    how: str  # "product": quantity × standard; "fund_code": from year and fund name; "fund_lookup": the catalogue's
    inputs: tuple[str, ...]  # the canonical columns it is computed from
    unit: str = ""  # product: the quantity's unit (亩), for the message

    def as_dict(self) -> dict:
        return {"how": self.how, "inputs": list(self.inputs), "unit": self.unit}


def fund_key(name: str) -> str:
    """A fund's name as generated codes compare it: NFKC (as the reader gives it), no spaces or punctuation."""
    return re.sub(FUND_NAME_NOISE, "", norm(name) or "").lower()


def generated_fund_code(year: int | str, name: str) -> str:
    """The code a catalogue without a code column gives the fund ``name`` of ``year`` (the SQL in etl.clean)."""
    digest = hashlib.sha256(fund_key(name).encode("utf-8")).hexdigest()[:FUND_CODE_HEX].upper()
    return f"G{int(year)}-{digest}"


def standard_text(value: str) -> tuple[str, str]:
    """A clerk's standard as a number and its unit: "105元/亩" -> ("105", "亩")."""
    m = _PER_UNIT.search(value)
    unit = m.group(1) if m else ""
    number = value[: m.start()] if m else value
    return re.sub(r"\s*元$", "", number).strip(), unit


def quantity_unit(label: str | None) -> str:
    """The unit of a quantity column from its header: 种植面积 -> 亩, 面积(亩) -> 亩, 享受人数 -> 人."""
    unit = header_unit(label) if label else None
    if unit and "/" not in unit:
        return unit
    return next((u for word, u in _QUANTITY_UNITS if label and word in label), "")


def money(value: str) -> str:
    """A standard as the message shows it: 105 -> 105.00 (the text as given when it is not a number)."""
    try:
        return f"{Decimal(value.replace(',', '')):.2f}"
    except (InvalidOperation, ValueError):
        return value


def notes_above(head: list[list[str | None]], match: HeaderMatch) -> list[str]:
    """The title and note lines above the header: each row's cells joined by a space."""
    lines = []
    for row in head[: match.header_rows[0]]:
        text = " ".join(c for c in (norm(c) for c in row) if c)
        if text:
            lines.append(text)
    return lines


def _one(pattern: re.Pattern, lines: list[str], group: int = 1) -> tuple[str, str] | None:
    """The single distinct value ``pattern`` finds in ``lines`` (and the first line naming it), else None."""
    found: dict[str, str] = {}
    for line in lines:
        for m in pattern.finditer(line):
            value = m.group(group)
            if value in _NOT_A_PLACE or any(value.startswith(w) for w in _NOT_A_PLACE):
                continue
            found.setdefault(value, line)
    return next(iter(found.items())) if len(found) == 1 else None


def from_title(column: str, lines: list[str]) -> tuple[str, str] | None:
    """(value, line) for ``column`` when the lines above the header name exactly one; else None."""
    lines = [line for line in (norm(text) for text in lines) if line]
    if column == "year":
        return _one(_YEAR, lines)
    if column == "month":
        months = {
            f"{m.group(1)}-{int(m.group(2)):02d}": line
            for line in lines
            for m in _MONTH.finditer(line)
        }
        months |= {
            f"{m.group(1)}-{_CHINESE_MONTHS[m.group(2)]:02d}": line
            for line in lines
            for m in _MONTH_HANZI.finditer(line)
        }
        return next(iter(months.items())) if len(months) == 1 else None
    if column == "department":
        return _one(_LABELLED[column], lines)
    if column == "standard_yuan":
        return _one(_STANDARD, lines)
    if column in _LABELLED:
        labelled = _one(_LABELLED[column], lines)
        if labelled:
            return labelled
        if column == "township":
            return _one(_TOWNSHIP, lines)
        found = _one(_VILLAGE, lines)
        if found is None and not any(k in line for k in _KINDS_OF_VILLAGE for line in lines):
            found = _one(_VILLAGE_GLUED, lines)
        return found
    return None


def apply(match: HeaderMatch, values: dict[str, str] | None, lines: list[str]) -> None:
    """Record on ``match`` the clerk's values and what the title supplies for the required columns still missing."""
    names = {c.name for c in match.spec.columns}
    wide = {match.spec.wide.group_column} if match.wide else set()
    match.notes = lines
    for column, raw in (values or {}).items():
        value = norm(str(raw)) if raw is not None else None
        if column not in names or column not in FILE_LEVEL or not value:
            match.values_invalid[column] = value or ""
        elif column in wide or (column in match.mapping and not _guessed(match, column)):
            match.values_unused[column] = value
        else:
            # A column only a role guessed to be it (资金性质 for the budget's 支出类别: its values name a
            # funding source, bumen-yusuan-tiaoji-shenqing-liebiao) gives way to what the clerk chose for
            # the whole file: it is named among the columns not loaded.
            if column in match.mapping:
                del match.mapping[column]
                match.scores.pop(column, None)
            if column == "standard_yuan":
                value, unit = standard_text(value)
                match.standard_unit = unit
            match.values[column] = FileValue(column, value, "clerk")
    # A column the clerk chose a value for is not asked about when several of the form's columns could
    # be it (shenji-zhifu-pingzheng-mingxi: four …编码 columns tie for the fund code of a file whose fund
    # is chosen at upload): they are named among the columns not loaded instead.
    match.ambiguous = [(name, tied) for name, tied in match.ambiguous if name not in match.values]
    for col in _wanted(match):
        if col.name in match.values:
            continue
        found = from_title(col.name, lines)
        if found:
            match.values[col.name] = FileValue(col.name, found[0], "title", mask_digits(found[1]))
    _village_from_address(match)
    _plan_computed(match, lines)


def _guessed(match: HeaderMatch, column: str) -> bool:
    """Whether the file's column for ``column`` was found by a role only (below a stem of an alias), not
    by the kind's own words, the clerk's mapping or its values."""
    score = match.scores.get(column)
    return score is not None and score < STEM and column not in match.mapped.values()


def _wanted(match: HeaderMatch) -> list:
    """The required columns the form lacks, and those required if present (a roster's village, issue 14):
    the title or an address may still give them before the file loads without them."""
    found = match.found
    absent = [c for c in match.spec.columns if c.required_if_present and c.name not in found]
    return [*match.missing, *absent]


def _village_from_address(match: HeaderMatch) -> None:
    """A village the form, the clerk and the title do not give: read out of the one 村组 column (东风村一组:
    the village, and the group where the kind has one and the form gives none), else out of the one
    address column."""
    if "village" not in {c.name for c in _wanted(match)} or "village" in match.values:
        return
    if "village" in {
        name for name, _ in match.ambiguous
    }:  # the form's village columns: the clerk says
        return
    both = [
        p for p in match.unused if VILLAGE_GROUP_HEADER.search(header_key(match.labels[p]) or "")
    ]
    if len(both) == 1:
        match.mapping["village"] = both[0]
        match.scores["village"] = 0
        match.parsed["village"] = "village_group"
        names = {c.name for c in match.spec.columns}
        group = "village_group"
        if group in names and group not in match.mapping and group not in match.values:
            match.mapping[group] = both[0]
            match.scores[group] = 0
            match.parsed[group] = "group"
        return
    found = [
        p
        for p in match.unused
        if ADDRESS_HEADER.search(key := header_key(match.labels[p]) or "")
        and not NOT_HOME.search(key)
    ]
    areas = [p for p in match.unused if AREA_HEADER.search(header_key(match.labels[p]) or "")]
    if len(found) == 1 and len(areas) == 1 and not match.wide:
        # An area beside the address (所属行政区划 beside 户口地址, 地区 beside 家庭住址): where the office
        # filed the person, the address free text that may name another village.  The area is the
        # village if its values are village names alone, else the address gives it: both are read and
        # ``fill`` chooses, the one not taken named among the columns not loaded.
        match.village_address = found[0]
        found = areas
    elif not found:  # an area (所属地区), read as an address if its values name villages (``fill``)
        found = areas
    if len(found) == 1:
        match.mapping["village"] = found[0]
        match.scores["village"] = 0
        match.parsed["village"] = "address"


def _plan_computed(match: HeaderMatch, lines: list[str]) -> None:
    """Decide which missing required columns are computed (see the module's docstring)."""
    names = {c.name for c in match.spec.columns}
    missing = {c.name for c in match.missing}
    tied = {name for name, _ in match.ambiguous}
    has = lambda c: c in match.mapping or c in match.values  # noqa: E731
    if (
        "amount_yuan" in missing
        and "amount_yuan" not in tied
        and {"quantity", "standard_yuan"} <= names
    ):
        if "quantity" in match.mapping and not has("standard_yuan"):
            found = _one(_STANDARD, [t for t in (norm(x) for x in lines) if t])
            if found:
                match.values["standard_yuan"] = FileValue(
                    "standard_yuan", found[0], "title", mask_digits(found[1])
                )
                unit = _STANDARD.search(found[1])
                match.standard_unit = (unit.group(2) or "") if unit else ""
        if "quantity" in match.mapping and has("standard_yuan"):
            unit = match.standard_unit or quantity_unit(match.labels[match.mapping["quantity"]])
            match.computed["amount_yuan"] = Computed(
                "amount_yuan", "product", ("quantity", "standard_yuan"), unit
            )
    if (
        match.spec.kind == "funds"
        and "fund_code" in missing
        and "fund_code" not in tied
        and "fund_code" not in match.values_invalid
        and has("fund_name")
    ):
        match.computed["fund_code"] = Computed("fund_code", "fund_code", ("year", "fund_name"))
    # An allocation table that names its funds (中央直达资金名称) with no code: each row's code is the
    # catalogue's fund of that year and name (a name with no fund, or two, is an error on its row).
    if (
        match.spec.kind != "funds"
        and "fund_code" in missing
        and "fund_code" not in tied
        and "fund_code" not in match.values_invalid
        and "fund_name" in match.mapping
        and "year" in names
    ):
        match.computed["fund_code"] = Computed("fund_code", "fund_lookup", ("year", "fund_name"))


def fill(table: pa.Table, match: HeaderMatch) -> pa.Table:
    """The reader's table with a column for each file-level value the form lacks, and ``<column>__parsed``
    for each column read out of another (``match.parsed``: the village of an address, the village and
    the group of a 村组 cell; etl.clean)."""
    address = None  # the address read beside an area chosen for the village, until chosen here
    if VILLAGE_ADDRESS in table.column_names:
        address = table[VILLAGE_ADDRESS]
        table = table.drop_columns([VILLAGE_ADDRESS])
    for column, how in list(match.parsed.items()):  # the cell's text stays the column's raw text
        done = f"{column}__parsed" in table.column_names  # fill runs again after a re-read
        if how == "address" and column in table.column_names and not done:
            label = header_key(match.label(column)) or ""
            area = not ADDRESS_HEADER.search(label)
            # each distinct value once (a million rows hold a few hundred places)
            distinct = pc.unique(table[column]) if area else None
            if area and only_village_names(distinct):
                # an area that holds village names only (东风村委会, 新华社区): it is the village, read as
                # written, as the clerk's mapping of it would; an address beside it is not read
                del match.parsed[column]
                match.village_address = None
                continue
            if area and address is not None and match.village_address is not None:
                # an area of other places (城关镇, a county) or not village names alone (城关镇东风村
                # beside 东风村委会): the village is read out of the address beside it, all or nothing
                match.mapping[column] = match.village_address
                match.village_address = None
                table = table.set_column(table.column_names.index(column), column, address)
            elif area and not names_villages(distinct):
                # an area of another level (a prefecture): not the village; the form has none
                del match.parsed[column], match.mapping[column]
                match.scores.pop(column, None)
                table = table.drop_columns([column])
                continue
            table = table.append_column(f"{column}__parsed", villages(table[column]))
        elif how == "village_group" and column in table.column_names and not done:
            table = table.append_column(f"{column}__parsed", villages(table[column]))
        elif how == "group" and column in table.column_names and not done:
            table = table.append_column(f"{column}__parsed", groups(table[column]))
    for column, fv in match.values.items():
        if column not in table.column_names:
            table = table.append_column(
                column, pa.repeat(pa.scalar(fv.value, pa.string()), table.num_rows)
            )
    return table


def fund_from_title(con, match: HeaderMatch) -> tuple[str, str, str] | None:
    """(fund_code, fund_name, line) when the title names exactly one fund of the store's catalogue by name.

    ``con`` is the store (its ``live_funds`` view, as the ``fund_unknown`` rule checks codes); a year already
    known for the file (chosen or from the title) narrows a name the catalogue holds for several years.
    """
    lines = [(line, line.replace(" ", "")) for line in match.notes]
    if not lines:
        return None
    rows = con.execute(
        "SELECT DISTINCT fund_code, fund_name, year FROM live_funds WHERE fund_name IS NOT NULL"
    ).fetchall()
    hits = [
        (code, name, year, line)
        for code, name, year in rows
        for line, squeezed in lines
        if len(name) >= 2 and name.replace(" ", "") in squeezed
    ]
    year = match.values.get("year")
    if year and len({h[0] for h in hits}) > 1:
        hits = [h for h in hits if str(h[2]) == re.sub(r"年度?$", "", year.value)]
    codes = {h[0] for h in hits}
    if len(codes) != 1:
        return None
    code, name, _year, line = hits[0]
    return code, name, line


def infer_fund(con, match: HeaderMatch) -> None:
    """Fill a missing required fund code from the title (etl.load calls it: it has the store)."""
    if not any(c.name == "fund_code" for c in match.missing):
        return
    found = fund_from_title(con, match)
    if found:
        code, _name, line = found
        match.values["fund_code"] = FileValue("fund_code", code, "title", mask_digits(line))

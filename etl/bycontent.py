"""A required column whose header the kind's words do not know, found by what its cells hold.

Header words cover the forms seen so far; a form nobody has seen writes its own (所属街 for the township,
归口部门 for the recipient, 证件号 with a prefix no vocabulary expects).  When the header leaves one of
the kind's required columns unfound, a column whose header means nothing to the kind and whose values
all say what that column is — ID numbers with a valid check digit, township names, names of offices
and units — is taken for it, and the load says so in one warning
(``column_by_values``, etl/validate.py) so that a clerk who disagrees maps the column.

Taken only when exactly one such column says so: two columns of village names are a question, not a
guess.  A header the kind's words know and the matcher left out on purpose (the 户主's ID number beside
the member's) is never taken; nor a column the clerk mapped or marked not needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from stdnum.cn import ric

from etl.text import norm

MIN_VALUES = 3  # fewer filled cells under the header say too little
SHARE = 0.9  # of the filled cells (a stray 合计 or a note may be among them)

_TOWNSHIP = re.compile(r"..*(镇|乡|街道|街道办事处|办事处|苏木)")
# An office, a unit, an enterprise or a place that receives money: what a 分配单位 / 单位名称 / 部门 holds
# (城关镇中心小学, 县农业农村局); a name, so no spaces, no "/", no leading figures (a 工作履历 of "2016 调入本校"
# ends as a school's name does) and not a sentence.
_ORGANISATION = re.compile(
    r"(?![\d（(])[^\s/，,;；。]{1,28}(局|委员会|委|办公室|办|中心|站|所|院|学校|学|校|医院|公司|厂|合作社|协会"
    r"|学会|联合会|队|部|厅|处|署|政府|集团|银行|馆|园|场|团|会)"
)
_PLACE = re.compile(r"..*(镇|乡|街道|街道办事处|办事处|村|社区|县|区|市)")


@dataclass(frozen=True)
class Says:
    what_zh: str  # what the values are, for the warning: 有效的身份证号
    what_en: str
    test: Callable[[str], bool]


def _id_number(value: str) -> bool:
    return len(value) == 18 and ric.is_valid(value)


def _organisation(value: str) -> bool:
    return bool(_ORGANISATION.fullmatch(value))


def _recipient(value: str) -> bool:
    return bool(_ORGANISATION.fullmatch(value) or _PLACE.fullmatch(value))


ID_NUMBER = Says("有效的身份证号", "valid ID numbers", _id_number)
TOWNSHIP = Says("乡镇（街道）名称", "township names", lambda v: bool(_TOWNSHIP.fullmatch(v)))
ORGANISATION = Says("单位或部门名称", "names of units or offices", _organisation)
RECIPIENT = Says("单位或乡镇名称", "names of units or townships", _recipient)

# canonical column ("kind.column" before "column") -> what its values say, for the columns a form cannot
# do without.  Not the village: a 家庭地址 or 属地 of 东风村委会 is read for its village by etl/address.py
# (东风村), later than this.  A unit's name only where each row is a unit (an agency list, an allocation's
# recipients): a staff roll or a payroll names other units than the one a person is counted in (毕业院校,
# 原工作单位, 发证机关), a budget or a catalogue of one department names the units carrying its items out
# (实施单位), and such a file has its unit or department chosen at upload — a guess there would put every
# person in a university, every item under its contractor.
SAYS: dict[str, Says] = {
    "id_number": ID_NUMBER,
    "township": TOWNSHIP,
    "agencies.agency_name": ORGANISATION,
    "allocations.recipient": RECIPIENT,
}


def what_says(kind: str, column: str) -> Says | None:
    """What the values of ``column`` of ``kind`` say, when they can stand in for its header."""
    return SAYS.get(f"{kind}.{column}") or SAYS.get(column)


def says(values: list[str | None], what: Says) -> bool:
    """Whether the filled ones of ``values`` say ``what``: at least MIN_VALUES, and SHARE of them."""
    filled = [t for t in (norm(v) for v in values) if t]
    if len(filled) < MIN_VALUES:
        return False
    return sum(1 for t in filled if what.test(t)) >= SHARE * len(filled)

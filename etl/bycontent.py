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

import datetime as dt
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


# Where an account is kept, not who is paid: a bank's name is an organisation's, never a payee's here.
_BANK = re.compile(r"(银行|支行|分行|分理处|信用社|储蓄所)$")


def _payee(value: str) -> bool:
    return _organisation(value) and not _BANK.search(value)


PAYEE = Says("收款单位名称", "names of units paid", _payee)
# A row's own number: distinct on every row (checked over the column, ``unique``), with a figure in it.
ROW_NUMBER = Says(
    "每行不同的编号", "a different number on every row", lambda v: bool(re.search(r"\d", v))
)


@dataclass(frozen=True)
class Fallback:
    """A header word that may stand for a required column only when the form has no better candidate for
    it: the header stage left the column unfound, exactly one column of the form has a header of
    ``words`` (unused, or read as an optional column of the kind: 部门名称 as the department in charge),
    and its values say ``what``.  Reported (``column_by_values``), never silent."""

    words: re.Pattern
    what: Says
    unique: bool = False  # the values must also differ on every row (a row's own number)


# canonical column ("kind.column") -> its fallback.  Each row of an agency list, an allocation table or a
# disbursement list is one unit's: where the form names no 单位, the one column naming an organisation on
# each row — 部门名称, 归口部门 (a department is itself a unit), 卖方企业 — is that row's unit; beside a
# 单位名称 (or 收款单位, 分配单位) it stays what it was.  Not a unit that pays, fills in or is in charge of
# the payer (预算单位, 付款单位, 主管部门 on a voucher list), nor a bank.  And a disbursement list with no
# 凭证号 is keyed by the one number of the document each transfer was made on (账单编号, 拨付申请单号,
# 付款单号) when it differs on every row; two such numbers are a question.
FALLBACKS: dict[str, Fallback] = {
    "agencies.agency_name": Fallback(re.compile(r"^(部门|机构)(名称|全称)?$"), ORGANISATION),
    "allocations.recipient": Fallback(re.compile(r"^(归口|对口)?部门(名称)?$"), RECIPIENT),
    "disbursements.payee": Fallback(
        re.compile(
            r"^(?!.*(预算|付款|拨出|支出|经办|填报|开户|主管|制表|审核|申请))"
            r".*(部门|单位|企业|公司)(名称|全称)?$"
        ),
        PAYEE,
    ),
    "disbursements.voucher_no": Fallback(
        re.compile(
            r"^(?!.*(凭证|身份|证件|账号|帐号|卡号|银行|文号|项目|资金|合同|发票))"
            r".*(单|单据|票据)(编号|编码|号码|号)$"
        ),
        ROW_NUMBER,
        unique=True,
    ),
}


def fallback(kind: str, column: str) -> Fallback | None:
    return FALLBACKS.get(f"{kind}.{column}")


def _id_shaped(value: str) -> bool:
    """18 characters, 17 digits and a digit or X, with a real birth date: an ID number, right or wrong
    (a wrong check character is its row's error, id_checksum, not a sign the column holds something
    else; a village's code is 9 or 12 digits)."""
    if not _ID_SHAPE.fullmatch(value):
        return False
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


_ID_SHAPE = re.compile(r"\d{17}[\dXx]")
ID_SHAPED = Says("18 位身份证号", "18-character ID numbers", _id_shaped)

# A person's name: two to five characters, not a place's or a unit's.
_PERSON = re.compile(r"[\u4e00-\u9fff·]{2,5}")
PERSON = Says(
    "人名",
    "people's names",
    lambda v: bool(_PERSON.fullmatch(v)) and not _PLACE.fullmatch(v) and not _organisation(v),
)

# A note in brackets after a header that says what the column holds: 贫困对象编号（村编号或个人身份证号码）,
# 贫困对象名称（行政村名字或个人名字） (a 扶贫 补助 import template: the aid may go to a person or to a
# village).  Where the header's own words leave a required column unfound, the one column whose note
# names it is taken when its values are what the note says; a note naming two things is settled by the
# values (valid ID numbers are no village's code).  Reported as ``column_by_values``.
NOTED: dict[str, Fallback] = {
    "id_number": Fallback(re.compile(r"身份证|公民身份号码|证件号码"), ID_SHAPED),
    "name": Fallback(re.compile(r"(个人|本人|人员)(姓名|名字)|^(姓名|名字)$"), PERSON),
}


def taken_as(kind: str, column: str) -> Says:
    """What the values of a column taken by a fallback word or by its note say (for the warning)."""
    rule = fallback(kind, column) or NOTED[column]
    return rule.what


def what_says(kind: str, column: str) -> Says | None:
    """What the values of ``column`` of ``kind`` say, when they can stand in for its header."""
    return SAYS.get(f"{kind}.{column}") or SAYS.get(column)


def says(values: list[str | None], what: Says, unique: bool = False) -> bool:
    """Whether the filled ones of ``values`` say ``what``: at least MIN_VALUES, and SHARE of them (and, if
    ``unique``, no value twice)."""
    filled = [t for t in (norm(v) for v in values) if t]
    if len(filled) < MIN_VALUES or (unique and len(set(filled)) < len(filled)):
        return False
    return sum(1 for t in filled if what.test(t)) >= SHARE * len(filled)

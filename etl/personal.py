"""Personal numbers typed into free text: ID numbers, mobile numbers, bank card numbers.

A clerk types a contact's mobile into 项目名称, a responsible person's ID
number into 实施单位: the column is published as written (issue 15). One
detector serves the upload rule ``personal_data_in_text`` (etl.rules) and
every text a person writes on the web that is published (replies, 整改
notices) and masks, where the public is served, what was stored before.
It runs in two steps so a million-row upload stays fast: DuckDB keeps only
cells of eleven characters or more matching ``CANDIDATE_RE`` (eleven digits
in a row), and ``find`` checks those few in Python with python-stdnum (a
GB/T 2260 province, then the GB 11643 check digit or a real birth date; an
issuer digit and Luhn for cards).

What is found is only ever shown masked (``masked``): the ID number as the
store shows it (``110105********1234``), a mobile as ``138****5678``, a card
as ``****7890``.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from typing import Any, NamedTuple

from stdnum import luhn
from stdnum.cn import ric

from etl.idnum import mask as mask_id

# A cell that may hold one: eleven digits in a row, also with a space or dash where a
# mobile (3-4-4), a card (4-4-4-4) or an ID (6-8-4) is split.  Full-width digits too.
_D = "[0-9０-９]"
CANDIDATE_RE = f"{_D}{{3}}[ -]?{_D}{{4}}[ -]?{_D}{{4}}"
# The shortest number looked for is a mobile: shorter cells are skipped unread.
CANDIDATE_MIN_CHARS = 11

# The numbers themselves, over text whose digits NFKC made ASCII.
_MOBILE = r"(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}"
_ID18 = r"\d{6}[ -]?\d{8}[ -]?\d{3}[\dXx]"
_CARD_GROUPED = r"\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?"
_RUN = r"\d{15,19}"
# Bounded by anything but a digit, and not a decimal's part: 13500000000.00 is an amount (yuan).
_NUMBER = re.compile(
    rf"(?<!\d)(?<!\d\.)(?:{_ID18}|{_CARD_GROUPED}|{_RUN}|{_MOBILE})(?![\dXx])(?!\.\d)", re.ASCII
)
_MOBILE_ONLY = re.compile(rf"^{_MOBILE}$", re.ASCII)

KINDS = {
    "id": ("身份证号码", "ID number"),
    "mobile": ("手机号码", "mobile number"),
    "card": ("银行卡号", "bank card number"),
}


class Hit(NamedTuple):
    kind: str  # "id" | "mobile" | "card"
    start: int  # in the text as written
    end: int
    shown: str  # masked


def _real_date(yyyymmdd: str) -> bool:
    try:
        born = datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= born <= datetime.date.today()


# GB/T 2260 province codes, the first two digits of every ID number (83: residence
# permits of Hong Kong, Macao and Taiwan residents): a voucher number 2024… is no ID.
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54"
    " 61 62 63 64 65 71 81 82 83".split()
)


def _is_id18(digits: str) -> bool:
    """GB 11643: a province code, and a right check digit or a real birth date (a mistyped ID is still someone's)."""
    if not digits[:17].isdigit() or digits[:2] not in PROVINCES:
        return False
    return ric.calc_check_digit(digits) == digits[-1].upper() or _real_date(digits[6:14])


def _is_id15(digits: str) -> bool:
    """The old 15-digit form: province, region, YYMMDD (19YY), three digits."""
    return digits[:2] in PROVINCES and _real_date("19" + digits[6:12])


def _is_card(digits: str) -> bool:
    """ISO/IEC 7812: an issuer a card can have (3 Amex/JCB, 4 Visa, 5 and 2221–2720 Mastercard,
    6 UnionPay, 9 Chinese passbooks such as 9558…) and a right Luhn digit.  A treasury voucher
    number 2024… or 1000… is no card, even when its last digit happens to fit."""
    if not digits.isdigit():
        return False
    issuer = digits[0] in "34569" or 222100 <= int(digits[:6]) <= 272099
    return issuer and luhn.is_valid(digits)


def _classify(text: str) -> tuple[str, str] | None:
    """(kind, masked) of one matched number, or None when it is not a personal number."""
    digits = re.sub(r"[ -]", "", text)
    if digits.startswith("+"):
        digits = digits[1:]
    if _MOBILE_ONLY.match(text) and len(digits) in (11, 13):
        local = digits[-11:]
        return "mobile", local[:3] + "****" + local[-4:]
    if len(digits) == 18 and _is_id18(digits):
        return "id", mask_id(digits.upper())
    if len(digits) == 15 and _is_id15(digits):
        return "id", mask_id(digits)
    if 16 <= len(digits) <= 19 and _is_card(digits):
        return "card", "****" + digits[-4:]
    return None


def fold(text: str) -> str:
    """Full-width digits and dashes as ASCII, the form the patterns read."""
    return unicodedata.normalize("NFKC", text)


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` folded character by character, and where each folded character came from."""
    if text.isascii():
        return text, list(range(len(text) + 1))
    out, origin = [], []
    for i, ch in enumerate(text):
        f = unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch
        out.append(f)
        origin += [i] * len(f)
    origin.append(len(text))
    return "".join(out), origin


# CANDIDATE_RE for Python: the quick test that lets most texts through untouched.
_CANDIDATE = re.compile(CANDIDATE_RE)


def find(text: str | None) -> list[Hit]:
    """Every personal number in ``text``, with its place in ``text`` itself."""
    if not text:
        return []
    text = str(text)
    if len(text) < CANDIDATE_MIN_CHARS or not _CANDIDATE.search(text):
        return []
    folded, origin = _folded(text)
    hits = []
    for m in _NUMBER.finditer(folded):
        got = _classify(m.group())
        if got:
            hits.append(Hit(got[0], origin[m.start()], origin[m.end()], got[1]))
    return hits


def masked(text: str | None) -> str | None:
    """``text`` with every personal number in it masked, the rest as written."""
    if text is None:
        return None
    hits = find(text)
    return _replace(str(text), hits) if hits else text


def _replace(text: str, hits: list[Hit]) -> str:
    """``text`` with each hit replaced by its masked form."""
    out, last = [], 0
    for h in hits:
        out += [text[last : h.start], h.shown]
        last = h.end
    out.append(text[last:])
    return "".join(out)


def masked_row(row: tuple, texts: list[int]) -> tuple:
    """``row`` with the strings at ``texts`` masked, the same tuple when none holds a number
    (a million-row download calls this once a row: the quick tests inline)."""
    for i in texts:
        v = row[i]
        if isinstance(v, str) and len(v) >= CANDIDATE_MIN_CHARS and _CANDIDATE.search(v):
            break
    else:
        return row
    out = list(row)
    for i in texts:
        if isinstance(out[i], str):
            out[i] = masked(out[i])
    return tuple(out)


def mask_all(value: Any) -> Any:
    """``value`` with every string in it (in dicts, lists and tuples too) masked: for what the public is served."""
    if isinstance(value, str):
        return masked(value)
    if isinstance(value, dict):
        return {k: mask_all(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(mask_all(v) for v in value)
    return value


def kinds(hits: list[Hit], lang: str = "zh") -> str:
    """The kinds found, in words: 身份证号码、手机号码 / ID number, mobile number."""
    names = [KINDS[k][0 if lang == "zh" else 1] for k in dict.fromkeys(h.kind for h in hits)]
    return ("、" if lang == "zh" else ", ").join(names)


@functools.lru_cache(maxsize=4096)
def _cell(text: str) -> tuple[str, str] | None:
    hits = find(text)
    if not hits:
        return None
    return _replace(text, hits), f"{kinds(hits)} / {kinds(hits, 'en')}"


def cell_masked(text: str | None) -> str | None:
    """The upload rule's value: the cell masked, or None when it holds no personal number (a DuckDB UDF)."""
    got = _cell(text) if text else None
    return got[0] if got else None


def cell_kinds(text: str | None) -> str | None:
    """The upload rule's detail: the kinds found, in Chinese and English (a DuckDB UDF)."""
    got = _cell(text) if text else None
    return got[1] if got else None


MASKED_FN, KINDS_FN = "fq_personal_masked", "fq_personal_kinds"


def register(con) -> None:
    """Make ``fq_personal_masked`` and ``fq_personal_kinds`` callable in SQL on ``con``."""
    for name, fn in ((MASKED_FN, cell_masked), (KINDS_FN, cell_kinds)):
        try:
            # "special": the function sees NULL and may answer NULL (a candidate that is no number).
            con.create_function(
                name, fn, ["VARCHAR"], "VARCHAR", null_handling="special", side_effects=False
            )
        except Exception as exc:  # already registered on this connection
            if "already" not in str(exc).lower():
                raise


class PersonalNumber(ValueError):
    """A published text holds a personal number; the message shows it masked and says where."""

    def __init__(self, where_zh: str, where_en: str, hits: list[Hit], text: str):
        self.where_zh, self.where_en, self.hits = where_zh, where_en, hits
        shown = masked(text) or ""
        if len(shown) > 80:  # the number and a little around it
            start = max(0, hits[0].start - 20)
            shown = ("…" if start else "") + shown[start : start + 60] + "…"
        self.zh = (
            f"{where_zh}中有{kinds(hits)}（{shown}）：这段文字会公开，不能含有身份证号、手机号或银行卡号，"
            "请删去或改为单位电话。"
        )
        self.en = (
            f"{where_en} holds a {kinds(hits, 'en')} ({shown}): this text is published and must carry"
            " no ID, mobile or bank card number."
        )
        super().__init__(f"{self.zh} / {self.en}")


def refuse(text: str | None, where_zh: str, where_en: str) -> None:
    """Raise PersonalNumber when ``text``, to be published, holds a personal number."""
    hits = find(text)
    if hits:
        raise PersonalNumber(where_zh, where_en, hits, str(text))

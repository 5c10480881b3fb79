"""Text normalisation shared by the reader and the header matcher.

Spreadsheets typed in Chinese offices mix full-width and half-width forms
(``１２３``, ``（元）``, the ideographic space ``　``).  NFKC folds them into
one form; runs of spaces become one space.  Both a scalar and a vectorised
(pyarrow) version are given, and they agree.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pyarrow as pa
import pyarrow.compute as pc

# OWASP "CSV injection": a cell starting with one of these is read as a
# formula by Excel, WPS and LibreOffice (tab and carriage return too).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SPACES = re.compile(r"\s+")
# A unit written after a header: 金额(元), 面积(亩), 标准(元/亩), 人数(人), 金额(单位:万元).
_UNIT = re.compile(
    r"\((单位[:]?)?(元|万元|亩|人|户|人次|个|头|月|元/亩|元/人|元/人/月|元/月|元/年|元/人·月|元/户|元/头)\)$"
)
# Every kind of bracket a clerk types is one kind here: 【户主】, 〔元〕, [亩], {人}.
_BRACKETS = str.maketrans("【〔[{〈《「『﹝】〕]}〉》」』﹞", "((((((((()))))))))")
# A star (or a note mark) says "required"; it is not part of the header.
_MARKS = re.compile(r"[*★☆※]|\(必填\)|\(选填\)")
# A system's own field name glossed after the Chinese one (姓名_real_name, 身份证号_id_card_no, 当前状态
# current_status, 金额(元)/amount): the header is the Chinese.  Only after a Chinese character or a closing
# bracket and a space, _, /, - or :, so an ID or a code in Latin letters (ID号, A类人员) stays, and never
# a bare identifier (单位_id, 项目业主单位id: a column of ids, not of units).
_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff)])(?:\s+|\s*[_/:\-]\s*)([A-Za-z][A-Za-z0-9_\-/. ]*)$")
_IDENTIFIER = {"id", "no", "code", "key", "num", "uuid", "pk"}


def norm(value: str | None) -> str | None:
    """NFKC, single spaces, trimmed; empty becomes None."""
    if value is None:
        return None
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()
    return text or None


# A csv cell written ="0101010001" is Excel's text formula: a system writes it so that Excel shows the
# leading zeros and all 18 digits of an ID number, and Excel and WPS show the text inside.  Only a whole
# cell of one quoted string (with "" for a quote inside), never a formula that computes something.


def excel_text(value: str | None) -> str | None:
    """A csv cell ``="…"`` as the text inside it (``excel_text_array`` of one cell)."""
    if value and len(value) >= 3 and value.startswith('="') and value.endswith('"'):
        inner = value[2:-1]
        if '"' not in inner.replace('""', ""):
            return inner.replace('""', '"')
    return value


def excel_text_array(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Each csv cell ``="…"`` as the text inside it, the way Excel and WPS show it (``""`` is one quote).

    Plain kernels, no regular expression: a million such cells in about a tenth of the time."""
    if not pc.any(pc.starts_with(arr, '="')).as_py():
        return arr
    inner = pc.utf8_slice_codeunits(arr, 2, -1)
    whole = pc.and_(
        pc.and_(pc.starts_with(arr, '="'), pc.ends_with(arr, '"')),
        pc.greater_equal(pc.utf8_length(arr), 3),
    )
    if pc.any(pc.match_substring(inner, '"')).as_py():
        # one string: every quote inside is doubled (="A"&"B" computes; it is left as written)
        single = pc.invert(pc.match_substring(pc.replace_substring(inner, '""', ""), '"'))
        whole, inner = pc.and_(whole, single), pc.replace_substring(inner, '""', '"')
    return pc.if_else(whole, inner, arr)


def norm_array(arr: pa.Array) -> pa.Array:
    """Vectorised ``norm`` over a pyarrow string array (each step only where it can change something).

    A long column is normalised one distinct value at a time (a roster repeats its townships,
    villages, funds and dates on every row): the same values, a third of the time.
    """
    if len(arr) > 10_000:
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        encoded = pc.dictionary_encode(arr)
        if len(encoded.dictionary) < len(arr) // 2:
            return pc.take(_norm_plain(encoded.dictionary), encoded.indices)
    return _norm_plain(arr)


def _norm_plain(arr: pa.Array) -> pa.Array:
    if not pc.all(pc.string_is_ascii(arr)).as_py():
        arr = pc.utf8_normalize(arr, "NFKC")
    if pc.any(pc.match_substring_regex(arr, r"\s\s|[^\S ]")).as_py():
        arr = pc.replace_substring_regex(arr, r"\s+", " ")
    arr = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)


def header_key(text: str | None) -> str:
    """The form headers are compared in: normalised (NFKC), no spaces or line breaks, one kind of
    bracket, no star or 必填 mark, no Latin field name glossed after the Chinese, no unit in brackets at
    the end, lower case."""
    text = (norm(text) or "").translate(_BRACKETS)
    gloss = _GLOSS.search(text)
    if gloss and gloss.group(1).strip().lower() not in _IDENTIFIER:
        text = text[: gloss.start()]
    text = _MARKS.sub("", text.replace(" ", "").lower())
    return _UNIT.sub("", text)


def header_unit(text: str | None) -> str | None:
    """The unit a header names in brackets at its end: 预算金额（万元） -> 万元."""
    text = (norm(text) or "").replace(" ", "").translate(_BRACKETS)
    found = _UNIT.search(_MARKS.sub("", text))
    return found.group(2) if found else None


def column_text(values: tuple | list) -> pa.Array:
    """A column of cells as text: ``cell_text`` of each, vectorised when the column has one type.

    Most columns are all text or all numbers; pyarrow converts those in C.
    A float column gets the same text as ``cell_text`` gives: integral values
    below 1e15 as integers, the rest (an ID number Excel stored as a float)
    in the shortest round-trip form, e.g. 4.10102e+17.
    """
    try:
        arr = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pa.array([cell_text(v) for v in values], pa.string())
    kind = arr.type
    if pa.types.is_string(kind):
        return arr
    if pa.types.is_null(kind):
        return pa.nulls(len(arr), pa.string())
    if pa.types.is_integer(kind):
        return pc.cast(arr, pa.string())
    if pa.types.is_floating(kind):
        return float_text(arr)
    return pa.array([cell_text(v) for v in values], pa.string())


def float_text(arr: pa.Array) -> pa.Array:
    """A float column as text: integral values below 1e15 as integers, the rest as Arrow writes them."""
    small_integral = pc.and_(pc.equal(pc.floor(arr), arr), pc.less(pc.abs(arr), 1e15))
    as_int = pc.cast(pc.cast(pc.if_else(small_integral, arr, 0.0), pa.int64()), pa.string())
    return pc.if_else(small_integral, as_int, pc.cast(arr, pa.string()))


def cell_text(value: object) -> str | None:
    """One spreadsheet cell as text, losing nothing Excel kept.

    A float too large to be exact (an ID number Excel turned into 4.10102E+17)
    keeps its scientific form so the validator can say digits were lost.
    """
    if value is None:
        return None
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float:
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if kind is int:
        return str(value)
    if kind is bool:
        return "是" if value else "否"
    if kind is dt.datetime:
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if kind is dt.date:
        return value.isoformat()
    if kind is dt.timedelta:  # a cell formatted [h]:mm: the duration as Excel shows it (36:00)
        return duration_text(value)
    return str(value)


def duration_text(value: dt.timedelta) -> str:
    """A duration as a cell formatted ``[h]:mm`` (``[h]:mm:ss`` when it has seconds) shows it: 1.5 days is
    36:00, not str()'s "1 day, 12:00:00"."""
    seconds = round(value.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with an apostrophe (exports only)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# A long run of digits (an ID number, a card number) in a header or a note: never shown in full.
_LONG_DIGITS = re.compile(r"\d{6}(\d{5,})(\d{3}[\dXx])")


def mask_digits(text: str) -> str:
    """``text`` with every run of 15 or more digits (an ID or card number) masked: 422822********9856."""
    return _LONG_DIGITS.sub(
        lambda m: m.group(0)[:6] + "*" * (len(m.group(0)) - 10) + m.group(0)[-4:], text
    )

"""Parse the reader's text into typed values, in SQL, keeping the text beside it.

``build_incoming`` turns the reader's table (registered as ``raw``) into a
temporary table ``incoming``: for every spec column ``col`` the parsed value
and ``col__raw`` (what the user wrote), so a rule can report the original
text of any value that failed to parse.  Parsing is vectorised in DuckDB:
amounts never pass through float, dates accept every form DESIGN.md §4
lists, ID numbers get their GB 11643 problem classified.

SQL text here is built only from identifiers and constants declared in
etl/specs.py; values from the file always travel as data, never as SQL.
"""

from __future__ import annotations

import string

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from etl.extract import mentions
from etl.filevalues import FUND_CODE_HEX, FUND_NAME_NOISE, Computed
from etl.idnum import LOOKUP_KEY_SQL, Hasher, lookup_key
from etl.spectypes import Column, Spec
from etl.text import norm
from etl.vocabulary import ENUM_NOISE, enum_key

# GB 11643-1999 weights and check characters (the standard's table).
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
EXCEL_EPOCH = "1899-12-30"  # Excel's day 0 (with the 1900 leap-year bug folded in)

TRUE_WORDS = ("是", "Y", "YES", "TRUE", "1", "√", "✓", "按进度")
FALSE_WORDS = ("否", "N", "NO", "FALSE", "0", "×")


def q(text: str) -> str:
    """A SQL string literal for a constant from the specs (not for user data)."""
    return "'" + text.replace("'", "''") + "'"


def _amount(raw: str, scale: int, times: int = 1) -> str:
    t = f"regexp_replace({raw}, '[,¥元 ]|人民币', '', 'g')"
    number = "'[+-]?(\\d+(\\.\\d*)?|\\.\\d+)'"

    def value(x: str) -> str:
        if times != 1:  # 万元: parsed with four more decimals, then in yuan
            return (
                f"CAST(TRY_CAST({x} AS DECIMAL(18,{scale + 4})) * {times} AS DECIMAL(18,{scale}))"
            )
        return f"TRY_CAST({x} AS DECIMAL(18,{scale}))"

    # A cell written in 万 (50万元, 1.2万) is ten thousand times its number whatever the header says:
    # in a 资金（万元） column "50万" is still 50 万元, never 50 万 万元.
    wan_number = "'[+-]?(\\d+(\\.\\d*)?|\\.\\d+)万'"
    in_wan = f"CAST(TRY_CAST(rtrim({t}, '万') AS DECIMAL(18,{scale + 4})) * 10000 AS DECIMAL(18,{scale}))"
    # A plain number (nearly every cell) has nothing to remove: cast it without the replace.
    return (
        f"CASE WHEN regexp_full_match({raw}, {number}) THEN {value(raw)} "
        f"WHEN regexp_full_match({t}, {number}) THEN {value(t)} "
        f"WHEN regexp_full_match({t}, {wan_number}) THEN {in_wan} END"
    )


def _date(raw: str) -> str:
    t = f"regexp_replace({raw}, '[ T]\\d{{1,2}}:\\d{{2}}(:\\d{{2}}(\\.\\d+)?)?$', '')"
    dashed = f"regexp_replace(regexp_replace({t}, '日$', ''), '[年月/.]', '-', 'g')"
    parsed = (
        f"CASE WHEN regexp_full_match({t}, '\\d{{5}}(\\.0+)?') "
        f"THEN DATE '{EXCEL_EPOCH}' + CAST(TRY_CAST({t} AS DOUBLE) AS INTEGER) "
        f"WHEN regexp_full_match({t}, '\\d{{8}}') THEN CAST(try_strptime({t}, '%Y%m%d') AS DATE) "
        f"ELSE CAST(try_strptime({dashed}, '%Y-%m-%d') AS DATE) END"
    )
    # The common forms (2024-03-05, 2024/3/5) first: the same result as the general parse, for a third of its cost.
    plain = f"regexp_full_match({raw}, '\\d{{4}}[-/]\\d{{1,2}}[-/]\\d{{1,2}}')"
    parsed = f"CASE WHEN {plain} THEN CAST(try_strptime(replace({raw}, '/', '-'), '%Y-%m-%d') AS DATE) ELSE {parsed} END"
    return f"CASE WHEN year({parsed}) BETWEEN 1900 AND 2100 THEN {parsed} END"


_MONTH = "'^(\\d{4})\\s*[-/.年]?\\s*(\\d{1,2})\\s*(月份|月)?$'"


def _month(raw: str) -> str:
    """A month (2024-03, 2024年3月, 202403, 2024/3) as its first day; a full date gives its month."""
    y = f"TRY_CAST(regexp_extract({raw}, {_MONTH}, 1) AS INTEGER)"
    m = f"TRY_CAST(regexp_extract({raw}, {_MONTH}, 2) AS INTEGER)"
    return (
        f"CASE WHEN {y} BETWEEN 1900 AND 2100 AND {m} BETWEEN 1 AND 12 THEN make_date({y}, {m}, 1) "
        f"ELSE CAST(date_trunc('month', {_date(raw)}) AS DATE) END"
    )


# Membership in a list of constants is written as a CASE, not x IN (...) or list_contains: DuckDB
# turns those into a join, and a join hands its output back out of the file's row order
# (``incoming`` must keep it: the store then needs no sort).


def enum_key_expr(raw: str) -> str:
    """SQL giving the form enum values are compared in (etl.vocabulary.enum_key in SQL)."""
    return f"lower(regexp_replace({raw}, {q(ENUM_NOISE)}, '', 'g'))"


def _enum(raw: str, col: Column) -> str:
    # The raw text is already NFKC-normalised by the reader.  A value written as declared is looked
    # up as it is (most rows: 5x faster); the rest without spaces, brackets or case.
    written = {norm(k) or "": v for k, v in col.values.items()}
    exact = " ".join(f"WHEN {q(k)} THEN {q(v)}" for k, v in written.items())
    loose = " ".join(f"WHEN {q(enum_key(k))} THEN {q(v)}" for k, v in written.items())
    # Every declared value maps to a word, never to NULL: NULL from the first CASE means "not
    # written as declared".
    return f"coalesce(CASE {raw} {exact} END, CASE {enum_key_expr(raw)} {loose} END)"


def closest_expr(raw: str, col: Column) -> str:
    """SQL naming the accepted word closest to ``raw`` (edit distance to every written form)."""
    pairs = []
    for i, (written, stored) in enumerate(col.values.items()):
        shown = (
            written
            if written in col.accepted_words
            else next((w for w in col.accepted_words if col.values.get(w) == stored), written)
        )
        pairs.append(f"({q(enum_key(norm(written) or ''))}, {q(shown)}, {i})")
    return (
        f"(SELECT w.shown FROM (VALUES {', '.join(pairs)}) AS w(written, shown, i) "  # noqa: S608
        f"ORDER BY levenshtein({enum_key_expr(raw)}, w.written), w.i LIMIT 1)"
    )


# A village written as its committee (a civil-affairs system's 户籍地 / 属地: 东风村委会, 红星村民委员会,
# 团结社区居委会): the village, as every other form names it.  Only at the end, after the village's name.
VILLAGE_COMMITTEE = r"^(.+?(?:村|社区))(?:村?民委员会|村?委会|居委会|居民委员会)$"


# A unit written as its code and name (财政一体化 / 国库支付 systems: 101001-县财政局, [101001]县财政局,
# 101001 县财政局, 【101001】县财政局): the unit, as the agencies register and every other form names it.
# The code is 3 digits or more (after letters, if any); 101医院, 3号楼 and 8341部队 are names.
UNIT_COLUMNS = frozenset({"department", "agency_name", "payee", "contractor", "recipient"})
_UNIT_CODE = r"[A-Za-z]{0,4}[0-9]{3,}"
UNIT_CODE_NAME = (
    rf"^\s*(?:[\[【(（]\s*{_UNIT_CODE}\s*[\]】)）]|{_UNIT_CODE}\s*[-－—–]|{_UNIT_CODE}\s)"
    r"\s*(\S*\p{Han}.*?)\s*$"
)
# the first character a code-name cell can start with: other cells skip the expression
_UNIT_CODE_FIRST = string.digits + string.ascii_letters + "[【(（"


def unit_code_guard(raw: str) -> str:
    """SQL true when ``raw`` may be a code-name cell (its first character could begin a code)."""
    return f"contains({q(_UNIT_CODE_FIRST)}, left({raw}, 1))"


def parse_expr(col: Column, times: int = 1) -> str:
    """SQL expression parsing ``raw.<col>`` into the column's type (an amount ``times`` its unit: 10000 for 万元)."""
    raw = f'r."{col.name}"'
    if col.type == "text":
        if col.name == "name":  # 张  三 and 张　三 are 张三
            return (
                f"CASE WHEN contains({raw}, ' ') AND regexp_matches({raw}, '\\p{{Han}}')"
                f" THEN replace({raw}, ' ', '') ELSE {raw} END"
            )
        if col.name == "village":  # 东风村委会 / 东风村民委员会 is 东风村, 团结社区居委会 团结社区
            # the plain search first: most villages are written without 会, and skip the expression
            return (
                f"CASE WHEN contains({raw}, '会')"
                f" THEN regexp_replace({raw}, {q(VILLAGE_COMMITTEE)}, '\\1') ELSE {raw} END"
            )
        # 101001-县财政局 is 县财政局; most cells start with a Han character and skip the expression
        if col.name in UNIT_COLUMNS:
            return (
                f"CASE WHEN {unit_code_guard(raw)}"
                f" THEN regexp_replace({raw}, {q(UNIT_CODE_NAME)}, '\\1') ELSE {raw} END"
            )
        return raw
    if col.type in ("code", "id_number"):
        # '0101010001: the apostrophe a clerk types (or a system writes) to keep a number as text
        bare = f"CASE WHEN starts_with({raw}, '''') THEN substr({raw}, 2) ELSE {raw} END"
        return (
            f"upper(replace({bare}, ' ', ''))"
            if col.type == "id_number"
            else f"replace({bare}, ' ', '')"
        )
    if col.type == "int":
        return f"TRY_CAST(regexp_replace({raw}, '\\.0+$', '') AS INTEGER)"
    if col.type == "year":
        y = f"coalesce(TRY_CAST({raw} AS INTEGER), TRY_CAST(regexp_replace({raw}, '(年度|年)$', '') AS INTEGER))"
        return f"CASE WHEN {y} BETWEEN 1990 AND 2100 THEN {y} END"
    if col.type == "amount":
        return _amount(raw, 2, times)
    if col.type == "decimal":
        return _amount(raw, 4)
    if col.type == "date":
        return _date(raw)
    if col.type == "month":
        return _month(raw)
    if col.type == "flag":
        up = f"upper({raw})"
        words = [(w, "false") for w in FALSE_WORDS] + [(w, "true") for w in TRUE_WORDS]
        cases = " ".join(f"WHEN {q(w)} THEN {v}" for w, v in words)
        return f"CASE WHEN {raw} IS NULL THEN false ELSE CASE {up} {cases} END END"
    if col.type == "enum":
        return _enum(raw, col)
    raise ValueError(f"unknown column type {col.type}")


def computed_expr(spec: Spec, how: Computed, times: dict[str, int] | None = None) -> str:
    """SQL computing a column the form lacks from the columns it has (etl.filevalues.Computed), over ``raw``.

    ``product``: quantity × standard, both DECIMAL, rounded half up to the fen (the values are not
    negative: a negative one is an error of its own column) and stored as DECIMAL(18,2), never float.
    ``fund_code``: ``G`` + year + ``-`` + the first hex digits of the SHA-256 of the normalised name
    (etl.filevalues.generated_fund_code in SQL); NULL when the year or the name is.
    ``fund_lookup``: the code of the catalogue's (``live_funds``) one fund of the row's year whose name
    has the same ``fund_key``; NULL when there is none or more than one (rule fund_name_unknown).
    """
    times = times or {}
    parsed = {name: f"({parse_expr(spec.column(name), times.get(name, 1))})" for name in how.inputs}
    if how.how == "product":
        quantity, standard = (parsed[name] for name in how.inputs)
        return f"CAST(round({quantity} * {standard}, 2) AS DECIMAL(18,2))"
    if how.how == "fund_code":
        year, name = parsed["year"], parsed["fund_name"]
        key = f"lower(regexp_replace({name}, {q(FUND_NAME_NOISE)}, '', 'g'))"
        return (
            f"CASE WHEN {year} IS NOT NULL AND {key} <> '' "
            f"THEN 'G' || CAST({year} AS VARCHAR) || '-' || upper(left(sha256({key}), {FUND_CODE_HEX})) END"
        )
    if how.how == "fund_lookup":  # the catalogue's one fund of that year and name, else NULL
        year, name = parsed["year"], parsed["fund_name"]
        key = lambda x: f"lower(regexp_replace({x}, {q(FUND_NAME_NOISE)}, '', 'g'))"  # noqa: E731
        return (
            "(SELECT CASE WHEN count(DISTINCT f.fund_code) = 1 THEN min(f.fund_code) END"  # noqa: S608
            f" FROM live_funds f WHERE f.year = {year} AND {key('f.fund_name')} = {key(name)})"
        )
    raise ValueError(f"unknown computation {how.how}")


def id_check_expr(x: str) -> str:
    """SQL for the GB 11643 check character the first 17 digits of ``x`` call for."""
    digits = " + ".join(
        f"CAST(substr({x}, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(ID_WEIGHTS)
    )
    return f"substr({q(ID_CHECK_CHARS)}, (({digits}) % 11) + 1, 1)"


def id_problem_expr(x: str, check: str | None = None) -> str:
    """SQL classifying an 18-character ID: NULL when valid (GB 11643 check digit, real birth date).

    ``check``: SQL giving the expected check character where it is known beforehand (``check_chars``),
    NULL where it is not; the SQL computation (``id_check_expr``) answers for those rows only.
    """
    expected = id_check_expr(x) if check is None else f"coalesce({check}, {id_check_expr(x)})"
    birth = f"try_strptime(substr({x}, 7, 8), '%Y%m%d')"
    return (
        f"CASE WHEN {x} IS NULL THEN NULL "
        f"WHEN regexp_full_match({x}, '\\d(\\.\\d+)?E\\+?\\d+') THEN 'scientific' "
        f"WHEN length({x}) <> 18 THEN 'length' "
        f"WHEN NOT regexp_full_match({x}, '\\d{{17}}[\\dX]') THEN 'format' "
        f"WHEN {expected} <> substr({x}, 18, 1) THEN 'checksum' "
        f"WHEN {birth} IS NULL OR {birth} > current_date OR year({birth}) < 1890 THEN 'birth_date' END"
    )


_WEIGHTS = np.array(ID_WEIGHTS, np.int64)
_CHECK_BYTES = np.frombuffer(ID_CHECK_CHARS.encode(), np.uint8)


def check_chars(ids: pa.Array) -> pa.Array:
    """The GB 11643 check character of each 18-byte number (null for the others), in numpy.

    The same sum as ``id_check_expr`` over the bytes of all numbers at once: for a quarter of a million
    distinct numbers, a hundredth of the 17 casts per number in SQL.  A value whose first 17 bytes are
    not all digits gets a character too, which nothing reads: the format is checked before the check
    character (``id_problem_expr``).
    """
    ids = ids.cast(pa.string())
    sized = pc.fill_null(pc.equal(pc.binary_length(ids), 18), False)
    picked = pc.filter(ids, sized)
    full = np.zeros(len(ids), np.uint8)
    if len(picked):
        offsets = np.frombuffer(picked.buffers()[1], np.int32)[
            picked.offset : picked.offset + len(picked) + 1
        ]
        data = np.frombuffer(picked.buffers()[2], np.uint8)[offsets[0] : offsets[-1]]
        grid = data.reshape(-1, 18)[:, :17].astype(np.int64) - ord("0")
        full[sized.to_numpy(zero_copy_only=False)] = _CHECK_BYTES[(grid @ _WEIGHTS) % 11]
    chars = pa.StringArray.from_buffers(
        len(ids), pa.py_buffer(np.arange(len(ids) + 1, dtype=np.int32)), pa.py_buffer(full)
    )
    return pc.if_else(sized, chars, pa.scalar(None, pa.string()))


def hash_sql(x: str) -> str:
    """SQL for HMAC-SHA256 of ``x`` (text), the padded keys given as parameters (ipad, then opad)."""
    return f"sha256($opad::BLOB || unhex(sha256($ipad::BLOB || encode({x}))))"


def _id_columns(
    con: duckdb.DuckDBPyConnection, col: Column, ids: pa.Array | pa.ChunkedArray, hasher: Hasher
) -> dict[str, pa.Array]:
    """For every row: the ID number as parsed, its problem, keyed hash, masked form, sex and birth date,
    the resident lookup's ``id_key`` (etl.idnum.LOOKUP_KEY_SQL: once per number, not once per row in the
    store's insert), and ``person_key``: one small integer per valid number (one person of the upload), which the
    rules group and join by (grouping on an integer costs less than on a 64-character hash).

    Each distinct number (a payments file names each person many times) is checked, hashed and
    masked once in DuckDB, then taken back to every row in Arrow: no join, so ``incoming`` keeps
    the file's row order and the store needs no sort (a hash join in DuckDB hands its output back
    batch by batch in any order).
    """
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    encoded = pc.dictionary_encode(ids)
    numbers = encoded.dictionary.cast(pa.string())
    # The check character computed in numpy for the numbers as parse_expr writes them (no spaces, upper
    # case); used where DuckDB's parse gives the same text, which is every number of 18 ASCII characters.
    upper = pc.utf8_upper(pc.replace_substring(numbers, " ", ""))
    distinct = pa.table(
        {
            "i": pa.array(np.arange(len(numbers), dtype=np.int32)),
            col.name: numbers,
            "id_arrow": upper,
            "id_check": check_chars(upper),
        }
    )
    x, valid = "id_value", "id_value IS NOT NULL AND problem IS NULL"
    check = f"CASE WHEN id_arrow = {x} THEN id_check END"
    pads = getattr(hasher, "pads", None)
    hashed = f"CASE WHEN {valid} THEN {hash_sql(x)} END" if pads is not None else "NULL"
    con.register("id_distinct", distinct)
    try:
        found = con.sql(
            f"SELECT * EXCLUDE (i), {LOOKUP_KEY_SQL} AS id_key FROM (SELECT i, {x}, problem,"  # noqa: S608
            f" CAST({hashed} AS VARCHAR) AS id_hash,"
            f" CASE WHEN {valid} THEN left({x}, 6) || '********' || right({x}, 4) END AS id_masked,"
            f" CASE WHEN {valid} THEN"
            f"  CASE WHEN substr({x}, 17, 1) IN ('1','3','5','7','9') THEN '男' ELSE '女' END END AS sex,"
            f" CASE WHEN {valid} THEN CAST(strptime(substr({x}, 7, 8), '%Y%m%d') AS DATE) END AS birth_date"
            f" FROM (SELECT i, {x}, {id_problem_expr(x, check)} AS problem"
            f" FROM (SELECT i, {parse_expr(col)} AS {x}, id_arrow, id_check FROM id_distinct r))) ORDER BY i",
            params={"ipad": pads[0], "opad": pads[1]} if pads is not None else None,
        ).to_arrow_table()
    finally:
        con.unregister("id_distinct")
    columns = {name: found[name].combine_chunks() for name in found.column_names}
    # One small integer per valid number: its place among the distinct parsed numbers (two raw
    # spellings of one number, 1101…x and 1101…X, are one person).
    person = pc.dictionary_encode(columns["id_value"]).indices
    is_valid = pc.and_(pc.is_valid(columns["id_value"]), pc.is_null(columns["problem"]))
    columns["person_key"] = pc.if_else(is_valid, person, pa.scalar(None, person.type))
    if pads is None:  # any other callable: hashed in Python
        pairs = zip(columns["id_value"].to_pylist(), columns["problem"].to_pylist(), strict=True)
        columns["id_hash"] = pa.array(
            [hasher(v) if v is not None and p is None else None for v, p in pairs], pa.string()
        )
        columns["id_key"] = pa.array(
            [None if h is None else lookup_key(h) for h in columns["id_hash"].to_pylist()],
            pa.int64(),
        )
    # Each row's values as a dictionary array over the distinct numbers' (no copy: DuckDB decodes it
    # while it creates ``incoming``, in parallel, instead of seven takes of every row here).
    return {
        name: pa.DictionaryArray.from_arrays(encoded.indices, arr) for name, arr in columns.items()
    }


# A column is parsed once per distinct value when it has at most this share of distinct values (a
# roster repeats its fund, year, township, village, standard, dates and status on every row).
BY_VALUE_ROWS = 10_000
BY_VALUE_SHARE = 4  # distinct values at most a quarter of the rows
# Types whose parse runs regular expressions; a text or code column's (a replace) costs less than the encoding.
BY_VALUE_TYPES = frozenset({"int", "year", "amount", "decimal", "date", "month", "flag", "enum"})


def _parsed_by_value(
    con: duckdb.DuckDBPyConnection, col: Column, text: pa.Array | pa.ChunkedArray, times: int
) -> pa.DictionaryArray | None:
    """``parse_expr`` of each distinct value of a long, repetitive column, as a dictionary array over
    every row (DuckDB decodes it while it creates ``incoming``), or None for a column to parse row by row.

    The regular expressions of an amount, a date or an enum then run a few thousand times instead of
    a million.  A blank cell is one of the values too (a flag's blank is ``false``, not NULL).
    """
    if len(text) <= BY_VALUE_ROWS or col.type not in BY_VALUE_TYPES:
        return None
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    encoded = pc.dictionary_encode(text, null_encoding="encode")
    if len(encoded.dictionary) > len(text) // BY_VALUE_SHARE:
        return None
    values = pa.table(
        {
            "i": pa.array(np.arange(len(encoded.dictionary), dtype=np.int32)),
            col.name: encoded.dictionary.cast(pa.string()),
        }
    )
    con.register("parse_values", values)
    try:
        parsed = con.sql(
            f"SELECT {parse_expr(col, times)} AS v FROM parse_values r ORDER BY i"  # noqa: S608
        ).to_arrow_table()["v"]
    finally:
        con.unregister("parse_values")
    return pa.DictionaryArray.from_arrays(encoded.indices, parsed.combine_chunks())


def _raw_as_parsed(
    col: Column, text: pa.Array | pa.ChunkedArray, in_file: bool, read_out: bool
) -> str | None:
    """SQL giving ``col__raw`` from ``incoming``'s own columns when the parsed column holds the text as
    written on every row (None: the text is stored beside the parsed value).

    A text column is parsed as it is; a name or a code loses its spaces and a code its leading apostrophe,
    so it is the same when none has either; an ID number is also upper-cased, so it is the same when every one is ASCII with no space and no
    small letter.  A column absent from the file is blank on every row (a flag's blank is parsed as
    ``false``, so a flag keeps its stored text).
    """
    if read_out or (in_file and col.type not in ("text", "code", "id_number")):
        return None
    if not in_file:
        return None if col.type == "flag" else "CAST(NULL AS VARCHAR)"
    if (
        col.name in UNIT_COLUMNS
    ):  # only a code-name cell (101001-县财政局) is stored as another name
        if pc.any(pc.match_substring_regex(text, UNIT_CODE_NAME)).as_py():
            return None  # the text as written is kept beside it
        return f'"{col.name}"'
    if col.type == "text" and col.name not in ("name", "village"):
        return f'"{col.name}"'
    if col.name == "village":  # only a committee's name (东风村委会) is stored as another village's
        if mentions(text, "会") and pc.any(pc.match_substring_regex(text, "委员?会$")).as_py():
            return None  # the text as written is kept beside it
        return f'"{col.name}"'
    # Plain searches, not a regular expression: about half the time on a million cells (bench/README.md,
    # branch post3).  ascii_upper changes the bytes a-z and nothing else, so it changes a number iff the
    # number holds a small letter.
    if pc.any(pc.match_substring(text, " ")).as_py() or pc.any(pc.starts_with(text, "'")).as_py():
        return None
    if col.type == "id_number" and not (
        pc.all(pc.string_is_ascii(text)).as_py()
        and pc.all(pc.equal(pc.ascii_upper(text), text)).as_py()
    ):
        return None
    return f'"{col.name}"'


def build_incoming(
    con: duckdb.DuckDBPyConnection,
    spec: Spec,
    raw: pa.Table,
    hasher: Hasher,
    times: dict[str, int] | None = None,
    computed: dict[str, Computed] | None = None,
) -> None:
    """Create temp table ``incoming`` from the reader's table (all text) for ``spec``.

    ``times``: amount columns whose header names 万元 (canonical -> 10000).
    ``computed``: columns the form lacks, computed from others (``computed_expr``); their ``__raw``
    is the computed value as text, so the rules see it as written.
    ID numbers are checked, hashed and masked once per distinct number (``_id_columns``), and so is
    a long column of few distinct values (``_parsed_by_value``); the other parsed columns are computed
    in the statement that creates ``incoming``, one scan of the upload with no join: the upload is
    materialised once, in the file's row order.
    """
    present = set(raw.column_names)
    for col in spec.columns:  # optional columns absent from the file are simply empty
        if col.name not in present:
            raw = raw.append_column(col.name, pa.nulls(raw.num_rows, pa.string()))
    id_cols = [c for c in spec.columns if c.type == "id_number"]
    if id_cols:
        (id_col,) = id_cols  # one ID column per kind
        for name, arr in _id_columns(con, id_col, raw[id_col.name], hasher).items():
            raw = raw.append_column(f"__id_{name}", arr)
    # (name in ``incoming``, SQL over the upload)
    columns: list[tuple[str, str]] = [("_row", "r._row")]
    same: dict[str, str] = {}  # col__raw -> SQL over ``incoming``'s columns (``_raw_as_parsed``)
    for col in spec.columns:
        if col.name in (computed or {}):
            expr = computed_expr(spec, computed[col.name], times)
            columns += [(col.name, expr), (f"{col.name}__raw", f"CAST({expr} AS VARCHAR)")]
            continue
        # read out of another text (etl.filevalues.fill)
        read_out = f"{col.name}__parsed" in present
        alias = _raw_as_parsed(col, raw[col.name], col.name in present, read_out)
        if alias is not None:
            same[f"{col.name}__raw"] = alias
        if col.type == "id_number":
            parsed = "r.__id_id_value"
        elif read_out:
            parsed = f'r."{col.name}__parsed"'
        else:
            by_value = _parsed_by_value(con, col, raw[col.name], (times or {}).get(col.name, 1))
            if by_value is None:
                parsed = parse_expr(col, (times or {}).get(col.name, 1))
            else:
                raw = raw.append_column(f"__v_{col.name}", by_value)
                parsed = f'r."__v_{col.name}"'
        columns += [(col.name, parsed), (f"{col.name}__raw", f'r."{col.name}"')]
    if id_cols:
        columns.append((f"{id_col.name}__problem", "r.__id_problem"))
        columns += [
            (name, f"r.__id_{name}")
            for name in ("id_hash", "id_masked", "sex", "birth_date", "person_key", "id_key")
        ]
    stored = [(name, expr) for name, expr in columns if name not in same]
    listed = ", ".join(f'{expr} AS "{name}"' for name, expr in stored)
    select = f"SELECT {listed} FROM raw_upload r"  # noqa: S608
    con.register("raw_upload", raw)
    try:
        if not same:
            con.execute(f"CREATE OR REPLACE TEMP TABLE incoming AS {select}")
            return
        # A ``__raw`` that is its parsed column's text on every row is a generated column, not a stored
        # copy: the rules read it as before, and creating ``incoming`` costs about half as much for each
        # such column (bench/README.md, branch speed2).  The columns keep their order.
        types = {row[0]: row[1] for row in con.execute(f"DESCRIBE {select}").fetchall()}
        defs = ", ".join(
            f'"{name}" VARCHAR AS ({same[name]})' if name in same else f'"{name}" {types[name]}'
            for name, _expr in columns
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE incoming ({defs})")
        names = ", ".join(f'"{name}"' for name, _expr in stored)
        con.execute(f"INSERT INTO incoming ({names}) {select}")
    finally:
        con.unregister("raw_upload")

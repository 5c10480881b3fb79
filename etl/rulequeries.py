"""The SQL behind each validation rule (etl.rules): one builder per check, spec -> queries.

Each query runs over the temp table ``incoming`` (see etl.clean) and returns
the offending rows as ``(_row, value, detail)``; a builder returns one query
per applicable column, or none when the spec lacks the columns it needs.
"""

from __future__ import annotations

from collections.abc import Callable

from etl.clean import closest_expr, q
from etl.filevalues import FUND_NAME_NOISE
from etl.personal import CANDIDATE_MIN_CHARS, CANDIDATE_RE, KINDS_FN, MASKED_FN
from etl.spectypes import Column, Spec
from etl.vocabulary import NOTICE_DAYS_RANGE

Query = tuple[str, str]  # (canonical column, SQL returning _row, value, detail)


def _cols(spec: Spec, *types: str) -> list[Column]:
    return [c for c in spec.columns if c.type in types]


def unparsed(*types: str) -> Callable[[Spec], list[Query]]:
    def queries(spec: Spec) -> list[Query]:
        return [
            (
                c.name,
                f'SELECT _row, "{c.name}__raw" AS value, NULL AS detail FROM incoming '  # noqa: S608
                f'WHERE "{c.name}__raw" IS NOT NULL AND "{c.name}" IS NULL',
            )
            for c in _cols(spec, *types)
        ]

    return queries


# What a cell formatted [h]:mm shows (etl.text.duration_text): hours, minutes and maybe seconds.
DURATION_SQL = r"^-?\d+:\d{2}(:\d{2})?$"


def date_unparsed(duration: bool) -> Callable[[Spec], list[Query]]:
    """A date column's cells that are no date: those that show a duration (``duration``: 36:00, a cell
    formatted [h]:mm, so the message says what the clerk sees), or the others."""
    test = "" if duration else "NOT "

    def queries(spec: Spec) -> list[Query]:
        return [
            (
                c.name,
                f'SELECT _row, "{c.name}__raw" AS value, NULL AS detail FROM incoming '  # noqa: S608
                f'WHERE "{c.name}__raw" IS NOT NULL AND "{c.name}" IS NULL '
                f"AND {test}regexp_full_match(\"{c.name}__raw\", '{DURATION_SQL}')",
            )
            for c in _cols(spec, "date")
        ]

    return queries


def village_unparsed(spec: Spec) -> list[Query]:
    """A village read out of an address (etl.address) that names none: the address is there, the village not.

    Only a parsed village can be NULL beside a cell that is not: a 村 column's text is its village.
    """
    return [
        (
            c.name,
            f'SELECT _row, "{c.name}__raw" AS value, NULL AS detail FROM incoming '  # noqa: S608
            f'WHERE "{c.name}__raw" IS NOT NULL AND "{c.name}" IS NULL',
        )
        for c in spec.columns
        if c.name == "village" and c.type == "text"
    ]


def enum_unknown(spec: Spec) -> list[Query]:
    """Enum values not in the vocabulary, with the accepted word closest to each as the detail."""
    queries = []
    for c in _cols(spec, "enum"):
        raw = f'"{c.name}__raw"'
        queries.append(
            (
                c.name,
                f"SELECT _row, {raw} AS value, {closest_expr(raw, c)} AS detail FROM incoming "  # noqa: S608
                f'WHERE {raw} IS NOT NULL AND "{c.name}" IS NULL',
            )
        )
    return queries


def required(spec: Spec) -> list[Query]:
    """Empty cells of a required column, and of one required if present (etl.validate drops those
    queries when the file lacks the column)."""
    return [
        (
            c.name,
            f'SELECT _row, NULL AS value, NULL AS detail FROM incoming WHERE "{c.name}__raw" IS NULL',  # noqa: S608
        )
        for c in spec.columns
        if c.required or c.required_if_present
    ]


def needed_without(spec: Spec) -> list[Query]:
    """Rows that fill neither a column required if present nor the one each row needs without it
    (etl.validate keeps these queries only when the file lacks the first column)."""
    return [
        (
            c.needed_without,
            f"SELECT _row, NULL AS value, '{c.label_zh}' AS detail FROM incoming "  # noqa: S608 (declared names)
            f'WHERE "{c.name}__raw" IS NULL AND "{c.needed_without}__raw" IS NULL',
        )
        for c in spec.columns
        if c.needed_without
    ]


def negative(spec: Spec) -> list[Query]:
    return [
        (c.name, f'SELECT _row, "{c.name}__raw", NULL FROM incoming WHERE "{c.name}" < 0')  # noqa: S608
        for c in _cols(spec, "amount", "decimal", "int")
    ]


def notice_days_out_of_range(spec: Spec) -> list[Query]:
    """A 公示天数 that is a whole number but not 1–365 (0 days would be no notice at all)."""
    low, high = NOTICE_DAYS_RANGE
    return [
        (
            c.name,
            f'SELECT _row, "{c.name}__raw", NULL FROM incoming '  # noqa: S608 (declared names)
            f'WHERE "{c.name}" >= 0 AND "{c.name}" NOT BETWEEN {low} AND {high}',  # below 0: amount_negative
        )
        for c in spec.columns
        if c.name == "notice_days"
    ]


def rounded(spec: Spec) -> list[Query]:
    return [
        (
            c.name,
            f'SELECT _row, "{c.name}__raw", CAST("{c.name}" AS VARCHAR) FROM incoming '  # noqa: S608
            f'WHERE "{c.name}" IS NOT NULL AND regexp_matches("{c.name}__raw", \'\\.\\d\\d0*[1-9]\')',
        )
        for c in _cols(spec, "amount")
    ]


def id_problem(problem: str) -> Callable[[Spec], list[Query]]:
    def queries(spec: Spec) -> list[Query]:
        return [
            (
                c.name,
                f'SELECT _row, "{c.name}__raw", NULL FROM incoming WHERE "{c.name}__problem" = \'{problem}\'',  # noqa: S608
            )
            for c in _cols(spec, "id_number")
        ]

    return queries


def personal_in_text(spec: Spec) -> list[Query]:
    """Text and code cells holding an ID, mobile or bank card number, masked (etl.personal).

    DuckDB keeps the few cells of eleven characters or more (most cells are shorter: the
    cheap test first) with eleven digits in a row, materialised so that the Python check
    runs on those only; the UDFs verify and mask them.
    """
    return [
        (
            c.name,
            f'WITH cand AS MATERIALIZED (SELECT _row, "{c.name}__raw" AS raw FROM incoming '  # noqa: S608
            f'WHERE length("{c.name}__raw") >= {CANDIDATE_MIN_CHARS} '
            f'AND regexp_matches("{c.name}__raw", {q(CANDIDATE_RE)})), '
            f"checked AS MATERIALIZED (SELECT _row, raw, {MASKED_FN}(raw) AS shown FROM cand) "
            f"SELECT _row, shown, {KINDS_FN}(raw) FROM checked WHERE shown IS NOT NULL",
        )
        for c in _cols(spec, "text", "code")
        if not c.personal
    ]


def _if_columns(
    *names: str,
) -> Callable[[Callable[[Spec], list[Query]]], Callable[[Spec], list[Query]]]:
    """Apply a rule only to specs that have all ``names``."""

    def wrap(fn: Callable[[Spec], list[Query]]) -> Callable[[Spec], list[Query]]:
        def queries(spec: Spec) -> list[Query]:
            have = {c.name for c in spec.columns}
            return fn(spec) if set(names) <= have else []

        return queries

    return wrap


@_if_columns("fund_code")
def fund_unknown(spec: Spec) -> list[Query]:
    if spec.kind == "funds":
        return []
    return [
        (
            "fund_code",
            "SELECT _row, fund_code, NULL FROM incoming WHERE fund_code IS NOT NULL "
            "AND fund_code NOT IN (SELECT fund_code FROM live_funds)",
        )
    ]


@_if_columns("id_number")
def region_unknown(spec: Spec) -> list[Query]:
    return [
        (
            "id_number",
            "SELECT i._row, i.id_number__raw, substr(i.id_number, 1, 6) FROM incoming i "
            "JOIN unknown_regions u ON u.region = substr(i.id_number, 1, 6) AND u.birth_year = year(i.birth_date)",
        )
    ]


@_if_columns("quantity", "standard_yuan", "amount_yuan")
def amount_mismatch(spec: Spec) -> list[Query]:
    return [
        (
            "amount_yuan",
            "SELECT _row, amount_yuan__raw, CAST(round(quantity * standard_yuan, 2) AS VARCHAR) "
            "FROM incoming WHERE quantity IS NOT NULL AND standard_yuan IS NOT NULL AND amount_yuan IS NOT NULL "
            "AND abs(round(quantity * standard_yuan, 2) - amount_yuan) > 0.01",
        )
    ]


@_if_columns("amount_due_yuan", "amount_yuan")
def due_differs(spec: Spec) -> list[Query]:
    return [
        (
            "amount_yuan",
            "SELECT _row, amount_yuan__raw, amount_due_yuan__raw FROM incoming "
            "WHERE amount_due_yuan IS NOT NULL AND amount_yuan IS NOT NULL AND amount_due_yuan <> amount_yuan",
        )
    ]


def none(spec: Spec) -> list[Query]:
    """A rule whose queries depend on the file, not only the kind: run from ``COMPUTED_CHECKS``."""
    return []


def uncomputable(spec: Spec, computed: dict) -> list[Query]:
    """Rows whose computed amount lacks an input: a blank quantity, or a blank standard in its column."""
    how = computed.get("amount_yuan")
    if how is None or how.how != "product":
        return []
    return [
        (
            name,
            f'SELECT _row, NULL, NULL FROM incoming WHERE amount_yuan IS NULL AND "{name}__raw" IS NULL',  # noqa: S608
        )
        for name in how.inputs
    ]


def fund_code_collision(spec: Spec, computed: dict) -> list[Query]:
    """Generated fund codes shared by two rows of the file, or held by the store for another name."""
    if "fund_code" not in computed or computed["fund_code"].how != "fund_code":
        return []
    key = lambda name: f"lower(regexp_replace({name}, {q(FUND_NAME_NOISE)}, '', 'g'))"  # noqa: E731
    in_file = (
        "SELECT i._row, i.fund_name, '第 ' || g.first_row || ' 行“' || g.first_name || '”' FROM incoming i JOIN ("
        " SELECT fund_code, min(_row) AS first_row, arg_min(fund_name, _row) AS first_name FROM incoming"
        " WHERE fund_code IS NOT NULL GROUP BY fund_code HAVING count(*) > 1) g"
        " USING (fund_code) WHERE i._row > g.first_row"
    )
    in_store = (
        "SELECT i._row, i.fund_name, '资金目录中已有的“' || f.fund_name || '”（' || f.year || ' 年）' FROM incoming i"  # noqa: S608
        " JOIN (SELECT DISTINCT fund_code, fund_name, year FROM live_funds) f ON f.fund_code = i.fund_code"
        f" WHERE {key('f.fund_name')} <> {key('i.fund_name')}"
    )
    return [("fund_name", f"{in_file} UNION ALL {in_store}")]


def fund_name_unknown(spec: Spec, computed: dict) -> list[Query]:
    """Rows whose fund name found no single catalogue fund of their year (``fund_lookup``)."""
    how = computed.get("fund_code")
    if how is None or how.how != "fund_lookup":
        return []
    return [
        (
            "fund_name",
            "SELECT _row, fund_name__raw, CAST(year AS VARCHAR) FROM incoming "
            "WHERE fund_code IS NULL AND fund_name IS NOT NULL AND year IS NOT NULL",
        )
    ]


@_if_columns("fund_code", "period", "year", "id_number")
def duplicate_person(spec: Spec) -> list[Query]:
    return [
        (
            "name",
            "SELECT i._row, i.name__raw, CAST(g.first_row AS VARCHAR) FROM incoming i JOIN ("
            " SELECT person_key, fund_code, coalesce(period, CAST(year AS VARCHAR)) AS period_key, min(_row) AS first_row"
            " FROM incoming WHERE person_key IS NOT NULL GROUP BY ALL HAVING count(*) > 1) g"
            " ON i.person_key = g.person_key AND i.fund_code = g.fund_code"
            " AND coalesce(i.period, CAST(i.year AS VARCHAR)) = g.period_key WHERE i._row > g.first_row",
        )
    ]


@_if_columns("id_number", "name")
def two_names(spec: Spec) -> list[Query]:
    """Rows naming a person otherwise than the person's first row does.  The people with two names are
    found first by ``min(name) <> max(name)`` (one small aggregate over a million rows; a distinct count
    per person cost twice as much), and only their rows are grouped for the first name."""
    return [
        (
            "name",
            "SELECT i._row, i.name, g.first_name || '（第 ' || g.first_row || ' 行）' FROM incoming i JOIN ("
            " SELECT person_key, arg_min(name, _row) AS first_name, min(_row) AS first_row FROM incoming"
            " WHERE name IS NOT NULL AND person_key IN (SELECT person_key FROM incoming"
            " WHERE person_key IS NOT NULL AND name IS NOT NULL GROUP BY person_key HAVING min(name) <> max(name))"
            " GROUP BY person_key) g USING (person_key) WHERE i.name <> g.first_name",
        )
    ]


@_if_columns("paid_on", "year")
def paid_before_year(spec: Spec) -> list[Query]:
    return [
        (
            "paid_on",
            "SELECT _row, paid_on__raw, CAST(year AS VARCHAR) FROM incoming WHERE paid_on < make_date(year, 1, 1)",
        )
    ]


@_if_columns("approved_on", "disbursed_on")
def disbursed_before_approved(spec: Spec) -> list[Query]:
    return [
        (
            "disbursed_on",
            "SELECT _row, disbursed_on__raw, approved_on__raw FROM incoming WHERE disbursed_on < approved_on",
        )
    ]

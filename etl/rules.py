"""The validation catalogue (STYLE.md habit 7).

Each rule has a label, a severity (an error blocks the load, a warning is
reported and the load goes on), a message that says what was found and what
was expected, in Chinese with English beside it, and one SQL query per
applicable column over the temp table ``incoming`` (see etl.clean) returning
the offending rows as ``(_row, value, detail)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from etl.clean import closest_expr, q
from etl.filevalues import FUND_NAME_NOISE
from etl.spectypes import Column, Spec

Query = tuple[str, str]  # (canonical column, SQL returning _row, value, detail)


@dataclass(frozen=True)
class Rule:
    label: str
    severity: str  # "error" | "warning"
    message_zh: (
        str  # str.format fields: header, value, detail, accepted (an enum's values in words)
    )
    message_en: str
    expected_zh: str
    expected_en: str
    queries: Callable[[Spec], list[Query]]


def _cols(spec: Spec, *types: str) -> list[Column]:
    return [c for c in spec.columns if c.type in types]


def _unparsed(*types: str) -> Callable[[Spec], list[Query]]:
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


def _enum_unknown(spec: Spec) -> list[Query]:
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


def _required(spec: Spec) -> list[Query]:
    return [
        (
            c.name,
            f'SELECT _row, NULL AS value, NULL AS detail FROM incoming WHERE "{c.name}__raw" IS NULL',  # noqa: S608
        )
        for c in spec.required
    ]


def _negative(spec: Spec) -> list[Query]:
    return [
        (c.name, f'SELECT _row, "{c.name}__raw", NULL FROM incoming WHERE "{c.name}" < 0')  # noqa: S608
        for c in _cols(spec, "amount", "decimal", "int")
    ]


def _rounded(spec: Spec) -> list[Query]:
    return [
        (
            c.name,
            f'SELECT _row, "{c.name}__raw", CAST("{c.name}" AS VARCHAR) FROM incoming '  # noqa: S608
            f'WHERE "{c.name}" IS NOT NULL AND regexp_matches("{c.name}__raw", \'\\.\\d\\d0*[1-9]\')',
        )
        for c in _cols(spec, "amount")
    ]


def _id_problem(problem: str) -> Callable[[Spec], list[Query]]:
    def queries(spec: Spec) -> list[Query]:
        return [
            (
                c.name,
                f'SELECT _row, "{c.name}__raw", NULL FROM incoming WHERE "{c.name}__problem" = \'{problem}\'',  # noqa: S608
            )
            for c in _cols(spec, "id_number")
        ]

    return queries


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
def _fund_unknown(spec: Spec) -> list[Query]:
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
def _region_unknown(spec: Spec) -> list[Query]:
    return [
        (
            "id_number",
            "SELECT i._row, i.id_number__raw, substr(i.id_number, 1, 6) FROM incoming i "
            "JOIN unknown_regions u ON u.region = substr(i.id_number, 1, 6) AND u.birth_year = year(i.birth_date)",
        )
    ]


@_if_columns("quantity", "standard_yuan", "amount_yuan")
def _amount_mismatch(spec: Spec) -> list[Query]:
    return [
        (
            "amount_yuan",
            "SELECT _row, amount_yuan__raw, CAST(round(quantity * standard_yuan, 2) AS VARCHAR) "
            "FROM incoming WHERE quantity IS NOT NULL AND standard_yuan IS NOT NULL AND amount_yuan IS NOT NULL "
            "AND abs(round(quantity * standard_yuan, 2) - amount_yuan) > 0.01",
        )
    ]


@_if_columns("amount_due_yuan", "amount_yuan")
def _due_differs(spec: Spec) -> list[Query]:
    return [
        (
            "amount_yuan",
            "SELECT _row, amount_yuan__raw, amount_due_yuan__raw FROM incoming "
            "WHERE amount_due_yuan IS NOT NULL AND amount_yuan IS NOT NULL AND amount_due_yuan <> amount_yuan",
        )
    ]


def _none(spec: Spec) -> list[Query]:
    """A rule whose queries depend on the file, not only the kind: run from ``COMPUTED_CHECKS``."""
    return []


def _uncomputable(spec: Spec, computed: dict) -> list[Query]:
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


def _fund_code_collision(spec: Spec, computed: dict) -> list[Query]:
    """Generated fund codes shared by two rows of the file, or held by the store for another name."""
    if "fund_code" not in computed:
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


# Rules over columns computed for this file (etl.filevalues.Computed): (spec, computed) -> queries.
COMPUTED_CHECKS: dict[str, Callable[[Spec, dict], list[Query]]] = {
    "amount_uncomputable": _uncomputable,
    "fund_code_collision": _fund_code_collision,
}


@_if_columns("fund_code", "period", "year", "id_number")
def _duplicate_person(spec: Spec) -> list[Query]:
    return [
        (
            "name",
            "SELECT i._row, i.name__raw, CAST(g.first_row AS VARCHAR) FROM incoming i JOIN ("
            " SELECT id_hash, fund_code, coalesce(period, CAST(year AS VARCHAR)) AS period_key, min(_row) AS first_row"
            " FROM incoming WHERE id_hash IS NOT NULL GROUP BY ALL HAVING count(*) > 1) g"
            " ON i.id_hash = g.id_hash AND i.fund_code = g.fund_code"
            " AND coalesce(i.period, CAST(i.year AS VARCHAR)) = g.period_key WHERE i._row > g.first_row",
        )
    ]


@_if_columns("id_number", "name")
def _two_names(spec: Spec) -> list[Query]:
    return [
        (
            "name",
            "SELECT i._row, i.name, g.first_name || '（第 ' || g.first_row || ' 行）' FROM incoming i JOIN ("
            " SELECT id_hash, arg_min(name, _row) AS first_name, min(_row) AS first_row FROM incoming"
            " WHERE id_hash IS NOT NULL AND name IS NOT NULL GROUP BY id_hash HAVING count(DISTINCT name) > 1) g"
            " USING (id_hash) WHERE i.name <> g.first_name",
        )
    ]


@_if_columns("paid_on", "year")
def _paid_before_year(spec: Spec) -> list[Query]:
    return [
        (
            "paid_on",
            "SELECT _row, paid_on__raw, CAST(year AS VARCHAR) FROM incoming WHERE paid_on < make_date(year, 1, 1)",
        )
    ]


@_if_columns("approved_on", "disbursed_on")
def _disbursed_before_approved(spec: Spec) -> list[Query]:
    return [
        (
            "disbursed_on",
            "SELECT _row, disbursed_on__raw, approved_on__raw FROM incoming WHERE disbursed_on < approved_on",
        )
    ]


E, W = "error", "warning"
CATALOGUE: tuple[Rule, ...] = (
    Rule(
        "value_required",
        E,
        "“{header}”不能为空",
        "“{header}” must not be empty",
        "必填",
        "a value",
        _required,
    ),
    Rule(
        "amount_not_number",
        E,
        "“{header}”的值“{value}”不是金额或数量",
        "“{header}”: “{value}” is not an amount",
        "数字，如 1234.50 或 1,234.50元",
        "a number such as 1234.50",
        _unparsed("amount", "decimal"),
    ),
    Rule(
        "amount_negative",
        E,
        "“{header}”的值“{value}”是负数",
        "“{header}”: “{value}” is negative",
        "不小于 0 的数",
        "zero or more",
        _negative,
    ),
    Rule(
        "date_invalid",
        E,
        "“{header}”的值“{value}”不是日期",
        "“{header}”: “{value}” is not a date",
        "日期，如 2024-03-05、2024/3/5 或 2024年3月5日",
        "a date such as 2024-03-05",
        _unparsed("date"),
    ),
    Rule(
        "year_invalid",
        E,
        "“{header}”的值“{value}”不是年度",
        "“{header}”: “{value}” is not a year",
        "四位年份，如 2024",
        "a four-digit year such as 2024",
        _unparsed("year"),
    ),
    Rule(
        "int_invalid",
        E,
        "“{header}”的值“{value}”不是整数",
        "“{header}”: “{value}” is not a whole number",
        "整数，如 20",
        "a whole number such as 20",
        _unparsed("int"),
    ),
    Rule(
        "flag_invalid",
        E,
        "“{header}”的值“{value}”无法识别",
        "“{header}”: “{value}” is not yes or no",
        "“是”或“否”",
        "是 (yes) or 否 (no)",
        _unparsed("flag"),
    ),
    Rule(
        "enum_invalid",
        E,
        "“{header}”的值“{value}”不在允许的取值中，应为：{accepted}；最接近的是“{detail}”",
        "“{header}”: “{value}” is not an allowed value; expected one of {accepted}; the closest is “{detail}”",
        "以下取值之一：{accepted}",
        "one of: {accepted}",
        _enum_unknown,
    ),
    Rule(
        "id_scientific",
        E,
        "“{header}”的值“{value}”被 Excel 存成了科学计数法，后几位数字已丢失",
        "“{header}”: Excel stored “{value}” as a number in scientific notation; digits are lost",
        "18 位文本：把该列设为“文本”格式后重新输入号码",
        "18 characters as text: format the column as Text and retype",
        _id_problem("scientific"),
    ),
    Rule(
        "id_length",
        E,
        "“{header}”的值“{value}”不是 18 位",
        "“{header}”: “{value}” is not 18 characters long",
        "18 位身份证号码（15 位旧号码请换成 18 位）",
        "an 18-character ID number",
        _id_problem("length"),
    ),
    Rule(
        "id_format",
        E,
        "“{header}”的值“{value}”含有非数字字符",
        "“{header}”: “{value}” has characters other than digits",
        "17 位数字加一位数字或 X",
        "17 digits and a digit or X",
        _id_problem("format"),
    ),
    Rule(
        "id_checksum",
        E,
        "“{header}”的值“{value}”校验位不对，号码可能录错",
        "“{header}”: “{value}” has a wrong check digit (mistyped?)",
        "符合 GB 11643 校验规则的号码",
        "a number whose GB 11643 check digit is right",
        _id_problem("checksum"),
    ),
    Rule(
        "id_birth_date",
        E,
        "“{header}”的值“{value}”中的出生日期不存在",
        "“{header}”: the birth date in “{value}” does not exist",
        "第 7–14 位是真实的出生日期",
        "digits 7–14 form a real birth date",
        _id_problem("birth_date"),
    ),
    Rule(
        "amount_uncomputable",
        E,
        "“{header}”为空，无法计算发放金额（数量 × 标准）",
        "“{header}” is empty: the amount (quantity × standard) cannot be computed",
        "每行都有数量和标准",
        "a quantity and a standard on every row",
        _none,
    ),
    Rule(
        "fund_code_collision",
        E,
        "资金“{value}”生成的资金编码与{detail}相同，两者无法区分：同一资金在目录中只能有一行，或请在文件中加一列“资金编码”",
        "the fund code generated for “{value}” is the same as for {detail}: a fund is one row of a catalogue"
        " (or add a fund code column)",
        "每个资金（年度 + 名称）只有一行",
        "one row per fund (year and name)",
        _none,
    ),
    Rule(
        "fund_unknown",
        E,
        "资金编码“{value}”在资金目录中不存在",
        "fund code “{value}” is not in the fund catalogue",
        "已导入的专项资金目录中的编码（先上传资金目录）",
        "a code from the loaded fund catalogue (upload it first)",
        _fund_unknown,
    ),
    Rule(
        "id_region_unknown",
        W,
        "“{header}”的值“{value}”的地区码 {detail} 在出生年份不存在（老年人的真实号码也可能这样）",
        "“{header}”: region code {detail} of “{value}” did not exist in the birth year (real for some older people)",
        "核对号码",
        "check the number",
        _region_unknown,
    ),
    Rule(
        "amount_mismatch",
        W,
        "“{header}”为 {value}，但数量 × 标准 = {detail}",
        "“{header}” is {value} but quantity × standard = {detail}",
        "金额 = 数量 × 标准",
        "amount = quantity × standard",
        _amount_mismatch,
    ),
    Rule(
        "amount_due_differs",
        W,
        "“{header}”（实发）为 {value}，与应发金额 {detail} 不同；按实发金额导入",
        "“{header}” (paid) is {value} but the amount due is {detail}; the paid amount is loaded",
        "实发金额与应发金额相同，或说明差额原因",
        "paid equal to due, or the difference explained",
        _due_differs,
    ),
    Rule(
        "amount_rounded",
        W,
        "“{header}”的值“{value}”超过两位小数，已按四舍五入存为 {detail}",
        "“{header}”: “{value}” has more than two decimals; stored rounded as {detail}",
        "精确到分",
        "exact to the fen",
        _rounded,
    ),
    Rule(
        "duplicate_in_batch",
        W,
        "“{value}”在同一资金同一期间重复出现（首次在第 {detail} 行）",
        "“{value}” appears twice for the same fund and period (first in row {detail})",
        "每人每期一条",
        "one row per person and period",
        _duplicate_person,
    ),
    Rule(
        "id_two_names",
        W,
        "同一身份证号对应了不同姓名：“{value}”与 {detail}",
        "one ID number under two names: “{value}” and {detail}",
        "同一号码同一姓名",
        "one name per ID number",
        _two_names,
    ),
    Rule(
        "paid_before_year",
        W,
        "发放日期“{value}”早于资金年度 {detail} 年",
        "paid on “{value}”, before the fund's year {detail}",
        "资金年度内的日期",
        "a date in the fund's year",
        _paid_before_year,
    ),
    Rule(
        "disbursed_before_approved",
        W,
        "拨出日期“{value}”早于审核签字日期“{detail}”",
        "disbursed on “{value}”, before approval on “{detail}”",
        "拨出日期不早于审核日期",
        "disbursed on or after approval",
        _disbursed_before_approved,
    ),
)

RULES = {r.label: r for r in CATALOGUE}

"""Run the rule catalogue over an extract and report every finding.

A finding names the spreadsheet's own row number, the header as the user
wrote it, the value found (ID numbers masked: findings are shown, stored and
printed), what was expected, the rule label and a message in Chinese (with
English beside it); the ``Finding`` and the ``Report`` are declared in etl.findings.
"""

from __future__ import annotations

import re

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from etl.bycontent import taken_as, what_says
from etl.clean import UNIT_COLUMNS, build_incoming
from etl.extract import Extract
from etl.filevalues import FILE_LEVEL, mask_digits, money
from etl.findings import Finding, Report, rule_finding
from etl.headermatch import HeaderMatch
from etl.idnum import Hasher, region_known
from etl.personal import register as register_personal
from etl.rules import CATALOGUE, COMPUTED_CHECKS, RULES
from etl.spectypes import Column
from etl.text import header_key, norm
from etl.vocabulary import VALUES_DECIDE, enum_key

WAN_YUAN = 10_000  # yuan in one 万元
# A line above the header giving the table's unit: 单位：万元, 金额单位：万元, (单位:万元).
_TITLE_WAN = re.compile(r"(?:^|[^\u4e00-\u9fff])(?:金额)?单位\s*:\s*万元(?:$|[^\u4e00-\u9fff/])")
MAX_PER_RULE = 500  # findings listed per rule and column; the count is always complete


def _structural(extract: Extract, report: Report) -> None:
    """Findings about the header itself: missing, ambiguous and unused columns, a mapping that did not apply."""
    m = extract.match
    header_row = m.header_rows[0] + 1
    unused = [m.labels[p] or "" for p in m.unused]
    found = "、".join(label for label in m.labels if label) or "（无）"
    not_taken = "、".join(unused)
    for col in m.missing:
        aliases = "、".join(col.aliases)
        hint = (
            f"；未识别的列：{not_taken}，可指定其中一列为“{col.label_zh}”"
            if not_taken
            else f"；表头中有：{found}"
        )
        hint_en = (
            f"; columns not recognised: {', '.join(unused)} (one may be mapped to it)"
            if unused
            else f"; the header has: {found}"
        )
        if col.name == "amount_yuan" and {"quantity", "standard_yuan"} <= {
            c.name for c in m.spec.columns
        }:
            if "quantity" in m.mapping:
                q_label = m.label("quantity")
                hint += (
                    f"；文件有数量列“{q_label}”：上传时给出补助标准（如 105 元/亩），"
                    f"发放金额即按 {q_label} × 补助标准 计算"
                )
                hint_en += (
                    f"; the file has the quantity “{q_label}”: give the standard at upload (e.g. 105 yuan"
                    " per mu) and the amount is computed as quantity × standard"
                )
            else:
                hint += (
                    "；或有数量列（面积、人数、月数）并在上传时给出补助标准，按 数量 × 标准 计算"
                )
                hint_en += "; or a quantity column (area, persons, months) and the standard given at upload"
        report.add_once(
            Finding(
                header_row,
                col.label_zh,
                None,
                f"表头为以下之一：{aliases}",
                "column_missing",
                "error",
                f"缺少必填列“{col.label_zh}”（可写作：{aliases}）{hint}",
                f"required column “{col.label_zh}” ({col.label_en}) is missing; accepted headers: {', '.join(col.aliases)}{hint_en}",
                f"a header among: {', '.join(col.aliases)}",
            ),
            col.name,
        )
    if not m.missing and extract.table.num_rows == 0:
        report.add_once(
            Finding(
                header_row,
                "",
                None,
                "表头下面至少一行数据",
                "no_rows",
                "error",
                f"第 {header_row} 行是表头，但下面没有任何数据行（空白模板？）",
                f"row {header_row} is the header but no data rows follow it (an empty template?)",
                "at least one data row under the header",
            ),
            "",
        )
    for name, positions in m.ambiguous:
        col = m.spec.column(name)
        tied = "、".join(f"“{m.labels[p]}”" for p in positions)
        if len(positions) == 1:  # etl.headers._one_person: the only candidate is another person's
            message = (
                f"表中写了不止一个人（如户主、享受人），“{col.label_zh}”只能取“姓名”那个人的：{tied} 是另一个人的；"
                f"请指定“{col.label_zh}”所在的列，或标为“不需要”",
                f"the form names more than one person (the household head, the entitled person …) and"
                f" “{col.label_zh}” ({col.label_en}) must be the named person's: {tied} is another's; map the"
                " right column or mark it as not needed",
            )
        else:
            message = (
                f"无法确定哪一列是“{col.label_zh}”：{tied} 都符合；请指定其中一列，其余标为“不需要”",
                f"cannot tell which column is “{col.label_zh}” ({col.label_en}): {tied} all fit; map one of"
                " them and mark the others as not needed",
            )
        report.add_once(
            Finding(
                header_row,
                col.label_zh,
                None,
                f"只有一列是“{col.label_zh}”",
                "column_ambiguous",
                "error",
                *message,
                f"one column for “{col.label_zh}”",
            ),
            name,
        )
    if unused or m.dropped:
        # A header that holds a 、 itself (项目审批（核准、备案）文号) is quoted, so the list reads back.
        names = "、".join(
            f"“{n}”" if "、" in n else n for n in unused + [m.labels[p] or "" for p in m.dropped]
        )
        report.add_once(  # one finding naming them all, like every header finding
            Finding(
                header_row,
                names,
                None,
                "每一列都对应一个数据项，或标为“不需要”",
                "column_unused",
                "warning",
                f"未导入的列：{names}",
                f"columns not loaded: {names}",
                "every column mapped to a field, or marked not needed",
            ),
            "",
        )
    _file_values(m, header_row, report)
    columns = {c.name for c in m.spec.columns}
    for label, target in m.mapping_unknown.items():
        if target and target not in columns:
            known = "、".join(f"{c.name}（{c.label_zh}）" for c in m.spec.columns)
            report.add_once(
                Finding(
                    header_row,
                    label,
                    target,
                    f"“{m.spec.title_zh}”的列之一",
                    "mapping_invalid",
                    "error",
                    f"指定的对应关系“{label}”→“{target}”无效：“{m.spec.title_zh}”没有“{target}”这一列；可选：{known}",
                    f"the mapping “{label}” → “{target}” is not valid: {m.spec.title_en} has no column {target}",
                    f"a column of {m.spec.title_en}",
                ),
                label,
            )
            continue
        report.add_once(
            Finding(
                header_row,
                label,
                target,
                "文件中的表头",
                "mapping_unused",
                "warning",
                f"指定的对应关系“{label}”→“{target or '不需要'}”没有用上：文件的表头中没有“{label}”",
                f"the mapping “{label}” → “{target or 'not needed'}” was not used: the header has no “{label}”",
                "a header of the file",
            ),
            label,
        )


def _file_values(m, header_row: int, report: Report) -> None:
    """Findings about file-level values (etl.filevalues): taken from the title, unused, or not allowed."""
    for name, fv in m.values.items():
        report.values[name] = fv.as_dict()
        if fv.source != "title":
            continue
        col = m.spec.column(name)
        report.add_once(
            Finding(
                header_row,
                col.label_zh,
                fv.value,
                f"文件中的“{col.label_zh}”列，或上传时选定的值",
                "value_inferred",
                "warning",
                f"文件中没有“{col.label_zh}”列：{col.label_zh}取自标题“{fv.line}”，为“{fv.value}”，用于每一行；如不对，请在上传时选定",
                f"the file has no column “{col.label_zh}” ({col.label_en}): taken from the title “{fv.line}” as"
                f" “{fv.value}” for every row; choose it at upload if that is wrong",
                f"a column “{col.label_zh}”, or a value chosen at upload",
            ),
            name,
        )
    for name, value in m.values_unused.items():
        col = m.spec.column(name)
        report.add_once(
            Finding(
                header_row,
                m.label(name),
                value,
                "文件中没有的列",
                "value_unused",
                "warning",
                f"选定的“{col.label_zh}”为“{value}”没有用上：文件中有“{m.label(name)}”列，按文件中的值导入",
                f"the value “{value}” chosen for “{col.label_zh}” was not used: the file has the column"
                f" “{m.label(name)}”, whose cells were loaded",
                "a column the file lacks",
            ),
            name,
        )
    for name, value in m.values_invalid.items():
        value = mask_digits(value)
        allowed = "、".join(
            f"{c.name}（{c.label_zh}）" for c in m.spec.columns if c.name in FILE_LEVEL
        )
        report.add_once(
            Finding(
                header_row,
                name,
                value,
                "整个文件共用一个值的列",
                "value_invalid",
                "error",
                f"不能为“{name}”指定一个全文件共用的值“{value}”；可指定的列：{allowed}",
                f"“{name}” cannot take one value for the whole file; columns that can: {allowed}",
                "a column that one value fills for the whole file",
            ),
            name,
        )


def _parsed(m, header_row: int, report: Report) -> None:
    """A warning, once for the file, for a column read out of another (the village of an address)."""
    for name, how in m.parsed.items():
        label, col = m.label(name), m.spec.column(name)
        report.computed[name] = {"how": how, "inputs": [label], "unit": ""}
        if how == "group":  # the group after the village in a 村组 cell
            zh = (
                f"文件中没有“{col.label_zh}”列：{col.label_zh}取自“{label}”中村名之后的“…组”"
                f"（如“东风村一组”为“一组”）；没有写组的行，组留空"
            )
            en = (
                f"the file has no column “{col.label_zh}” ({col.label_en}): it is read out of “{label}”"
                " (the “…组” after the village: 东风村一组 gives 一组); rows that name no group have none"
            )
        elif how == "village_group":  # a 村组 cell: each group's rows are one village's
            zh = (
                f"文件中没有“{col.label_zh}”列：{col.label_zh}取自“{label}”中的“…村”或“…社区”"
                f"（如“东风村一组”为“东风村”，同一村的各组为同一个村）；没有写村的行会逐行指出"
            )
            en = (
                f"the file has no column “{col.label_zh}” ({col.label_en}): it is read out of “{label}”"
                " (the “…村” or “…社区” in it: 东风村一组 gives 东风村, one village for all its groups);"
                " rows that name no village are listed"
            )
        else:
            zh = (
                f"文件中没有“{col.label_zh}”列：{col.label_zh}取自“{label}”中的“…村”或“…社区”"
                f"（如“城关镇东风村3组”为“东风村”）；地址中没有村的行会逐行指出"
            )
            en = (
                f"the file has no column “{col.label_zh}” ({col.label_en}): it is read out of “{label}”"
                f" (the “…村” or “…社区” in it: 城关镇东风村3组 gives 东风村); rows whose address names no"
                " village are listed"
            )
        report.add_once(
            Finding(
                header_row,
                label,
                None,
                f"文件中的“{col.label_zh}”列",
                "village_from_address",
                "warning",
                zh,
                en,
                f"a column “{col.label_zh}”",
            ),
            name,
        )


def _empty_given_up(m, header_row: int, report: Report) -> None:
    """A warning, once for the file, for each column read from a filled column instead of the empty one
    its header would have given (etl.headers._filled)."""
    for name, empty in m.instead.items():
        label, col = m.label(name), m.spec.column(name)
        report.add_once(
            Finding(
                header_row,
                label,
                None,
                f"“{col.label_zh}”列",
                "column_empty_instead",
                "warning",
                f"“{empty}”列没有填写，“{col.label_zh}”取自有值的“{label}”；如不是，请在对应关系中改正",
                f"“{empty}” is empty on every row: “{col.label_zh}” ({col.label_en}) is read from “{label}”,"
                " which has values; if it is not, correct the mapping",
                f"a column “{col.label_zh}”",
            ),
            name,
        )


def _found_by_values(m, header_row: int, report: Report) -> None:
    """A warning, once for the file, for each required column found by its cells, not by its header
    (etl/bycontent.py): the clerk who disagrees maps the column."""
    for name in m.by_values:
        label, col = m.label(name), m.spec.column(name)
        taken = (
            name in m.fallback
        )  # a fallback word (etl/bycontent.py FALLBACKS): no better candidate
        what = taken_as(m.spec.kind, name) if taken else what_says(m.spec.kind, name)
        zh = en = ""
        if taken:
            other = m.spec.column(m.fallback[name]) if m.fallback[name] else None
            zh = f"本表没有“{col.label_zh}”列" + (
                f"，“{label}”原读作“{other.label_zh}”" if other else ""
            )
            en = f"the file has no column “{col.label_zh}”" + (
                f"; “{label}” was read as “{other.label_en}”" if other else ""
            )
            zh, en = zh + "；", en + "; "
        report.add_once(
            Finding(
                header_row,
                label,
                None,
                f"“{col.label_zh}”列",
                "column_by_values",
                "warning",
                f"{zh}表头“{label}”不是“{col.label_zh}”的常见写法，但这一列的值都是{what.what_zh}，"
                f"已作为“{col.label_zh}”导入；如不是，请在对应关系中改正",
                f"{en}the header “{label}” is not one of the usual names of “{col.label_zh}”"
                f" ({col.label_en}), but its values are all {what.what_en}: loaded as such; if it is"
                " not, correct the mapping",
                f"a column “{col.label_zh}”",
            ),
            name,
        )


def _absent(m) -> set[str]:
    """Columns required if present (etl.spectypes.Column.required_if_present) that the file lacks."""
    found = m.found
    return {c.name for c in m.spec.columns if c.required_if_present and c.name not in found}


def _absent_columns(m, absent: set[str], rows: int, header_row: int, report: Report) -> None:
    """One warning for the file, not one per row, for each column required if present that it lacks."""
    for name in sorted(absent):
        col = m.spec.column(name)
        if not col.absent_zh:
            continue
        fields = {"n": rows, "header": col.label_zh}
        report.add_once(
            Finding(
                header_row,
                col.label_zh,
                None,
                f"文件中的“{col.label_zh}”列",
                "column_absent",
                "warning",
                col.absent_zh.format(**fields),
                col.absent_en.format(**fields),
                f"a column “{col.label_zh}” ({col.label_en})",
            ),
            name,
        )


def _computed(m, header_row: int, report: Report) -> None:
    """A warning for each column computed for every row (etl.filevalues.Computed), once for the file."""
    for name, how in m.computed.items():
        report.computed[name] = how.as_dict()
        if how.how != "product":
            continue
        q_label, s_label = m.label("quantity"), m.label("standard_yuan")
        fv = m.values.get("standard_yuan")
        per = f"/{how.unit}" if how.unit else ""
        shown = f"{money(fv.value)} 元{per}" if fv else f"每行的“{s_label}”"
        shown_en = f"{money(fv.value)} yuan{per}" if fv else f"each row's “{s_label}”"
        report.add_once(
            Finding(
                header_row,
                m.label(name),
                None,
                "文件中的“发放金额”列",
                "amount_computed",
                "warning",
                f"发放金额按 {q_label} × {s_label} 计算（{shown}）",
                f"the amount is computed as {q_label} × {s_label} ({shown_en}), exact to the fen",
                "an amount column in the file",
            ),
            name,
        )


def _first_code(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """The first row with a fund code (row, fund name, code): the example a fund-code warning shows."""
    return con.execute(
        "SELECT _row, fund_name, fund_code FROM incoming WHERE fund_code IS NOT NULL ORDER BY _row LIMIT 1"
    ).fetchone()


def _looked_up_codes(con: duckdb.DuckDBPyConnection, m, report: Report) -> None:
    """A warning, once for the file, that each row's fund code is the catalogue's for its name."""
    if "fund_code" not in m.computed or m.computed["fund_code"].how != "fund_lookup":
        return
    example = _first_code(con)
    label = m.label("fund_name")
    row, name, code = example if example else (None, None, None)
    shown = f"（如第 {row} 行“{name}”为“{code}”）" if example else ""
    shown_en = f" (row {row} “{name}” is “{code}”)" if example else ""
    report.add_once(
        Finding(
            m.header_rows[0] + 1,
            m.label("fund_code"),
            code,
            "文件中的“资金编码”列",
            "fund_code_looked_up",
            "warning",
            f"文件中没有“资金编码”列：按年度和“{label}”在专项资金目录中查找每行的资金编码{shown}",
            f"the file has no fund code column: each row's code is the fund catalogue's for its year and"
            f" “{label}”{shown_en}",
            "a fund code column in the file",
        ),
        "fund_code",
    )


def _generated_codes(con: duckdb.DuckDBPyConnection, m, report: Report) -> None:
    """A warning naming the generated fund codes, with the first row's as the example."""
    _looked_up_codes(con, m, report)
    if "fund_code" not in m.computed or m.computed["fund_code"].how != "fund_code":
        return
    example = _first_code(con)
    if example is None:
        return
    row, name, code = example
    label = m.label("fund_name")
    report.add_once(
        Finding(
            m.header_rows[0] + 1,
            m.label("fund_code"),
            code,
            "文件中的“资金编码”列",
            "fund_code_generated",
            "warning",
            f"文件中没有“资金编码”列：按年度和“{label}”生成编码（如第 {row} 行“{name}”为“{code}”）；"
            "同一目录再次导入得到相同的编码，清册可按资金名称选择",
            f"the file has no fund code column: codes are generated from the year and “{label}” (row {row}"
            f" “{name}” is “{code}”); loading the same catalogue again gives the same codes",
            "a fund code column in the file",
        ),
        "fund_code",
    )


def _unit_codes(con: duckdb.DuckDBPyConnection, extract: Extract, report: Report) -> None:
    """A warning, once for each column, that a unit written as code-name (101001-县财政局) is stored as its name."""
    m, present = extract.match, set(extract.table.column_names)
    for col in m.spec.columns:
        # a unit read out of another text (etl.filevalues.fill) is not its cell as written
        if (
            col.name not in UNIT_COLUMNS
            or col.name in m.computed
            or f"{col.name}__parsed" in present
        ):
            continue
        example = con.execute(
            f'SELECT _row, "{col.name}__raw", "{col.name}" FROM incoming'  # noqa: S608
            f' WHERE "{col.name}__raw" <> "{col.name}" ORDER BY _row LIMIT 1'
        ).fetchone()
        if example is None:
            continue
        row, written, stored = example
        label = m.label(col.name)
        report.add_once(
            Finding(
                row,
                label,
                written,
                f"“{col.label_zh}”只写名称",
                "unit_code_stripped",
                "warning",
                f"“{label}”中的单位写作“编码-名称”，已去掉编码、按名称导入"
                f"（如第 {row} 行“{written}”为“{stored}”）",
                f"“{label}” ({col.label_en}) writes units as code-name: stored as the name alone"
                f" (row {row} “{written}” → “{stored}”)",
                "the unit's name alone",
            ),
            col.name,
        )


def _wan_columns(extract: Extract) -> dict[str, int]:
    """Amount columns in 万元, and the factor that makes them yuan: the header says 万元 (预算金额（万元）),
    or it names no unit and a line above the header says the table's unit is 万元 (单位：万元, as
    qingdao-xinnengyuan-zhichu-mingxi and cwbb-sangong-jingfei-bokuan write it)."""
    m = extract.match
    units = m.units
    in_wan = any(_TITLE_WAN.search(line) for line in m.notes)
    return {
        name: WAN_YUAN
        for name in m.mapping
        if m.spec.column(name).type == "amount"
        and (units.get(name) == "万元" or (in_wan and name not in units))
    }


def _unknown_regions(con: duckdb.DuckDBPyConnection) -> None:
    pairs = con.execute(
        "SELECT DISTINCT substr(id_number, 1, 6), year(birth_date) FROM incoming WHERE id_hash IS NOT NULL"
    ).fetchall()
    unknown = [(r, y) for r, y in pairs if not region_known(r, y)]
    table = pa.table(
        {
            "region": pa.array([r for r, _ in unknown], pa.string()),
            "birth_year": pa.array([y for _, y in unknown], pa.int64()),
        }
    )
    con.register("unknown_regions_src", table)
    con.execute("CREATE OR REPLACE TEMP TABLE unknown_regions AS SELECT * FROM unknown_regions_src")
    con.unregister("unknown_regions_src")


def _rules_with_rows(con: duckdb.DuckDBPyConnection, queries: list[str]) -> list[int]:
    """The indexes of ``queries`` that return at least one row, asked in one statement.

    A file's rules are some fifty small queries and most find nothing: one UNION ALL that
    says which found something costs one round trip instead of fifty (a small file's
    validation was mostly per-query overhead), and only those are asked again for their rows.
    """
    if not queries:
        return []
    union = " UNION ALL ".join(
        f"SELECT {i} AS q FROM (SELECT 1 FROM ({sql}) AS f LIMIT 1)"  # noqa: S608
        for i, sql in enumerate(queries)
    )
    return sorted(q for (q,) in con.execute(union).fetchall())


def validate(con: duckdb.DuckDBPyConnection, extract: Extract, hasher: Hasher) -> Report:
    """Build ``incoming`` on ``con`` and run every rule; the store is not changed."""
    spec = extract.match.spec
    m = extract.match
    report = Report(
        spec.kind,
        extract.table.num_rows,
        extract.rows_read,
        extract.skipped,
        mapping=dict(m.mapped),
        fingerprint=m.fingerprint,
        detection=m.confidence,
    )
    other_states = _other_states(extract) + _unlike_values(extract) + _not_its_values(extract)
    _structural(extract, report)
    if report.errors:
        return report
    for finding in other_states:
        report.add_once(finding, finding.column)
    times = _wan_columns(extract)
    for name in times:
        header = m.label(name)
        report.add_once(
            Finding(
                m.header_rows[0] + 1,
                header,
                None,
                "以元为单位的金额",
                "amount_in_wan",
                "warning",
                f"“{header}”以万元填写，已按 1 万元 = 10000 元换算成元导入",
                f"“{header}” is in 万元 (10,000 yuan): loaded converted to yuan",
                "amounts in yuan",
            ),
            name,
        )
    _computed(m, m.header_rows[0] + 1, report)
    _parsed(m, m.header_rows[0] + 1, report)
    _found_by_values(m, m.header_rows[0] + 1, report)
    _empty_given_up(m, m.header_rows[0] + 1, report)
    absent = _absent(m)
    _absent_columns(m, absent, extract.table.num_rows, m.header_rows[0] + 1, report)
    # A column required if present is required only when present; the one needed without it, only then.
    skipped = {("value_required", name) for name in absent} | {
        ("value_required_without", c.needed_without)
        for c in spec.columns
        if c.needed_without and c.name not in absent
    }
    build_incoming(con, spec, extract.table, hasher, times, m.computed)
    register_personal(con)  # the SQL functions rule personal_data_in_text calls
    _generated_codes(con, m, report)
    _unit_codes(con, extract, report)
    if any(c.type == "id_number" for c in spec.columns):
        _unknown_regions(con)
    id_columns = {c.name for c in spec.columns if c.type == "id_number"}
    checks = [(rule, rule.queries(spec)) for rule in CATALOGUE]
    checks += [(RULES[label], fn(spec, m.computed)) for label, fn in COMPUTED_CHECKS.items()]
    wanted = [
        (rule, column, sql)
        for rule, queries in checks
        for column, sql in queries
        # 1.2345 万元 is exact to the fen; a computed column's inputs' rules speak for it
        if not (rule.label == "amount_rounded" and column in times)
        and not (column in m.computed and rule.label not in COMPUTED_CHECKS)
        and (rule.label, column) not in skipped
    ]
    for index in _rules_with_rows(con, [sql for _rule, _column, sql in wanted]):
        rule, column, sql = wanted[index]
        rows = con.execute(
            f"SELECT count(*) OVER () AS total, _row, value, detail FROM ({sql}) AS f(_row, value, detail) "  # noqa: S608
            f"ORDER BY _row LIMIT {MAX_PER_RULE}"
        ).fetchall()
        report.counts[(rule.label, column)] = rows[0][0]
        header = extract.match.label(column)
        accepted = (
            "、".join(spec.column(column).accepted_words)
            if spec.column(column).type == "enum"
            else ""
        )
        for _total, row, value, detail in rows:
            report.findings.append(
                rule_finding(rule, row, header, value, detail, column in id_columns, accepted)
            )
    _foreign_values(con, m, m.header_rows[0] + 1, report)
    report.findings.sort(key=lambda f: (f.severity != "error", f.row or 0))
    return report


def _distinct_keys(values: pa.ChunkedArray | pa.Array) -> tuple[set[str], list[str]]:
    """The enum keys of a column's written values, and the values themselves (sorted, blanks left out)."""
    written = sorted({v.strip() for v in pc.unique(values).to_pylist() if v and v.strip()})
    return {enum_key(norm(v) or "") for v in written}, written


def _take_out(extract: Extract, name: str) -> None:
    """Column ``name`` is another thing under the kind's header: not read into the kind (so the report
    names its header among the columns not loaded)."""
    del extract.match.mapping[name]
    extract.match.scores.pop(name, None)
    extract.table = extract.table.drop_columns([name])


def _taken_by_header(extract: Extract, wanted) -> list:  # noqa: ANN001 (a Column predicate)
    """(column, header) of each optional column ``wanted`` names that the header matcher took, not the
    clerk's mapping (a clerk who maps a column is taken at their word)."""
    m = extract.match
    out = []
    for col in m.spec.columns:
        if col.required or col.name not in m.mapping or not wanted(col):
            continue
        header = m.label(col.name)
        if m.mapped.get(header) != col.name:
            out.append((col, header))
    return out


def _other_states(extract: Extract) -> list[Finding]:
    """An optional enum column holding only another thing's states in force (a 残联 list's 状态 = 享受中:
    the entitlement holds, so the list is paid as it stands) is that other thing's column: taken out of
    the mapping before anything is checked, so it is not loaded and is named among the columns not
    loaded, with one warning saying why.  A column the clerk mapped to the enum stays (the clerk said so),
    and one with an ended state (已失效) among them is asked about (``_foreign_values``)."""
    found = []
    for col, header in _taken_by_header(extract, lambda c: c.enum and c.enum.other):
        keys, written = _distinct_keys(extract.table[col.name])
        other, verdict = col.enum.other_states(keys)
        if verdict != "in_force":
            continue
        values, accepted = "、".join(f"“{v}”" for v in written), "、".join(col.accepted_words)
        found.append(
            _not_loaded_as(
                extract,
                col,
                header,
                _its_values(col),
                f"“{header}”这一列的值（{values}）是{other.what_zh}，不是“{col.label_zh}”（{accepted}）",
                f"the values of column “{header}” ({values}) are {other.what_en}, not"
                f" “{col.label_zh}” ({col.label_en}: {accepted})",
            )
        )
    return found


def _unlike_values(extract: Extract) -> list[Finding]:
    """An optional text column taken by its header none of whose values looks like it (``Column.looks_like``:
    a 资金来源 of 部队 / 捐赠 names no 资金级次): another thing under the same header, taken out of the
    mapping like ``_other_states``; a column the clerk mapped stays."""
    found = []
    for col, header in _taken_by_header(extract, lambda c: c.looks_like is not None):
        pattern, words = col.looks_like
        written = _distinct_keys(extract.table[col.name])[1]
        if not written or any(re.search(pattern, v) for v in written):
            continue
        shown = _first_three(written)
        found.append(
            _not_loaded_as(
                extract,
                col,
                header,
                (f"“{col.label_zh}”，如 {words}", f"“{col.label_zh}”, such as {words}"),
                f"“{header}”这一列的值（{shown}）没有一个像“{col.label_zh}”（如 {words}）",
                f"no value of column “{header}” ({shown}) looks like “{col.label_zh}” ({col.label_en},"
                f" such as {words})",
            )
        )
    return found


def _not_its_values(extract: Extract) -> list[Finding]:
    """An optional enum column taken by a header that names it only by its values (``VALUES_DECIDE``:
    操作类型) and holding a value that is not the enum's (新增 / 修改 / 删除: an operation log) is another
    thing: taken out of the mapping like ``_other_states``, one warning; a column the clerk mapped stays."""
    found = []
    for col, header in _taken_by_header(extract, lambda c: c.enum and c.name in VALUES_DECIDE):
        if not re.search(VALUES_DECIDE[col.name], header_key(header)):
            continue
        keys, written = _distinct_keys(extract.table[col.name])
        if keys <= {enum_key(v) for v in col.enum.values}:
            continue
        shown, accepted = _first_three(written), "、".join(col.accepted_words)
        found.append(
            _not_loaded_as(
                extract,
                col,
                header,
                _its_values(col),
                f"“{header}”这一列的值（{shown}）不都是“{col.label_zh}”的取值（{accepted}）",
                f"not every value of column “{header}” ({shown}) is one of “{col.label_zh}”"
                f" ({col.label_en}: {accepted})",
            )
        )
    return found


def _first_three(written: list[str]) -> str:
    """Up to three written values, quoted, and 等 when there are more."""
    return "、".join(f"“{v}”" for v in written[:3]) + ("等" if len(written) > 3 else "")


def _its_values(col: Column) -> tuple[str, str]:
    """What an enum column holds, in both languages: the expected values of ``_not_loaded_as``."""
    accepted = "、".join(col.accepted_words)
    return f"“{col.label_zh}”的取值：{accepted}", f"values of “{col.label_zh}”: {accepted}"


def _not_loaded_as(
    extract: Extract, col: Column, header: str, expected: tuple[str, str], why_zh: str, why_en: str
) -> Finding:
    """Take ``col`` out of the mapping (``_take_out``) and say so: why (in both languages), that it is not
    loaded as ``col``, and that the clerk may still map it; ``expected`` is (zh, en)."""
    _take_out(extract, col.name)
    label = col.label_zh
    return Finding(
        extract.match.header_rows[0] + 1,
        header,
        None,
        expected[0],
        "column_other_states",
        "warning",
        f"{why_zh}，未作为“{label}”导入；如它确是“{label}”，请在对应关系中指定",
        f"{why_en}: not loaded as such; if it is, map it",
        expected[1],
    )


def _incoming_keys(con: duckdb.DuckDBPyConnection, raw: str) -> set[str]:
    """The enum keys of a column's written values in ``incoming`` (blanks left out)."""
    rows = con.execute(f"SELECT DISTINCT {raw} FROM incoming WHERE {raw} IS NOT NULL").fetchall()  # noqa: S608 (declared names)
    return {enum_key(norm(v) or "") for (v,) in rows} - {""}


def _foreign_values(
    con: duckdb.DuckDBPyConnection, m: HeaderMatch, header_row: int, report: Report
) -> None:
    """An optional enum column none of whose values is the kind's is likely another thing under the same
    header (a 低保 list's 状态 = 正常 / 已失效: the entitlement's state, not the payment's 发放状态): one
    question about the column, as for a header, above the error on each row (the preview then opens
    the mapping, where the clerk marks the column not needed)."""
    for col in m.spec.columns:
        bad = report.counts.get(("enum_invalid", col.name), 0)
        if col.type != "enum" or col.required or not bad or col.name not in m.mapping:
            continue
        raw = f'"{col.name}__raw"'
        filled, distinct, seen = con.execute(
            f"SELECT count({raw}), count(DISTINCT {raw}), list(DISTINCT {raw} ORDER BY {raw})[:3]"  # noqa: S608 (declared names)
            " FROM incoming"
        ).fetchone()
        if bad < filled:
            continue
        header, accepted = m.label(col.name), "、".join(col.accepted_words)
        written = "、".join(f"“{v}”" for v in seen) + ("等" if distinct > len(seen) else "")
        other, verdict = (
            col.enum.other_states(_incoming_keys(con, raw))
            if col.enum and col.enum.other
            else (None, "")
        )
        if verdict == "mixed":
            # 正常 / 已失效: the entitlement's state, some of it ended: the clerk decides whether every
            # row was paid all the same
            zh = (
                f"“{header}”这一列的值（{written}）是{other.what_zh}，不是“{col.label_zh}”的取值（{accepted}），"
                f"{other.ended_zh}。如本表各行都已发放，请在对应关系中把“{header}”标为“不需要”；"
                f"如不是，请去掉未发放的行"
            )
            en = (
                f"the values of column “{header}” ({written}) are {other.what_en}, not “{col.label_zh}”"
                f" ({col.label_en}: {accepted}), and {other.ended_en}: if every row was paid, mark"
                f" “{header}” as not needed in the mapping; if not, remove the rows not paid"
            )
        else:
            zh = (
                f"“{header}”这一列的值（{written}）没有一个是“{col.label_zh}”的取值（{accepted}）："
                f"它也许不是“{col.label_zh}”。如不是，请在对应关系中把“{header}”标为“不需要”；"
                f"如是，请改正这一列的值"
            )
            en = (
                f"no value of column “{header}” ({written}) is one of “{col.label_zh}” ({col.label_en}):"
                f" {accepted}; it may be something else: if so, mark “{header}” as not needed in the"
                " mapping; if not, correct its values"
            )
        report.add_once(
            Finding(
                header_row,
                header,
                None,
                f"“{col.label_zh}”的取值：{accepted}",
                "column_values_foreign",
                "error",
                zh,
                en,
                f"values of “{col.label_zh}”: {accepted}",
            ),
            col.name,
        )

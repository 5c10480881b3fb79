"""Run the rule catalogue over an extract and report every finding.

A finding names the spreadsheet's own row number, the header as the user
wrote it, the value found (ID numbers masked: findings are shown, stored and
printed), what was expected, the rule label and a message in Chinese (with
English beside it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import duckdb
import pyarrow as pa

from etl.clean import build_incoming
from etl.idnum import Hasher, mask, region_known
from etl.read import Extract
from etl.rules import CATALOGUE, Rule

MAX_PER_RULE = 500  # findings listed per rule and column; the count is always complete


@dataclass
class Finding:
    row: int | None
    column: str
    value: str | None
    expected: str
    rule: str
    severity: str
    message: str
    message_en: str = ""
    expected_en: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    kind: str
    rows: int  # data rows that would be loaded
    rows_read: int
    skipped: dict[str, list[int]]
    findings: list[Finding] = field(default_factory=list)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (rule, column) -> total

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def total(self, severity: str) -> int:
        rules = {f.rule: f.severity for f in self.findings}
        return sum(n for (rule, _), n in self.counts.items() if rules.get(rule) == severity)


def _finding(rule: Rule, row, header: str, value, detail, is_id: bool) -> Finding:
    shown = mask(value) if is_id and value and rule.label != "id_scientific" else value
    fields = {"header": header, "value": shown if shown is not None else "", "detail": detail or ""}
    return Finding(
        row=row, column=header, value=shown, expected=rule.expected_zh, rule=rule.label, severity=rule.severity,
        message=rule.message_zh.format(**fields), message_en=rule.message_en.format(**fields), expected_en=rule.expected_en,
    )


def _structural(extract: Extract, report: Report) -> None:
    m = extract.match
    header_row = m.header_rows[0] + 1
    for col in m.missing:
        aliases = "、".join(col.aliases)
        report.findings.append(Finding(
            header_row, col.label_zh, None, f"表头为以下之一：{aliases}", "column_missing", "error",
            f"缺少必填列“{col.label_zh}”（可写作：{aliases}）",
            f"required column “{col.label_zh}” ({col.label_en}) is missing; accepted headers: {', '.join(col.aliases)}",
            f"a header among: {', '.join(col.aliases)}",
        ))
        report.counts[("column_missing", col.name)] = 1
    if not m.missing and extract.table.num_rows == 0:
        report.findings.append(Finding(
            header_row, "", None, "表头下面至少一行数据", "no_rows", "error",
            f"第 {header_row} 行是表头，但下面没有任何数据行（空白模板？）",
            f"row {header_row} is the header but no data rows follow it (an empty template?)",
            "at least one data row under the header",
        ))
        report.counts[("no_rows", "")] = 1
    for name, pos in m.ambiguous:
        used = m.label(name)
        ignored = m.labels[pos] or ""
        report.findings.append(Finding(
            header_row, ignored, ignored, f"只有一列“{used}”", "column_ambiguous", "warning",
            f"列“{ignored}”与列“{used}”含义相同，已使用“{used}”，忽略“{ignored}”",
            f"column “{ignored}” means the same as “{used}”; “{used}” was used and “{ignored}” ignored",
            f"one column “{used}”",
        ))
        report.counts[("column_ambiguous", name)] = 1


def _unknown_regions(con: duckdb.DuckDBPyConnection) -> None:
    pairs = con.execute(
        "SELECT DISTINCT substr(id_number, 1, 6), year(birth_date) FROM incoming WHERE id_hash IS NOT NULL"
    ).fetchall()
    unknown = [(r, y) for r, y in pairs if not region_known(r, y)]
    table = pa.table({"region": pa.array([r for r, _ in unknown], pa.string()),
                      "birth_year": pa.array([y for _, y in unknown], pa.int64())})
    con.register("unknown_regions_src", table)
    con.execute("CREATE OR REPLACE TEMP TABLE unknown_regions AS SELECT * FROM unknown_regions_src")
    con.unregister("unknown_regions_src")


def validate(con: duckdb.DuckDBPyConnection, extract: Extract, hasher: Hasher) -> Report:
    """Build ``incoming`` on ``con`` and run every rule; the store is not changed."""
    spec = extract.match.spec
    report = Report(spec.kind, extract.table.num_rows, extract.rows_read, extract.skipped)
    _structural(extract, report)
    if report.errors:
        return report
    build_incoming(con, spec, extract.table, hasher)
    if any(c.type == "id_number" for c in spec.columns):
        _unknown_regions(con)
    id_columns = {c.name for c in spec.columns if c.type == "id_number"}
    for rule in CATALOGUE:
        for column, sql in rule.queries(spec):
            rows = con.execute(
                f"SELECT count(*) OVER () AS total, _row, value, detail FROM ({sql}) AS f(_row, value, detail) "  # noqa: S608
                f"ORDER BY _row LIMIT {MAX_PER_RULE}"
            ).fetchall()
            if not rows:
                continue
            report.counts[(rule.label, column)] = rows[0][0]
            header = extract.match.label(column)
            for _total, row, value, detail in rows:
                report.findings.append(_finding(rule, row, header, value, detail, column in id_columns))
    report.findings.sort(key=lambda f: (f.severity != "error", f.row or 0))
    return report

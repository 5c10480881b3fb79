"""What validation reports: a ``Finding`` per problem, the ``Report`` of a file, a rule's hit as a finding.

A finding names the spreadsheet's own row number, the header as the user
wrote it, the value found (ID numbers masked: findings are shown, stored and
printed), what was expected, the rule label and a message in Chinese (with
English beside it).  The run that finds them is etl.validate.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from etl.idnum import mask
from etl.rules import Rule


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
    mapping: dict[str, str] = field(
        default_factory=dict
    )  # the clerk's mapping as applied: header -> column or ""
    fingerprint: str = (
        ""  # of the header layout, to remember a mapping for the next file of the same form
    )
    detection: dict = field(default_factory=dict)  # auto detection: score, runner-up, margin
    values: dict[str, dict] = field(
        default_factory=dict
    )  # file-level values used: column -> value, source, line
    computed: dict[str, dict] = field(
        default_factory=dict
    )  # columns computed for every row: column -> how, inputs

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def add_once(self, finding: Finding, key: str) -> None:
        """A finding about the whole file (a header, a value chosen at upload), counted once under
        (its rule, ``key``): a column's name, a header's label, or "" for the file."""
        self.findings.append(finding)
        self.counts[(finding.rule, key)] = 1

    def total(self, severity: str) -> int:
        rules = {f.rule: f.severity for f in self.findings}
        return sum(n for (rule, _), n in self.counts.items() if rules.get(rule) == severity)


def rule_finding(
    rule: Rule, row, header: str, value, detail, is_id: bool, accepted: str = ""
) -> Finding:
    shown = mask(value) if is_id and value and rule.label != "id_scientific" else value
    fields = {
        "header": header,
        "value": shown if shown is not None else "",
        "detail": detail or "",
        "accepted": accepted,
    }
    return Finding(
        row=row,
        column=header,
        value=shown,
        expected=rule.expected_zh.format(**fields),
        rule=rule.label,
        severity=rule.severity,
        message=rule.message_zh.format(**fields),
        message_en=rule.message_en.format(**fields),
        expected_en=rule.expected_en.format(**fields),
    )

"""A sheet's header as found: the ``HeaderMatch`` etl.headers returns, and what it reports.

Which columns were matched, mapped, tied, dropped or left unused, the units
the headers name, the fingerprint a remembered mapping is found by, and the
views of it the mapping page shows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from etl.specs import SPECS
from etl.spectypes import Column, Spec
from etl.text import header_key, header_unit
from etl.vocabulary import EXACT, IGNORED_HEADERS


@dataclass
class WideColumn:
    position: int
    group: str  # stored value of the group column, e.g. 事业(参公)
    measure: str  # canonical measure column, e.g. quota


@dataclass
class HeaderMatch:
    spec: Spec
    header_rows: tuple[int, ...]  # 0-based row indexes in the sheet
    labels: list[str | None]  # every source column's header as the user wrote it
    mapping: dict[str, int]  # canonical column -> source position
    wide: list[WideColumn] = field(default_factory=list)
    ambiguous: list[tuple[str, tuple[int, ...]]] = field(
        default_factory=list
    )  # (canonical, tied positions)
    scores: dict[str, int] = field(default_factory=dict)  # canonical -> score of the column chosen
    mapped: dict[str, str] = field(
        default_factory=dict
    )  # the clerk's mapping as applied: label -> canonical or ""
    mapping_unknown: dict[str, str] = field(
        default_factory=dict
    )  # the clerk's entries not applied (header or column absent)
    dropped: list[int] = field(default_factory=list)  # positions the clerk marked "not needed"
    runner_up: str | None = None  # auto detection: the next most likely kind
    runner_up_score: tuple | None = None
    # File-level values (etl.filevalues): canonical -> FileValue, chosen by the clerk or read from the title.
    values: dict = field(default_factory=dict)
    values_unused: dict[str, str] = field(
        default_factory=dict
    )  # the clerk's values the file has a column for
    values_invalid: dict[str, str] = field(
        default_factory=dict
    )  # the clerk's values for no file-level column
    notes: list[str] = field(default_factory=list)  # the title and note lines above the header
    # Required columns the form lacks, computed for every row (etl.filevalues.Computed): canonical -> how.
    computed: dict = field(default_factory=dict)
    # Required columns read out of another column of the form: canonical -> how ("address": the
    # village in a 家庭地址 column; "village_group" / "group": the village and the group of a 村组 cell,
    # etl.address).  The column is in ``mapping``; its cells are parsed.
    parsed: dict[str, str] = field(default_factory=dict)
    # The address column read beside an area column chosen for the village (所属行政区划 beside 户口地址):
    # the area is the village when its values are village names alone, else the village is read out of
    # this address instead (etl.filevalues.fill decides, once the values are read; then None).
    village_address: int | None = None
    standard_unit: str = (
        ""  # the unit of a standard chosen at upload or read from the title (元/亩 -> 亩)
    )
    # Required columns found by what their cells hold, not by their header (etl.bycontent): canonical ->
    # canonical (a dict, as ``parsed``, so that the mapping page and the report can name them).
    by_values: dict[str, str] = field(default_factory=dict)
    # Of those, the ones taken by a fallback word (etl.bycontent.FALLBACKS: 部门名称 as the agency):
    # canonical -> the optional column the header was read as before ("" when none).
    fallback: dict[str, str] = field(default_factory=dict)
    # Columns whose header the kind reads first but that are empty on every row, given up for a column
    # the kind also reads as that column and that has values (职务 empty beside 职位): canonical -> the
    # empty column's header.
    instead: dict[str, str] = field(default_factory=dict)

    @property
    def found(self) -> set[str]:
        """The canonical columns the header, the chosen values or a computation give."""
        found = set(self.mapping) | (
            {self.spec.wide.group_column} | {w.measure for w in self.wide} if self.wide else set()
        )
        return found | set(self.values) | set(self.computed)

    @property
    def missing(self) -> list[Column]:
        found = self.found
        return [c for c in self.spec.required if c.name not in found]

    def expected_found(self, also: set[str] | frozenset[str] = frozenset()) -> int:
        """How many of the kind's expected columns (Spec.expected) the file gives, or ``also`` names."""
        found = self.found | also
        return sum(1 for c in self.spec.expected if c.name in found)

    @property
    def points(self) -> int:
        """Sum of the chosen columns' scores (a wide group counts as an exact match per measure)."""
        wide = len({w.measure for w in self.wide}) + 1 if self.wide else 0
        return sum(self.scores.values()) + EXACT * wide

    @property
    def score(self) -> tuple[bool, int, int, int]:
        """(every required column found, expected columns found, columns matched, points).

        Expected, not only required: a column required when present (a roster's 身份证号) still tells a
        roster from a staff roll when both lack their other columns (a death register's header)."""
        matched = len(self.mapping) + len({w.measure for w in self.wide}) + (1 if self.wide else 0)
        return (not self.missing, self.expected_found(), matched, self.points)

    @property
    def kind_tie(self) -> bool:
        """Auto detection found another kind that fits the header exactly as well."""
        return self.runner_up_score is not None and self.runner_up_score == self.score

    @property
    def confidence(self) -> dict:
        """How sure auto detection is: this kind's score, the runner-up's, the margin in points."""
        runner = self.runner_up_score
        return {
            "kind": self.spec.kind,
            "score": self.points,
            "required_found": self.score[0],
            "runner_up": self.runner_up,
            "runner_up_score": runner[3] if runner else None,
            "margin": self.points - runner[3] if runner else None,
            "tie": self.kind_tie,
        }

    @property
    def data_start(self) -> int:
        return self.header_rows[-1] + 1

    @property
    def used_positions(self) -> set[int]:
        tied = {p for _, positions in self.ambiguous for p in positions}
        return (
            set(self.mapping.values()) | {w.position for w in self.wide} | tied | set(self.dropped)
        )

    @property
    def unused(self) -> list[int]:
        """Positions with a header that nothing takes (not a running number): kept out of the store, reported."""
        ignored = {header_key(h) for h in IGNORED_HEADERS}
        return [
            p
            for p, label in enumerate(self.labels)
            if label and p not in self.used_positions and header_key(label) not in ignored
        ]

    @property
    def units(self) -> dict[str, str]:
        """The unit each chosen column's header names: {"budget_yuan": "万元"} for 预算金额（万元）."""
        found = {name: header_unit(self.labels[pos]) for name, pos in self.mapping.items()}
        return {name: unit for name, unit in found.items() if unit}

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.labels)

    def label(self, canonical: str) -> str:
        """The header as the user wrote it, for messages."""
        if canonical in self.mapping:
            return self.labels[self.mapping[canonical]] or canonical
        return self.spec.column(canonical).label_zh

    def fields(self) -> list[dict]:
        """Each column of the kind: the file's header taken for it (or why none), for the mapping page."""
        tied = dict(self.ambiguous)
        wide = {w.measure for w in self.wide} | (
            {self.spec.wide.group_column} if self.wide else set()
        )
        out = []
        for col in self.spec.columns:
            pos = self.mapping.get(col.name)
            entry = {
                "column": col.name,
                "label_zh": col.label_zh,
                "label_en": col.label_en,
                "required": col.required,
                "header": self.labels[pos] if pos is not None else None,
                "position": pos,
                "score": self.scores.get(col.name),
                "candidates": [self.labels[p] for p in tied.get(col.name, ())],
            }
            if pos is not None:
                entry["status"] = (
                    "mapped" if self.mapped.get(self.labels[pos] or "") == col.name else "matched"
                )
            elif col.name in tied:
                entry["status"] = "ambiguous"
            elif col.name in wide:
                entry["status"] = "wide"
            else:
                entry["status"] = "missing" if col.required else "absent"
            out.append(entry)
        return out

    def columns(self) -> list[dict]:
        """Each column of the file: its header, what it was taken as and how (for the mapping page)."""
        taken: dict[int, str] = {}
        also: dict[int, list[str]] = {}  # a 村组 cell gives the village and the group (``parsed``)
        for name, pos in self.mapping.items():
            if pos in taken:
                also.setdefault(pos, []).append(name)
            else:
                taken[pos] = name
        wide = {w.position: w for w in self.wide}
        tied = {p: name for name, positions in self.ambiguous for p in positions}
        unused = set(self.unused)
        out = []
        for pos, label in enumerate(self.labels):
            if not label:
                continue
            entry = {
                "position": pos,
                "header": label,
                "column": None,
                "score": None,
                "status": "ignored",
            }
            if pos in taken:
                name = taken[pos]
                how = "mapped" if self.mapped.get(label) == name else "matched"
                entry.update(column=name, score=self.scores.get(name), status=how)
                if pos in also:
                    entry["also"] = also[pos]
            elif pos in wide:
                entry.update(
                    column=wide[pos].measure, group=wide[pos].group, score=EXACT, status="wide"
                )
            elif pos in tied:
                entry.update(column=tied[pos], status="ambiguous")
            elif pos in self.dropped:
                entry.update(status="not_needed")
            elif pos in unused:
                entry.update(status="unused")
            out.append(entry)
        return out


def fingerprint(labels: list[str | None]) -> str:
    """A stable hash of a header layout (its normalised headers in order), to find a remembered mapping."""
    keys = [header_key(label) for label in labels]
    while keys and not keys[-1]:
        keys.pop()
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()[:16]


def kind_tie_message(match: HeaderMatch, name: str) -> str:
    """Auto detection refuses to guess between two kinds that fit equally well."""
    a, b = match.spec, SPECS[match.runner_up or match.spec.kind]
    return (
        f"文件 {name} 的表头同样符合“{a.title_zh}”和“{b.title_zh}”两类数据，无法自动判断：请选择数据类别后重新上传。"
        f" / The headers of {name} fit {a.title_en} and {b.title_en} equally well: choose the kind and upload again."
    )

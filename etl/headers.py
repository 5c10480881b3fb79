"""Find the header row of a sheet and map its columns onto a spec.

Real sheets have a title row or two above the header, sometimes a two-level
header (补贴情况 over 面积 / 标准 / 金额), and the agencies' official table
is wide (编制数 / 实有人数 / 超配 / 缺配 under each 编制类型).  The header is
the row (or pair of rows) among the first ``HEAD_ROWS`` that matches most of
a spec's known headers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.specs import SPECS, Column, Spec
from etl.text import header_key

HEAD_ROWS = 30
MIN_MATCHED = 2  # fewer matched columns than this is not a header


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
    ambiguous: list[tuple[str, int]] = field(default_factory=list)  # (canonical, ignored position)

    @property
    def missing(self) -> list[Column]:
        found = set(self.mapping) | ({self.spec.wide.group_column} | {w.measure for w in self.wide} if self.wide else set())
        return [c for c in self.spec.required if c.name not in found]

    @property
    def score(self) -> tuple[bool, int, int]:
        """(every required column found, required found, columns matched)."""
        matched = len(self.mapping) + len({w.measure for w in self.wide}) + (1 if self.wide else 0)
        missing = len(self.missing)
        return (missing == 0, len(self.spec.required) - missing, matched)

    @property
    def data_start(self) -> int:
        return self.header_rows[-1] + 1

    def label(self, canonical: str) -> str:
        """The header as the user wrote it, for messages."""
        if canonical in self.mapping:
            return self.labels[self.mapping[canonical]] or canonical
        return self.spec.column(canonical).label_zh


def _alias_index(spec: Spec) -> dict[str, str]:
    index: dict[str, str] = {}
    for col in spec.columns:
        for alias in (col.name, *col.aliases):
            index.setdefault(header_key(alias), col.name)
    return index


def _match_row(spec: Spec, top: list[str | None], sub: list[str | None] | None) -> HeaderMatch:
    index = _alias_index(spec)
    width = max(len(top), len(sub or []))
    labels: list[str | None] = []
    mapping: dict[str, int] = {}
    wide: list[WideColumn] = []
    ambiguous: list[tuple[str, int]] = []
    parent = None
    groups = {header_key(k): v for k, v in spec.wide.groups.items()} if spec.wide else {}
    measures = {header_key(a): m for m, aliases in spec.wide.measures.items() for a in aliases} if spec.wide else {}
    for pos in range(width):
        t = top[pos] if pos < len(top) else None
        s = sub[pos] if sub and pos < len(sub) else None
        if t:
            parent = t
        elif not s:
            parent = None
        owner = t or (parent if s else None)
        label = f"{owner}/{s}" if owner and s else (s or t)
        labels.append(label)
        if owner and s and header_key(owner) in groups and header_key(s) in measures:
            wide.append(WideColumn(pos, groups[header_key(owner)], measures[header_key(s)]))
            continue
        candidates = [s, f"{owner}{s}" if owner and s else None, t] if s else [t]
        for cand in candidates:
            name = index.get(header_key(cand)) if cand else None
            if name:
                if name in mapping:
                    ambiguous.append((name, pos))
                else:
                    mapping[name] = pos
                break
    return HeaderMatch(spec, (), labels, mapping, wide, ambiguous)


def detect(head: list[list[str | None]], kind: str | None = None) -> HeaderMatch | None:
    """Best header in the first rows of a sheet, for one kind or (None) any kind."""
    specs = [SPECS[kind]] if kind else list(SPECS.values())
    best: HeaderMatch | None = None
    for spec in specs:
        for r in range(min(len(head), HEAD_ROWS)):
            single = _match_row(spec, head[r], None)
            single.header_rows = (r,)
            options = [single]
            if r + 1 < len(head):
                double = _match_row(spec, head[r], head[r + 1])
                double.header_rows = (r, r + 1)
                # A title row above a header is not the top of a two-level header: the
                # top row must match something itself.
                if single.score[2] > 0 and double.score[2] > single.score[2]:
                    options = [double]
            for m in options:
                if m.score[2] >= MIN_MATCHED and (best is None or m.score > best.score):
                    best = m
    return best

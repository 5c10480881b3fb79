"""The manifest: what was written, in load order, and the figures a loader should find.

Expected figures are tallied from the rows as they are handed to the writers,
never typed in, so the manifest cannot drift from the files.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .money import yuan
from .plan import wan

MANIFEST_NAME = "manifest.json"


@dataclass
class FileEntry:
    path: str  # relative to the output folder
    kind: str
    format: str  # xlsx | csv
    encoding: str | None
    rows: int  # data rows (records), not counting titles, headers, blank, 小计/合计 rows
    header: list[str]
    traits: list[str]
    fund_codes: list[str] = field(default_factory=list)
    published_on: str | None = None  # the day it is published (payment lists); None: the day loaded


class Tally:
    """Counts and sums of the records written, by kind."""

    def __init__(self) -> None:
        self.rows: Counter = Counter()
        self.fen: Counter = Counter()
        self.by: dict[str, Counter] = defaultdict(Counter)
        self.ids: dict[str, set] = defaultdict(set)
        self.names: dict[str, set] = defaultdict(set)

    def add(self, kind: str, amount_fen: int = 0, id_number: str | None = None, **keys) -> None:
        self.rows[kind] += 1
        self.fen[kind] += amount_fen
        for k, v in keys.items():
            self.by[f"{kind}.{k}.rows"][v] += 1
            self.by[f"{kind}.{k}.fen"][v] += amount_fen
        if id_number:
            self.ids[kind].add(id_number)

    def expected(self) -> dict:
        by = self.by

        def money(counter: Counter) -> dict:
            return {k: str(yuan(v)) for k, v in sorted(counter.items())}

        delays = by["disbursements.delay_bucket.rows"]
        return {
            "funds": {
                "count": self.rows["funds"],
                "by_pays_to": dict(sorted(by["funds.pays_to.rows"].items())),
                "budget_yuan": {
                    **money(by["funds.pays_to.fen"]),
                    "all": str(yuan(self.fen["funds"])),
                },
                "budget_wan": {
                    **{k: wan(v) for k, v in sorted(by["funds.pays_to.fen"].items())},
                    "all": wan(self.fen["funds"]),
                },
            },
            "payments": {
                "rows": self.rows["payments"],
                "amount_yuan": str(yuan(self.fen["payments"])),
                "distinct_id_numbers": len(self.ids["payments"]),
                "rows_by_fund": dict(sorted(by["payments.fund_code.rows"].items())),
                "amount_by_fund_yuan": money(by["payments.fund_code.fen"]),
                "rows_by_card_status": dict(sorted(by["payments.card_status.rows"].items())),
            },
            "projects": {
                "count": self.rows["projects"],
                "amount_yuan": str(yuan(self.fen["projects"])),
                "amount_wan": wan(self.fen["projects"]),
                "by_fund": dict(sorted(by["projects.fund_code.rows"].items())),
            },
            "budgets": {
                "lines": self.rows["budgets"],
                "departments": len(by["budgets.department.rows"]),
                "amount_yuan": str(yuan(self.fen["budgets"])),
                "amount_wan": wan(self.fen["budgets"]),
                "by_category_yuan": money(by["budgets.category.fen"]),
            },
            "agencies": {
                "count": len(by["agencies.agency_code.rows"]),
                "rows": self.rows["agencies"],
                "by_layout": {
                    k: len({c for (lay, c) in by["agencies.layout_code.rows"] if lay == k})
                    for k in ("wide", "long")
                },
            },
            "staff": {
                "rows": self.rows["staff"],
                "distinct_id_numbers": len(self.ids["staff"]),
                "by_status": dict(sorted(by["staff.status.rows"].items())),
            },
            "disbursements": {
                "rows": self.rows["disbursements"],
                "disbursed": sum(delays.values()),
                "never_disbursed": self.rows["disbursements"] - sum(delays.values()),
                "delay_buckets": {k: delays.get(k, 0) for k in ("le3", "4to10", "gt10")},
                "amount_yuan": str(yuan(self.fen["disbursements"])),
            },
            "allocations": {  # issue 14: one table per fund paid to persons
                "rows": self.rows["allocations"],
                "amount_yuan": str(yuan(self.fen["allocations"])),
                "amount_by_fund_yuan": money(by["allocations.fund_code.fen"]),
            },
        }


@dataclass
class Manifest:
    out_dir: Path
    scale: float
    seed: int
    year: int
    as_of: str
    county: str
    files: list[FileEntry]
    expected: dict
    rules: dict
    anomalies: dict
    decoys: dict

    @property
    def path(self) -> Path:
        return Path(self.out_dir) / MANIFEST_NAME

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("out_dir")
        return {"generator": "fundquery.synthetic", **d}

    def write(self) -> Path:
        self.path.write_text(
            json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        return self.path

    def paths(self, kind: str | None = None) -> list[Path]:
        """Files in load order, optionally of one kind."""
        return [Path(self.out_dir) / f.path for f in self.files if kind in (None, f.kind)]

    @classmethod
    def load(cls, out_dir: str | Path) -> Manifest:
        data = json.loads((Path(out_dir) / MANIFEST_NAME).read_text(encoding="utf-8"))
        data.pop("generator", None)
        data["files"] = [FileEntry(**f) for f in data["files"]]
        return cls(out_dir=Path(out_dir), **data)

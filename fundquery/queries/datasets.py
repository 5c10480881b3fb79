"""The public tables as datasets: a kind's follow from its spec (etl/specs.py), columns and all.

Every public listing, download and API response reads a dataset from here,
so a page, its CSV/XLSX download and its ``/api/v1/`` JSON always hold the
same rows.  Each dataset reads a ``public_*`` view only (published batches),
and none has an ID number, an ID hash or a bank account column.

SQL text is built only from the identifiers declared below; filter values
always travel as parameters.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb

from etl.labels import label
from etl.personal import masked, masked_row
from etl.specs import SPECS
from etl.spectypes import Spec
from fundquery.queries.sql import fetch

STREAM_CHUNK_ROWS = 10_000


@dataclass(frozen=True)
class Col:
    """A public column; its labels come from ``etl/labels.py`` unless the dataset names narrower ones."""

    name: str
    label_zh: str = ""
    label_en: str = ""
    kind: str = "text"  # text | int | amount | decimal | date | bool

    def __post_init__(self) -> None:
        if not (self.label_zh and self.label_en):
            common = label(self.name)
            object.__setattr__(self, "label_zh", self.label_zh or common.zh)
            object.__setattr__(self, "label_en", self.label_en or common.en)


@dataclass(frozen=True)
class Dataset:
    name: str
    title_zh: str
    title_en: str
    source: str  # a public_* view
    columns: tuple[Col, ...]
    order_by: str
    filters: dict[str, str] = field(default_factory=dict)  # request arg -> "int" | "text"

    def where(self, args: Mapping[str, Any]) -> tuple[str, list[Any]]:
        """The WHERE clause and parameters for the declared filters present in ``args``."""
        clauses, params = [], []
        for name, kind in self.filters.items():
            value = args.get(name)
            if value in (None, ""):
                continue
            if kind == "int":
                value = int(value)  # ValueError: the view answers 400
            clauses.append(f'"{name}" = ?')
            params.append(value)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def select_sql(self, where: str) -> str:
        cols = ", ".join(f'"{c.name}"' for c in self.columns)
        return f"SELECT {cols} FROM {self.source}{where} ORDER BY {self.order_by}"  # noqa: S608

    def count(self, con: duckdb.DuckDBPyConnection, args: Mapping[str, Any]) -> int:
        where, params = self.where(args)
        return fetch(con, f"SELECT count(*) AS n FROM {self.source}{where}", params)[0]["n"]  # noqa: S608

    def page(
        self, con: duckdb.DuckDBPyConnection, args: Mapping[str, Any], limit: int, offset: int
    ) -> list[dict[str, Any]]:
        where, params = self.where(args)
        rows = fetch(con, self.select_sql(where) + " LIMIT ? OFFSET ?", [*params, limit, offset])
        texts = [c.name for c in self.columns if c.kind == "text"]
        for row in rows:
            for name in texts:
                row[name] = masked(row[name])
        return rows

    def stream(self, con: duckdb.DuckDBPyConnection, args: Mapping[str, Any]) -> Iterator[tuple]:
        """Every matching row as a tuple, fetched in chunks (a million rows never sit in memory)."""
        where, params = self.where(args)
        texts = [i for i, c in enumerate(self.columns) if c.kind == "text"]
        cursor = con.cursor()
        try:
            cursor.execute(self.select_sql(where), params)
            while rows := cursor.fetchmany(STREAM_CHUNK_ROWS):
                for row in rows:
                    yield masked_row(row, texts)  # typed before issue 15: masked
        finally:
            cursor.close()

    def label(self, col: Col, language: str) -> str:
        return col.label_en if language == "en" else col.label_zh

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_zh


# A spec column's type as the downloads and the API describe it.
COL_KINDS = {
    "int": "int",
    "year": "int",
    "amount": "amount",
    "decimal": "decimal",
    "date": "date",
    "month": "date",
}
COL_KINDS["flag"] = "bool"


def dataset_of(spec: Spec) -> Dataset:
    """A kind's open data, from its spec: the columns declared ``public``, as its ``OpenData`` says."""
    od = spec.open_data
    assert od is not None  # noqa: S101 (callers pass kinds with public columns only)
    columns = []
    for c in spec.public_columns:
        if c.name in od.masked:
            columns.append(Col(f"{c.name}_masked"))
            continue
        zh, en = od.labels.get(c.name, ("", ""))
        columns.append(Col(c.name, zh, en, COL_KINDS.get(c.type, "text")))
    return Dataset(
        od.name or spec.kind,
        od.title_zh or spec.title_zh,
        od.title_en or spec.title_en,
        od.source or f"public_{spec.table}",
        tuple(columns),
        od.order_by,
        dict(od.filters),
    )


# 咨询投诉 (issue 6): published replies; the view has no name or phone column.  Not an uploaded kind.
MESSAGES = Dataset(
    "messages",
    "咨询投诉答复",
    "Answered questions and complaints",
    "public_messages",
    (
        Col("message_type"),
        Col("township"),
        Col("village"),
        Col("fund_code"),
        Col("category", "分类", "Category"),
        Col("department", "答复部门", "Answered by"),
        Col("question"),
        Col("reply"),
        Col("received_on", kind="date"),
        Col("replied_on", kind="date"),
    ),
    "replied_on DESC, received_on DESC, township, question",
    {"fund_code": "text", "township": "text", "message_type": "text"},
)


class _Datasets(Mapping[str, Dataset]):
    """Every public dataset: one per declared kind with public columns, then the answered messages.

    Read from etl.specs.SPECS when asked, so a kind declared later (a test's) is offered too.
    """

    def __init__(self) -> None:
        self._key: tuple[int, ...] = ()
        self._all: dict[str, Dataset] = {}

    def _current(self) -> dict[str, Dataset]:
        key = tuple(id(s) for s in SPECS.values())
        if key != self._key:
            found = [dataset_of(s) for s in SPECS.values() if s.public_columns]
            self._all, self._key = {d.name: d for d in (*found, MESSAGES)}, key
        return self._all

    def __getitem__(self, name: str) -> Dataset:
        return self._current()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())


DATASETS: Mapping[str, Dataset] = _Datasets()

"""The public tables as declared datasets: one place for their columns, filters and order.

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


FUND_CODE = Col("fund_code")
YEAR = Col("year", kind="int")
TOWNSHIP = Col("township")
VILLAGE = Col("village")
AMOUNT = Col("amount_yuan", kind="amount")

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "funds",
            "专项资金目录",
            "Special funds",
            "public_funds",
            (
                FUND_CODE,
                Col("fund_name"),
                YEAR,
                Col("department"),
                Col("category"),
                Col("level"),
                Col("pays_to"),
                Col("budget_yuan", kind="amount"),
                Col("standard_yuan", kind="amount"),
                Col("policy_basis"),
            ),
            "year DESC, fund_code",
            {
                "year": "int",
                "department": "text",
                "category": "text",
                "pays_to": "text",
                "fund_code": "text",
            },
        ),
        Dataset(
            "payments",
            "补贴发放公示",
            "Payments to persons and households (village notices)",
            "public_notice_rows",
            (
                FUND_CODE,
                YEAR,
                Col("period"),
                TOWNSHIP,
                VILLAGE,
                Col("village_group"),
                Col("name_masked"),
                Col("quantity", kind="decimal"),
                Col("standard_yuan", kind="amount"),
                AMOUNT,
                Col("paid_on", kind="date"),
                Col("card_status"),
            ),
            "fund_code, year, township, village, village_group, batch_id, row_no",
            {"year": "int", "fund_code": "text", "township": "text", "village": "text"},
        ),
        Dataset(
            "disbursements",
            "资金拨付",
            "Disbursements",
            "public_disbursements",
            (
                Col("voucher_no"),
                FUND_CODE,
                Col("payee"),
                AMOUNT,
                Col("approved_on", kind="date"),
                Col("disbursed_on", kind="date"),
                Col("is_by_progress", kind="bool"),
            ),
            "fund_code, approved_on, voucher_no",
            {"fund_code": "text"},
        ),
        Dataset(
            "projects",
            "项目资金",
            "Projects",
            "public_projects",
            (
                FUND_CODE,
                Col("project_name"),
                TOWNSHIP,
                VILLAGE,
                Col("contractor"),
                AMOUNT,
                Col("start_on", kind="date"),
                Col("status", "项目状态", "Status"),
            ),
            "fund_code, township, village, project_name",
            {"fund_code": "text", "township": "text", "status": "text"},
        ),
        Dataset(
            "budgets",
            "部门预算",
            "Department budgets",
            "public_budgets",
            (
                Col("department", "部门", "Department"),
                YEAR,
                Col("category", "支出类别", "Category"),
                Col("item"),
                AMOUNT,
            ),
            "year DESC, department, category, item",
            {"year": "int", "department": "text", "category": "text"},
        ),
        Dataset(
            "agencies",
            "机构编制",
            "Agencies and staffing quotas",
            "public_agencies",
            (
                Col("agency_code"),
                Col("agency_name"),
                Col("agency_type"),
                Col("department"),
                Col("staffing_type"),
                Col("quota", kind="int"),
                Col("actual_reported", kind="int"),
            ),
            "department, agency_name, staffing_type",
            {"department": "text", "agency_name": "text"},
        ),
        Dataset(
            "staff",
            "编制实名制",
            "Named staff roll",
            "public_staff_roll",
            (
                Col("agency_code"),
                Col("agency_name"),
                Col("name"),
                Col("post"),
                Col("staffing_type"),
            ),
            "agency_name, staffing_type, batch_id, row_no",
            {"agency_name": "text"},
        ),
        # 咨询投诉 (issue 6): published replies; the view has no name or phone column.
        Dataset(
            "messages",
            "咨询投诉答复",
            "Answered questions and complaints",
            "public_messages",
            (
                Col("message_type"),
                TOWNSHIP,
                VILLAGE,
                FUND_CODE,
                Col("category", "分类", "Category"),
                Col("department", "答复部门", "Answered by"),
                Col("question"),
                Col("reply"),
                Col("received_on", kind="date"),
                Col("replied_on", kind="date"),
            ),
            "replied_on DESC, received_on DESC, township, question",
            {"fund_code": "text", "township": "text", "message_type": "text"},
        ),
    )
}

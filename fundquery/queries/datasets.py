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

from fundquery.queries.sql import fetch

STREAM_CHUNK_ROWS = 10_000


@dataclass(frozen=True)
class Col:
    name: str
    label_zh: str
    label_en: str
    kind: str = "text"  # text | int | amount | decimal | date | bool


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

    def page(self, con: duckdb.DuckDBPyConnection, args: Mapping[str, Any], limit: int, offset: int) -> list[dict[str, Any]]:
        where, params = self.where(args)
        return fetch(con, self.select_sql(where) + " LIMIT ? OFFSET ?", [*params, limit, offset])

    def stream(self, con: duckdb.DuckDBPyConnection, args: Mapping[str, Any]) -> Iterator[tuple]:
        """Every matching row as a tuple, fetched in chunks (a million rows never sit in memory)."""
        where, params = self.where(args)
        cursor = con.cursor()
        try:
            cursor.execute(self.select_sql(where), params)
            while rows := cursor.fetchmany(STREAM_CHUNK_ROWS):
                yield from rows
        finally:
            cursor.close()

    def label(self, col: Col, language: str) -> str:
        return col.label_en if language == "en" else col.label_zh

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_zh


FUND_CODE = Col("fund_code", "资金编码", "Fund code")
YEAR = Col("year", "年度", "Year", "int")
TOWNSHIP = Col("township", "乡镇", "Township")
VILLAGE = Col("village", "村(社区)", "Village")
AMOUNT = Col("amount_yuan", "金额(元)", "Amount (yuan)", "amount")

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "funds", "专项资金目录", "Special funds", "public_funds",
            (FUND_CODE, Col("fund_name", "资金名称", "Fund"), YEAR,
             Col("department", "主管部门", "Department"), Col("category", "资金类别", "Category"),
             Col("level", "资金级次", "Level"), Col("pays_to", "发放对象", "Paid to"),
             Col("budget_yuan", "预算金额(元)", "Budget (yuan)", "amount"),
             Col("standard_yuan", "补助标准(元)", "Standard (yuan)", "amount"),
             Col("policy_basis", "政策依据", "Policy basis")),
            "year DESC, fund_code",
            {"year": "int", "department": "text", "category": "text", "pays_to": "text", "fund_code": "text"},
        ),
        Dataset(
            "payments", "补贴发放公示", "Payments to persons and households (village notices)",
            "public_notice_rows",
            (FUND_CODE, YEAR, Col("period", "期间", "Period"), TOWNSHIP, VILLAGE,
             Col("village_group", "组", "Group"), Col("name_masked", "姓名", "Name (masked)"),
             Col("quantity", "数量", "Quantity", "decimal"),
             Col("standard_yuan", "补助标准(元)", "Standard (yuan)", "amount"), AMOUNT,
             Col("paid_on", "发放日期", "Paid on", "date"), Col("card_status", "一卡通状态", "一卡通 status")),
            "fund_code, year, township, village, village_group, batch_id, row_no",
            {"year": "int", "fund_code": "text", "township": "text", "village": "text"},
        ),
        Dataset(
            "disbursements", "资金拨付", "Disbursements", "public_disbursements",
            (Col("voucher_no", "凭证号", "Voucher no."), FUND_CODE, Col("payee", "收款单位", "Payee"), AMOUNT,
             Col("approved_on", "审核签字日期", "Approved on", "date"),
             Col("disbursed_on", "拨出日期", "Disbursed on", "date"),
             Col("is_by_progress", "按进度拨付", "Paid by progress", "bool")),
            "fund_code, approved_on, voucher_no",
            {"fund_code": "text"},
        ),
        Dataset(
            "projects", "项目资金", "Projects", "public_projects",
            (FUND_CODE, Col("project_name", "项目名称", "Project"), TOWNSHIP, VILLAGE,
             Col("contractor", "实施单位", "Contractor"), AMOUNT, Col("start_on", "开工日期", "Start", "date"),
             Col("status", "项目状态", "Status")),
            "fund_code, township, village, project_name",
            {"fund_code": "text", "township": "text", "status": "text"},
        ),
        Dataset(
            "budgets", "部门预算", "Department budgets", "public_budgets",
            (Col("department", "部门", "Department"), YEAR, Col("category", "支出类别", "Category"),
             Col("item", "科目名称", "Item"), AMOUNT),
            "year DESC, department, category, item",
            {"year": "int", "department": "text", "category": "text"},
        ),
        Dataset(
            "agencies", "机构编制", "Agencies and staffing quotas", "public_agencies",
            (Col("agency_code", "单位代码", "Agency code"), Col("agency_name", "单位名称", "Agency"),
             Col("agency_type", "单位类型", "Agency type"), Col("department", "主管部门", "Department"),
             Col("staffing_type", "编制类型", "Staffing type"), Col("quota", "编制数", "Quota", "int"),
             Col("actual_reported", "实有人数(上报)", "Actual (reported)", "int")),
            "department, agency_name, staffing_type",
            {"department": "text", "agency_name": "text"},
        ),
        Dataset(
            "staff", "编制实名制", "Named staff roll", "public_staff_roll",
            (Col("agency_code", "单位代码", "Agency code"), Col("agency_name", "单位名称", "Agency"),
             Col("name", "姓名", "Name"), Col("post", "职务(岗位)", "Post"),
             Col("staffing_type", "编制类型", "Staffing type")),
            "agency_name, staffing_type, batch_id, row_no",
            {"agency_name": "text"},
        ),
        # 咨询投诉 (issue 6): published replies; the view has no name or phone column.
        Dataset(
            "messages", "咨询投诉答复", "Answered questions and complaints", "public_messages",
            (Col("message_type", "类型", "Type"), TOWNSHIP, VILLAGE, FUND_CODE,
             Col("category", "分类", "Category"), Col("department", "答复部门", "Answered by"),
             Col("question", "问题", "Question"), Col("reply", "答复", "Reply"),
             Col("received_on", "留言日期", "Received on", "date"), Col("replied_on", "答复日期", "Replied on", "date")),
            "replied_on DESC, received_on DESC, township, question",
            {"fund_code": "text", "township": "text", "message_type": "text"},
        ),
    )
}

"""The inspectors' discrepancy catalogue (issue 5; STYLE.md habit 7).

Every check is declared in one of the group modules with its label, title,
severity, meaning, what to do and one SQL query returning the offending
rows.  ``CATALOGUE`` lists them in the order the report page shows them.
"""

from __future__ import annotations

from fundquery.inspect.catalogue import Check, Filters, Params, Result, count, run
from fundquery.inspect.checks import (
    allocations,
    delays,
    money,
    payments,
    publication,
    rectification,
    registers,
    relief,
    replies,
    staffing,
)

CATALOGUE: tuple[Check, ...] = (
    *delays.CHECKS,
    *money.CHECKS,
    *allocations.CHECKS,  # allocation tables against disbursements (issue 14)
    *payments.CHECKS,
    *staffing.CHECKS,
    *registers.CHECKS,  # other departments' registers (issue 16)
    *relief.CHECKS,  # means-tested payments against vehicles, businesses, property (issue 16)
    *publication.CHECKS,
    *replies.CHECKS,  # consultations and complaints (issue 6)
    *rectification.CHECKS,  # flags not put right by their deadline (issue 17)
)
CHECKS: dict[str, Check] = {c.label: c for c in CATALOGUE}

GROUPS = {
    "delays": ("资金拨付时效", "Payment delays"),
    "money": ("资金滞留与去向", "Where the money stopped"),
    "payments": ("发放到人到户", "Payments to persons"),
    "staffing": ("机构编制与财政供养人员", "Staffing"),
    "registers": ("其他部门登记比对", "Other departments' registers"),
    "publication": ("信息公开", "Publication"),
}

__all__ = ["CATALOGUE", "CHECKS", "GROUPS", "Check", "Filters", "Params", "Result", "count", "run"]

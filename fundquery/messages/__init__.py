"""Consultations and complaints (issue 6): store and workflow, no Flask.

A resident's message is received with a receipt number and a check code,
registered by the desk (category, department in charge, deadline in working
days), routed, answered by that department, reviewed, then published or sent
back.  ``store`` reads and writes the rows, ``workflow`` takes the steps, ``links``
links a message to a record or escalates it to a flag,
``metrics`` counts the replies, ``deadlines`` counts working days.
"""

from __future__ import annotations

TYPES = ("咨询", "投诉", "建议", "举报")
TYPE_EN = {
    "咨询": "Question",
    "投诉": "Complaint",
    "建议": "Suggestion",
    "举报": "Report of wrongdoing",
}
STATUSES = ("received", "registered", "routed", "answered", "reviewed", "published", "sent_back")
STATUS_ZH = {
    "received": "已收到",
    "registered": "已登记",
    "routed": "已转办",
    "answered": "已答复待审核",
    "reviewed": "已审核待公开",
    "published": "已答复",
    "sent_back": "退回重办",
}
STATUS_EN = {
    "received": "Received",
    "registered": "Registered",
    "routed": "Sent to the department",
    "answered": "Answered, awaiting review",
    "reviewed": "Reviewed, awaiting publication",
    "published": "Answered",
    "sent_back": "Sent back for a new answer",
}
# How the desk handled a message (the yearly report's 办理方式), chosen at registration.
HANDLINGS = ("direct", "transferred", "discipline", "other")
HANDLING_ZH = {
    "direct": "直接答复",
    "transferred": "转相关部门办理",
    "discipline": "转纪检监察机关",
    "other": "其他方式处理",
}
# The desk's categories (处理笺 分类).
CATEGORIES = ("补贴发放", "资金拨付", "项目资金", "部门预算", "机构编制", "政策咨询", "其他")
# The seeds: replies to the public within 3 working days.  An instance may set
# MESSAGE_WORKING_DAYS = {"举报": 10, ...} to change it per type.
DEFAULT_WORKING_DAYS = dict.fromkeys(TYPES, 3)
# 投诉 must be answerable; 举报 may be anonymous; 咨询 and 建议 need no name.
CONTACT_REQUIRED = frozenset({"投诉"})
OPEN_STATUSES = ("received", "registered", "routed", "answered", "reviewed", "sent_back")


class MessageError(ValueError):
    """A step a message cannot take; ``str()`` is a sentence for a person (Chinese / English)."""

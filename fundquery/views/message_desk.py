"""The consultation and complaint desk (处理笺) at /staff/messages/.

The 公开办 (reviewer role) registers each new message (category, department
in charge, deadline in working days) and routes it; the department in charge
(a finance user whose office is that department) answers; a reviewer reviews
and publishes the reply or sends it back with a note.  Records can be linked
and a message escalated to an inspector flag.  Pages that show the sender's
name and phone are audit-logged (DESIGN.md §5).  The forms are in
`message_desk_forms.py`, the figures page in `message_desk_metrics.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from fundquery.accounts.auth import current_user, logs_personal_data, may_use, roles_required
from fundquery.messages import (
    CATEGORIES,
    DEFAULT_WORKING_DAYS,
    STATUSES,
    MessageError,
    store,
    workflow,
)
from fundquery.messages import links as message_links
from fundquery.views import render
from fundquery.views.message_desk_forms import (
    CATEGORY_TITLES,
    LINK_KIND_TITLES,
    AnswerForm,
    EscalateForm,
    LinkForm,
    NoteForm,
    RegisterForm,
    ReviewForm,
    SendBackForm,
)
from fundquery.views.messages import status_title
from fundquery.web.db import get_db
from fundquery.web.formatting import jsonable

bp = Blueprint("desk", __name__, url_prefix="/staff/messages")


def _message_or_404(message_id: int) -> dict[str, Any]:
    found = store.get(get_db(), message_id)
    if found is None:
        abort(404)
    if not _may_see(found):
        abort(404)  # another department's message: as if it did not exist
    return found


def _may_see(message: dict[str, Any]) -> bool:
    """Reviewers and inspectors see every message; finance only its own department's."""
    if current_user.has_role("reviewer", "inspector"):
        return True
    return bool(current_user.office) and message["department"] == current_user.office


def _back(message_id: int) -> Response:
    return redirect(url_for(".message", message_id=message_id))


def _category_title(code: str | None) -> str | None:
    return str(CATEGORY_TITLES.get(code, code)) if code else None


@bp.get("/")
@roles_required()
def index() -> Response | str:
    """The queue: new messages to register first, overdue ones marked; finance sees its own department's."""
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    overdue = request.args.get("overdue") == "1"
    department = (
        None
        if current_user.has_role("reviewer", "inspector")
        else (current_user.office or "\u0000")
    )
    rows = store.queue(get_db(), status=status, department=department, overdue_only=overdue)
    for row in rows:
        row["url"] = url_for(".message", message_id=row["message_id"])
        row["status_title"] = status_title(row["status"])
        row["category_title"] = _category_title(row["category"])
    data = {
        "messages": rows,
        "to_register": [r for r in rows if r["status"] == "received"],
        "overdue_count": sum(1 for r in rows if r["is_overdue"]),
        "filters": {"status": status, "overdue": overdue},
        "statuses": {s: status_title(s) for s in STATUSES},
        "today": dt.date.today(),
    }
    return render("staff/messages_queue.html", jsonable(data))


@bp.get("/<int:message_id>")
@roles_required()
@logs_personal_data
def message(message_id: int) -> Response | str:
    """One message's handling slip (处理笺): the text, sender, every step, links, and the next step's form."""
    found = _message_or_404(message_id)
    con = get_db()
    found["status_title"] = status_title(found["status"])
    found["category_title"] = _category_title(found["category"])
    found["is_overdue"] = found["status"] != "published" and found["deadline_on"] < dt.date.today()
    for key in ("code_hash", "code_failures", "code_locked_until"):
        found.pop(key)
    events = store.events(con, message_id)
    for e in events:
        e["to_title"] = status_title(e["to_status"]) if e["to_status"] else ""
    links = store.links(con, message_id)
    for link in links:
        link["kind_title"] = str(LINK_KIND_TITLES[link["record_kind"]])
    last_send_back = next((e["note"] for e in reversed(events) if e["step"] == "send_back"), None)
    data = {
        "message": found,
        "events": events,
        "links": links,
        "last_send_back": last_send_back,
        "flag_url": url_for("inspect.flag", flag_id=found["flag_id"])
        if found["flag_id"] and may_use("inspect.flag")
        else None,
    }
    working_days = {**DEFAULT_WORKING_DAYS, **current_app.config.get("MESSAGE_WORKING_DAYS", {})}
    forms = {
        "register": RegisterForm(
            category=found["category"] or CATEGORIES[0],
            department=found["department"],
            working_days=working_days.get(found["message_type"], 3),
            handling=found["handling"] or "transferred",
        ),
        "route": NoteForm(prefix="route"),
        "answer": AnswerForm(reply=found["reply"]),
        "review": ReviewForm(
            public_body=workflow.redact(found["public_body"] or found["body"]),
            is_listed=found["is_listed"],
        ),
        "publish": NoteForm(prefix="publish"),
        "send_back": SendBackForm(prefix="back"),
        "link": LinkForm(),
        "escalate": EscalateForm(assignee_office=found["department"] or ""),
    }
    return render(
        "staff/message.html",
        jsonable(data),
        departments=store.departments(con),
        forms=forms,
        may_answer=may_use("desk.answer") and current_user.office == found["department"],
    )


def _take(message_id: int, form: FlaskForm, step) -> Response:
    """Validate the form, take the step, say what happened; refusals are flashed with their reason."""
    _message_or_404(message_id)
    if not form.validate_on_submit():
        errors = [m for messages in form.errors.values() for m in messages]
        flash(" ".join(str(e) for e in errors) or _("请检查填写的内容。"), "error")
        return _back(message_id)
    try:
        step()
    except MessageError as exc:
        flash(str(exc), "error")
    else:
        flash(_("已保存。"))
    return _back(message_id)


@bp.post("/<int:message_id>/register")
@roles_required()
def register(message_id: int) -> Response:
    form = RegisterForm()
    response = _take(
        message_id,
        form,
        lambda: workflow.register(
            get_db(),
            message_id,
            category=form.category.data,
            department=form.department.data,
            working_days=form.working_days.data,
            actor=current_user.username,
            note=form.note.data,
            handling=form.handling.data,
        ),
    )
    department = (form.department.data or "").strip()
    if department and not store.has_answerer(get_db(), department):
        flash(
            _(
                "注意：还没有单位为“%(dept)s”的财政用户，没有人能答复这条留言。请联系管理员添加。",
                dept=department,
            ),
            "error",
        )
    return response


@bp.post("/<int:message_id>/route")
@roles_required()
def route(message_id: int) -> Response:
    form = NoteForm(prefix="route")
    return _take(
        message_id,
        form,
        lambda: workflow.route(
            get_db(), message_id, actor=current_user.username, note=form.note.data
        ),
    )


@bp.post("/<int:message_id>/answer")
@roles_required()
def answer(message_id: int) -> Response:
    form = AnswerForm()
    return _take(
        message_id,
        form,
        lambda: workflow.answer(
            get_db(),
            message_id,
            reply=form.reply.data,
            actor=current_user.username,
            office=current_user.office,
        ),
    )


@bp.post("/<int:message_id>/review")
@roles_required()
def review(message_id: int) -> Response:
    form = ReviewForm()
    return _take(
        message_id,
        form,
        lambda: workflow.review(
            get_db(),
            message_id,
            public_body=form.public_body.data,
            is_listed=form.is_listed.data,
            actor=current_user.username,
            note=form.note.data,
        ),
    )


@bp.post("/<int:message_id>/publish")
@roles_required()
def publish(message_id: int) -> Response:
    form = NoteForm(prefix="publish")
    return _take(
        message_id,
        form,
        lambda: workflow.publish(get_db(), message_id, actor=current_user.username),
    )


@bp.post("/<int:message_id>/send-back")
@roles_required()
def send_back(message_id: int) -> Response:
    form = SendBackForm(prefix="back")
    return _take(
        message_id,
        form,
        lambda: workflow.send_back(
            get_db(), message_id, note=form.note.data, actor=current_user.username
        ),
    )


@bp.post("/<int:message_id>/link")
@roles_required()
def link(message_id: int) -> Response:
    form = LinkForm()
    return _take(
        message_id,
        form,
        lambda: message_links.link(
            get_db(),
            message_id,
            record_kind=form.record_kind.data,
            batch_id=form.batch_id.data,
            row_no=form.row_no.data,
            actor=current_user.username,
            note=form.note.data,
        ),
    )


@bp.post("/<int:message_id>/escalate")
@roles_required()
def escalate(message_id: int) -> Response:
    form = EscalateForm()
    return _take(
        message_id,
        form,
        lambda: message_links.escalate(
            get_db(),
            message_id,
            severity=form.severity.data,
            assignee_office=form.assignee_office.data,
            note=form.note.data,
            actor=current_user.username,
        ),
    )

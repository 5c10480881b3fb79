"""咨询投诉 for residents and the public: the form, the receipt, the status check, the list of answers.

The form is POSTed (CSRF, rate-limited, length limits); the text is stored
and shown as plain text only.  The receipt page shows the receipt number and
the check code once.  With both, /messages/status shows the status and the
published reply; with anything else, the same calm "not found".  The public
list (and its CSV/XLSX/JSON and /api/v1/messages, the ``messages`` dataset)
holds published replies only, without names or phone numbers.
"""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from etl.personal import mask_all
from fundquery.messages import (
    CONTACT_REQUIRED,
    DEFAULT_WORKING_DAYS,
    STATUS_EN,
    STATUS_ZH,
    TYPES,
    MessageError,
)
from fundquery.messages import store as message_store
from fundquery.queries import messages as mq
from fundquery.queries.datasets import DATASETS
from fundquery.views import render
from fundquery.views.funds import download_links
from fundquery.views.pages import args_of, pager, paging
from fundquery.views.public import bp
from fundquery.web.db import get_db
from fundquery.web.i18n import current_language
from fundquery.web.limiter import limiter

DEFAULT_MESSAGE_RATE_LIMIT = "5 per minute;20 per hour"
DEFAULT_STATUS_RATE_LIMIT = "10 per minute;50 per hour"
TYPE_LABELS = {"咨询": _l("咨询"), "投诉": _l("投诉"), "建议": _l("建议"), "举报": _l("举报")}
NO_HISTORY = {"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}


def message_limit() -> str:
    return current_app.config.get("MESSAGE_RATE_LIMIT", DEFAULT_MESSAGE_RATE_LIMIT)


def status_limit() -> str:
    return current_app.config.get("MESSAGE_STATUS_RATE_LIMIT", DEFAULT_STATUS_RATE_LIMIT)


def kiosk_mode() -> dict | None:
    """On a query-point kiosk (?kiosk=1): its idle time and start page, for the idle reset."""
    if request.args.get("kiosk") != "1":
        return None
    return {
        "idle_seconds": int(current_app.config.get("KIOSK_IDLE_SECONDS", 60)),
        "start_url": url_for("public.kiosk"),
    }


def _kiosk_args() -> dict[str, str]:
    return {"kiosk": "1"} if request.args.get("kiosk") == "1" else {}


def status_title(code: str) -> str:
    return STATUS_EN[code] if current_language() == "en" else STATUS_ZH[code]


class MessageForm(FlaskForm):
    message_type = RadioField(
        _l("类型"),
        choices=[SelectChoice(t, TYPE_LABELS[t]) for t in TYPES],
        default="咨询",
        validators=[DataRequired(_l("请选择类型。"))],
    )
    township = StringField(
        _l("乡镇"),
        validators=[DataRequired(_l("请填写乡镇。")), Length(max=message_store.MAX_PLACE_CHARS)],
        render_kw={"maxlength": message_store.MAX_PLACE_CHARS, "list": "townships"},
    )
    village = StringField(
        _l("村(社区)"),
        validators=[Optional(), Length(max=message_store.MAX_PLACE_CHARS)],
        render_kw={"maxlength": message_store.MAX_PLACE_CHARS},
    )
    fund_code = SelectField(_l("涉及的资金（可不选）"), choices=[], default="")
    body = TextAreaField(
        _l("留言内容"),
        validators=[
            DataRequired(_l("请填写留言内容。")),
            Length(max=message_store.MAX_BODY_CHARS, message=_l("留言内容最多 %(max)d 字。")),
        ],
        render_kw={"maxlength": message_store.MAX_BODY_CHARS, "rows": 7},
    )
    name = StringField(
        _l("姓名"),
        validators=[Optional(), Length(max=message_store.MAX_NAME_CHARS)],
        render_kw={**NO_HISTORY, "maxlength": message_store.MAX_NAME_CHARS},
    )
    phone = StringField(
        _l("联系电话"),
        validators=[
            Optional(),
            Regexp(message_store.PHONE.pattern, message=_l("电话号码应为 7–20 位数字。")),
        ],
        render_kw={**NO_HISTORY, "maxlength": 20, "inputmode": "tel"},
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.message_type.data in CONTACT_REQUIRED:
            for field in (self.name, self.phone):
                if not (field.data or "").strip():
                    field.errors = [*field.errors, _("投诉需要留下姓名和电话，以便答复。")]
                    ok = False
        return ok


class StatusForm(FlaskForm):
    receipt_no = StringField(
        _l("回执号"),
        validators=[DataRequired()],
        render_kw={**NO_HISTORY, "maxlength": 16, "placeholder": "2026-K7QM-3XPA"},
    )
    code = StringField(
        _l("查询码"),
        validators=[DataRequired()],
        render_kw={**NO_HISTORY, "maxlength": 6, "inputmode": "numeric"},
    )


@bp.route("/messages/new", methods=["GET", "POST"])
@limiter.limit(message_limit, methods=["POST"], scope="message-submit")
def message_new() -> Response | str:
    """留言: the form, prefilled with fund, township and village when coming from a lookup or a notice."""
    choices = mask_all(mq.form_choices(get_db()))  # the fund names go into the form (issue 15)
    form = MessageForm()
    form.fund_code.choices = [("", _("不涉及具体资金"))] + [
        (f["fund_code"], f"{f['fund_name'] or f['fund_code']}（{f['fund_code']}）")
        for f in choices["funds"]
    ]
    if request.method == "GET":
        prefill = args_of(("fund_code", "township", "village", "type"))
        form.township.data = prefill.get("township", "")[: message_store.MAX_PLACE_CHARS]
        form.village.data = prefill.get("village", "")[: message_store.MAX_PLACE_CHARS]
        if prefill.get("fund_code") in {c[0] for c in form.fund_code.choices}:
            form.fund_code.data = prefill["fund_code"]
        if prefill.get("type") in TYPES:
            form.message_type.data = prefill["type"]
    status = 200
    if form.validate_on_submit():
        working_days = {
            **DEFAULT_WORKING_DAYS,
            **current_app.config.get("MESSAGE_WORKING_DAYS", {}),
        }
        try:
            receipt = message_store.submit(
                get_db(),
                message_type=form.message_type.data,
                township=form.township.data,
                village=form.village.data,
                fund_code=form.fund_code.data or None,
                body=form.body.data,
                name=form.name.data,
                phone=form.phone.data,
                working_days=working_days,
            )
        except MessageError as exc:
            flash(str(exc), "error")
            status = 400
        else:
            # The code goes to this browser once, through the signed session, never in a URL.
            session["message_receipt"] = {
                "receipt_no": receipt.receipt_no,
                "code": receipt.code,
                "deadline_on": receipt.deadline_on.isoformat(),
            }
            return redirect(url_for("public.message_receipt", **_kiosk_args()))
    elif request.method == "POST":
        status = 400
    data = {
        "townships": choices["townships"],
        "types": list(TYPES),
        "contact_required": sorted(CONTACT_REQUIRED),
        "max_body_chars": message_store.MAX_BODY_CHARS,
    }
    return render("public/message_new.html", data, status, form=form, kiosk=kiosk_mode())


@bp.get("/messages/receipt")
def message_receipt() -> Response | str:
    """回执: the receipt number and the check code, shown once."""
    receipt = session.pop("message_receipt", None)
    if receipt is None:
        return redirect(url_for("public.message_status", **_kiosk_args()))
    response = render(
        "public/message_receipt.html",
        {"receipt": receipt},
        kiosk=kiosk_mode(),
        status_url=url_for("public.message_status", **_kiosk_args()),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/messages/status", methods=["GET", "POST"])
@limiter.limit(status_limit, methods=["POST"], scope="message-status")
def message_status() -> Response | str:
    """查询办理情况: receipt number and check code → status and published reply; anything else → not found."""
    form = StatusForm()
    found, failed = None, False
    if request.method == "POST":
        if form.validate_on_submit():
            found = message_store.check_code(
                get_db(), form.receipt_no.data, form.code.data, remote_addr=request.remote_addr
            )
        failed = found is None
    if found:
        found["status_title"] = status_title(found["status"])
    form.code.data = ""
    data = {"found": found, "failed": failed}
    response = render(
        "public/message_status.html", data, 404 if failed else 200, form=form, kiosk=kiosk_mode()
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/messages")
def messages() -> Response | str:
    """咨询投诉: published replies, searchable by fund and township; no names, no phone numbers."""
    dataset = DATASETS["messages"]
    chosen = args_of(dataset.filters)
    number, per_page = paging()
    total = dataset.count(get_db(), chosen)
    data = {
        "chosen": chosen,
        "choices": mq.list_choices(get_db()),
        "messages": dataset.page(get_db(), chosen, per_page, (number - 1) * per_page),
        "pager": pager(number, per_page, total),
        "downloads": download_links("messages", chosen),
        "new_url": url_for("public.message_new"),
        "status_url": url_for("public.message_status"),
    }
    return render("public/messages.html", data)

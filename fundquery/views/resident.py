"""The resident lookup at /query (phone, desktop) and /kiosk (touch-screen query point).

Lookups are POSTed and rate-limited; the ID number never goes into a URL, a
log line, a page (only the stored masked form is shown) or the browser's
form history; every failure gets the same calm message.
"""

from __future__ import annotations

import datetime as dt

from flask import Response, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from fundquery.queries import usage as usage_queries
from fundquery.resident import resident
from fundquery.resident.audit_queue import lookup_audit
from fundquery.views import render
from fundquery.views.pages import endpoint_url
from fundquery.views.public import bp
from fundquery.web import usage
from fundquery.web.db import get_db
from fundquery.web.limiter import everybody, limiter, lookup_global_limit, lookup_limit

DEFAULT_KIOSK_IDLE_SECONDS = 60
CHANNELS = {
    "public.query": ("query", "public/query.html"),
    "public.kiosk": ("kiosk", "kiosk/kiosk.html"),
}
PERSONAL_ARGS = ("id_number", "name", "csrf_token")
NO_FORM_HISTORY = {"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}


class LookupForm(FlaskForm):
    """ID number and name; neither is ever written back into the page."""

    id_number = StringField(
        _l("身份证号"), render_kw={**NO_FORM_HISTORY, "maxlength": 18, "inputmode": "text"}
    )
    name = StringField(_l("姓名"), render_kw={**NO_FORM_HISTORY, "maxlength": 20})

    def clear(self) -> None:
        self.id_number.data = ""
        self.name.data = ""
        self.id_number.raw_data = self.name.raw_data = None


def _page(
    form: LookupForm, result: resident.LookupResult | None, failed: bool, status: int = 200
) -> Response:
    channel, template = CHANNELS[request.endpoint or "public.query"]
    form.clear()
    data = {
        "channel": channel,
        "failed": failed,
        "result": result.as_dict() if result else None,
        "office_phone": current_app.config.get("FINANCE_OFFICE_PHONE"),
        # from the kiosk, the message form in the kiosk's own layout
        "message_url": endpoint_url(
            "public.message_new", **({"kiosk": "1"} if channel == "kiosk" else {})
        ),
        "message_new_url": endpoint_url("public.message_new"),
        "pinyin_initials": bool(current_app.config.get("LOOKUP_PINYIN_INITIALS")),
        "idle_seconds": int(
            current_app.config.get("KIOSK_IDLE_SECONDS", DEFAULT_KIOSK_IDLE_SECONDS)
        ),
        "printed_on": dt.date.today().isoformat(),
    }
    point = None
    if channel == "kiosk" and request.cookies.get(usage.POINT_COOKIE):
        point = usage_queries.point(get_db(), request.cookies[usage.POINT_COOKIE])
    response = render(template, data, status, form=form, point=point)
    # A result must not stay in a shared browser's cache or history.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(429)
def _rate_limited(_exc: Exception) -> Response:
    """Over the lookup limit: the same message as any other failure (the app's error page would differ)."""
    current_app.logger.warning("lookup rate limit reached at %s", request.endpoint)
    if request.endpoint not in CHANNELS:
        return _exc  # not a lookup: the app's own 429 page
    return _page(LookupForm(), None, failed=True, status=429)


def _lookup() -> Response:
    form = LookupForm()
    if request.method == "GET":
        if any(key in request.args for key in PERSONAL_ARGS):
            # Never looked up from a URL; sent back to the bare form so the number leaves the
            # address bar and is not copied into the page's links.
            kept = {k: v for k, v in request.args.items() if k in ("lang", "format")}
            return redirect(url_for(request.endpoint, **kept), 303)
        return _page(form, None, failed=False)
    if not form.validate_on_submit():  # a CSRF failure is handled as an expired page elsewhere
        return _page(form, None, failed=True)
    result = resident.lookup(form.id_number.data or "", form.name.data or "")
    channel = CHANNELS[request.endpoint][0]
    lookup_audit(
        "public",
        "resident_lookup",
        None,
        channel=channel,
        found=result is not None,
        payments=result.payment_count if result else 0,
    )
    usage.count_lookup(found=result is not None)
    return _page(form, result, failed=result is None)


# Per client address, and all clients together (fundquery/web/limiter.py).  The global budget counts
# only lookups that were answered: one client over its own limit does not use up everybody's.
_limit = limiter.shared_limit(lookup_limit, scope="resident-lookup", methods=["POST"])
_global_limit = limiter.shared_limit(
    lookup_global_limit,
    scope="resident-lookup-all",
    key_func=everybody,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 429,
)


@bp.route("/query", methods=["GET", "POST"])
@_limit
@_global_limit
def query() -> Response:
    """补贴查询: a resident's own and household's subsidies."""
    return _lookup()


@bp.route("/kiosk", methods=["GET", "POST"])
@_limit
@_global_limit
def kiosk() -> Response:
    """The same lookup in the touch-screen layout, with keypad, print and idle reset.

    ``/kiosk?point=CODE`` (opened once by the administrator setting up a query point) makes this
    browser that registered point, so its lookups are counted for it."""
    if request.method == "GET" and "point" in request.args:
        code = request.args["point"].strip()[:32]
        found = usage_queries.point(get_db(), code) if code else None
        if found is None:
            message = _(
                "查询点编码“%(code)s”没有登记。请管理员先登记查询点（fundquery point add）。",
                code=code,
            )
            return render("error.html", {"code": 404, "message": message}, 404)
        return usage.bind_point(redirect(url_for("public.kiosk"), 303), found["code"])
    return _lookup()

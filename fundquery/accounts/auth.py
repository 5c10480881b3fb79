"""Sign-in sessions (Flask-Login) and role checks for staff pages.

The session's user id is ``"<user_id>:<session_version>"``: changing the
password or disabling the account raises the version in the store, so every
other session of that user stops being valid on its next request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    Flask,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, LoginManager, UserMixin, current_user

from etl.audit import audit
from fundquery.accounts import access, accounts
from fundquery.queries import accounts as account_queries
from fundquery.web.db import get_db

login_manager = LoginManager()
CLIENT_KEY = "_client"  # the session's browser (see bind_session)
DEFAULT_STAFF_IDLE_MINUTES = 30
SESSION_KEY = "_sid"  # the server-side record of this sign-in (staff_sessions; see begin_session)

ROLE_LABELS = {
    "finance": _l("财政业务"),
    "reviewer": _l("审核公开"),
    "inspector": _l("监督检查"),
    "admin": _l("系统管理"),
}

__all__ = [
    "current_user",
    "roles_required",
    "may_use",
    "logs_personal_data",
    "StaffUser",
    "init_app",
]


class StaffUser(UserMixin):
    """The signed-in user as views see it: username, roles, office."""

    def __init__(self, account: accounts.Account) -> None:
        self.account = account
        self.user_id = account.user_id
        self.username = account.username
        self.roles = account.roles
        self.office = account.office

    def get_id(self) -> str:
        return f"{self.account.user_id}:{self.account.session_version}"

    @property
    def is_active(self) -> bool:
        return self.account.is_active

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


class Anonymous(AnonymousUserMixin):
    username = None
    roles: frozenset[str] = frozenset()
    office = None

    def has_role(self, *roles: str) -> bool:
        return False


@login_manager.user_loader
def load_user(session_id: str) -> StaffUser | None:
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    con = get_db()
    sid = session.get(SESSION_KEY)
    if not isinstance(sid, str) or not _session_open(con, sid, int(user_id)):
        return None  # logged out (or a cookie from before sessions were recorded): sign in again
    account = accounts.by_id(con, int(user_id))
    if account is None or not account.is_active or account.session_version != int(version):
        return None
    return StaffUser(account)


def _session_open(con, sid: str, user_id: int) -> bool:
    """Open, and used within STAFF_IDLE_MINUTES (a sign-in left idle longer ends: sign in again)."""
    idle = dt.timedelta(minutes=float(current_app.config["STAFF_IDLE_MINUTES"]))
    return account_queries.session_is_open(con, sid, user_id, idle)


def begin_session(user_id: int) -> None:
    """Record a new sign-in on the server and put its id in the (already cleared) session."""
    sid = secrets.token_urlsafe(24)
    account_queries.open_session(get_db(), sid, user_id)
    session[SESSION_KEY] = sid


def end_session() -> None:
    """Log-out: end this sign-in on the server, so a copy of the cookie is signed out too."""
    sid = session.get(SESSION_KEY)
    if isinstance(sid, str):
        account_queries.end_session(get_db(), sid)


def _refuse(roles: frozenset[str]) -> Any:
    """401/redirect for anonymous users, 403 for a signed-in user without the role."""
    if not current_user.is_authenticated:
        if (
            request.args.get("format") == "json"
            or request.accept_mimetypes.best == "application/json"
        ):
            response = jsonify(error="login_required")
            response.status_code = 401
            return response
        return redirect(
            url_for("auth.login", next=request.full_path if request.query_string else request.path)
        )
    if not current_user.has_role(*roles):
        abort(403)
    return None


def roles_required(*roles: str) -> Callable:
    """Let in only signed-in users holding a role the access table lists for the endpoint.

    The roles are stated once, in ``fundquery/accounts/access.py``; an endpoint the table
    does not list refuses everyone.  ``roles`` name them for a route outside the table only
    (a test's probe); the product's views give none.
    """
    unknown = set(roles) - set(accounts.ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            refused = _refuse(
                frozenset(roles) or access.ROLE_ENDPOINTS.get(request.endpoint or "", frozenset())
            )
            if refused is not None:
                return refused
            return view(*args, **kwargs)

        return wrapped

    return decorator


def may_use(endpoint: str) -> bool:
    """Whether the signed-in user may open ``endpoint``, by the access table."""
    if endpoint in access.PUBLIC_ENDPOINTS:
        return True
    return current_user.has_role(*access.ROLE_ENDPOINTS.get(endpoint, ()))


def logs_personal_data(view: Callable) -> Callable:
    """Audit-log every successful opening of a page that shows personal data (DESIGN.md §5).

    Put it under ``roles_required``; the entry names the user, the endpoint,
    its path arguments and the query arguments (never an ID number: those are
    only ever POSTed).
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        response = make_response(view(*args, **kwargs))
        if response.status_code < 400:
            audit(
                get_db(),
                current_user.username or "-",
                "view_personal_data",
                request.path,
                endpoint=request.endpoint,
                args=request.args.to_dict(flat=True),
            )
        return response

    return wrapped


def client_fingerprint() -> str:
    """The signing-in browser: its address (as fundquery.web.limiter trusts it) and its User-Agent, hashed."""
    seen = f"{request.remote_addr}|{request.headers.get('User-Agent', '')}"
    return hashlib.sha256(seen.encode("utf-8", "replace")).hexdigest()[:32]


def bind_session() -> None:
    """Before every request: a signed-in cookie replayed from another address or browser is emptied."""
    if "_user_id" in session and session.get(CLIENT_KEY) != client_fingerprint():
        session.clear()


def enforce_access_table() -> Any:
    """Before every request: an endpoint listed in ROLE_ENDPOINTS refuses whoever it does not list."""
    roles = access.roles_for(request.endpoint)
    if roles is None:
        return None
    return _refuse(roles)


def forbidden(_exc: Exception) -> Any:
    """403 as a page (or JSON) that says why, without saying what is behind it."""
    if request.args.get("format") == "json":
        return jsonify(error="forbidden"), 403
    message = _("您的账号没有使用这个页面的权限。如需要，请联系系统管理员。")
    return render_template("error.html", code=403, message=message), 403


def init_app(app: Flask) -> None:
    """Attach Flask-Login, the access table check and the cookie settings."""
    app.config.setdefault("LOGIN_MAX_FAILURES", 5)
    app.config.setdefault("LOGIN_LOCK_MINUTES", 15)
    # A staff sign-in ends after this long without a request (a PC left signed in at a desk).
    app.config.setdefault("STAFF_IDLE_MINUTES", DEFAULT_STAFF_IDLE_MINUTES)
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        # Upload size limit: FUNDQUERY_MAX_UPLOAD_MB, or MAX_CONTENT_LENGTH in instance/config.py.
        app.config["MAX_CONTENT_LENGTH"] = (
            int(os.environ.get("FUNDQUERY_MAX_UPLOAD_MB") or 50) * 1024 * 1024
        )
    if os.environ.get("FUNDQUERY_SECURE_COOKIES") == "1":
        # Behind HTTPS: cookies only over TLS.
        app.config["SESSION_COOKIE_SECURE"] = True
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    login_manager.init_app(app)
    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录。")
    # Flask-Login's "strong" mode would also touch every anonymous visitor's cookie; bind_session
    # does the same for signed-in sessions only.
    login_manager.session_protection = None
    app.before_request(bind_session)
    app.before_request(enforce_access_table)
    app.register_error_handler(403, forbidden)

    @app.context_processor
    def user_context() -> dict:
        return {"current_user": current_user, "role_names": ROLE_LABELS, "may_use": may_use}

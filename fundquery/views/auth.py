"""Sign in, sign out, change one's own password."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from etl.audit import audit
from fundquery.accounts import accounts
from fundquery.accounts.auth import (
    CLIENT_KEY,
    StaffUser,
    begin_session,
    client_fingerprint,
    current_user,
    end_session,
    roles_required,
)
from fundquery.views import render
from fundquery.web.db import get_db
from fundquery.web.limiter import limiter

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=200)])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("当前密码"), validators=[DataRequired()])
    new = PasswordField(
        _l("新密码"), validators=[DataRequired(), Length(min=accounts.MIN_PASSWORD_LENGTH, max=200)]
    )
    confirm = PasswordField(
        _l("再次输入新密码"), validators=[EqualTo("new", message=_l("两次输入的新密码不一致。"))]
    )


def safe_next(target: str | None) -> str | None:
    """A same-site path to go back to after signing in, or None (no open redirects).

    Browsers drop tabs and newlines inside a URL and read a backslash as a slash,
    so a backslash, a tab or a newline can turn ``/`` + ``/evil`` into ``//evil``,
    which leads off-site: any control character, space or backslash refuses the target.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def start_session(account: accounts.Account) -> None:
    """Sign in on a fresh session: nothing from before the login survives but the language (no fixation)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session[CLIENT_KEY] = client_fingerprint()
    begin_session(account.user_id)
    login_user(StaffUser(account))


def login_limit() -> str:
    """Sign-in attempts per client address (LOGIN_RATE_LIMIT), besides the lock-out per name."""
    return current_app.config.get("LOGIN_RATE_LIMIT", "30 per minute;300 per hour")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login() -> Response | str:
    """The staff sign-in form; repeated failures refuse the name from that address for a while."""
    if current_user.is_authenticated:
        return redirect(url_for("staff.home"))
    form = LoginForm()
    if form.validate_on_submit():
        status, account = accounts.authenticate(
            get_db(),
            form.username.data.strip(),
            form.password.data,
            remote_addr=request.remote_addr,
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            window=dt.timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"]),
        )
        if status == "ok":
            start_session(account)
            return redirect(safe_next(request.args.get("next")) or url_for("staff.home"))
        if status == "locked":
            flash(
                _(
                    "从这里登录这个账号失败次数过多，已暂停从这里登录，请 %(minutes)s 分钟后再试，或请系统管理员解锁。",
                    minutes=current_app.config["LOGIN_LOCK_MINUTES"],
                ),
                "error",
            )
        else:
            flash(_("用户名或密码不正确。"), "error")
        return render("auth/login.html", {}, 401, form=form)
    return render("auth/login.html", {}, form=form)


@bp.post("/logout")
@roles_required()
def logout() -> Response:
    """Sign out of this browser."""
    audit(get_db(), current_user.username, "logout", f"user:{current_user.username}")
    end_session()
    logout_user()
    flash(_("已退出登录。"), "info")
    return redirect(url_for("public.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@roles_required()
def password() -> Response | str:
    """Change one's own password; every other session of the user ends."""
    form = PasswordForm()
    if form.validate_on_submit():
        con = get_db()
        account = accounts.by_id(con, current_user.user_id)
        if not accounts.verify_password(account, form.current.data):
            form.current.errors.append(_("当前密码不正确。"))
        else:
            try:
                account = accounts.set_password(
                    con, account.username, form.new.data, actor=account.username
                )
            except accounts.AccountError as exc:
                form.new.errors.append(str(exc))
            else:
                login_user(StaffUser(account))  # this session goes on under the new version
                flash(_("密码已修改，其他设备上的登录已全部失效。"), "info")
                return redirect(url_for("staff.home"))
    return render("auth/password.html", {}, form=form)

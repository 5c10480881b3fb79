"""Administrators: users and roles, and the audit log (browse, filter, export)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import xlsxwriter
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

from etl.audit import audit
from fundquery.accounts import accounts
from fundquery.accounts.auth import ROLE_LABELS, current_user, roles_required
from fundquery.calendar import workdays
from fundquery.calendar.notice import NoticeError, parse_days
from fundquery.queries import audit as audit_queries
from fundquery.queries import calendar as calendar_queries
from fundquery.resident.masking import neutralise
from fundquery.views import render
from fundquery.web.db import get_db

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")


class RolesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class UserForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=40)])
    office = StringField(_l("单位（财政所、股室等）"), validators=[Length(max=80)])
    roles = RolesField(
        _l("角色"),
        choices=[SelectChoice(r, ROLE_LABELS[r]) for r in accounts.ROLES],
        validators=[DataRequired(_l("至少选择一个角色。"))],
    )
    password = PasswordField(
        _l("初始密码"), validators=[DataRequired(), Length(min=accounts.MIN_PASSWORD_LENGTH)]
    )
    confirm = PasswordField(
        _l("再次输入密码"), validators=[EqualTo("password", message=_l("两次输入的密码不一致。"))]
    )


class UserActionForm(FlaskForm):
    action = SelectField(
        choices=[SelectChoice(a) for a in ("disable", "enable", "roles", "password", "unlock")]
    )
    office = StringField(validators=[Length(max=80)])
    roles = RolesField(choices=[SelectChoice(r) for r in accounts.ROLES], validators=[Optional()])
    password = PasswordField(validators=[Optional(), Length(min=accounts.MIN_PASSWORD_LENGTH)])


@bp.route("/users", methods=["GET", "POST"])
@roles_required()
def users() -> Response | str:
    """Every user; the form adds one (the initial password is given to the user in person)."""
    form = UserForm()
    if form.validate_on_submit():
        try:
            accounts.create(
                get_db(),
                form.username.data.strip(),
                form.password.data,
                form.roles.data,
                office=form.office.data.strip() or None,
                actor=current_user.username,
            )
        except accounts.AccountError as exc:
            form.username.errors.append(str(exc))
        else:
            flash(_("已添加用户 %(name)s。", name=form.username.data.strip()), "info")
            return redirect(url_for("admin.users"))
    refused = accounts.refused_addresses(
        get_db(),
        current_app.config["LOGIN_MAX_FAILURES"],
        dt.timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"]),
    )
    rows = [
        {
            "username": a.username,
            "office": a.office,
            "roles": sorted(a.roles),
            "is_active": a.is_active,
            "refused_addresses": refused.get(a.username, 0),
        }
        for a in accounts.all_accounts(get_db())
    ]
    status = 400 if form.errors else 200
    return render(
        "staff/admin_users.html", {"users": rows}, status, form=form, action_form=UserActionForm()
    )


@bp.post("/users/<username>")
@roles_required()
def user(username: str) -> Response:
    """Disable, enable, unlock sign-in, change roles and office, or set a new password for one user."""
    form = UserActionForm()
    if not form.validate_on_submit():
        flash("；".join(str(m) for ms in form.errors.values() for m in ms), "error")
        return redirect(url_for("admin.users"))
    con, actor = get_db(), current_user.username
    if username == actor and form.action.data in ("disable", "roles"):
        flash(_("不能停用自己的账号或修改自己的角色，请由另一位管理员操作。"), "error")
        return redirect(url_for("admin.users"))
    try:
        if form.action.data == "unlock":
            accounts.unlock(con, username, actor=actor)
        elif form.action.data in ("disable", "enable"):
            accounts.set_active(con, username, form.action.data == "enable", actor=actor)
        elif form.action.data == "roles":
            accounts.set_roles(
                con, username, form.roles.data, office=form.office.data.strip() or None, actor=actor
            )
        elif form.password.data:
            accounts.set_password(con, username, form.password.data, actor=actor)
        else:
            abort(400)
    except accounts.AccountError as exc:
        flash(str(exc), "error")
    else:
        if form.action.data == "unlock":
            flash(_("已清除用户 %(name)s 的登录失败记录，可以立即登录。", name=username), "info")
        else:
            flash(_("用户 %(name)s 已更新。", name=username), "info")
    return redirect(url_for("admin.users"))


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter, changes nothing

    actor = StringField(_l("操作人"), validators=[Optional(), Length(max=80)])
    action = SelectField(_l("操作"), validators=[Optional()], validate_choice=False)
    target = StringField(_l("对象包含"), validators=[Optional(), Length(max=80)])
    date_from = DateField(_l("从"), validators=[Optional()])
    date_to = DateField(_l("到"), validators=[Optional()])


def _csv_cell(value) -> str:
    return neutralise(
        "" if value is None else str(value)
    )  # no formulas in Excel (a file name may be one)


@bp.get("/audit")
@roles_required()
def audit_log() -> Response | str:
    """The audit log, newest first, filtered; ?format=csv or xlsx exports every matching row."""
    form = AuditFilterForm(request.args)
    form.action.choices = [SelectChoice("", _("全部"))] + [
        SelectChoice(a) for a in audit_queries.actions(get_db())
    ]
    if not form.validate():
        abort(400)
    flt = audit_queries.AuditFilter(
        form.actor.data or None,
        form.action.data or None,
        form.target.data or None,
        form.date_from.data,
        form.date_to.data,
    )
    export = request.args.get("format") in ("csv", "xlsx")
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    rows, total = audit_queries.entries(
        get_db(),
        flt,
        1 if export else page,
        audit_queries.EXPORT_ROWS if export else audit_queries.PAGE_ROWS,
    )
    if export:
        audit(
            get_db(),
            current_user.username,
            "audit_export",
            "audit_log",
            rows=len(rows),
            filters={k: str(v) for k, v in flt.__dict__.items() if v},
        )
        return _export(rows, request.args["format"])
    data = {
        "entries": rows,
        "total": total,
        "page": page,
        "page_rows": audit_queries.PAGE_ROWS,
        "query": {k: v for k, v in request.args.items() if k not in ("page", "format")},
    }
    return render("staff/admin_audit.html", data, form=form)


HEADER = ("编号", "时间", "操作人", "操作", "对象", "详情")
KEYS = ("audit_id", "logged_at", "actor", "action", "target", "detail")


def _export(rows: list[dict], fmt: str) -> Response:
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(HEADER)
        writer.writerows([_csv_cell(r[k]) for k in KEYS] for r in rows)
        content = buf.getvalue().encode("utf-8-sig")
        mimetype = "text/csv"
    else:
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
        sheet = book.add_worksheet("审计日志")
        sheet.write_row(0, 0, HEADER)
        for i, r in enumerate(rows, start=1):
            sheet.write_row(i, 0, [_csv_cell(r[k]) for k in KEYS])
        book.close()
        content = out.getvalue()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return send_file(
        io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=f"audit_log.{fmt}"
    )


class CalendarForm(FlaskForm):
    year = IntegerField(_l("年份"), validators=[DataRequired(), NumberRange(2000, 2100)])
    notice = StringField(
        _l("依据（国务院办公厅通知文号）"), validators=[DataRequired(), Length(max=200)]
    )
    holidays = TextAreaField(
        _l("放假日期（每行一个日期或范围，后写节日名称）"), validators=[Length(max=5000)]
    )
    workdays = TextAreaField(_l("调休上班日期（周末上班的日子）"), validators=[Length(max=2000)])


@bp.route("/calendar", methods=["GET", "POST"])
@roles_required()
def calendar() -> Response | str:
    """The holiday schedule by year: load a year from the State Council's notice, or from chinesecalendar."""
    con = get_db()
    form = CalendarForm()
    if request.method == "POST" and request.form.get("from_package"):
        if not FlaskForm().validate_on_submit():
            abort(400)
        added = workdays.load_package_years(con, actor=current_user.username)
        flash(
            _(
                "已从 chinesecalendar 载入：%(years)s。",
                years="、".join(map(str, added)) or _("没有新的年份"),
            ),
            "info",
        )
        return redirect(url_for("admin.calendar"))
    if form.validate_on_submit():
        try:
            off = parse_days(form.holidays.data or "", form.year.data)
            on = parse_days(form.workdays.data or "", form.year.data)
        except NoticeError as exc:
            form.holidays.errors.append(str(exc))
        else:
            workdays.load_year(
                con, form.year.data, off, on, actor=current_user.username, notice=form.notice.data
            )
            flash(
                _(
                    "已载入 %(year)s 年的节假日安排：放假 %(off)s 天，调休上班 %(on)s 天。",
                    year=form.year.data,
                    off=len(off),
                    on=len(on),
                ),
                "info",
            )
            return redirect(url_for("admin.calendar"))
    data = {"years": calendar_queries.loaded_years(get_db()), "today_year": dt.date.today().year}
    status = 400 if form.errors else 200
    return render("staff/admin_calendar.html", data, status, form=form, package_form=FlaskForm())

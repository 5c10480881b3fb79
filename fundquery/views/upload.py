"""Finance staff: upload, preview row by row (with the mapping form of `upload_mapping.py`), load; blank templates; the highlighted copy."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from etl.annotate import annotate
from etl.audit import audit
from etl.extract import NoHeader, UnreadableFile
from etl.load import BatchError
from etl.preview import dry_run
from etl.specs import SPECS
from etl.store import StoreUnwritable
from etl.templates import template_file_name, template_xlsx
from fundquery.accounts.auth import current_user, roles_required
from fundquery.queries import batches as batch_queries
from fundquery.uploads import staging, uploads
from fundquery.views import render, upload_mapping
from fundquery.web.db import get_db, note_failure
from fundquery.web.i18n import current_language
from fundquery.web.params import int_arg, parse_int

bp = Blueprint("upload", __name__, url_prefix="/staff")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(FlaskForm):
    kind = SelectField(_l("数据类别"), default="auto")
    file = FileField(
        _l("文件"),
        validators=[
            FileRequired(_l("请选择要上传的文件。")),
            FileAllowed(
                [s.lstrip(".") for s in staging.ALLOWED_SUFFIXES],
                _l("只能上传 Excel（.xlsx、.xls）、XML 表格（.xml）或 CSV 文件。"),
            ),
        ],
    )
    replaces = SelectField(_l("替换批次"), default="", validate_choice=False)


class LoadForm(FlaskForm):
    kind = HiddenField()
    replaces = HiddenField()
    load_anyway = BooleanField(_l("我已看过以上提醒，仍然导入"))
    notice_days = StringField(
        _l("村级公示天数（可不填：按资金目录的公示天数，或系统默认）"), validators=[Length(max=10)]
    )


def _may_upload(kind: str) -> bool:
    """Whether the signed-in user holds a role the kind's spec lets upload it (Spec.uploaders)."""
    return kind in SPECS and current_user.has_role(*SPECS[kind].uploaders)


def _uploadable() -> list[str]:
    return [k for k in SPECS if _may_upload(k)]


def _kind_choices() -> list[SelectChoice]:
    language = current_language()
    return [SelectChoice("auto", _("自动识别（按表头）"))] + [
        SelectChoice(k, uploads.kind_title(k, language)) for k in _uploadable()
    ]


def _replaceable() -> list[dict]:
    rows = batch_queries.office_batches(get_db(), current_user.username, current_user.office)
    return [r for r in rows if batch_queries.is_replaceable(r)]


def _replaces_arg(value: str | None) -> int | None:
    """A batch id the user may replace, or None; anything else is refused."""
    if not value:
        return None
    row = batch_queries.batch(get_db(), parse_int("replaces", value))
    if row is None or not batch_queries.in_scope(row, current_user.username, current_user.office):
        abort(403)
    return row["batch_id"]


@bp.app_errorhandler(413)
def too_large(_exc: Exception) -> tuple[str, int]:
    """A file over the size limit: say what the limit is."""
    limit = (request.max_content_length or 0) // (1024 * 1024)
    message = _("文件太大：上传的文件不能超过 %(mb)s MB。", mb=limit)
    return render_template("error.html", code=413, message=message), 413


@bp.route("/upload", methods=["GET", "POST"])
@roles_required()
def form() -> Response | str:
    """Choose the kind (or automatic) and the file; it is staged, then previewed."""
    form = UploadForm()
    form.kind.choices = _kind_choices()
    language = current_language()
    live = _replaceable()
    form.replaces.choices = [SelectChoice("", _("不替换（新批次）"))] + [
        SelectChoice(
            str(r["batch_id"]),
            f"#{r['batch_id']} {uploads.kind_title(r['kind'], language)} · {r['file_name']}",
        )
        for r in live
    ]
    if request.method == "GET" and int_arg("replaces") is not None:
        form.replaces.data = request.args["replaces"]
    if form.validate_on_submit():
        replaces = _replaces_arg(form.replaces.data)
        staged = staging.stage(form.file.data, current_user.username)
        audit(
            get_db(),
            current_user.username,
            "upload",
            f"sha256:{staged.sha256}",
            file=staged.file_name,
            size=staged.size,
            kind=form.kind.data,
            replaces=replaces,
        )
        return redirect(
            url_for(
                "upload.preview",
                sha256=staged.sha256,
                kind=form.kind.data,
                replaces=replaces or None,
            )
        )
    data = {
        "kinds": [
            {
                "kind": k,
                "title": uploads.kind_title(k, language),
                "template_url": url_for("upload.template", kind=k),
            }
            for k in _uploadable()
        ],
        "max_upload_mb": (request.max_content_length or 0) // (1024 * 1024),
    }
    status = 400 if form.errors else 200
    return render("staff/upload.html", data, status, form=form)


def _staged_or_404(sha256: str) -> staging.StagedFile:
    staged = staging.get(sha256, current_user.username)
    if staged is None:
        abort(404)
    return staged


def _kind_arg() -> str:
    kind = request.values.get("kind", "auto")
    if kind != "auto" and kind not in SPECS:
        abort(400)
    if kind != "auto" and not _may_upload(kind):
        abort(403)
    return kind


@bp.get("/upload/<sha256>")
@roles_required()
def preview(sha256: str) -> Response | str:
    """Everything the loader found, before anything is stored."""
    staged = _staged_or_404(sha256)
    kind = _kind_arg()
    replaces = _replaces_arg(request.args.get("replaces"))
    try:
        data = uploads.make_preview(staged, kind, current_user.username, current_user.office)
    except UnreadableFile as exc:
        audit(
            get_db(),
            current_user.username,
            "reject",
            f"sha256:{sha256}",
            file=staged.file_name,
            reason="unreadable",
        )
        data = {"sha256": sha256, "file_name": staged.file_name, "unreadable": str(exc)}
        if not isinstance(exc, NoHeader):  # hostile, damaged, not a spreadsheet: nothing to pick
            return render("staff/preview.html", data, 422, load_form=None)
        return _header_pick(staged, data | {"no_header_found": exc.found}, kind, replaces, 422)
    data = data | {
        "replaces": replaces,
        "can_load": not data["error_total"] and not data["duplicate_of"],
        "annotated_url": url_for("upload.annotated", sha256=sha256, kind=kind),
        "language": current_language(),
    }
    load_form = LoadForm(kind=data["kind"], replaces=replaces or "")
    data["mapping_url"] = url_for("upload.mapping", sha256=sha256)
    mapping_form = upload_mapping.mapping_form(data | {"replaces": replaces})
    return render(
        "staff/preview.html", data, load_form=load_form, mapping_form=mapping_form, page=data
    )


def _header_row_arg(raw: str | None) -> int | None:
    """The header row the clerk picked: the page's row number (1-based), as a 0-based index."""
    return int(raw) - 1 if raw and raw.isdigit() and 0 < int(raw) <= 1000 else None


def _header_pick(
    staged: staging.StagedFile, data: dict, kind: str, replaces: int | None, status: int
) -> Response:
    """No header was found: the first rows of the file, for the clerk to say which row is the header
    (a kind must be named for that), then that row's columns to map (issue 14: asked, not refused)."""
    if kind != "auto" and not _may_upload(kind):
        return render("staff/preview.html", data, status, load_form=None)
    language = current_language()
    data["kinds"] = [{"kind": k, "title": uploads.kind_title(k, language)} for k in _uploadable()]
    row = _header_row_arg(request.args.get("header_row"))
    choice = uploads.current_choice(staged, kind, current_user.username, current_user.office)
    data |= uploads.header_pick(staged, kind, row, choice) | {
        "replaces": replaces,
        "language": language,
        "mapping_url": url_for("upload.mapping", sha256=staged.sha256),
    }
    if not data["head"]:
        return render("staff/preview.html", data, status, load_form=None)
    # the picker below is the advice now, not the blank template
    data["unreadable"] = data.pop("no_header_found", data["unreadable"])
    form = None
    if data["header_row"] is not None:
        form = upload_mapping.mapping_form(data | {"replaces": replaces})
    # a question to the clerk, like the mapping form: not an error response
    return render("staff/preview.html", data, load_form=None, mapping_form=form, page=data)


@bp.post("/upload/<sha256>/mapping")
@roles_required("finance")
def mapping(sha256: str) -> Response | str:
    """The clerk's mapping and values for this file: kept beside it (nothing stored), then checked again."""
    staged = _staged_or_404(sha256)
    kind = request.form.get("kind", "")
    if kind not in SPECS:
        abort(400)
    replaces = _replaces_arg(request.form.get("replaces"))
    try:
        data = uploads.make_preview(staged, kind, current_user.username, current_user.office)
    except NoHeader as exc:  # the header row the clerk picked, mapped on the picker page
        row = _header_row_arg(request.form.get("header_row"))
        choice = uploads.current_choice(staged, kind, current_user.username, current_user.office)
        data = uploads.header_pick(staged, kind, row, choice)
        if data["header_row"] is None:
            abort(400)
        data |= {"sha256": sha256, "file_name": staged.file_name, "unreadable": exc.found}
    form = upload_mapping.mapping_form(data | {"replaces": replaces}, formdata=request.form)
    if form.validate_on_submit():
        if form.forget.data:
            uploads.choose(staged, current_user.username, mapping={}, values={}, use_saved=False)
        else:
            chosen = upload_mapping.chosen_mapping(data["file_columns"], form)
            values = {
                f.name[4:]: f.data.strip()
                for f in form
                if f.name.startswith("val_") and (f.data or "").strip()
            }
            uploads.choose(staged, current_user.username, mapping=chosen, values=values)
        return redirect(
            url_for("upload.preview", sha256=sha256, kind=kind, replaces=replaces or None)
            + "#verdict"
        )
    data = data | {
        "replaces": replaces,
        "can_load": False,
        "language": current_language(),
        "mapping_url": request.path,
        "annotated_url": url_for("upload.annotated", sha256=sha256, kind=kind),
        "mapping_invalid_form": True,
    }
    flash(_("对应关系还没有填完：请看下面标红的列。"), "error")
    return render("staff/preview.html", data, 400, load_form=None, mapping_form=form, page=data)


@bp.post("/upload/<sha256>/load")
@roles_required()
def load(sha256: str) -> Response | str:
    """Load the staged file in one transaction; warnings need the 'load anyway' tick."""
    staged = _staged_or_404(sha256)
    form = LoadForm()
    if not form.validate_on_submit():
        abort(400)
    kind = form.kind.data
    if kind not in SPECS:
        abort(400)
    if not _may_upload(kind):  # a register by finance staff, a county roll by an inspector
        abort(403)
    replaces = _replaces_arg(form.replaces.data)
    back = url_for("upload.preview", sha256=sha256, kind=kind, replaces=replaces or None)
    checked = uploads.make_preview(staged, kind, current_user.username, current_user.office)
    if checked["error_total"]:
        flash(_("文件中有错误，不能导入。请按下表改正后重新上传。"), "error")
        return redirect(back)
    if checked["warning_total"] and not form.load_anyway.data:
        flash(
            _("文件中有 %(n)s 条提醒：请逐条看过后勾选“仍然导入”。", n=checked["warning_total"]),
            "error",
        )
        return redirect(back)
    try:
        result = uploads.load(
            staged,
            kind,
            username=current_user.username,
            office=current_user.office,
            replaces=replaces,
            warnings_accepted=checked["warning_total"],
            notice_days=form.notice_days.data,
        )
    except (BatchError, UnreadableFile, StoreUnwritable) as exc:
        note_failure(
            exc
        )  # issue 8: a full disk can invalidate the database; reopen it next request
        flash(str(exc), "error")
        return redirect(back)
    if result.status == "duplicate":
        flash(
            _("这个文件已由批次 %(batch)s 导入过，本次没有做任何改动。", batch=result.duplicate_of),
            "error",
        )
        return redirect(url_for("batches.index"))
    if result.status != "loaded":
        flash(_("文件未能导入：数据已有变化，请查看新的检查结果。"), "error")
        return redirect(back)
    flash(
        _(
            "已导入批次 %(batch)s，共 %(rows)s 行。审核人员公开后，公众才能看到。",
            batch=result.batch,
            rows=result.rows,
        ),
        "info",
    )
    return redirect(url_for("batches.index"))


@bp.get("/upload/<sha256>/marked.xlsx")
@roles_required()
def annotated(sha256: str) -> Response:
    """The user's own file with each problem cell highlighted and commented."""
    staged = _staged_or_404(sha256)
    kind = _kind_arg()
    try:
        found = dry_run(
            get_db(), staged.path, kind, hasher=uploads.hasher(), file_name=staged.file_name
        )
    except UnreadableFile:
        abort(404)
    content = annotate(found.extract, found.report.findings)
    audit(
        get_db(),
        current_user.username,
        "download_marked",
        f"sha256:{sha256}",
        file=staged.file_name,
    )
    stem = staged.file_name.rsplit(".", 1)[0]
    response = send_file(
        io.BytesIO(content),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"{stem}_问题标注.xlsx",
    )
    response.headers["Cache-Control"] = "no-store"  # the user's own rows, ID numbers included
    return response


@bp.get("/templates/<kind>.xlsx")
@roles_required()
def template(kind: str) -> Response:
    """The blank template for ``kind``, generated from its spec."""
    if kind not in SPECS:
        abort(404)
    if not _may_upload(kind):
        abort(403)
    return send_file(
        io.BytesIO(template_xlsx(kind)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=template_file_name(kind),
    )

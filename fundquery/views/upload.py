"""Finance staff: upload, preview row by row, load; blank templates; the highlighted copy."""

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
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, Regexp

from etl.annotate import annotate
from etl.audit import audit
from etl.extract import UnreadableFile
from etl.load import BatchError
from etl.preview import dry_run
from etl.specs import SPECS
from etl.store import StoreUnwritable
from etl.templates import template_file_name, template_xlsx
from fundquery.accounts.auth import current_user, roles_required
from fundquery.queries import batches as batch_queries
from fundquery.queries import mappings as saved_mappings
from fundquery.uploads import staging, uploads
from fundquery.views import render
from fundquery.web.db import get_db, note_failure
from fundquery.web.i18n import current_language

bp = Blueprint("upload", __name__, url_prefix="/staff")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(FlaskForm):
    kind = SelectField(_l("数据类别"), default="auto")
    file = FileField(
        _l("文件"),
        validators=[
            FileRequired(_l("请选择要上传的文件。")),
            FileAllowed(
                ["xlsx", "xls", "csv", "txt"], _l("只能上传 Excel（.xlsx、.xls）或 CSV 文件。")
            ),
        ],
    )
    replaces = SelectField(_l("替换批次"), default="", validate_choice=False)


class LoadForm(FlaskForm):
    kind = HiddenField()
    replaces = HiddenField()
    load_anyway = BooleanField(_l("我已看过以上提醒，仍然导入"))


NOT_NEEDED = "-"  # the select's value for "not needed"; "" is "not chosen yet"


class MappingForm(FlaskForm):
    """The clerk's answer for the file's columns (one select each, added per file) and the file-level values."""

    kind = HiddenField()
    replaces = HiddenField()
    recheck = SubmitField(_l("重新检查"))
    forget = SubmitField(_l("不使用已保存的对应关系"))

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        """Every column answered, and no column of the kind taken twice (both headers named)."""
        if not super().validate(extra_validators):
            return False
        if self.forget.data:
            return True
        ok, taken = True, {}
        for f in self.column_fields():
            if f.data == "":
                f.errors.append(
                    _("请为“%(header)s”选择一项：系统的某一列，或“不需要”。", header=f.label.text)
                )
                ok = False
            elif f.data != NOT_NEEDED:
                if f.data in taken:
                    label = next(c.label for c in f.choices if c.value == f.data)
                    f.errors.append(
                        _(
                            "“%(a)s”和“%(b)s”都选了“%(col)s”：每个系统列只能对应文件中的一列。",
                            a=taken[f.data].label.text,
                            b=f.label.text,
                            col=label,
                        )
                    )
                    ok = False
                else:
                    taken[f.data] = f
        return ok

    def column_fields(self) -> list:
        return [f for f in self if f.name.startswith("col_")]


def _mapping_form(data: dict, formdata=None) -> MappingForm:  # noqa: ANN001
    """A MappingForm with a select per file column and a field per file-level value the page asks for."""
    language = current_language()
    spec = SPECS[data["kind"]]
    columns = [
        SelectChoice(
            c.name, f"{c.label_en if language == 'en' else c.label_zh}{' *' if c.required else ''}"
        )
        for c in spec.columns
    ]

    class Form(MappingForm):
        pass

    defaults = {}
    for col in data["file_columns"]:
        if col["status"] == "wide":
            continue
        name = f"col_{col['position']}"
        choices = [
            SelectChoice("", _("（请选择）")),
            SelectChoice(NOT_NEEDED, _("不需要（不导入）")),
            *columns,
        ]
        setattr(Form, name, SelectField(col["header"], choices=choices))
        if col["status"] in ("matched", "mapped"):
            defaults[name] = col["column"]
        elif col["status"] == "ambiguous":
            defaults[name] = ""
        else:
            defaults[name] = NOT_NEEDED
    for asked in data["asked_values"]:
        label = asked["label_en"] if language == "en" else asked["label_zh"]
        if asked["column"] == "fund_code":
            funds = saved_mappings.fund_choices(get_db())
            choices = [SelectChoice("", _("（请选择资金）"))] + [
                SelectChoice(f["fund_code"], f"{f['fund_code']} {f['fund_name']}") for f in funds
            ]
            if asked["value"] and asked["value"] not in {f["fund_code"] for f in funds}:
                choices.append(SelectChoice(asked["value"], asked["value"]))
            Form.val_fund_code = SelectField(label, choices=choices)
        elif asked["column"] == "year":
            Form.val_year = StringField(
                label,
                validators=[
                    Optional(),
                    Regexp(r"^(19|20)\d{2}$", message=_("年度应是四位数字，如 2024。")),
                ],
            )
        else:
            setattr(
                Form,
                f"val_{asked['column']}",
                StringField(
                    label, validators=[Optional(), Length(max=60, message=_("最多 60 个字。"))]
                ),
            )
        defaults[f"val_{asked['column']}"] = asked["value"] or ""
    return Form(
        formdata=formdata, kind=data["kind"], replaces=data.get("replaces") or "", **defaults
    )


def _chosen(file_columns: list[dict], form: MappingForm) -> dict[str, str]:
    """The clerk's mapping: header -> column ("" = not needed), leaving out what the matcher does by itself
    (a column recognised and kept, a running number left out), so the saved mapping says only what the clerk said."""
    by_name = {f"col_{c['position']}": c for c in file_columns}
    chosen = {}
    for f in form.column_fields():
        col, value = by_name[f.name], "" if f.data == NOT_NEEDED else f.data
        if (col["status"] == "matched" and value == col["column"]) or (
            col["status"] == "ignored" and not value
        ):
            continue
        chosen[col["header"]] = value
    return chosen


def _kind_choices() -> list[SelectChoice]:
    language = current_language()
    return [SelectChoice("auto", _("自动识别（按表头）"))] + [
        SelectChoice(k, uploads.kind_title(k, language)) for k in SPECS
    ]


def _replaceable() -> list[dict]:
    rows = batch_queries.office_batches(get_db(), current_user.username, current_user.office)
    return [r for r in rows if r["status"] in ("loaded", "published")]


def _replaces_arg(value: str | None) -> int | None:
    """A batch id the user may replace, or None; anything else is refused."""
    if not value:
        return None
    if not value.isdigit():
        abort(400)
    row = batch_queries.batch(get_db(), int(value))
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
    if request.method == "GET" and request.args.get("replaces", "").isdigit():
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
            for k in SPECS
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
        return render("staff/preview.html", data, 422, load_form=None)
    data = data | {
        "replaces": replaces,
        "can_load": not data["error_total"] and not data["duplicate_of"],
        "annotated_url": url_for("upload.annotated", sha256=sha256, kind=kind),
        "language": current_language(),
    }
    load_form = LoadForm(kind=data["kind"], replaces=replaces or "")
    data["mapping_url"] = url_for("upload.mapping", sha256=sha256)
    mapping_form = _mapping_form(data | {"replaces": replaces})
    return render(
        "staff/preview.html", data, load_form=load_form, mapping_form=mapping_form, page=data
    )


@bp.post("/upload/<sha256>/mapping")
@roles_required("finance")
def mapping(sha256: str) -> Response | str:
    """The clerk's mapping and values for this file: kept beside it (nothing stored), then checked again."""
    staged = _staged_or_404(sha256)
    kind = request.form.get("kind", "")
    if kind not in SPECS:
        abort(400)
    replaces = _replaces_arg(request.form.get("replaces"))
    data = uploads.make_preview(staged, kind, current_user.username, current_user.office)
    form = _mapping_form(data | {"replaces": replaces}, formdata=request.form)
    if form.validate_on_submit():
        if form.forget.data:
            uploads.choose(staged, current_user.username, mapping={}, values={}, use_saved=False)
        else:
            chosen = _chosen(data["file_columns"], form)
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
    return send_file(
        io.BytesIO(template_xlsx(kind)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=template_file_name(kind),
    )

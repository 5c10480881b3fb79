"""Rectification reaches the office that must act (issue 17): an office's finance users see and answer
their flags (/staff/flags), the inspector accepts or sends back an answer, and prints a numbered
整改通知书 per flag or per office.  The steps are fundquery.inspect.answers."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from pathlib import Path

from flask import Response, abort, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import DecimalField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from etl.labels import LABELS
from etl.load import archive
from fundquery.accounts.auth import current_user, roles_required
from fundquery.inspect import CHECKS, answers, flags
from fundquery.inspect.flags import FlagError
from fundquery.uploads.staging import clean_file_name, suffix_of, uploads_dir
from fundquery.views import render
from fundquery.views.inspect import bp as inspect_bp
from fundquery.views.inspect import severity_title, status_title
from fundquery.views.staff import bp as staff_bp
from fundquery.web.db import get_db
from fundquery.web.formatting import jsonable
from fundquery.web.i18n import current_language

EVIDENCE_SUFFIXES = ("pdf", "jpg", "jpeg", "png", "xlsx", "xls", "docx", "doc", "csv")


class AnswerForm(FlaskForm):
    body = TextAreaField(
        _l("整改情况"),
        validators=[DataRequired(_l("请写明整改情况。")), Length(max=answers.MAX_BODY)],
    )
    returned_yuan = DecimalField(
        _l("追回或退还金额（元）"),
        places=2,
        validators=[Optional(), NumberRange(min=0, message=_l("金额不能是负数。"))],
    )
    evidence = FileField(
        _l("证明材料（可选）"),
        validators=[
            FileAllowed(EVIDENCE_SUFFIXES, _l("证明材料应是 PDF、图片、Excel 或 Word 文件。"))
        ],
    )


class DecideForm(FlaskForm):
    note = TextAreaField(
        _l("核查意见"), validators=[DataRequired(_l("请写核查意见。")), Length(max=2000)]
    )
    outcome = SelectField(
        _l("整改结果"), choices=[SelectChoice(o, _l(flags.OUTCOME_ZH[o])) for o in flags.OUTCOMES]
    )


def _evidence_dir() -> Path:
    return uploads_dir() / "evidence"


def _keep_evidence(upload) -> tuple[str, str] | None:
    """Archive the evidence file under its sha256 (like an upload); (sha256, file name) or None."""
    if upload is None or not upload.filename:
        return None
    name = clean_file_name(upload.filename)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            while block := upload.stream.read(1 << 20):
                digest.update(block)
                out.write(block)
        tmp = Path(tmp_name).with_suffix(suffix_of(name))
        os.replace(tmp_name, tmp)
        archive(tmp, digest.hexdigest(), _evidence_dir())
        tmp.unlink(missing_ok=True)
    finally:
        Path(tmp_name).unlink(missing_ok=True)
    return digest.hexdigest(), name


def figures_list(found: dict) -> list[dict]:
    """A flag's figures (as they were when flagged, names masked) titled by its check's columns."""
    check = CHECKS.get(found["check_label"])
    columns = {c.name: c for c in check.columns} if check else {}
    lang = current_language()
    return [
        {
            "title": (columns[k].en if lang == "en" else columns[k].zh)
            if k in columns
            else _("统计截至")
            if k == "as_of"
            # a flag without a check (a field visit, issue 16): its columns' labels from the one vocabulary
            else (LABELS[k].en if lang == "en" else LABELS[k].zh)
            if k in LABELS
            else k,
            "value": v,
            "kind": columns[k].kind if k in columns else "text",
        }
        for k, v in found["figures"].items()
        if k != "_person"  # the person's ID hash: a link for inspectors, never shown
    ]


def _flag_for_office(flag_id: int) -> dict:
    found = flags.get(get_db(), flag_id) or abort(404)
    if found["assignee_office"] != current_user.office:
        abort(404)  # another office's flag: not even its existence
    return found


# -- the office ----------------------------------------------------------------


@staff_bp.get("/flags")
@roles_required()
def office_flags() -> Response | str:
    """整改任务: the open flags of the signed-in user's office, overdue first."""
    rows = answers.for_office(get_db(), current_user.office or "") if current_user.office else []
    for row in rows:
        row["url"] = url_for("staff.office_flag", flag_id=row["flag_id"])
        row["status_title"] = status_title(row["status"])
        row["severity_title"] = severity_title(row["severity"])
    return render("staff/flags.html", jsonable({"office": current_user.office, "flags": rows}))


@staff_bp.route("/flags/<int:flag_id>", methods=["GET", "POST"])
@roles_required()
def office_flag(flag_id: int) -> Response | str:
    """One flag for the office: what was found, the deadline, earlier answers, and the answer form."""
    found = _flag_for_office(flag_id)
    form = AnswerForm()
    refused = False
    if form.validate_on_submit():
        try:
            answers.answer(
                get_db(),
                flag_id,
                office=current_user.office,
                actor=current_user.username,
                body=form.body.data,
                returned_yuan=form.returned_yuan.data,
                evidence=_keep_evidence(form.evidence.data),
            )
        except FlagError as exc:
            flash(str(exc), "error")
            refused = True
        else:
            flash(_("整改情况已提交，等待监督检查人员核查。"))
            return redirect(url_for("staff.office_flag", flag_id=flag_id))
    found["figures_list"] = figures_list(found)
    found["status_title"] = status_title(found["status"])
    data = {
        "flag": found,
        "answers": answers.answers(get_db(), flag_id),
        "pending": answers.pending(get_db(), flag_id) is not None,
    }
    return render(
        "staff/flag.html", jsonable(data), 400 if form.errors or refused else 200, form=form
    )


# -- the inspector -------------------------------------------------------------


@inspect_bp.post("/flags/<int:flag_id>/accept")
@roles_required()
def flag_accept(flag_id: int) -> Response:
    form = DecideForm()
    if form.validate_on_submit():
        try:
            answers.accept(
                get_db(),
                flag_id,
                actor=current_user.username,
                outcome=form.outcome.data,
                note=form.note.data,
            )
            flash(_("已通过核查，问题整改完成。"))
        except FlagError as exc:
            flash(str(exc), "error")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(url_for("inspect.flag", flag_id=flag_id))


@inspect_bp.post("/flags/<int:flag_id>/send-back")
@roles_required()
def flag_send_back(flag_id: int) -> Response:
    form = DecideForm()
    if form.note.validate(form):
        try:
            answers.send_back(get_db(), flag_id, actor=current_user.username, note=form.note.data)
            flash(_("已退回，责任单位需要重新答复。"))
        except FlagError as exc:
            flash(str(exc), "error")
    else:
        flash(_("请写核查意见。"), "error")
    return redirect(url_for("inspect.flag", flag_id=flag_id))


@inspect_bp.get("/flags/<int:flag_id>/evidence/<int:answer_id>")
@roles_required()
def flag_evidence(flag_id: int, answer_id: int) -> Response:
    found = [a for a in answers.answers(get_db(), flag_id) if a["answer_id"] == answer_id]
    if not found or not found[0]["evidence_sha256"]:
        abort(404)
    name = found[0]["evidence_name"]
    path = _evidence_dir() / (found[0]["evidence_sha256"] + suffix_of(name))
    if not path.exists():
        abort(404)
    return send_file(path, as_attachment=True, download_name=name)


@inspect_bp.get("/flags/<int:flag_id>/letter")
@roles_required()
def flag_letter(flag_id: int) -> Response | str:
    """整改通知书 for one flag, numbered, to print and send to the office."""
    found = flags.get(get_db(), flag_id) or abort(404)
    return _letter(found["assignee_office"], [found])


@inspect_bp.get("/offices/<path:office>/letter")
@roles_required()
def office_letter(office: str) -> Response | str:
    """整改通知书 for every open flag of one office."""
    rows = [flags.get(get_db(), r["flag_id"]) for r in answers.for_office(get_db(), office)]
    if not rows:
        abort(404)
    return _letter(office, rows)


def _letter(office: str, rows: list[dict]) -> Response | str:
    today = dt.date.today()
    for row in rows:
        row["figures_list"] = figures_list(row)  # without the ID hash: never on paper
        row["severity_title"] = severity_title(row["severity"])
    number = f"〔{today.year}〕{rows[0]['flag_id']:04d}" + (
        f"-{len(rows)}" if len(rows) > 1 else ""
    )
    data = {"office": office, "flags": rows, "number": number, "issued_on": today}
    return render("inspect/letter.html", jsonable(data))

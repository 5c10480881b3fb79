"""Administrators: consistent backups made by the running server (issue 8).

The server holds the store read-write, so only it can snapshot the store while
it runs: POST makes a backup folder under the backups folder (BACKUPS,
FUNDQUERY_BACKUPS, or backups/ beside the database).  `fundquery backup DIR`
calls this page when it finds the store held by the server.  The ID-hash key
is never part of a backup (etl/backup.py says why and where to keep it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from etl.audit import audit
from etl.backup import BackupError, backup_name, snapshot
from etl.idnum import MissingKey
from fundquery.accounts.auth import current_user, roles_required
from fundquery.uploads import staging
from fundquery.views import render
from fundquery.web.config import id_hash_key
from fundquery.web.db import get_db

bp = Blueprint("backup", __name__, url_prefix="/staff/admin/backup")


class BackupForm(FlaskForm):
    """The 'back up now' button (CSRF token only)."""


def backups_dir() -> Path:
    configured = current_app.config.get("BACKUPS") or os.environ.get("FUNDQUERY_BACKUPS")
    return (
        Path(configured) if configured else Path(current_app.config["DATABASE"]).parent / "backups"
    )


def _key() -> bytes | None:
    try:
        return id_hash_key(current_app)
    except MissingKey:
        return None


def _listing() -> list[dict]:
    folder = backups_dir()
    found = []
    for path in sorted(folder.iterdir(), reverse=True) if folder.exists() else []:
        manifest = path / "manifest.json"
        if manifest.exists():
            data = json.loads(manifest.read_text(encoding="utf-8"))
            found.append(
                {
                    "name": path.name,
                    "taken_at": data["taken_at"][:19],
                    "made_by": data["made_by"],
                    "rows": sum(data["tables"].values()),
                    "files": len(data["uploads"]),
                }
            )
    return found


@bp.route("/", methods=["GET", "POST"])
@roles_required()
def index() -> Response | str | tuple:
    """The backups made so far; POST makes one now (a consistent snapshot while the server runs)."""
    form = BackupForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        con = get_db()
        folder = backups_dir() / backup_name()
        audit(
            con, current_user.username, "backup", folder.name
        )  # in the snapshot: it records itself
        try:
            manifest = snapshot(
                con, staging.uploads_dir(), folder, key=_key(), made_by=current_user.username
            )
        except BackupError as exc:
            if request.args.get("format") == "json":
                return jsonify(error=str(exc)), 409
            flash(str(exc), "error")
            return redirect(url_for("backup.index"))
        current_app.logger.info("backup %s: %s rows", folder.name, sum(manifest["tables"].values()))
        if request.args.get("format") == "json":
            return jsonify(folder=str(folder), manifest=manifest)
        flash(
            _(
                "已备份到 %(folder)s。身份证号哈希密钥不在备份中，请另行妥善保管。",
                folder=str(folder),
            ),
            "info",
        )
        return redirect(url_for("backup.index"))
    data = {"backups": _listing(), "folder": str(backups_dir())}
    return render("staff/admin_backup.html", data, form=form)

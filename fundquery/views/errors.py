"""Error pages people can read, in their language, with no technical detail."""

from __future__ import annotations

import duckdb
from flask import Flask, current_app, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from etl.store import StoreBusy, StoreUnwritable, write_failure
from fundquery.web.db import close_db, note_failure
from fundquery.web.params import BadParameter


def http_error(exc: HTTPException) -> tuple[str, int]:
    """Any HTTP error (404, 405, …) as a page."""
    messages = {
        404: _("没有找到这个页面。"),
        405: _("不支持这种访问方式。"),
        500: _("系统出现错误，请稍后再试。"),
    }
    message = messages.get(exc.code or 500, _("请求无法完成。"))
    return render_template("error.html", code=exc.code, message=message), exc.code or 500


def bad_parameter(exc: BadParameter) -> tuple[str, int]:
    """A query-string number that is not one: the page names the parameter, its value and what is expected."""
    return render_template("error.html", code=400, message=exc.description), 400


def csrf_error(_exc: CSRFError) -> tuple[str, int]:
    """A form sent without a valid token: usually an expired page."""
    message = _("页面已过期，请返回上一页，刷新后重新提交。")
    return render_template("error.html", code=400, message=message), 400


def store_busy(exc: StoreBusy) -> tuple[str, int]:
    """The database file is held by another process."""
    current_app.logger.error("%s", exc)
    message = _("数据库暂时无法使用，请稍后再试。")
    return render_template("error.html", code=503, message=message), 503


def store_unwritable(exc: StoreUnwritable | duckdb.FatalException) -> tuple[str, int]:
    """The disk is full or the store read-only (issue 8): say which; nothing was stored."""
    current_app.logger.error("%s", exc)
    if note_failure(exc):
        close_db()  # this request's cursor belongs to the invalidated database: the page gets a new one
    if isinstance(exc, duckdb.FatalException) and not write_failure(exc):
        return render_template(
            "error.html", code=503, message=_("数据库暂时无法使用，请稍后再试。")
        ), 503
    if "磁盘已满" in str(exc) or "no space left" in str(exc).lower():
        message = _(
            "服务器磁盘已满，数据库无法写入。本次操作没有存入任何数据，已有数据不受影响。请联系系统管理员清理磁盘空间。"
        )
    else:
        message = _(
            "数据库文件是只读的，无法写入。本次操作没有存入任何数据，已有数据不受影响。请联系系统管理员检查磁盘和文件权限。"
        )
    return render_template("error.html", code=503, message=message), 503


def init_app(app: Flask) -> None:
    """Register the error pages."""
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(BadParameter, bad_parameter)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(StoreBusy, store_busy)
    app.register_error_handler(StoreUnwritable, store_unwritable)  # issue 8
    app.register_error_handler(
        duckdb.FatalException, store_unwritable
    )  # issue 8: reopened next request

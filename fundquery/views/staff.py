"""The staff start page: what each role can do from here."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, url_for
from flask_babel import lazy_gettext as _l

from fundquery.accounts.auth import current_user, may_use, roles_required
from fundquery.views import render

bp = Blueprint("staff", __name__, url_prefix="/staff")

# (endpoint, title, summary); a task shows once its endpoint exists, to the roles the access table
# (fundquery/accounts/access.py) lets use it.
TASKS = (
    ("upload.form", _l("上传数据"), _l("上传 Excel 或 CSV 表格，逐行检查后导入")),
    ("batches.index", _l("我的批次"), _l("查看已上传的批次，撤回或用更正后的文件替换")),
    (
        "staff.office_flags",
        _l("整改任务"),
        _l("监督检查交给本单位整改的问题：答复整改情况和追回金额"),
    ),
    ("review.index", _l("审核公开"), _l("保密审查后公开批次，或撤回已公开的批次")),
    ("review.timeliness", _l("公开时效"), _l("每个已公开批次从发放到公开经过的工作日")),
    ("inspect.index", _l("监督检查"), _l("资金发放差异报告与问题线索")),
    ("desk.index", _l("咨询投诉办理"), _l("登记、转办、答复、审核公开群众留言")),
    ("admin.users", _l("用户管理"), _l("添加用户、分配角色、停用账号")),
    ("admin.audit_log", _l("审计日志"), _l("登录、上传、公开等每一步操作的记录")),
    ("admin.calendar", _l("节假日安排"), _l("按国务院通知载入每年的放假和调休安排")),
    ("staff.usage", _l("访问统计"), _l("网站页面访问和各查询点的查询次数，不含个人信息")),
    ("backup.index", _l("备份"), _l("网站运行中做一致的完整备份；身份证号哈希密钥另行保管")),
    ("auth.password", _l("修改密码"), _l("修改后，其他设备上的登录全部失效")),
)


@bp.get("/")
@roles_required()
def home() -> Response | str:
    """The tasks the signed-in user's roles allow."""
    existing = current_app.view_functions
    tasks = [
        {"title": str(title), "summary": str(summary), "url": url_for(endpoint)}
        for endpoint, title, summary in TASKS
        if endpoint in existing and may_use(endpoint)
    ]
    data = {
        "username": current_user.username,
        "roles": sorted(current_user.roles),
        "office": current_user.office,
        "tasks": tasks,
    }
    return render("staff/home.html", data)

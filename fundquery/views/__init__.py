"""What every view shares: the navigation's sections and a dict rendered as a page or as JSON.

Each module of this package is a blueprint (or adds routes to one); `blueprints.py` registers them.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, make_response, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from etl.personal import mask_all
from fundquery.accounts.access import PUBLIC_ENDPOINTS
from fundquery.web.formatting import jsonable

# Every section the navigation may show, in order; a section appears once its
# endpoint exists, so a later page needs no template change to be linked.
SECTIONS = (
    ("public.home", _l("首页"), _l("系统说明与公开数据概况")),
    ("public.query", _l("补贴查询"), _l("输入身份证号和姓名，查询本人和家庭领取的各项补贴")),
    ("public.funds", _l("资金公开"), _l("专项资金目录，以及每项资金拨付到哪个乡镇、村和项目")),
    ("public.budgets", _l("部门预算"), _l("各部门的年度预算和三公经费")),
    ("public.staffing", _l("机构编制"), _l("各单位的编制数与实有人数")),
    ("public.messages", _l("咨询投诉"), _l("提出咨询或投诉，查看已答复的问题")),
    ("public.opendata", _l("数据下载"), _l("下载已公开的数据")),
    ("publication.index", _l("公开记录"), _l("每批数据的公开日期、公开单位和数据提供单位")),
    ("rectification.public_notices", _l("整改公示"), _l("监督检查发现的问题和整改结果")),
    ("public.annual_latest", _l("年度报告"), _l("每年公开了多少资金、答复了多少咨询投诉")),
)


def sections() -> list[dict[str, Any]]:
    """Every section with its link, or None when its page does not exist yet."""
    existing = current_app.view_functions
    return [
        {"endpoint": e, "title": t, "summary": s, "url": url_for(e) if e in existing else None}
        for e, t, s in SECTIONS
    ]


def wants_json() -> bool:
    """Whether the caller asked for the page's data as JSON (?format=json)."""
    return request.args.get("format") == "json"


def render(template: str, data: dict[str, Any], status: int = 200, **objects: Any) -> Response:
    """The view's dict as a page, or with ?format=json the same dict (exact decimals, ISO 8601 dates).

    ``objects`` go to the template only: forms, charts, anything the JSON leaves out.
    A public page never shows a personal number typed into a text (issue 15): masked here,
    for data stored before the upload and the desk refused them.
    """
    if request.endpoint in PUBLIC_ENDPOINTS:
        data = mask_all(data)
    if wants_json():
        response = jsonify(jsonable(data))
    else:
        response = make_response(render_template(template, **data, **objects))
    response.status_code = status
    return response

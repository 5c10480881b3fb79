"""The desk's forms (register, note, answer, review, send back, link, escalate) and the titles their choices show."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from fundquery.inspect.catalogue import SEVERITIES, SEVERITY_ZH
from fundquery.messages import CATEGORIES, HANDLING_ZH, HANDLINGS

CATEGORY_TITLES = {
    "补贴发放": _l("补贴发放"),
    "资金拨付": _l("资金拨付"),
    "项目资金": _l("项目资金"),
    "部门预算": _l("部门预算"),
    "机构编制": _l("机构编制"),
    "政策咨询": _l("政策咨询"),
    "其他": _l("其他"),
}
LINK_KIND_TITLES = {
    "payments": _l("补贴发放"),
    "disbursements": _l("资金拨付"),
    "staff": _l("编制实名制"),
}


class RegisterForm(FlaskForm):
    category = SelectField(
        _l("分类"), choices=[SelectChoice(c, CATEGORY_TITLES[c]) for c in CATEGORIES]
    )
    department = StringField(
        _l("承办部门"),
        validators=[DataRequired(_l("请填写承办部门。")), Length(max=60)],
        render_kw={"list": "departments"},
    )
    working_days = IntegerField(
        _l("办理时限（工作日）"), validators=[DataRequired(), NumberRange(min=1, max=60)]
    )
    handling = SelectField(
        _l("办理方式"),
        choices=[SelectChoice(h, _l(HANDLING_ZH[h])) for h in HANDLINGS],
        default="transferred",
    )
    note = TextAreaField(
        _l("登记说明"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class NoteForm(FlaskForm):
    note = TextAreaField(
        _l("处理说明"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class AnswerForm(FlaskForm):
    reply = TextAreaField(
        _l("答复内容"),
        validators=[DataRequired(_l("请填写答复内容。")), Length(max=2000)],
        render_kw={"rows": 6, "maxlength": 2000},
    )


class ReviewForm(FlaskForm):
    public_body = TextAreaField(
        _l("公开的问题（可删去个人信息）"),
        validators=[DataRequired(), Length(max=2000)],
        render_kw={"rows": 4},
    )
    is_listed = BooleanField(_l("在公开列表中公开（举报默认只答复本人）"))
    note = TextAreaField(
        _l("审核意见"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class SendBackForm(FlaskForm):
    note = TextAreaField(
        _l("退回原因"),
        validators=[DataRequired(_l("退回时要写明原因。")), Length(max=2000)],
        render_kw={"rows": 2},
    )


class LinkForm(FlaskForm):
    record_kind = SelectField(
        _l("记录类型"), choices=[SelectChoice(k, t) for k, t in LINK_KIND_TITLES.items()]
    )
    batch_id = IntegerField(_l("批次"), validators=[DataRequired(), NumberRange(min=1)])
    row_no = IntegerField(_l("行号"), validators=[DataRequired(), NumberRange(min=1)])
    note = StringField(_l("处理说明"), validators=[Optional(), Length(max=200)])


class EscalateForm(FlaskForm):
    severity = SelectField(
        _l("严重程度"),
        choices=[SelectChoice(s, _l(SEVERITY_ZH[s])) for s in SEVERITIES],
        default="medium",
    )
    assignee_office = StringField(_l("承办单位"), validators=[DataRequired(), Length(max=60)])
    note = TextAreaField(
        _l("转监督检查的原因"), validators=[DataRequired(), Length(max=2000)], render_kw={"rows": 2}
    )

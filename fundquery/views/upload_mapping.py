"""The upload's column-mapping form: a select per file column, a field per file-level value asked, and the clerk's answer."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, Regexp

from etl.specs import SPECS
from fundquery.queries import mappings as saved_mappings
from fundquery.web.db import get_db
from fundquery.web.i18n import current_language

NOT_NEEDED = "-"  # the select's value for "not needed"; "" is "not chosen yet"


class MappingForm(FlaskForm):
    """The clerk's answer for the file's columns (one select each, added per file) and the file-level values."""

    kind = HiddenField()
    replaces = HiddenField()
    header_row = (
        HiddenField()
    )  # the row the clerk said is the header, when none was found (1-based)
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


def mapping_form(data: dict, formdata=None) -> MappingForm:  # noqa: ANN001
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
    picked = data.get("header_row")
    return Form(
        formdata=formdata,
        kind=data["kind"],
        replaces=data.get("replaces") or "",
        header_row="" if picked is None else str(picked + 1),
        **defaults,
    )


def chosen_mapping(file_columns: list[dict], form: MappingForm) -> dict[str, str]:
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

"""The validation catalogue (STYLE.md habit 7).

Each rule has a label, a severity (an error blocks the load, a warning is
reported and the load goes on), a message that says what was found and what
was expected, in Chinese with English beside it, and one SQL query per
applicable column over the temp table ``incoming`` (see etl.clean) returning
the offending rows as ``(_row, value, detail)``, built in etl.rulequeries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from etl.rulequeries import (
    Query,
    amount_mismatch,
    date_unparsed,
    disbursed_before_approved,
    due_differs,
    duplicate_person,
    enum_unknown,
    fund_code_collision,
    fund_name_unknown,
    fund_unknown,
    id_problem,
    needed_without,
    negative,
    none,
    notice_days_out_of_range,
    paid_before_year,
    personal_in_text,
    region_unknown,
    required,
    rounded,
    two_names,
    uncomputable,
    unparsed,
    village_unparsed,
)
from etl.spectypes import Spec


@dataclass(frozen=True)
class Rule:
    label: str
    severity: str  # "error" | "warning"
    message_zh: (
        str  # str.format fields: header, value, detail, accepted (an enum's values in words)
    )
    message_en: str
    expected_zh: str
    expected_en: str
    queries: Callable[[Spec], list[Query]]


# Rules over columns computed for this file (etl.filevalues.Computed): (spec, computed) -> queries.
COMPUTED_CHECKS: dict[str, Callable[[Spec, dict], list[Query]]] = {
    "amount_uncomputable": uncomputable,
    "fund_code_collision": fund_code_collision,
    "fund_name_unknown": fund_name_unknown,
}


E, W = "error", "warning"
CATALOGUE: tuple[Rule, ...] = (
    Rule(
        "value_required",
        E,
        "“{header}”不能为空",
        "“{header}” must not be empty",
        "必填",
        "a value",
        required,
    ),
    Rule(
        "value_required_without",
        E,
        "“{header}”不能为空：本表没有“{detail}”列，每张凭证须有“{header}”",
        "“{header}” must not be empty: the file has no column “{detail}”, so every row needs “{header}”",
        "本行的“{header}”，或在文件中加上“{detail}”列",
        "this row's “{header}”, or a column “{detail}” in the file",
        needed_without,
    ),
    Rule(
        "village_not_in_address",
        E,
        "“{header}”的值“{value}”中找不到村（应含“…村”或“…社区”）",
        "“{header}”: “{value}” names no village (a “…村” or “…社区”)",
        "含村或社区的地址，如 城关镇东风村3组；或在文件中加一列“村”",
        "an address naming its village, such as 城关镇东风村3组; or a column 村 in the file",
        village_unparsed,
    ),
    Rule(
        "amount_not_number",
        E,
        "“{header}”的值“{value}”不是金额或数量",
        "“{header}”: “{value}” is not an amount",
        "数字，如 1234.50 或 1,234.50元",
        "a number such as 1234.50",
        unparsed("amount", "decimal"),
    ),
    Rule(
        "amount_negative",
        E,
        "“{header}”的值“{value}”是负数",
        "“{header}”: “{value}” is negative",
        "不小于 0 的数",
        "zero or more",
        negative,
    ),
    Rule(
        "date_invalid",
        E,
        "“{header}”的值“{value}”不是日期",
        "“{header}”: “{value}” is not a date",
        "日期，如 2024-03-05、2024/3/5 或 2024年3月5日",
        "a date such as 2024-03-05",
        date_unparsed(duration=False),
    ),
    Rule(
        "date_is_duration",
        E,
        "“{header}”的值“{value}”是时长（单元格格式为 [h]:mm 之类的时间长度），不是日期",
        "“{header}”: “{value}” is a duration (a cell formatted as a length of time, [h]:mm), not a date",
        "日期，如 2024-03-05：把单元格格式改为日期，再填写发放的年月日",
        "a date such as 2024-03-05: format the cell as a date and enter the day",
        date_unparsed(duration=True),
    ),
    Rule(
        "month_invalid",
        E,
        "“{header}”的值“{value}”不是月份",
        "“{header}”: “{value}” is not a month",
        "月份，如 2024-03、2024年3月 或 202403",
        "a month such as 2024-03",
        unparsed("month"),
    ),
    Rule(
        "year_invalid",
        E,
        "“{header}”的值“{value}”不是年度",
        "“{header}”: “{value}” is not a year",
        "四位年份，如 2024",
        "a four-digit year such as 2024",
        unparsed("year"),
    ),
    Rule(
        "int_invalid",
        E,
        "“{header}”的值“{value}”不是整数",
        "“{header}”: “{value}” is not a whole number",
        "整数，如 20",
        "a whole number such as 20",
        unparsed("int"),
    ),
    Rule(
        "notice_days_invalid",
        E,
        "“{header}”的值“{value}”不是有效的公示天数",
        "“{header}”: “{value}” is not a number of days a notice stays up",
        "1 至 365 的整数天数，如 7",
        "a whole number of days from 1 to 365, such as 7",
        notice_days_out_of_range,
    ),
    Rule(
        "flag_invalid",
        E,
        "“{header}”的值“{value}”无法识别",
        "“{header}”: “{value}” is not yes or no",
        "“是”或“否”",
        "是 (yes) or 否 (no)",
        unparsed("flag"),
    ),
    Rule(
        "enum_invalid",
        E,
        "“{header}”的值“{value}”不在允许的取值中，应为：{accepted}；最接近的是“{detail}”",
        "“{header}”: “{value}” is not an allowed value; expected one of {accepted}; the closest is “{detail}”",
        "以下取值之一：{accepted}",
        "one of: {accepted}",
        enum_unknown,
    ),
    Rule(
        "id_scientific",
        E,
        "“{header}”的值“{value}”被 Excel 存成了科学计数法，后几位数字已丢失",
        "“{header}”: Excel stored “{value}” as a number in scientific notation; digits are lost",
        "18 位文本：把该列设为“文本”格式后重新输入号码",
        "18 characters as text: format the column as Text and retype",
        id_problem("scientific"),
    ),
    Rule(
        "id_length",
        E,
        "“{header}”的值“{value}”不是 18 位",
        "“{header}”: “{value}” is not 18 characters long",
        "18 位身份证号码（15 位旧号码请换成 18 位）",
        "an 18-character ID number",
        id_problem("length"),
    ),
    Rule(
        "id_format",
        E,
        "“{header}”的值“{value}”含有非数字字符",
        "“{header}”: “{value}” has characters other than digits",
        "17 位数字加一位数字或 X",
        "17 digits and a digit or X",
        id_problem("format"),
    ),
    Rule(
        "id_checksum",
        E,
        "“{header}”的值“{value}”校验位不对，号码可能录错",
        "“{header}”: “{value}” has a wrong check digit (mistyped?)",
        "符合 GB 11643 校验规则的号码",
        "a number whose GB 11643 check digit is right",
        id_problem("checksum"),
    ),
    Rule(
        "id_birth_date",
        E,
        "“{header}”的值“{value}”中的出生日期不存在",
        "“{header}”: the birth date in “{value}” does not exist",
        "第 7–14 位是真实的出生日期",
        "digits 7–14 form a real birth date",
        id_problem("birth_date"),
    ),
    # Issue 15: every column but the declared personal ones (etl.spectypes.Column.personal) is
    # published as written; the value is shown masked (etl.personal), never in full.
    Rule(
        "personal_data_in_text",
        E,
        "“{header}”中有个人号码（{detail}）：“{value}”（已隐去部分数字）；该列会公开，不能填写身份证号、手机号或银行卡号",
        "“{header}” holds a personal number ({detail}): “{value}” (partly hidden); this column is published"
        " and must carry no ID, mobile or bank card number",
        "不含身份证号、手机号、银行卡号的文字（联系电话请填单位电话或删去）",
        "text without ID, mobile or bank card numbers",
        personal_in_text,
    ),
    Rule(
        "amount_uncomputable",
        E,
        "“{header}”为空，无法计算发放金额（数量 × 标准）",
        "“{header}” is empty: the amount (quantity × standard) cannot be computed",
        "每行都有数量和标准",
        "a quantity and a standard on every row",
        none,
    ),
    Rule(
        "fund_name_unknown",
        E,
        "“{header}”的值“{value}”在 {detail} 年的专项资金目录中找不到（或有两个同名资金），无法确定资金编码",
        "“{header}”: “{value}” is not one fund of the {detail} fund catalogue, so its fund code is unknown",
        "已导入的专项资金目录中该年度的一个资金名称；或在文件中加一列“资金编码”",
        "the name of one fund of that year's loaded catalogue; or a fund code column in the file",
        none,
    ),
    Rule(
        "fund_code_collision",
        E,
        "资金“{value}”生成的资金编码与{detail}相同，两者无法区分：同一资金在目录中只能有一行，或请在文件中加一列“资金编码”",
        "the fund code generated for “{value}” is the same as for {detail}: a fund is one row of a catalogue"
        " (or add a fund code column)",
        "每个资金（年度 + 名称）只有一行",
        "one row per fund (year and name)",
        none,
    ),
    Rule(
        "fund_unknown",
        E,
        "资金编码“{value}”在资金目录中不存在",
        "fund code “{value}” is not in the fund catalogue",
        "已导入的专项资金目录中的编码（先上传资金目录）",
        "a code from the loaded fund catalogue (upload it first)",
        fund_unknown,
    ),
    Rule(
        "id_region_unknown",
        W,
        "“{header}”的值“{value}”的地区码 {detail} 在出生年份不存在（老年人的真实号码也可能这样）",
        "“{header}”: region code {detail} of “{value}” did not exist in the birth year (real for some older people)",
        "核对号码",
        "check the number",
        region_unknown,
    ),
    Rule(
        "amount_mismatch",
        W,
        "“{header}”为 {value}，但数量 × 标准 = {detail}",
        "“{header}” is {value} but quantity × standard = {detail}",
        "金额 = 数量 × 标准",
        "amount = quantity × standard",
        amount_mismatch,
    ),
    Rule(
        "amount_due_differs",
        W,
        "“{header}”（实发）为 {value}，与应发金额 {detail} 不同；按实发金额导入",
        "“{header}” (paid) is {value} but the amount due is {detail}; the paid amount is loaded",
        "实发金额与应发金额相同，或说明差额原因",
        "paid equal to due, or the difference explained",
        due_differs,
    ),
    Rule(
        "amount_rounded",
        W,
        "“{header}”的值“{value}”超过两位小数，已按四舍五入存为 {detail}",
        "“{header}”: “{value}” has more than two decimals; stored rounded as {detail}",
        "精确到分",
        "exact to the fen",
        rounded,
    ),
    Rule(
        "duplicate_in_batch",
        W,
        "“{value}”在同一资金同一期间重复出现（首次在第 {detail} 行）",
        "“{value}” appears twice for the same fund and period (first in row {detail})",
        "每人每期一条",
        "one row per person and period",
        duplicate_person,
    ),
    Rule(
        "id_two_names",
        W,
        "同一身份证号对应了不同姓名：“{value}”与 {detail}",
        "one ID number under two names: “{value}” and {detail}",
        "同一号码同一姓名",
        "one name per ID number",
        two_names,
    ),
    Rule(
        "paid_before_year",
        W,
        "发放日期“{value}”早于资金年度 {detail} 年",
        "paid on “{value}”, before the fund's year {detail}",
        "资金年度内的日期",
        "a date in the fund's year",
        paid_before_year,
    ),
    Rule(
        "disbursed_before_approved",
        W,
        "拨出日期“{value}”早于审核签字日期“{detail}”",
        "disbursed on “{value}”, before approval on “{detail}”",
        "拨出日期不早于审核日期",
        "disbursed on or after approval",
        disbursed_before_approved,
    ),
)

RULES = {r.label: r for r in CATALOGUE}

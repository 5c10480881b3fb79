"""Issue 14: every real layout under tests/layouts/ loads into its kind, each column lands where it belongs,
and the findings are exactly the ones planted in its synthetic rows.

Each layout is built into a real file (tests/layouts/build.py) and loaded through etl.load.load_file into
a fresh DuckDB store, with its kind given and with ``auto`` (tests/layouts/harness.py says what went wrong).
A layout the current loader does not load is listed in KNOWN_UNRECOGNISED with the loader's reason, as a
strict xfail: when the matcher improves and it loads, the test fails until the entry is removed.
"""

from __future__ import annotations

import pytest

from etl.specs import SPECS
from tests.layouts.build import all_layouts, layout_paths
from tests.layouts.harness import check, loader_takes_mapping

LAYOUTS = all_layouts()

_NO_HEADER = "no header row of the kind recognised in the first 30 rows (UnreadableFile)"
_NO_FUND = "column_missing: 资金编码 — the form has no fund code column"

# Layouts the loader does not load with no mapping today: slug -> the loader's reason (issue 14).
KNOWN_UNRECOGNISED = {
    "diaoren-hedingbianzhi-shiyou": _NO_HEADER + "; no 编制类型 column either",
    "ganbu-gedanwei-bianzhi-peibei-jsp": _NO_HEADER
    + ": group headers 行政编制数…, measures 应配人数/实配人数",
    "gaoxiao-bianzhi-he-pai-wai": _NO_HEADER + ": headers 合：编制总数 / 合：实有人数",
    "issue14-gedanwei-bianzhi-peibei": "column_missing: 编制类型 — group headers 行政编制数 / 事业编制数(参公) … not known",
    "oa-gedanwei-bianzhi-peibei-antd": _NO_HEADER + ": group headers 参照公务员法管理事业编制数 …",
    "cwbb-sangong-jingfei-bokuan": "column_missing: 主管部门 (+ 年度, 支出类别): they are in the title lines",
    "bumen-yusuan-jiben-zhichu-jingji-fenlei": _NO_HEADER
    + ": only 科目名称 is known; 合计 / 人员经费 / 公用经费",
    "xiangmu-yusuan-daoru-muban": _NO_HEADER + ": 项目预算金额 / 项目资金性质",
    "qingdao-xinnengyuan-zhichu-mingxi": _NO_HEADER
    + ": four header rows, 区市财政名称 / 财政补助资金小计",
    "zhida-zhifu-pingzheng": _NO_FUND + " (+ 审核签字日期, 收款单位)",
    "dibao-zijin-fenji-tongji": _NO_HEADER + ": 单位 / 低保金额 over 中央·省级·市级·区级",
    "issue14-zijin-mulu-daorendaohu": "enum_invalid: 发放对象 “到人到户” not an accepted value",
    "shengbenji-zhuanxiang-fenjie": _NO_FUND + " (+ 年度, 预算金额, 发放对象)",
    "zhida-zhibiao-mingxi": _NO_HEADER + ": 中央直达资金名称 / 预算金额",
    "zhida-zhuanxiang-zijin-mulu": _NO_FUND + " (+ 年度, 预算金额, 发放对象)",
    "zhuanxiang-zijin-fenjie-huizong": _NO_HEADER + ": 2020年分配结果 / 省级主管部门",
    "bf-pinkunhu-butie-duifu": _NO_FUND + " (+ 年度, 乡镇, 村, 身份证号)",
    "dili-butie-cunganbu-dengji-qingce": _NO_FUND + " (+ 年度, 乡镇, 村, 身份证号)",
    "dili-butie-duifu-qingce": _NO_FUND + " (+ 年度, 乡镇)",
    "dili-butie-fenhu-dengji-qingce": _NO_FUND + " (+ 年度, 乡镇, 村, 身份证号)",
    "jeecg-shuangjidao-youxian-zoufang": _NO_FUND
    + " (+ 年度, 乡镇, 村 as 种植地址, 姓名 as 客户名称)",
    "jeeplus-zijin-zhijie-daohu": _NO_FUND + " (+ 乡镇 as 所在镇, 村 as 所在村, no amount)",
    "landcirculation-zhongliang-dahu": _NO_FUND
    + " (+ 种粮大户姓名, 所属村子, no township, no amount)",
    "minzheng-tekun-jiating-chaxun": _NO_FUND
    + " (+ 年度, 所属街, 所属社, amount among five money columns)",
    "ruoyi-shebao-butie-fafang-jilu": _NO_FUND + " (+ 年度, 所属街道办, 所属村委会)",
    "ruoyi-shebao-fafang-jilu-daochu": _NO_FUND + " (+ 年度, 街道)",
    "ruoyi-simc-zhengdi-shebao-butie": _NO_FUND + " (+ 年度, 行政区域, no village)",
    "yiliao-jiuzhu-yizhetong-daochu": _NO_HEADER + ": 申请人 / 一折通卡号, no amount",
    "zhida-huiqi-limin-daorendaohu": _NO_FUND + " (+ 年度, no ID number)",
    "zjffqd-caizheng-buzhu-fafang-qingce": _NO_FUND
    + " (+ 年度, 乡镇, 村; spaced headers 身 份 证 号 码)",
    "jeeplus-queren-ji-bokuan": _NO_FUND + " (the form's 方案分配编号 is not one)",
    "ruoyi-sysuser-shiye-vo": "column_missing: 单位名称 (部门) and 身份证号 — the export has no ID column",
    "ruoyi-sysuser-tongjiju-ganbu": "column_missing: 单位名称 — one agency's own roll",
    "ruoyi-archives-user-info": "column_missing: 单位名称 — written 工作单位; and 人员类别 is taken for 编制类型",
    "yikatong-yidong-duochong": _NO_FUND + " (+ 年度, 乡镇, 村; 身份证号/出生年月, 异动金额)",
    "px-shenqingku-xiangmu-daochu": _NO_FUND + " (the project library has no fund code)",
}

# Layouts a header mapping cannot make load: a required column is not in the form at all (it is in the
# title, or chosen by the clerk).  They need something beyond a mapping (a value for the whole file).
KNOWN_UNMAPPABLE = {
    lay["slug"]: "required column(s) absent from the form: " + ", ".join(lay["absent_required"])
    for lay in LAYOUTS
    if set(lay["absent_required"]) & {c.name for c in SPECS[lay["kind"]].required}
}


def _params(known: dict[str, str]) -> list:
    def marks(slug: str) -> list:
        return [pytest.mark.xfail(strict=True, reason=known[slug])] if slug in known else []

    return [pytest.param(lay, id=lay["slug"], marks=marks(lay["slug"])) for lay in LAYOUTS]


@pytest.mark.parametrize("layout", _params(KNOWN_UNRECOGNISED))
def test_layout_loads_with_no_mapping(layout, tmp_path):
    problems = check(layout, tmp_path / "given")
    assert not problems, "kind given:\n" + "\n".join(problems)
    problems = check(layout, tmp_path / "auto", kind="auto")
    assert not problems, "kind auto:\n" + "\n".join(problems)


@pytest.mark.skipif(
    not loader_takes_mapping(),
    reason="etl.load.load_file has no `mapping` parameter yet (issue 14)",
)
@pytest.mark.parametrize("layout", _params(KNOWN_UNMAPPABLE))
def test_layout_loads_after_the_clerks_mapping(layout, tmp_path):
    problems = check(
        layout, tmp_path / "given", mapping=layout["mapping"], values=layout.get("values")
    )
    assert not problems, "kind given, with mapping:\n" + "\n".join(problems)
    problems = check(
        layout,
        tmp_path / "auto",
        kind="auto",
        mapping=layout["mapping"],
        values=layout.get("values"),
    )
    assert not problems, "kind auto, with mapping:\n" + "\n".join(problems)


def test_known_lists_name_only_layouts_that_exist():
    slugs = {lay["slug"] for lay in LAYOUTS}
    assert set(KNOWN_UNRECOGNISED) <= slugs
    assert len(LAYOUTS) >= 30 and len(slugs) == len(LAYOUTS) == len(layout_paths())


@pytest.mark.parametrize("layout", [pytest.param(lay, id=lay["slug"]) for lay in LAYOUTS])
def test_layout_is_declared_completely(layout):
    """Source, format, every column's header/values/expect; expectations and mappings name real columns."""
    spec = SPECS[layout["kind"]]
    names = {c.name for c in spec.columns} | ({spec.wide.group_column} if spec.wide else set())
    assert layout["source"].get("what") and layout["format"] in (
        "xlsx",
        "xls",
        "csv-gbk",
        "csv-utf8-bom",
    )
    assert layout["header_rows"] and layout["columns"]
    for col in layout["columns"]:
        assert {"header", "values", "expect"} <= set(col), col
        assert col["expect"] is None or col["expect"] in names, col
    unimported = [
        "/".join(c["header"]) if isinstance(c["header"], list) else c["header"]
        for c in layout["columns"]
        if c["expect"] is None
    ]
    assert layout["unimported"] == unimported
    assert all(target == "" or target in names for target in layout["mapping"].values()), layout[
        "mapping"
    ]
    assert set(layout["absent_required"]) <= {c.name for c in spec.columns}


# --- the harness itself, on our own template's headers (not a real layout: it proves a pass is a pass) --------


def _control(kind: str, fmt: str, header: list[str], gens: list[tuple], **extra) -> dict:
    cols = [
        {"header": h, "values": "", "expect": e, "gen": g, **kw}
        for h, (e, g, kw) in zip(header, gens, strict=True)
    ]
    lay = {
        "slug": f"control-{kind}-{fmt}",
        "kind": kind,
        "source": {"what": "our own template"},
        "format": fmt,
        "title_rows": [[{"text": "2024年 控制样表", "colspan": "all"}]],
        "header_rows": [header],
        "columns": cols,
        "mapping": {},
        "absent_required": [],
        "plant": [],
    }
    lay.update(extra)
    return lay


CONTROLS = [
    _control(
        "payments",
        "xlsx",
        [
            "序号",
            "资金编码",
            "年度",
            "期间",
            "乡镇",
            "村",
            "组",
            "姓名",
            "身份证号",
            "面积",
            "补助标准",
            "发放金额",
            "发放日期",
        ],
        [
            (None, "seq", {}),
            ("fund_code", "fund_code", {}),
            ("year", "year", {}),
            ("period", "month", {}),
            ("township", "township", {}),
            ("village", "village", {}),
            ("village_group", "group", {}),
            ("name", "name", {}),
            ("id_number", "id", {}),
            ("quantity", "area", {}),
            ("standard_yuan", "standard", {}),
            ("amount_yuan", "amount", {"fmt": "yuan"}),
            ("paid_on", "date", {"fmt": "cn"}),
        ],
        footer={"total_row": True},
        plant=[
            {"rule": "id_checksum", "data_row": 1, "column": "身份证号"},
            {"rule": "amount_not_number", "data_row": 3, "column": "发放金额"},
        ],
    ),
    _control(
        "funds",
        "csv-gbk",
        ["资金编码", "资金名称", "主管部门", "年度", "预算金额", "发放对象"],
        [
            ("fund_code", "code", {"prefix": "F24"}),
            ("fund_name", "text", {"label": "资金"}),
            ("department", "department", {}),
            ("year", "year", {}),
            ("budget_yuan", "money", {"fmt": "comma"}),
            ("pays_to", "choice", {"choices": ["到人", "到项目"]}),
        ],
        plant=[{"rule": "amount_not_number", "data_row": 2, "column": "预算金额"}],
    ),
    _control(
        "agencies",
        "xls",
        ["单位名称", "行政/编制数", "行政/实有人数", "工勤/编制数", "工勤/实有人数"],
        [
            ("agency_name", "agency", {}),
            ("quota", "quota", {"group": "行政", "fmt": "number", "base": 5}),
            ("actual_reported", "quota", {"group": "行政", "fmt": "number", "base": 4}),
            ("quota", "quota", {"group": "工勤", "fmt": "number", "base": 2}),
            ("actual_reported", "quota", {"group": "工勤", "fmt": "number", "base": 1}),
        ],
        header_rows=[
            [
                {"text": "单位名称", "rowspan": 2},
                {"text": "行政", "colspan": 2},
                {"text": "工勤", "colspan": 2},
            ],
            ["编制数", "实有人数", "编制数", "实有人数"],
        ],
        plant=[{"rule": "int_invalid", "data_row": 2, "column": "行政/编制数"}],
    ),
]
for _c in CONTROLS:
    if _c["kind"] == "agencies":
        for _col, (top, leaf) in zip(
            _c["columns"][1:],
            [("行政", "编制数"), ("行政", "实有人数"), ("工勤", "编制数"), ("工勤", "实有人数")],
            strict=True,
        ):
            _col["header"] = [top, leaf]


@pytest.mark.parametrize("layout", [pytest.param(c, id=c["slug"]) for c in CONTROLS])
def test_harness_passes_our_own_template(layout, tmp_path):
    assert check(layout, tmp_path / "given") == []
    assert check(layout, tmp_path / "auto", kind="auto") == []


def test_harness_catches_a_column_that_lands_elsewhere(tmp_path):
    lay = CONTROLS[1]
    wrong = {**lay, "columns": [dict(c) for c in lay["columns"]]}
    wrong["columns"][1]["expect"] = (
        "department"  # 资金名称 declared as landing in 主管部门: must be reported
    )
    problems = check(wrong, tmp_path)
    assert any("资金名称" in p for p in problems), problems

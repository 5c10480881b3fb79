"""Families of headers per kind (issue 14, corpus): each rule shown on headers other than the one
layout that prompted it, with the words that must not be taken for it."""

from __future__ import annotations

import pytest

from etl.headers import detect

# One rule each: (kind, the other headers of the row, the canonical column, headers of the family that
# must land in it, headers beside the family that must not: the rule's edge).
RULES = [
    ("payments", ["资金编码", "身份证号"], "name", ["客户名称", "农户名称"], ["收款单位"]),
    ("payments", ["资金编码", "姓名"], "township", ["所属街", "行政区域"], ["区域代码", "所属市"]),
    (
        "payments",
        ["资金编码", "姓名"],
        "village",
        ["所属社", "社区名称", "居委会"],
        ["社保类型", "社区服务中心电话"],
    ),
    ("payments", ["资金编码", "姓名"], "household_no", ["用户编号", "客户号"], ["用户账号"]),
    ("projects", ["项目名称", "资金编码"], "amount_yuan", ["总投资（万元）", "投资总额"], []),
    (
        "projects",
        ["项目名称", "资金编码"],
        "start_on",
        ["计划开始时间", "实际开工日期"],
        ["计划竣工时间"],
    ),
    ("projects", ["项目名称", "资金编码"], "contractor", ["项目业主单位"], ["项目业主单位id"]),
    ("projects", ["项目名称", "资金编码"], "status", ["审批状态", "建设进度"], []),
    ("projects", ["项目名称", "资金编码"], "township", ["项目所属区域"], ["项目所属区域id"]),
    ("budgets", ["部门", "年度"], "item", ["经济科目名称"], ["科目编码"]),
    ("budgets", ["部门", "年度"], "category", ["项目资金性质", "预算分类"], []),
    (
        "funds",
        ["资金名称", "年度"],
        "budget_yuan",
        ["2020年分配结果", "下达资金（万元）"],
        ["待分配资金"],
    ),
    ("agencies", ["编制数", "编制类型"], "agency_name", ["调入单位", "用人单位"], ["填报单位"]),
    ("staff", ["姓名", "身份证号"], "agency_name", ["用人单位"], ["借调单位"]),
    (
        "staff",
        ["姓名", "身份证号"],
        "hired_on",
        ["聘用日期", "录用时间"],
        ["录用审批时间", "初任教练员时间"],
    ),
    # Registers as the 核对 and 不动产 systems export them (corpus2).
    (
        "vehicles",
        ["所有人", "身份证号", "号牌号码", "车辆类型"],
        "registered_on",
        ["登记时间", "首次登记时间"],
        ["核对日期", "注销登记时间", "抵押登记日期"],
    ),
    (
        "properties",
        ["权利人", "证件号码", "建筑面积"],
        "registered_on",
        ["登记或交易时间", "登记时间"],
        ["抵押登记时间", "查封登记时间", "核对日期"],
    ),
    ("vehicles", ["所有人", "身份证号", "号牌号码"], "vehicle_use", ["车辆用途"], []),
    (
        "properties",
        ["权利人", "证件号码", "建筑面积"],
        "cert_no",
        ["不动产权证号（明）", "房屋所有权证号"],
        ["不动产单元号", "证号流水号"],
    ),
    (
        "projects",
        ["项目名称", "资金编码"],
        "amount_yuan",
        ["计划投入资金", "安排资金"],
        ["已投入资金", "自筹投入资金"],
    ),
    (
        "budgets",
        ["部门", "年度"],
        "amount_yuan",
        ["本年预算数", "2016年预算数"],
        ["上年预算数", "预算数增减"],
    ),
    (
        "allocations",
        ["资金编码", "年度", "应拨付资金总额(万元)"],
        "amount_yuan",
        ["本次拨付补助资金(万元)", "本次下达资金"],
        ["本次拨付日期", "本次拨付比例"],
    ),
    (
        "allocations",
        ["资金编码", "年度", "分配金额"],
        "recipient",
        ["村名", "行政村"],
        ["村级组织"],
    ),
]


@pytest.mark.parametrize(
    ("kind", "others", "column", "family", "beside"),
    RULES,
    ids=[f"{k}-{c}-{'+'.join(f or b)}" for k, _, c, f, b in RULES],
)
def test_a_family_of_headers_is_recognised_and_its_edge_is_not(
    kind, others, column, family, beside
):
    for written in family:
        match = detect([[*others, written]], kind)
        assert match is not None and match.mapping.get(column) == len(others), (
            written,
            match and match.mapping,
        )
    for written in beside:
        match = detect([[*others, written]], kind)
        assert match is None or match.mapping.get(column) != len(others), (written, match.mapping)


def test_a_budget_tables_total_column_is_its_amount_a_rosters_is_not():
    """A role declared for one kind only ("budgets.amount_yuan")."""
    assert detect([["部门", "年度", "合计"]], "budgets").mapping.get("amount_yuan") == 2
    assert "amount_yuan" not in detect([["资金编码", "姓名", "合计"]], "payments").mapping


def test_two_readings_of_one_header_prefer_the_named_one():
    """主管部门 beside another 部门 word: the one that says it is the department in charge wins."""
    match = detect([["资金名称", "年度", "省级主管部门", "编入部门预算", "预算金额"]], "funds")
    assert match.mapping["department"] == 2 and not match.ambiguous


def test_a_project_budget_line_is_its_project_not_its_subject():
    match = detect([["年度", "项目名称", "项目预算金额", "功能科目名称"]], "budgets")
    assert match.mapping["item"] == 1 and not match.ambiguous, (match.mapping, match.ambiguous)


def test_a_group_title_over_several_leaves_names_none_of_them():
    """项目 spans 类 / 款 / 科目名称: the item is the 科目名称 column, and the header is both rows."""
    head = [
        ["项目", None, None, "合计", "人员经费", "公用经费"],
        ["类", "款", "科目名称", None, None, None],
        ["301", "01", "基本工资", "9,095.32", "4,000.00", "5,095.32"],
    ]
    match = detect(head, "budgets")
    assert match.header_rows == (0, 1)
    assert match.mapping["item"] == 2 and match.mapping["amount_yuan"] == 3
    assert not match.ambiguous


def test_a_second_header_row_of_a_groups_leaves_only_makes_the_header_two_rows():
    """其他专项补贴金 spans 价格临时补贴 / 取暖补贴 and every other cell spans both rows: the second row
    names nothing the kind has, yet it is the header's, not a data row."""
    head = [
        ["姓名", "身份证号", "保障人数", "其他专项补贴金", None, "发放合计（元）", "领取人"],
        [None, None, None, "价格临时补贴", "取暖补贴", None, None],
        ["张三", "110105194912310021", "2", "30.00", "50.00", "680.00", None],
    ]
    match = detect(head, "payments")
    assert match.header_rows == (0, 1)
    assert match.labels[3:5] == ["其他专项补贴金/价格临时补贴", "其他专项补贴金/取暖补贴"]
    assert match.mapping["amount_yuan"] == 5 and match.mapping["quantity"] == 2


def test_a_data_row_below_a_header_is_not_its_second_row():
    head = [
        ["姓名", "身份证号", "其他专项补贴金", None, "发放合计（元）"],
        ["张三", None, "30.00", "50.00", "680.00"],
    ]
    assert detect(head, "payments").header_rows == (0,)


def test_the_amount_paid_summed_over_its_parts_is_the_amount():
    match = detect(
        [["姓名", "身份证号", "保障金（元）", "分类施保金（元）", "发放合计（元）"]], "payments"
    )
    assert match.mapping["amount_yuan"] == 4
    match = detect([["姓名", "身份证号", "实发总额"]], "payments")
    assert match.mapping["amount_yuan"] == 2


def test_the_entitled_person_beside_the_household_head_is_asked_not_guessed():
    """享受人 and 户主姓名 on one row (a 一卡通 roster): whose payment it is, the clerk says; the two ID
    columns tie the same way, so a load never pairs one person's name with another's number."""
    header = [
        "户主姓名",
        "户主身份证号",
        "收款人姓名",
        "享受人",
        "享受人身份证号",
        "补贴金额",
        "村",
    ]
    match = detect([header], "payments")
    assert dict(match.ambiguous) == {"name": (0, 3), "id_number": (1, 4)}
    match = detect([["享受人", "享受人身份证号", "补贴金额"]], "payments")
    assert match.mapping["name"] == 0 and match.mapping["id_number"] == 1


def test_a_group_title_over_two_leaves_is_not_taken_for_a_column():
    """2016年预算数 spans 小计 / 其中:一般公共预算安排数 (nantong-guoziwei-sangong-yusuan): the header is both
    rows, the amount is the 小计 leaf, and the leaf beside it is named (reported, not dropped)."""
    head = [
        ["项目", "2016年预算数", None],
        [None, "小计", "其中:一般公共预算安排数"],
        ["(二)公务接待费", "14.83", "14.83"],
    ]
    match = detect(head, "budgets")
    assert match.header_rows == (0, 1)
    assert match.mapping == {"item": 0, "amount_yuan": 1}
    assert match.labels[1:] == ["2016年预算数/小计", "2016年预算数/其中:一般公共预算安排数"]

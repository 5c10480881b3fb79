"""Enum values as clerks write them (issue 14): a declared vocabulary, normalised in SQL."""

from __future__ import annotations

import pytest

from tests.sheets import FUNDS_HEADER, make_id, write_csv, write_xlsx


def fund_row(pays_to: str) -> list:
    return ["F001", "耕地地力保护补贴", "县农业农村局", "2024", "1000", pays_to, "105"]


@pytest.mark.parametrize(
    "written", ["到人到户", "到户到人", "个人", "农户", "到人（户）", "到 户", "【到人】"]
)
def test_pays_to_as_clerks_write_it(tmp_path, load, store, written):
    result = load(write_xlsx(tmp_path / "f.xlsx", [FUNDS_HEADER, fund_row(written)]))
    assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT pays_to FROM funds").fetchone() == ("persons",)


def test_unknown_value_names_the_accepted_values_and_the_closest(tmp_path, load, store):
    result = load(
        write_csv(tmp_path / "f.csv", [FUNDS_HEADER, fund_row("到人"), fund_row("到人头")])
    )
    assert result.status == "rejected"
    (finding,) = [f for f in result.report.errors if f.rule == "enum_invalid"]
    assert finding.row == 3 and finding.column == "发放对象" and finding.value == "到人头"
    assert finding.message.endswith("应为：到人、到户、到项目；最接近的是“到人”")
    assert finding.expected == "以下取值之一：到人、到户、到项目"
    assert "见模板说明页" not in finding.message


def test_closest_value_follows_the_written_form(tmp_path, funds_loaded, load):
    from tests.sheets import PAY_HEADER, pay_row

    result = load(write_csv(tmp_path / "p.csv", [PAY_HEADER, pay_row(1, status="已到帐")]))
    (finding,) = [f for f in result.report.errors if f.rule == "enum_invalid"]
    assert "最接近的是“已发放”" in finding.message  # 已到帐 is nearest 已到账, stored as 已发放


@pytest.mark.parametrize(
    ("written", "stored"), [("在岗", "在职"), ("在编", "在职"), ("已退休", "退休")]
)
def test_staff_status_as_written(tmp_path, load, store, written, stored):
    header = ["单位名称", "姓名", "身份证号", "编制类型", "人员状态"]
    row = ["县财政局", "李四", make_id(seq=3), "其他编制", written]
    result = load(write_xlsx(tmp_path / "s.xlsx", [header, row]), "staff")
    assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT status, staffing_type FROM staff").fetchone() == (stored, "其他")


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("已申请", "待发放"),
        ("待支付", "待发放"),
        ("已支付", "已发放"),
        ("支付失败", "退回"),
        # a township upload app's 错误清单 (butie-shangsong-cuowu-qingdan): returned by the platform or bank
        ("平台退回", "退回"),
        ("银行退回", "退回"),
    ],
)
def test_a_one_card_systems_payment_status_as_written(
    tmp_path, funds_loaded, load, store, written, stored
):
    """支付状态 of a 一卡通 roster: 已申请 when filled in, 已支付 once paid (bosi-ykt-huamingce-daochu)."""
    from tests.sheets import PAY_HEADER, pay_row

    result = load(write_xlsx(tmp_path / "p.xlsx", [PAY_HEADER, pay_row(1, status=written)]))
    assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT card_status FROM payments").fetchone() == (stored,)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        # 兑付: a subsidy cashed out to the household (a 农机购置补贴 公示: 状态 = 已兑付); the same word as
        # the 兑付时间 a roster pays on
        ("已兑付", "已发放"),
        ("兑付成功", "已发放"),
        ("待兑付", "待发放"),
        ("未兑付", "待发放"),
        # 报销: medical relief paid as the hospital bill's reimbursement (a 救助报销 export: 处理状态)
        ("已报销", "已发放"),
        ("未报销", "待发放"),
    ],
)
def test_a_subsidy_cashed_out_or_a_bill_reimbursed_is_paid(
    tmp_path, funds_loaded, load, store, written, stored
):
    from tests.sheets import PAY_HEADER, pay_row

    result = load(write_xlsx(tmp_path / "p.xlsx", [PAY_HEADER, pay_row(1, status=written)]))
    assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT card_status FROM payments").fetchone() == (stored,)


def test_a_month_recorded_as_paid_is_paid(tmp_path, funds_loaded, load, store):
    """操作类型 = 发放 (a 养老补贴 system's 发放记录, yanglao-butie-fafang-jilu): the month was paid."""
    from tests.sheets import PAY_HEADER, pay_row

    result = load(write_xlsx(tmp_path / "p.xlsx", [PAY_HEADER, pay_row(1, status="发放")]))
    assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT card_status FROM payments").fetchone() == ("已发放",)


@pytest.mark.parametrize("written", ["停止发放", "暂停发放"])
def test_an_entitlement_stopped_is_not_a_payment_state(
    tmp_path, funds_loaded, load, store, written
):
    """The edge of 发放: 停止发放 / 暂停发放 say the entitlement was stopped, not that a month was paid or
    is due: the row is an error and nothing is stored."""
    from tests.conftest import snapshot
    from tests.sheets import PAY_HEADER, pay_row

    rows = [pay_row(1, status="已发放"), pay_row(2, id_number=make_id(seq=2), status=written)]
    before = snapshot(store)
    result = load(write_xlsx(tmp_path / "p.xlsx", [PAY_HEADER, *rows]))
    assert result.status == "rejected" and snapshot(store) == before
    assert [(f.rule, f.row) for f in result.report.errors] == [("enum_invalid", 3)]


@pytest.mark.parametrize("written", ["已申报", "报销审核中", "兑付审批"])
def test_a_claim_filed_or_under_review_is_not_a_payment_state(
    tmp_path, funds_loaded, load, store, written
):
    """The edge of 兑付 / 报销: a claim filed (已申报) or a reimbursement still being checked says nothing
    was paid; each row is its own error, nothing is stored."""
    from tests.conftest import snapshot
    from tests.sheets import PAY_HEADER, pay_row

    rows = [pay_row(1, status="已兑付"), pay_row(2, id_number=make_id(seq=2), status=written)]
    before = snapshot(store)
    result = load(write_xlsx(tmp_path / "p.xlsx", [PAY_HEADER, *rows]))
    assert result.status == "rejected" and snapshot(store) == before
    assert [(f.rule, f.row) for f in result.report.errors] == [("enum_invalid", 3)]


def test_a_personnel_systems_normal_state_is_in_post(tmp_path, load, store):
    """人员状态 = 正常 (a personnel system's grid, rosten-renyuan-guanli-liebiao): the person is in post;
    a login's 停用 is no state of a person on the roll."""
    header = ["单位名称", "姓名", "身份证号", "编制类型", "人员状态"]
    rows = [
        ["县财政局", "李四", make_id(seq=3), "其他编制", "正常"],
        ["县财政局", "王五", make_id(seq=4), "其他编制", "停用"],
    ]
    result = load(write_xlsx(tmp_path / "s.xlsx", [header, rows[0]]), "staff")
    assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT status FROM staff").fetchone() == ("在职",)
    result = load(write_xlsx(tmp_path / "s2.xlsx", [header, *rows]), "staff")
    assert result.status == "rejected"
    assert [(f.rule, f.row) for f in result.report.errors] == [("enum_invalid", 3)]


def test_a_status_column_with_none_of_the_kinds_values_is_asked_about(
    tmp_path, funds_loaded, load, store
):
    """A 低保 list's 状态 (正常 / 已失效: the entitlement's, cbo-dibao-fuwu-mingdan) under the header of
    the payment's 发放状态: one question about the column above the rows' errors; marked not needed in the
    mapping, the list loads with no status."""
    from tests.conftest import snapshot
    from tests.sheets import PAY_HEADER, pay_row

    rows = [
        pay_row(n, id_number=make_id(seq=n), status=s)
        for n, s in enumerate(["正常", "已失效", "正常"], 1)
    ]
    header = [h if h != "发放状态" else "状态" for h in PAY_HEADER]
    path = write_xlsx(tmp_path / "dibao.xlsx", [header, *rows])
    before = snapshot(store)
    result = load(path, "payments")
    assert result.status == "rejected" and snapshot(store) == before
    (asked,) = [f for f in result.report.errors if f.rule == "column_values_foreign"]
    assert asked.row == 1 and asked.column == "状态"
    # 正常 / 已失效 are the entitlement's states, and one has ended: the clerk says whether all were paid
    assert asked.message.startswith(
        "“状态”这一列的值（“已失效”、“正常”）是享受资格或记录的状态，不是“发放状态”的取值（待发放、发放中、已发放、退回），"
        "其中有的已不再享受。如本表各行都已发放，请在对应关系中把“状态”标为“不需要”"
    )
    assert result.report.total("error") == 1 + 3  # the question, and each row's value
    loaded = load(path, "payments", mapping={"状态": ""})
    assert loaded.status == "loaded", loaded.as_json()["errors"]
    assert store.execute("SELECT count(*), count(card_status) FROM payments").fetchone() == (3, 0)


def test_a_status_column_of_entitlements_in_force_is_not_the_payments_status(
    tmp_path, funds_loaded, load, store
):
    """A 残联 list's 状态 = 享受中 (canlian-liangxiang-butie-daoru): every entitlement holds, so the list is
    paid as it stands; the column is the entitlement's, not loaded as 发放状态, and one warning says so
    (the clerk is not asked).  Another column's values, or a clerk who maps it, keep the old rules."""
    from tests.sheets import PAY_HEADER, pay_row

    header = [h if h != "发放状态" else "状态" for h in PAY_HEADER]
    rows = [
        pay_row(n, id_number=make_id(seq=n), status=s) for n, s in enumerate(["享受中", "正常"], 1)
    ]
    path = write_xlsx(tmp_path / "canlian.xlsx", [header, *rows])
    result = load(path, "payments")
    assert result.status == "loaded", result.as_json()["errors"]
    assert store.execute("SELECT count(*), count(card_status) FROM payments").fetchone() == (2, 0)
    (said,) = [f for f in result.report.warnings if f.rule == "column_other_states"]
    assert (said.row, said.column) == (1, "状态")
    assert said.message.startswith(
        "“状态”这一列的值（“享受中”、“正常”）是享受资格或记录的状态，不是“发放状态”（待发放、发放中、已发放、退回）"
    )
    (unused,) = [f for f in result.report.warnings if f.rule == "column_unused"]
    assert "状态" in unused.message.split("：", 1)[1].split("、")


def _status_roster(path, header: str, states: list[str]):
    """A roster whose 发放状态 column is headed ``header`` and holds ``states``, one row each."""
    from tests.sheets import PAY_HEADER, pay_row

    rows = [pay_row(n, id_number=make_id(seq=n), status=s) for n, s in enumerate(states, 1)]
    return write_xlsx(path, [[h if h != "发放状态" else header for h in PAY_HEADER], *rows])


@pytest.mark.parametrize(
    ("header", "closed", "open_", "said", "asked"),
    [
        # a 低保 system's spot-check queue (sldb-shehuihua-jiuzhu-xinxi): 待抽查 / 已抽查 come after the
        # grant; a 驳回 among them failed the check
        (
            "状态",
            ["待抽查", "已抽查", "待抽查"],
            ["待抽查", "驳回"],
            "“状态”这一列的值（“已抽查”、“待抽查”）是审核或抽查的状态，不是“发放状态”（待发放、发放中、已发放、退回）",
            "“状态”这一列的值（“待抽查”、“驳回”）是审核或抽查的状态，不是“发放状态”的取值（待发放、发放中、已发放、退回），"
            "其中有的尚未通过或未通过审核。如本表各行都已发放",
        ),
        # a temporary-aid query (linshi-jiuzhu-chaxun-daochu): 已救助 closes the case with the aid given;
        # a case still 审批中 is not closed
        (
            "救助状态",
            ["已救助", "已救助"],
            ["已救助", "审批中"],
            "“救助状态”这一列的值（“已救助”）是救助或申请的办理状态，不是“发放状态”",
            "“救助状态”这一列的值（“审批中”、“已救助”）是救助或申请的办理状态，不是“发放状态”的取值"
            "（待发放、发放中、已发放、退回），其中有的尚未办结或未予救助",
        ),
    ],
    ids=["spot-check", "aid-case"],
)
def test_a_status_column_of_a_check_or_a_case_is_not_the_payments_status(
    tmp_path, funds_loaded, load, store, header, closed, open_, said, asked
):
    """Another process's state under a status header: when every row's says the row stands (the check
    came after the grant, the case closed with the aid given) the column is not loaded as 发放状态 and one
    warning says so; when some say otherwise the clerk is asked, in words that say so, whether every row
    was paid, and nothing is stored."""
    from tests.conftest import snapshot

    result = load(_status_roster(tmp_path / "closed.xlsx", header, closed), "payments")
    assert result.status == "loaded", result.as_json()["errors"]
    assert store.execute("SELECT count(*), count(card_status) FROM payments").fetchone() == (
        len(closed),
        0,
    )
    (warned,) = [f for f in result.report.warnings if f.rule == "column_other_states"]
    assert warned.message.startswith(said), warned.message

    before = snapshot(store)
    result = load(_status_roster(tmp_path / "open.xlsx", header, open_), "payments")
    assert result.status == "rejected" and snapshot(store) == before
    (question,) = [f for f in result.report.errors if f.rule == "column_values_foreign"]
    assert question.message.startswith(asked), question.message


def test_the_clerk_who_maps_a_status_column_is_taken_at_their_word(
    tmp_path, funds_loaded, load, store
):
    from tests.conftest import snapshot
    from tests.sheets import PAY_HEADER, pay_row

    header = [h if h != "发放状态" else "状态" for h in PAY_HEADER]
    path = write_xlsx(
        tmp_path / "p.xlsx", [header, pay_row(1, id_number=make_id(seq=1), status="享受中")]
    )
    before = snapshot(store)
    result = load(path, "payments", mapping={"状态": "card_status"})
    assert result.status == "rejected" and snapshot(store) == before
    assert "column_other_states" not in {f.rule for f in result.report.findings}
    assert [f.rule for f in result.report.errors if f.row == 2] == ["enum_invalid"]


def test_one_wrong_status_among_right_ones_is_that_rows_error_only(tmp_path, funds_loaded, load):
    from tests.sheets import PAY_HEADER, pay_row

    rows = [
        pay_row(n, id_number=make_id(seq=n), status=s) for n, s in enumerate(["已发放", "正常"], 1)
    ]
    result = load(write_xlsx(tmp_path / "p.xlsx", [PAY_HEADER, *rows]), "payments")
    assert [f.rule for f in result.report.errors] == ["enum_invalid"]
    assert result.report.errors[0].row == 3


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        (["部队", "社会捐赠", "部队"], None),  # who gave the money: not loaded as the level
        (
            ["中央", "省级", "县本级"],
            ["中央", "省级", "县本级"],
        ),  # the level, as a county writes it
    ],
)
def test_a_funds_source_is_its_level_only_when_its_values_name_levels(
    tmp_path, load, store, written, stored
):
    """资金来源 is the 资金级次 on a county's catalogue and the giver on a 帮扶 system's
    (bangfu-zijin-daoru-muban): a column of the header whose values name no level is not loaded as
    the level, and one warning says so."""
    from tests.sheets import FUNDS_ROWS

    rows = [[*row, source] for row, source in zip(FUNDS_ROWS, written, strict=True)]
    result = load(
        write_xlsx(tmp_path / "funds.xlsx", [[*FUNDS_HEADER, "资金来源"], *rows]), "funds"
    )
    assert result.status == "loaded", result.as_json()["errors"]
    got = [r[0] for r in store.execute("SELECT level FROM funds ORDER BY fund_code").fetchall()]
    said = [f for f in result.report.warnings if f.rule == "column_other_states"]
    if stored is None:
        assert got == [None, None, None]
        assert [(f.row, f.column) for f in said] == [(1, "资金来源")]
        assert said[0].message.startswith(
            "“资金来源”这一列的值（“社会捐赠”、“部队”）没有一个像“资金级次”"
        )
    else:
        assert got == stored and said == []


def test_an_operation_type_of_payment_states_is_the_payments_status(
    tmp_path, funds_loaded, load, store
):
    """操作类型 = 发放 / 未发放 (a 养老补贴 system's 发放记录, yanglao-butie-fafang-jilu): the operation recorded
    for the month is its payment, so the column is the 发放状态 (etl/vocabulary.py VALUES_DECIDE)."""
    result = load(
        _status_roster(tmp_path / "p.xlsx", "操作类型", ["发放", "未发放", "已发放"]), "payments"
    )
    assert result.status == "loaded", result.as_json()["errors"]
    stored = store.execute("SELECT card_status FROM payments ORDER BY row_no").fetchall()
    assert stored == [("已发放",), ("待发放",), ("已发放",)]
    assert not {"column_other_states", "column_unused"} & {f.rule for f in result.report.findings}


@pytest.mark.parametrize(
    "states",
    [
        ["新增", "修改", "删除"],  # an operation log
        ["发放", "暂停", "注销"],  # the entitlement paused or closed beside the months paid
        ["发放", "停止发放"],
    ],
    ids=["log", "entitlement", "stopped"],
)
def test_an_operation_type_with_other_values_is_not_loaded(
    tmp_path, funds_loaded, load, store, states
):
    """The edge: an 操作类型 holding any value that is no 发放状态 is another thing (an operation log's
    新增 / 修改 / 删除; the entitlement's 暂停 / 注销 / 停止发放): not loaded, named among the columns not
    loaded with one warning, and its rows are no errors, as a column the header never named."""
    result = load(_status_roster(tmp_path / "p.xlsx", "操作类型", states), "payments")
    assert result.status == "loaded", result.as_json()["errors"]
    assert store.execute("SELECT count(*), count(card_status) FROM payments").fetchone() == (
        len(states),
        0,
    )
    (said,) = [f for f in result.report.warnings if f.rule == "column_other_states"]
    assert (said.row, said.column) == (1, "操作类型")
    assert said.message.startswith("“操作类型”这一列的值（"), said.message
    assert "不都是“发放状态”的取值（待发放、发放中、已发放、退回）" in said.message
    (unused,) = [f for f in result.report.warnings if f.rule == "column_unused"]
    assert "操作类型" in unused.message.split("：", 1)[1].split("、")


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("公务员", "行政"),
        ("参照公务员法管理人员", "事业(参公)"),
        ("事业管理人员", "事业(其他)"),
        ("事业专业技术人员", "事业(其他)"),
        ("机关技术工人", "工勤"),
        ("机关普通工人", "工勤"),
        ("事业工人", "工勤"),
    ],
)
def test_a_budget_systems_person_identity_is_the_staffing_type(
    tmp_path, load, store, written, stored
):
    """人员身份 as a budget platform's roll writes it (fb-renyuan-jiben-xinxi-weihu): a 公务员 holds a 行政
    编制, a 参照公务员法管理人员 a 参公 one, a 事业管理人员 a 事业 one, a worker a 工勤 one."""
    header = ["单位名称", "姓名", "身份证号", "人员身份"]
    row = ["县财政局", "李四", make_id(seq=3), written]
    result = load(write_xlsx(tmp_path / "s.xlsx", [header, row]), "staff")
    assert result.status == "loaded", result.as_json()
    assert store.execute("SELECT staffing_type FROM staff").fetchone() == (stored,)


@pytest.mark.parametrize("written", ["编外长聘人员", "遗属", "其他人员"])
def test_a_person_outside_the_establishment_has_no_staffing_type(tmp_path, load, written):
    """编外长聘人员 is hired outside the 编制 and a 遗属 holds none: neither is a 编制类型 (near case)."""
    header = ["单位名称", "姓名", "身份证号", "人员身份"]
    row = ["县财政局", "李四", make_id(seq=3), written]
    result = load(write_xlsx(tmp_path / "s.xlsx", [header, row]), "staff")
    assert [f.rule for f in result.report.errors] == ["enum_invalid"], result.as_json()

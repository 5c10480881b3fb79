"""Header rules a held-out sample of real layouts showed (issue 14; tests/layouts/README.md "A held-out
sample"): each is a family of headers clerks write, not one form's words, and a tie the form leaves open
stays a question for the clerk."""

from __future__ import annotations

from etl.filevalues import from_title
from etl.headers import detect


def _tied(match) -> set[str]:
    return {column for column, _ in match.ambiguous}


def test_a_place_listed_after_a_comma_in_the_title_is_read():
    # liangzhong-butie-huming-mingxi: the page heads its table with the village, the township, the city.
    lines = ["东风村,城关镇,恩施州"]
    assert from_title("township", lines)[0] == "城关镇"
    assert from_title("village", lines)[0] == "东风村"
    assert from_title("township", ["城关镇、高坪镇"]) is None  # two townships: the clerk says which


def test_the_account_holder_is_the_person_paid():
    # A bank's 代发 file and a village roster name the payee 户名 beside the account.
    match = detect([["资金编码", "年度", "户名", "账号", "金额"]], "payments")
    assert match.label("name") == "户名" and match.label("bank_account") == "账号"
    for written in ("账户名", "开户名"):
        match = detect([["资金编码", "年度", written, "金额"]], "payments")
        assert match.label("name") == written, written
    # 姓名 beside it is the name: no tie, no guess the other way.
    match = detect([["资金编码", "年度", "姓名", "户名", "账号", "金额"]], "payments")
    assert match.label("name") == "姓名" and "name" not in _tied(match)


def test_the_old_registration_number_gives_way_to_the_credit_code():
    head = ["企业名称", "法定代表人", "身份证号", "统一社会信用代码", "注册号", "成立日期"]
    match = detect([head], "businesses")
    assert match.label("credit_code") == "统一社会信用代码" and not match.ambiguous
    # A register kept before 2015 has only the 注册号: it is the code then.
    match = detect([["企业名称", "法定代表人", "身份证号", "注册号", "成立日期"]], "businesses")
    assert match.label("credit_code") == "注册号"


def test_a_merchant_is_a_business():
    match = detect(
        [["商户名称", "法定代表人", "法人证件号码", "商户类型", "成立日期"]], "businesses"
    )
    assert match.label("business_name") == "商户名称"
    assert match.label("business_type") == "商户类型"
    assert match.label("id_number") == "法人证件号码"


def test_the_body_that_issued_a_death_certificate_is_the_source():
    head = ["证明编号", "姓名", "身份证号", "死亡日期", "签发机构", "签发人", "签发时间"]
    match = detect([head], "deaths")
    assert match.label("source") == "签发机构" and match.label("name") == "姓名"
    match = detect([["姓名", "身份证号", "死亡日期", "报告单位"]], "deaths")
    assert match.label("source") == "报告单位"


def test_this_batch_is_what_a_project_list_puts_to_the_project():
    head = ["项目名称", "投资合计(万)", "中央投资(万)", "本次下达(万)", "项目单位"]
    match = detect([head], "projects")
    assert match.label("amount_yuan") == "本次下达(万)" and match.label("contractor") == "项目单位"


def test_a_linked_records_number_is_not_the_fund_code():
    head = ["资金名称", "编号", "金额", "资金类型", "关联项目编号"]
    match = detect([head], "funds")
    assert match.label("fund_code") == "编号" and match.label("category") == "资金类型"
    match = detect([["关联项目编号", "姓名", "身份证号", "发放金额"]], "payments")
    assert "fund_code" not in match.mapping and "fund_code" not in _tied(match)


def test_a_staff_rolls_status_however_it_is_qualified():
    for written in ("编制状态", "在岗状态", "工作状态"):
        match = detect([["单位名称", "姓名", "身份证号", "编制类型", written]], "staff")
        assert match.label("status") == written, written
    match = detect([["单位名称", "姓名", "身份证号", "编制类型", "婚姻状态"]], "staff")
    assert "status" not in match.mapping

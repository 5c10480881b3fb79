# ruff: noqa: F811  (pytest fixtures imported from tests.web.staffing are parameters here)
"""The mapping form: a roster whose headers the loader does not know is asked about, not refused (issue 14)."""

from __future__ import annotations

import re

from fundquery.web.db import get_db
from tests.sheets import make_id, roster
from tests.web.accounts import csrf_token, sign_in
from tests.web.staffing import (  # noqa: F401 (fixtures)
    batches_of,
    finance,
    funds_file,
    load,
    preview,
    staff_app,
    with_funds,
)


def answer(client, url: str, data: dict, **choices) -> object:
    """Post the mapping form as the page fills it, with ``choices`` (header -> select value) changed."""
    form = {
        "csrf_token": csrf_token(client, url),
        "kind": data["kind"],
        "replaces": "",
        "recheck": "重新检查",
    }
    by_header = {c["header"]: c for c in data["file_columns"]}
    for header, col in by_header.items():
        default = (
            col["column"]
            if col["status"] in ("matched", "mapped")
            else ("" if col["status"] == "ambiguous" else "-")
        )
        form[f"col_{col['position']}"] = choices.pop(header, default)
    for key in [k for k in choices if k.startswith("val_")]:
        form[key] = choices.pop(key)
    assert not choices, f"no such header: {choices}"
    return client.post(f"/staff/upload/{data['sha256']}/mapping", data=form)


def test_unknown_headers_are_asked_then_remembered_for_the_next_month(
    staff_app, with_funds, tmp_path
):
    url, data = preview(with_funds, roster(tmp_path / "三月.xlsx", 1), kind="payments")
    assert data["needs_mapping"] and data["error_total"] and not data["can_load"]
    status = {c["header"]: c["status"] for c in data["file_columns"]}
    assert status["经营主体"] == "unused" and status["所属村子"] == "matched"
    assert status["流转面积(亩)"] == status["亩均补贴"] == "ambiguous"
    fields = {f["column"]: f for f in data["fields"]}
    assert fields["name"]["status"] == "missing" and fields["quantity"]["candidates"] == [
        "流转面积(亩)",
        "亩均补贴",
    ]
    assert (
        fields["year"]["status"] == "value" and fields["year"]["value"] == "2024"
    )  # from the title
    asked = {a["column"]: a for a in data["asked_values"]}
    assert set(asked) >= {"fund_code", "year", "township"} and asked["year"]["source"] == "title"
    # a few values per column, never a full ID or phone number
    ids = next(c for c in data["file_columns"] if c["header"] == "身份证号码")["samples"]
    assert ids and all("*" in v for v in ids) and make_id(seq=1) not in str(data)
    assert "13812345678" not in str(data)
    page = with_funds.get(url).get_data(as_text=True)
    assert (
        "请先告诉系统几列表头的意思" in page
        and "重新检查" in page
        and "F001 耕地地力保护补贴" in page
    )
    assert make_id(seq=1) not in page and "未导入的列：经营主体" in page

    # An answer left open is named; two columns for one field name both headers.
    half = answer(with_funds, url, data, 经营主体="name", 亩均补贴="quantity")
    assert half.status_code == 400
    text = half.get_data(as_text=True)
    assert "请为“流转面积(亩)”选择一项" in text
    twice = answer(
        with_funds,
        url,
        data,
        经营主体="name",
        所属村子="name",
        亩均补贴="-",
        **{"流转面积(亩)": "quantity"},
    )
    assert "“经营主体”和“所属村子”都选了“姓名 *”" in twice.get_data(as_text=True)
    assert batches_of(staff_app)[-1][1] == "funds"  # nothing stored

    rechecked = answer(
        with_funds,
        url,
        data,
        经营主体="name",
        亩均补贴="standard_yuan",
        联系电话="-",
        家庭农场="-",
        **{
            "流转面积(亩)": "quantity",
            "兑付资金(元)": "amount_yuan",
            "val_fund_code": "F001",
            "val_township": "城关镇",
            "val_year": "2024",
        },
    )
    assert rechecked.status_code == 302 and "/staff/upload/" in rechecked.location
    data = with_funds.get(url + "&format=json").get_json()
    assert data["error_total"] == 0 and data["can_load"], data["errors"]
    assert (
        data["choice"]["mapping"]["经营主体"] == "name"
        and data["choice"]["values"]["fund_code"] == "F001"
    )
    assert data["unimported"] == ["联系电话", "家庭农场"]
    assert batches_of(staff_app)[-1][1] == "funds"  # still nothing stored until the clerk loads
    loaded = load(with_funds, url, data, anyway=bool(data["warning_total"]))
    assert loaded.status_code == 302 and "batches" in loaded.location
    with staff_app.app_context():
        con = get_db()
        (saved,) = con.execute(
            "SELECT office, kind, mapping, file_values, saved_by FROM remembered_mappings"
        ).fetchall()
        report = con.execute(
            "SELECT mapping, file_values, fingerprint FROM upload_reports"
            " WHERE batch_id = (SELECT max(batch_id) FROM batches)"
        ).fetchone()
        names = [r[0] for r in con.execute("SELECT name FROM payments ORDER BY row_no").fetchall()]
    assert saved[0] == "城关镇财政所" and saved[1] == "payments" and saved[4] == "wang"
    assert (
        '"经营主体":"name"' in saved[2].replace(" ", "")
        and "F001" in saved[3]
        and "2024" not in saved[3]
    )
    assert "经营主体" in report[0] and "F001" in report[1] and report[2] == data["fingerprint"]
    assert names == ["李1", "李2", "李3"]

    # Next month's file of the same form: no question.
    url2, data2 = preview(
        with_funds, roster(tmp_path / "四月.xlsx", 10, "2024年种粮大户补贴发放花名册（四月）")
    )
    assert data2["kind"] == "payments" and data2["error_total"] == 0 and data2["can_load"]
    assert not data2["needs_mapping"] and data2["saved_mapping"]["saved_by"] == "wang"
    page = with_funds.get(url2).get_data(as_text=True)
    assert "已按当时保存的对应关系读取" in page and "不使用已保存的对应关系" in page
    assert load(with_funds, url2, data2, anyway=bool(data2["warning_total"])).status_code == 302
    with staff_app.app_context():
        rows = (
            get_db()
            .execute("SELECT name, fund_code, township FROM payments ORDER BY batch_id, row_no")
            .fetchall()
        )
        used = get_db().execute("SELECT use_count FROM remembered_mappings").fetchone()[0]
    assert rows[-1] == ("李12", "F001", "城关镇") and used == 2


def test_another_office_is_asked_again_and_a_saved_mapping_can_be_dropped(
    staff_app, with_funds, tmp_path
):
    url, data = preview(with_funds, roster(tmp_path / "三月.xlsx", 1), kind="payments")
    answer(
        with_funds,
        url,
        data,
        经营主体="name",
        亩均补贴="standard_yuan",
        联系电话="-",
        家庭农场="-",
        **{
            "流转面积(亩)": "quantity",
            "兑付资金(元)": "amount_yuan",
            "val_fund_code": "F001",
            "val_township": "城关镇",
            "val_year": "2024",
        },
    )
    data = with_funds.get(url + "&format=json").get_json()
    assert load(with_funds, url, data, anyway=True).status_code == 302
    # 东风镇财政所 has saved nothing for this form
    other = staff_app.test_client()
    assert sign_in(other, "zhang").status_code == 302
    _url, theirs = preview(other, roster(tmp_path / "东风.xlsx", 20), kind="payments")
    assert theirs["needs_mapping"] and theirs["saved_mapping"] is None
    # the same office's next file, the saved mapping dropped: asked again
    url2, data2 = preview(with_funds, roster(tmp_path / "四月.xlsx", 10), kind="payments")
    assert data2["saved_mapping"] is not None
    form = {
        "csrf_token": csrf_token(with_funds, url2),
        "kind": "payments",
        "replaces": "",
        "forget": "不使用",
    }
    assert with_funds.post(f"/staff/upload/{data2['sha256']}/mapping", data=form).status_code == 302
    again = with_funds.get(url2 + "&format=json").get_json()
    assert again["saved_mapping"] is None and again["needs_mapping"]


def test_mapping_form_needs_csrf(staff_app, with_funds, tmp_path):
    _url, data = preview(with_funds, roster(tmp_path / "三月.xlsx", 1), kind="payments")
    response = with_funds.post(f"/staff/upload/{data['sha256']}/mapping", data={"kind": "payments"})
    assert response.status_code == 400
    assert (
        re.search("CSRF|csrf|会话|令牌", response.get_data(as_text=True))
        or response.status_code == 400
    )


def test_a_column_of_another_things_values_opens_the_mapping(staff_app, with_funds, tmp_path):
    """A 低保 list whose 状态 holds the entitlement's 正常 / 已失效: the preview asks about the column (the
    mapping form), and marked not needed there the list can be loaded."""
    from tests.sheets import PAY_HEADER, pay_row, write_xlsx

    header = [h if h != "发放状态" else "状态" for h in PAY_HEADER]
    rows = [
        pay_row(n, id_number=make_id(seq=n), status=s) for n, s in enumerate(["正常", "已失效"], 1)
    ]
    url, data = preview(
        with_funds, write_xlsx(tmp_path / "低保.xlsx", [header, *rows]), kind="payments"
    )
    assert data["needs_mapping"] and not data["can_load"]
    page = with_funds.get(url).get_data(as_text=True)
    assert "是享受资格或记录的状态，不是“发放状态”的取值" in page and "重新检查" in page
    rechecked = answer(with_funds, url, data, 状态="-")
    assert rechecked.status_code == 302
    data = with_funds.get(url + "&format=json").get_json()
    assert data["error_total"] == 0 and data["can_load"], data["errors"]


def _map_the_picked_row(client, url: str, picked: dict) -> dict:
    """The university 编制 table's row 2 mapped as its clerk would (二级部门 the unit, 合:编制总数 the quota,
    合:实有人数 the staff, 编制类型 事业), checked again: the preview's JSON, with no error."""
    form = {
        "csrf_token": csrf_token(client, url),
        "kind": "agencies",
        "replaces": "",
        "header_row": "2",
        "recheck": "重新检查",
        "val_staffing_type": "事业",
    }
    choose = {"二级部门": "agency_name", "合:编制总数": "quota", "合:实有人数": "actual_reported"}
    for c in picked["file_columns"]:
        form[f"col_{c['position']}"] = choose.get(c["header"], "-")
    answered = client.post(f"/staff/upload/{picked['sha256']}/mapping", data=form)
    assert answered.status_code == 302, answered.get_data(as_text=True)
    checked = client.get(answered.location.split("#")[0] + "&format=json").get_json()
    assert not checked.get("unreadable") and checked["error_total"] == 0, checked.get("errors")
    assert checked["header_rows"] == [2]
    return checked


def test_a_form_whose_header_is_not_found_is_asked_which_row_then_mapped(
    staff_app, with_funds, tmp_path
):
    """A university's 编制 table (gaoxiao-bianzhi-he-pai-wai: 二级部门, 合：编制总数 …) has no header the
    loader knows, so it found no header row and the clerk could only upload again.  Now the page shows
    the file's first rows; the clerk says which is the header, maps its columns and the file loads."""
    from etl.text import norm
    from tests.sheets import write_xlsx

    header = ["二级部门", "合：编制总数", "合：实有人数", "派：编制总数"]
    rows = [
        ["某大学各二级单位编制情况"],
        header,
        ["文学院", "40", "38", "2"],
        ["理学院", "55", "50", "0"],
    ]
    path = write_xlsx(tmp_path / "编制.xlsx", rows)
    url, data = preview(with_funds, path, kind="agencies")
    assert data["unreadable"] and data["header_row"] is None
    shown = [norm(h) for h in header]  # as the loader reads a header: NFKC (合：→ 合:)
    assert data["head"][0][0] == "某大学各二级单位编制情况" and data["head"][1] == shown
    page = with_funds.get(url).get_data(as_text=True)
    assert "请指出表头所在的行" in page and "合:编制总数" in page
    # the row picker is the advice: the blank template is not
    assert "找不到“机构编制”数据的表头" in page and "请下载空白模板" not in page
    assert 'name="header_row" value="2"' in page

    picked = with_funds.get(url + "&header_row=2&format=json").get_json()
    assert picked["header_row"] == 1
    assert [c["header"] for c in picked["file_columns"]] == shown
    assert next(c for c in picked["file_columns"] if c["header"] == "二级部门")["samples"] == [
        "文学院",
        "理学院",
    ]
    assert {a["column"] for a in picked["asked_values"]} >= {"staffing_type"}
    page = with_funds.get(url + "&header_row=2").get_data(as_text=True)
    assert (
        'name="header_row" type="hidden" value="2"' in page or 'value="2" name="header_row"' in page
    )

    checked = _map_the_picked_row(with_funds, url, picked)
    loaded = load(with_funds, url, checked, anyway=True)
    assert loaded.status_code == 302
    with staff_app.app_context():
        got = (
            get_db()
            .execute("SELECT agency_name, quota, staffing_type FROM agencies ORDER BY agency_name")
            .fetchall()
        )
    assert got == [("文学院", 40, "事业(其他)"), ("理学院", 55, "事业(其他)")]  # 事业 is stored so


def test_a_file_of_no_kind_found_asks_the_kind_with_the_header_row(staff_app, with_funds, tmp_path):
    """Uploaded as 自动识别 and no header of any kind found: the page asks the kind beside the rows."""
    from tests.sheets import write_xlsx

    rows = [["二级部门", "合：编制总数", "合：实有人数"], ["文学院", "40", "38"]]
    url, data = preview(with_funds, write_xlsx(tmp_path / "编制.xlsx", rows), kind="auto")
    assert data["unreadable"] and data["kind"] == "auto" and "file_columns" not in data
    assert {"kind": "agencies", "title": "机构编制"} in data["kinds"]
    page = with_funds.get(url).get_data(as_text=True)
    assert '<select id="pick-kind" name="kind"' in page and "没有认出任何一类数据的表头" in page
    chosen = url.replace("kind=auto", "kind=agencies") + "&header_row=1&format=json"
    picked = with_funds.get(chosen).get_json()
    assert picked["kind"] == "agencies" and picked["header_row"] == 0
    assert [c["header"] for c in picked["file_columns"]] == [
        "二级部门",
        "合:编制总数",
        "合:实有人数",
    ]


def test_the_rows_shown_for_the_header_are_the_forms_not_a_cover_sheets(
    staff_app, with_funds, tmp_path
):
    """A workbook whose first sheet is the form's 填表说明 (a line of text a row) and whose second is the
    form: the rows the clerk picks the header from are the form's, and the mapping made from them
    finds the header on that sheet."""
    from etl.text import norm
    from tests.sheets import write_xlsx

    header = ["二级部门", "合：编制总数", "合：实有人数"]
    cover = [
        ["填表说明"],
        ["1. 编制数以编委批复为准"],
        ["2. 实有人数为年末数"],
        ["3. 金额单位：人"],
    ]
    path = write_xlsx(
        tmp_path / "编制.xlsx",
        [["某大学各二级单位编制情况"], header, ["文学院", "40", "38"], ["理学院", "55", "50"]],
        sheet="编制表",
        extra_sheets={"填表说明": cover},
    )
    url, data = preview(with_funds, path, kind="agencies")
    assert data["unreadable"] and data["header_row"] is None
    assert data["head"][1] == [norm(h) for h in header], data["head"]
    picked = with_funds.get(url + "&header_row=2&format=json").get_json()
    _map_the_picked_row(with_funds, url, picked)

"""One vocabulary of column labels: a column's canonical name -> its Chinese and English label.

The upload specs (``etl/specs.py``: the English label; the Chinese one is the header
clerks write, a spec's first alias), the public datasets and their downloads
(``fundquery/queries/datasets.py``) and the inspectors' check columns
(``fundquery/inspect/checks/``) take their labels from here.  A declaration states
a label itself only where its column means something narrower there (a
disbursement's ``amount_yuan`` is 拨付金额; a budget's ``category`` is 支出类别).
"""

from __future__ import annotations

from typing import NamedTuple


class Label(NamedTuple):
    zh: str
    en: str


LABELS: dict[str, Label] = {
    # funds and money
    "fund_code": Label("资金编码", "Fund code"),
    "fund_name": Label("资金名称", "Fund"),
    "year": Label("年度", "Year"),
    "department": Label("主管部门", "Department"),
    "category": Label("资金类别", "Category"),
    "level": Label("资金级次", "Level"),
    "pays_to": Label("发放对象", "Paid to"),
    "policy_basis": Label("政策依据", "Policy basis"),
    "budget_yuan": Label("预算金额(元)", "Budget (yuan)"),
    "standard_yuan": Label("补助标准(元)", "Standard (yuan)"),
    "ceiling_yuan": Label("最高限额", "Ceiling per payment (yuan)"),
    "notice_days": Label("公示天数", "Days a village notice stays up"),
    "amount_yuan": Label("金额(元)", "Amount (yuan)"),
    "amount_due_yuan": Label("应发金额", "Amount due (yuan)"),
    "expected_yuan": Label("应发金额", "Expected"),
    "difference_yuan": Label("差额", "Difference"),
    "excess_yuan": Label("超出金额", "Excess"),
    "overpaid_yuan": Label("多发金额", "Paid beyond"),
    "disbursed_yuan": Label("拨付金额", "Disbursed"),
    "paid_yuan": Label("发放到户金额", "Paid"),
    "gap_yuan": Label("差额（拨付 − 发放）", "Difference"),
    # disbursements
    "voucher_no": Label("凭证号", "Voucher no."),
    "vouchers": Label("拨付凭证", "Vouchers"),
    "payee": Label("收款单位", "Payee"),
    "approved_on": Label("审核签字日期", "Approved on"),
    "disbursed_on": Label("拨出日期", "Disbursed on"),
    "is_by_progress": Label("按进度拨付", "Paid by progress"),
    "reason": Label("特殊原因", "Reason"),
    # where, who
    "township": Label("乡镇", "Township"),
    "village": Label("村(社区)", "Village"),
    "villages": Label("村", "Villages"),
    "village_group": Label("组", "Group"),
    "name": Label("姓名", "Name"),
    "died_on": Label("死亡日期", "Died on"),
    "cremated_on": Label("火化日期", "Cremated on"),
    "source": Label("数据来源", "Source"),
    "month": Label("月份", "Month"),
    "gross_yuan": Label("应发工资", "Gross pay"),
    "net_yuan": Label("实发工资", "Net pay"),
    # registers of vehicles, businesses and real estate (issue 16)
    "plate_no": Label("号牌号码", "Plate"),
    "vehicle_type": Label("车辆类型", "Vehicle type"),
    "vehicle_use": Label("使用性质", "Use"),
    "registered_on": Label("登记日期", "Registered on"),
    "cancelled_on": Label("注销日期", "Cancelled on"),
    "vehicle_status": Label("机动车状态", "Vehicle status"),
    "business_name": Label("市场主体名称", "Business"),
    "credit_code": Label("统一社会信用代码", "Credit code"),
    "business_type": Label("市场主体类型", "Business type"),
    "capital_yuan": Label("注册资本(元)", "Registered capital (yuan)"),
    "founded_on": Label("成立日期", "Founded on"),
    "revoked_on": Label("吊销日期", "Revoked on"),
    "business_status": Label("登记状态", "Registration status"),
    "cert_no": Label("不动产权证号", "Title no."),
    "location": Label("坐落", "Location"),
    "property_use": Label("用途", "Use"),
    "area_m2": Label("建筑面积(㎡)", "Floor area (m²)"),
    "means_tested": Label("是否经济状况核查", "Means-tested"),
    "name_masked": Label("姓名", "Name (masked)"),
    "id_number": Label("身份证号", "ID number"),
    "id_masked": Label("身份证号", "ID number"),
    "sex": Label("性别", "Sex"),
    "birth_date": Label("出生日期", "Born"),
    "age_years": Label("年龄", "Age"),
    "household_no": Label("户号", "Household no."),
    "bank_account": Label("银行账号", "Bank account"),
    "bank_account_masked": Label("账号", "Account"),
    # payments to persons
    "period": Label("期间", "Period"),
    "quantity": Label("数量", "Quantity"),
    "paid_on": Label("发放日期", "Paid on"),
    "returned_on": Label("发放日期", "Paid on"),
    "card_status": Label("一卡通状态", "一卡通 status"),
    "payment_count": Label("户次", "Payments"),
    "paid_count": Label("发放户次", "Payments"),
    "times_paid": Label("发放次数", "Times paid"),
    "first_paid_on": Label("首户到账", "First paid"),
    "last_paid_on": Label("末户到账", "Last paid"),
    # projects and budgets
    "project_name": Label("项目名称", "Project"),
    # allocations (资金分配 / 指标下达, issue 14)
    "recipient": Label("分配单位", "Allocated to"),
    "doc_no": Label("指标文号", "Allocation document"),
    "allocated_on": Label("下达日期", "Allocated on"),
    "allocated_yuan": Label("分配金额", "Allocated"),
    "due_yuan": Label("应已拨付的分配金额", "Allocated, due by now"),
    "undisbursed_yuan": Label("未拨付金额", "Not disbursed"),
    "beyond_yuan": Label("超分配拨付金额", "Disbursed beyond"),
    "voucher_count": Label("拨付笔数", "Vouchers"),
    "doc_nos": Label("指标文号", "Allocation documents"),
    "contractor": Label("实施单位", "Contractor"),
    "start_on": Label("开工日期", "Start"),
    "status": Label("状态", "Status"),
    "item": Label("科目名称", "Item"),
    # agencies and staff
    "agency_code": Label("单位代码", "Agency code"),
    "agency_name": Label("单位名称", "Agency"),
    "agency_type": Label("单位类型", "Agency type"),
    "agencies": Label("所在单位", "Agencies"),
    "agency_count": Label("单位数", "Agencies"),
    "staffing_type": Label("编制类型", "Staffing type"),
    "staffing_types": Label("编制类型", "Staffing types"),
    "quota": Label("编制数", "Quota"),
    "actual_reported": Label("实有人数(上报)", "Actual (reported)"),
    "on_roll": Label("名册在职人数", "On the roll"),
    "over_count": Label("超编人数", "Over"),
    "post": Label("职务(岗位)", "Post"),
    "hired_on": Label("入编时间", "Hired on"),
    "retire_on": Label("应退休日期", "Due to retire"),
    "months_past": Label("超过月数", "Months past"),
    "relief_funds": Label("救助资金", "Relief funds"),
    # consultations and complaints
    "message_type": Label("类型", "Type"),
    "question": Label("问题", "Question"),
    "reply": Label("答复", "Reply"),
    "receipt_no": Label("回执号", "Receipt"),
    "received_on": Label("留言日期", "Received on"),
    "replied_on": Label("答复日期", "Replied on"),
    "deadline_on": Label("答复期限", "Due"),
    # batches, time
    "batch_id": Label("批次", "Batch"),
    "batches": Label("批次", "Batches"),
    "row_no": Label("行号", "Row"),
    "file_name": Label("文件", "File"),
    "published_on": Label("公开日期", "Published"),
    "working_days": Label("工作日", "Working days"),
    "working_days_late": Label("超期工作日", "Working days late"),
    "is_provisional": Label("暂按周一至周五", "Provisional"),
    "delay_days": Label("间隔天数", "Days"),
    "wait_days": Label("滞留天数", "Days waited"),
    "days_waiting": Label("已滞留天数", "Days waiting"),
    "days_since": Label("退回后天数", "Days since"),
    "total_days": Label("审核到首户到账天数", "Approval to first payment"),
    "bucket": Label("时段", "Bucket"),
}


def label(name: str) -> Label:
    """The column's labels; a column without one is a mistake to fix here, not to label again elsewhere."""
    try:
        return LABELS[name]
    except KeyError:
        raise KeyError(f"column {name!r} has no label: add it to etl/labels.py") from None

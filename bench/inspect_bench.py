"""Every discrepancy check of the catalogue on a 10,000,000-payment store; prints the figures.

A benchmark, not a test.  The store is built in DuckDB SQL (through the
loader 10 M rows would take an hour): the seed county's shape — 35 person
funds, 12 townships, 600 villages, about 830 k people paid monthly — with
disbursements to each township's finance office per fund and quarter for
exactly what was paid, 11,482 staff in 343 agencies, and a few hundred
planted anomalies so that no check runs on an empty result.

    .venv/bin/python bench/inspect_bench.py               # 10 M rows (~2 min on 2 cores)
    .venv/bin/python bench/inspect_bench.py --rows 1000000
    .venv/bin/python bench/inspect_bench.py --rows 1000000 --registers 0.1   # registers at a tenth

Target (issue 5): the whole catalogue under 10 s, any single check under 2 s.
Figures go to stdout and bench/out/inspect.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl.store import connect  # noqa: E402
from fundquery.inspect import CATALOGUE, Filters, Params, run  # noqa: E402
from fundquery.inspect.checks.delays import distribution  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"

BUILD = [
    # One published batch per kind.
    "INSERT INTO batches (batch_id, kind, file_name, sha256, uploaded_by, row_count, status, published_at)"
    " SELECT i, k, k || '.csv', md5(k), 'bench', 0, 'published', TIMESTAMP '2025-01-10 09:00:00'"
    " FROM (VALUES (1, 'funds'), (2, 'disbursements'), (3, 'payments'), (4, 'agencies'), (5, 'staff'),"
    " (6, 'payments'), (7, 'deaths'), (8, 'payroll'), (9, 'vehicles'), (10, 'businesses'),"
    " (11, 'properties'), (12, 'allocations')) t(i, k)",
    "INSERT INTO funds (batch_id, row_no, fund_code, fund_name, department, year, budget_yuan, pays_to, standard_yuan)"
    " SELECT 1, f, 'F2024' || lpad(f::VARCHAR, 3, '0'),"
    " CASE f WHEN 2 THEN '农村最低生活保障金' WHEN 3 THEN '特困人员救助供养金' WHEN 4 THEN '城市最低生活保障金'"
    " ELSE '专项资金' || f END, '县部门' || (f % 10), 2024, 10000000, CASE WHEN f <= 35 THEN 'persons' ELSE 'projects' END,"
    " 100 + f FROM range(1, 56) t(f)",
    # Payments: person p is paid for 12 months; the fund cycles over the 35 person funds.
    "INSERT INTO payments (batch_id, row_no, fund_code, year, period, township, village, village_group, name, id_hash,"
    " id_masked, sex, birth_date, household_no, quantity, standard_yuan, amount_yuan, paid_on, card_status, voucher_no)"
    " SELECT 3, i, 'F2024' || lpad((1 + (i // 12) % 35)::VARCHAR, 3, '0'), 2024, '2024-' || lpad((1 + i % 12)::VARCHAR, 2, '0'),"
    " '乡镇' || ((i // 12) % 12), '村' || ((i // 12) % 600), (1 + (i // 12) % 9) || '组', '姓名' || (i // 12),"
    " md5((i // 12)::VARCHAR), '422822********' || lpad(((i // 12) % 10000)::VARCHAR, 4, '0'),"
    " CASE WHEN (i // 12) % 2 = 0 THEN '男' ELSE '女' END, DATE '1950-01-01' + ((i // 12) % 20000)::INTEGER,"
    " 'H' || (i // 12), 1 + (i // 12) % 5, 100 + (1 + (i // 12) % 35), (1 + (i // 12) % 5) * (100 + (1 + (i // 12) % 35)),"
    " make_date(2024, 1 + i % 12, 10 + (i // 12) % 12), CASE WHEN i % 5000 = 7 THEN '退回' ELSE '已发放' END,"
    " CASE WHEN (1 + (i // 12) % 35) IN (2, 3) THEN 'PZ' || (1 + (i // 12) % 35) || '-' || ((i // 12) % 12) || '-'"
    " || ((i % 12) // 3) END"
    " FROM range($rows) t(i)",
    # Disbursements: per fund, township and quarter, exactly what was paid, just before the first payment.
    "INSERT INTO disbursements (batch_id, row_no, voucher_no, fund_code, payee, amount_yuan, approved_on, disbursed_on,"
    " is_by_progress, reason)"
    " SELECT 2, row_number() OVER (), 'PZ' || CAST(right(fund_code, 3) AS INTEGER) || '-' || substr(township, 3) || '-' || q,"
    " fund_code, township || '财政所', paid, first_paid - CAST(5 + n % 14 AS INTEGER), first_paid - 3, false, NULL"
    " FROM (SELECT fund_code, township, (month(paid_on) - 1) // 3 AS q, sum(amount_yuan) AS paid,"
    " min(paid_on) AS first_paid, count(*) AS n FROM payments WHERE card_status = '已发放' GROUP BY ALL)",
    # Planted: paid twice (another batch), off the standard, a shortfall and a stuck disbursement.
    "INSERT INTO payments BY NAME SELECT * REPLACE (6 AS batch_id, NULL AS voucher_no)"
    " FROM payments WHERE batch_id = 3 AND row_no % 50021 = 3",
    "UPDATE payments SET amount_yuan = amount_yuan + 100 WHERE batch_id = 3 AND row_no % 70001 = 5",
    "UPDATE disbursements SET amount_yuan = amount_yuan + 12600 WHERE row_no % 97 = 1",
    "INSERT INTO disbursements VALUES (2, 99999, 'PZ-STUCK', 'F2024004', '乡镇99财政所', 28800, DATE '2024-03-01',"
    " DATE '2024-03-02', false, NULL), (2, 100000, 'PZ-NEVER', 'F2024040', '某公司', 36100, DATE '2024-09-04', NULL, false, NULL)",
    # 343 agencies (two 编制类型 each) and 11,482 staff; a few on relief, over age, inactive, on two rolls.
    "INSERT INTO agencies (batch_id, row_no, agency_code, agency_name, department, staffing_type, quota, actual_reported)"
    " SELECT 4, a * 2 + t, 'A' || a, '单位' || a, '县部门' || (a % 10), CASE t WHEN 0 THEN '行政' ELSE '工勤' END,"
    " CASE WHEN a % 100 = 0 THEN 10 ELSE 40 END, 30 FROM range(343) r(a), range(2) s(t)",
    "INSERT INTO staff (batch_id, row_no, agency_code, agency_name, name, id_hash, id_masked, sex, birth_date, staffing_type,"
    " post, status)"
    " SELECT 5, s, 'A' || (s % 343), '单位' || (s % 343), '职工' || s,"
    " CASE WHEN s % 2000 = 0 THEN md5(((s // 2000) * 35 + 1)::VARCHAR) ELSE md5('staff' || (s % 11470)) END,"
    " '422822********0000', CASE WHEN s % 2 = 0 THEN '男' ELSE '女' END,"
    " CASE WHEN s % 3000 = 1 THEN DATE '1960-01-01' ELSE DATE '1975-01-01' + (s % 9000)::INTEGER END,"
    " CASE WHEN s % 7 = 0 THEN '工勤' ELSE '行政' END, '科员', CASE WHEN s % 4000 = 2 THEN '死亡' ELSE '在职' END"
    " FROM range($staff) t(s)",
    # Registers (issue 16).  Deaths: a tenth of the payment rows, most of people never paid; every
    # 1,000th is a payee (died 2024-03-10, paid to December: nine findings each), every 997th of
    # those under another name.
    "INSERT INTO deaths (batch_id, row_no, name, id_hash, id_masked, sex, birth_date, died_on, source)"
    " SELECT 7, d, CASE WHEN d % 1000 = 0 AND d % 997000 <> 0 THEN '姓名' || (d // 1000) ELSE '死者' || d END,"
    " CASE WHEN d % 1000 = 0 THEN md5((d // 1000)::VARCHAR) ELSE md5('dead' || d) END,"
    " '422822********0000', '男', DATE '1940-01-01', CASE WHEN d % 1000 = 0 THEN DATE '2024-03-10'"
    " ELSE DATE '2024-01-01' + (d % 366)::INTEGER END, '县殡仪馆'"
    " FROM range($deaths) t(d)",
    # Payroll: every member of staff each month, and 20 ghosts paid by agencies whose roll lacks them.
    "INSERT INTO payroll (batch_id, row_no, agency_code, agency_name, name, id_hash, id_masked, month, gross_yuan,"
    " net_yuan)"
    " SELECT 8, s * 12 + m, agency_code, agency_name, name, id_hash, id_masked, make_date(2024, m + 1, 1), 6000, 4800"
    " FROM (SELECT row_number() OVER () AS s, * FROM staff), range(12) r(m)",
    "INSERT INTO payroll (batch_id, row_no, agency_code, agency_name, name, id_hash, id_masked, month, gross_yuan,"
    " net_yuan)"
    " SELECT 8, 10000000 + g * 12 + m, 'A' || g, '单位' || g, '空饷' || g, md5('ghost' || g), '422822********0000',"
    " make_date(2024, m + 1, 1), 6000, 4800 FROM range(20) t(g), range(12) r(m)",
    # The rest of a province's payroll (issue 16: 10 M rows): people on 20,000 more agencies' rolls, paid
    # every month; every 5,003rd is not paid from September (roll_not_on_payroll), every 7,919th is
    # paid by a second agency too (payroll_two_agencies).
    "INSERT INTO agencies (batch_id, row_no, agency_code, agency_name, department, staffing_type, quota,"
    " actual_reported)"
    " SELECT 4, 1000 + a, 'B' || a, '机关' || a, '县部门' || (a % 10), '行政', 100, 5 FROM range(20000) t(a)",
    "INSERT INTO staff (batch_id, row_no, agency_code, agency_name, name, id_hash, id_masked, sex, birth_date,"
    " staffing_type, post, status)"
    " SELECT 5, 100000 + e, 'B' || (e % 20000), '机关' || (e % 20000), '供养' || e, md5('paid' || e),"
    " '422822********0000', '男', DATE '1975-01-01', '行政', '科员', '在职' FROM range($paid_people) t(e)",
    "INSERT INTO payroll (batch_id, row_no, agency_code, agency_name, name, id_hash, id_masked, month, gross_yuan,"
    " net_yuan)"
    " SELECT 8, 20000000 + e * 12 + m, 'B' || (e % 20000), '机关' || (e % 20000), '供养' || e, md5('paid' || e),"
    " '422822********0000', make_date(2024, m + 1, 1), 6000, 4800"
    " FROM range($paid_people) t(e), range(12) r(m) WHERE e % 5003 <> 1 OR m < 8",
    "INSERT INTO payroll BY NAME SELECT * REPLACE (row_no + 200000000 AS row_no, 'C1' AS agency_code,"
    " '另一机关' AS agency_name) FROM payroll WHERE row_no >= 20000000 AND (row_no - 20000000) // 12 % 7919 = 3",
    # Vehicles (2 M), businesses (1 M), properties (1 M): mostly people never paid; every 500th vehicle,
    # 1,000th business and 200th property is a payee's (payee p: name 姓名p, hash md5(p)); a tenth of the
    # vehicles are motorcycles (exempt), a fiftieth cancelled in 2024.  Funds 2-4 are means-tested by name.
    "INSERT INTO vehicles (batch_id, row_no, name, id_hash, id_masked, sex, birth_date, plate_no, vehicle_type,"
    " vehicle_use, registered_on, vehicle_status, cancelled_on)"
    " SELECT 9, v, CASE WHEN v % 500 = 0 THEN '姓名' || (v // 500) ELSE '车主' || v END,"
    " CASE WHEN v % 500 = 0 THEN md5((v // 500)::VARCHAR) ELSE md5('car' || v) END, '422822********0000', '男',"
    " DATE '1970-01-01', '豫P' || v, CASE WHEN v % 10 = 3 THEN '普通二轮摩托车' ELSE '小型轿车' END, '非营运',"
    " DATE '2015-01-01' + (v % 3500)::INTEGER, CASE WHEN v % 50 = 1 THEN 'E' ELSE 'A' END,"
    " CASE WHEN v % 50 = 1 THEN DATE '2024-01-01' + (v % 366)::INTEGER END FROM range($vehicles) t(v)",
    "INSERT INTO businesses (batch_id, row_no, business_name, credit_code, name, id_hash, id_masked, sex,"
    " birth_date, business_type, capital_yuan, founded_on, cancelled_on, revoked_on, business_status)"
    " SELECT 10, b, '商户' || b, '92411522' || lpad(b::VARCHAR, 10, '0'),"
    " CASE WHEN b % 1000 = 0 THEN '姓名' || (b // 1000) ELSE '经营者' || b END,"
    " CASE WHEN b % 1000 = 0 THEN md5((b // 1000)::VARCHAR) ELSE md5('firm' || b) END, '422822********0000',"
    " '男', DATE '1970-01-01', CASE WHEN b % 3 = 0 THEN '有限责任公司' ELSE '个体工商户' END, (b % 7) * 30000,"
    " DATE '2010-01-01' + (b % 5000)::INTEGER, CASE WHEN b % 13 = 1 THEN DATE '2024-01-01' + (b % 366)::INTEGER END,"
    " NULL, CASE WHEN b % 13 = 1 THEN '注销' ELSE '存续' END FROM range($businesses) t(b)",
    "INSERT INTO properties (batch_id, row_no, name, id_hash, id_masked, sex, birth_date, cert_no, location,"
    " property_use, area_m2, registered_on, cancelled_on)"
    " SELECT 11, e, CASE WHEN e % 200 = 0 THEN '姓名' || (e // 200) ELSE '权利人' || e END,"
    " CASE WHEN e % 200 = 0 THEN md5((e // 200)::VARCHAR) ELSE md5('home' || e) END, '422822********0000', '男',"
    " DATE '1970-01-01', '不动产权第' || e || '号', '城关镇' || e || '号', '住宅', 60 + e % 150,"
    " DATE '2005-01-01' + (e % 7000)::INTEGER, NULL FROM range($properties) t(e)",
    # Allocations (资金分配, issue 14): per fund and township what its vouchers disbursed, allocated on
    # 5 January; every 37th (fund, township) was allocated 50,000 more than was disbursed
    # (allocation_not_disbursed), every 41st 1,000 less (disbursed_beyond_allocation).
    "INSERT INTO allocations (batch_id, row_no, fund_code, year, recipient, doc_no, allocated_on, amount_yuan)"
    " SELECT 12, n, fund_code, 2024, replace(payee, '财政所', ''), '县财预〔2024〕' || n || '号', DATE '2024-01-05',"
    " sent + CASE WHEN n % 37 = 0 THEN 50000 WHEN n % 41 = 0 THEN -1000 ELSE 0 END"
    " FROM (SELECT row_number() OVER (ORDER BY fund_code, payee) AS n, fund_code, payee, sum(amount_yuan) AS sent"
    " FROM disbursements WHERE voucher_no NOT IN ('PZ-STUCK', 'PZ-NEVER') GROUP BY fund_code, payee)",
]


# The registers' sizes at --registers 1 (issue 16): 10 M payroll rows, 2 M vehicles, 1 M each of
# businesses and properties (deaths follow --rows: a tenth of the payments).
REGISTERS = {
    "payroll": 10_000_000,
    "vehicles": 2_000_000,
    "businesses": 1_000_000,
    "properties": 1_000_000,
}


def parameters(rows: int, registers: float = 1.0) -> dict[str, int]:
    """BUILD's parameters: `rows` payments, the registers at `registers` × REGISTERS."""
    sizes = {k: round(v * registers) for k, v in REGISTERS.items()}
    return {
        "rows": rows,
        "staff": 11_482,
        "deaths": rows // 10,
        "paid_people": max(0, sizes["payroll"] - 11_482 * 12) // 12,
        **sizes,
    }


def build(path: Path, rows: int, registers: float = 1.0) -> float:
    if path.exists():
        path.unlink()
    con = connect(path)
    start = time.perf_counter()
    wanted = parameters(rows, registers)
    for sql in BUILD:
        con.execute(sql, {k: v for k, v in wanted.items() if f"${k}" in sql})
    con.execute(
        "UPDATE batches SET row_count = (SELECT count(*) FROM payments WHERE batch_id = 3) WHERE batch_id = 3"
    )
    con.execute("CHECKPOINT")
    seconds = time.perf_counter() - start
    con.close()
    return seconds


def _cpu_seconds() -> float:
    """User and system CPU seconds of this process, every DuckDB thread included: on a shared machine
    they move much less than the wall clock (bench/README.md)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument(
        "--keep", action="store_true", help="reuse bench/out/inspect.duckdb if it exists"
    )
    parser.add_argument(
        "--repeat", type=int, default=2, help="runs per check; the best is reported"
    )
    parser.add_argument(
        "--registers",
        type=float,
        default=1.0,
        help="the registers' sizes as a share of issue 16's (10 M payroll, 2 M vehicles, 1 M businesses and properties)",
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "inspect.duckdb"
    if not (args.keep and path.exists()):
        print(f"building a store of {args.rows:,} payments …", flush=True)
        print(f"  built in {build(path, args.rows, args.registers):.1f} s", flush=True)
    load_before = os.getloadavg()
    con = connect(path, read_only=True)
    payments = con.execute("SELECT count(*) FROM live_payments").fetchone()[0]
    register_rows = {
        table: con.execute(f"SELECT count(*) FROM live_{table}").fetchone()[0]  # noqa: S608 (fixed names)
        for table in ("deaths", "payroll", "vehicles", "businesses", "properties")
    }
    print("  registers: " + ", ".join(f"{k} {v:,}" for k, v in register_rows.items()), flush=True)
    params, filters = Params(as_of=dt.date(2024, 12, 31)), Filters()
    figures = []
    for check in CATALOGUE:
        times, cpu, found = [], [], 0
        for _ in range(args.repeat):
            start, cpu_start = time.perf_counter(), _cpu_seconds()
            found = run(con, check, params, filters).count
            times.append(time.perf_counter() - start)
            cpu.append(_cpu_seconds() - cpu_start)
        best = min(times)
        figures.append(
            {
                "check": check.label,
                "seconds": round(best, 3),
                "cpu_seconds": round(cpu[times.index(best)], 3),
                "first_seconds": round(times[0], 3),
                "findings": found,
            }
        )
        print(
            f"  {check.label:<24} {best:7.3f} s  cpu {cpu[times.index(best)]:6.2f} s"
            f"  {found:>8,} findings  (first run {times[0]:.3f} s)",
            flush=True,
        )
    # The whole catalogue once more, each check timed within it: the total against the sum of
    # the checks' best times shows what running them one after another adds.
    start = time.perf_counter()
    for figure, check in zip(figures, CATALOGUE, strict=True):
        started = time.perf_counter()
        run(con, check, params, filters)
        figure["in_whole_seconds"] = round(time.perf_counter() - started, 3)
    whole = time.perf_counter() - start
    best_sum = sum(f["seconds"] for f in figures)
    print(f"  whole catalogue {whole:.2f} s; sum of the checks' best times {best_sum:.2f} s")
    for figure in sorted(figures, key=lambda f: f["seconds"] - f["in_whole_seconds"])[:5]:
        print(
            f"    {figure['check']:<24} in the whole run {figure['in_whole_seconds']:7.3f} s, "
            f"best {figure['seconds']:.3f} s",
            flush=True,
        )
    start = time.perf_counter()
    for stage in ("treasury", "payout"):
        for by in ("all", "fund", "department"):
            distribution(con, params, filters, by=by, stage=stage)
    delay_report = time.perf_counter() - start
    con.close()
    slowest = max(figures, key=lambda f: f["seconds"])
    summary = {
        "payments": payments,
        "registers": register_rows,
        "load_average_before": load_before,
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "checks": figures,
        "whole_catalogue_seconds": round(whole, 2),
        "sum_of_best_seconds": round(best_sum, 2),
        "slowest": slowest,
        "delay_report_seconds": round(delay_report, 2),
        "targets": {"whole_catalogue_seconds": 10, "single_check_seconds": 2},
    }
    print(
        f"load average {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after; "
        f"payments {payments:,} on {os.cpu_count()} CPUs: whole catalogue {whole:.2f} s; slowest "
        f"{slowest['check']} {slowest['seconds']:.2f} s; delay report (both stages, 3 groupings) {delay_report:.2f} s"
    )
    (OUT / "inspect.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

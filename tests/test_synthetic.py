"""The synthetic county: its files read back hold what the manifest says, and nothing else planted.

The files are read here with python-calamine and the csv module, not through
the generator, so a writer bug cannot hide behind the generator's own tally.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import chinese_calendar
import pytest
from python_calamine import CalamineWorkbook
from stdnum.cn import ric

from etl.specs import CARD_STATUS, SPECS, STAFF_STATUS, STAFFING_TYPES
from fundquery.synthetic import build_plan, generate
from fundquery.synthetic.money import split_exact
from fundquery.synthetic.plan import targets

SCALE = 0.01
TOTAL = {"合计", "小计", "总计"}
UNIT = re.compile(r"\((元|亩|元/亩)\)$")


# -- reading the files back ------------------------------------------------------------


def raw_rows(root: Path, entry) -> list[list]:
    path = root / entry.path
    if entry.format == "csv":
        return list(csv.reader(io.StringIO(path.read_bytes().decode(entry.encoding))))
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def text(cell) -> str:
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, dt.date):
        return cell.isoformat()[:10]
    return unicodedata.normalize("NFKC", str(cell)).strip()


def header_name(cell: str) -> str:
    return UNIT.sub("", cell)


def records(root: Path, entry) -> list[dict[str, str]]:
    """Data rows as {canonical column: text}: header found under the titles, blank and total rows
    skipped, the wide agencies table melted (all-zero groups dropped)."""
    spec = SPECS[entry.kind]
    alias_of = {a: c.name for c in spec.columns for a in c.aliases}
    rows = [[text(c) for c in r] for r in raw_rows(root, entry)]
    h = next(i for i, r in enumerate(rows) if sum(header_name(c) in alias_of for c in r) >= 2)
    header, body = [header_name(c) for c in rows[h]], rows[h + 1 :]
    groups = None
    if spec.wide and body and "编制数" in body[0]:
        groups, sub, body = [], body[0], body[1:]
        for j, c in enumerate(header):
            groups.append(c or groups[-1] if j else c)
    out = []
    for r in body:
        if not any(r) or TOTAL & set(r):
            continue
        base = {alias_of[c]: v for c, v in zip(header, r, strict=False) if c in alias_of}
        if groups is None:
            out.append(base)
            continue
        for g in dict.fromkeys(g for g, s in zip(groups, sub, strict=False) if s):
            m = {s: v for gg, s, v in zip(groups, sub, r, strict=False) if gg == g and s}
            if any(m[k] not in ("", "0") for k in m):
                out.append(
                    {
                        **base,
                        "staffing_type": g,
                        "quota": m["编制数"],
                        "actual_reported": m["实有人数"],
                    }
                )
    return out


def amount(value: str) -> Decimal:
    return Decimal(value.replace(",", "").removesuffix("元"))


def date(value: str) -> dt.date | None:
    if not value:
        return None
    m = re.fullmatch(r"(\d{4})\D(\d{1,2})\D(\d{1,2})日?", value) or re.fullmatch(
        r"(\d{4})(\d\d)(\d\d)", value
    )
    return dt.date(*map(int, m.groups()))


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    out = tmp_path_factory.mktemp("county")
    return generate(out, scale=SCALE)


@pytest.fixture(scope="module")
def read(county):
    """kind -> every record of that kind, in load order; plus the file each came from."""
    by_kind = defaultdict(list)
    for entry in county.files:
        for rec in records(county.out_dir, entry):
            by_kind[entry.kind].append({**rec, "_file": entry.path})
    return by_kind


def _supplements(county):
    """The 补发清册 (one per month rows were missed in): the payments files after the funds' own."""
    return [f for f in county.files if f.kind == "payments" and "several_funds" in f.traits]


# -- the manifest and the counts -------------------------------------------------------


def test_files_are_listed_in_load_order_and_exist(county):
    kinds = [f.kind for f in county.files]
    order = ["funds", "agencies", "staff", "budgets", "disbursements", "allocations", "projects"]
    order += ["payments"]
    order += [
        "deaths",
        "payroll",
        "vehicles",
        "businesses",
        "properties",
    ]  # registers, last (issue 16)
    assert sorted(kinds, key=order.index) == kinds
    assert any("duplicate_payments" in f.traits for f in _supplements(county))
    assert {p.name for p in county.out_dir.iterdir()} == {f.path for f in county.files} | {
        "manifest.json"
    }
    for entry in county.files:
        spec = SPECS[entry.kind]
        aliases = {a for c in spec.columns for a in c.aliases} | {"序号"}
        if spec.wide:
            aliases |= set(spec.wide.groups) | {a for m in spec.wide.measures.values() for a in m}
        assert {header_name(text(h)) for h in entry.header} <= aliases, entry.path


def test_counts_read_back_match_the_manifest(county, read):
    for entry in county.files:
        assert len(records(county.out_dir, entry)) == entry.rows, entry.path
    e = county.expected
    pays_to = Counter(r["pays_to"] for r in read["funds"])
    assert (len(read["funds"]), pays_to["到人(户)"], pays_to["到项目"]) == (
        e["funds"]["count"],
        e["funds"]["by_pays_to"]["persons"],
        e["funds"]["by_pays_to"]["projects"],
    )
    by_pays_to = defaultdict(Decimal)
    for r in read["funds"]:
        by_pays_to[r["pays_to"]] += amount(r["budget_yuan"])
    assert str(by_pays_to["到人(户)"]) == e["funds"]["budget_yuan"]["persons"]
    assert str(sum(by_pays_to.values())) == e["funds"]["budget_yuan"]["all"]
    assert len(read["payments"]) == e["payments"]["rows"]
    assert (
        str(sum(amount(r["amount_yuan"]) for r in read["payments"])) == e["payments"]["amount_yuan"]
    )
    assert len(read["projects"]) == e["projects"]["count"]
    assert (
        str(sum(amount(r["amount_yuan"]) for r in read["projects"])) == e["projects"]["amount_yuan"]
    )
    assert (
        str(sum(amount(r["amount_yuan"]) for r in read["budgets"])) == e["budgets"]["amount_yuan"]
    )
    assert len({r["department"] for r in read["budgets"]}) == e["budgets"]["departments"]
    assert {"基本支出", "项目支出", "三公经费"} == {r["category"] for r in read["budgets"]}
    assert {"因公出国(境)费", "公务用车购置及运行费", "公务接待费"} <= {
        r["item"] for r in read["budgets"]
    }
    assert len({r["agency_code"] for r in read["agencies"]}) == e["agencies"]["count"]
    assert len(read["agencies"]) == e["agencies"]["rows"]
    assert len(read["staff"]) == e["staff"]["rows"]
    assert len(read["disbursements"]) == e["disbursements"]["rows"]
    assert len(read["allocations"]) == e["allocations"]["rows"]
    assert (
        str(sum(amount(r["amount_yuan"]) for r in read["allocations"]))
        == e["allocations"]["amount_yuan"]
    )


def test_counts_scale_from_the_seed_county(county):
    """Rows scale; the catalogue (every fund, department and township) does not."""
    t = targets(SCALE)
    e = county.expected
    assert e["payments"]["rows"] == round(882_804 * SCALE)
    assert e["staff"]["rows"] == round(11_482 * SCALE)
    assert e["agencies"]["count"] == max(20, round(343 * SCALE))
    assert e["projects"]["count"] == max(20, round(359 * SCALE))
    assert e["funds"]["by_pays_to"] == {"persons": 35, "projects": 20}
    assert len(e["projects"]["by_fund"]) == 20  # a project in every project fund
    assert len(e["payments"]["rows_by_fund"]) == 35
    assert e["budgets"]["departments"] == 10 and e["budgets"]["amount_wan"] == "1814.99"
    assert t.delays == tuple(int(n * SCALE + 0.5) for n in (931, 126, 161))


def test_a_small_county_keeps_the_shape_of_the_seed_county(county, read):
    """Every township, every department's lines with its 三公经费, every fund paying in several places."""
    assert len({r["township"] for r in read["payments"]}) == 15
    budgets = defaultdict(set)
    for r in read["budgets"]:
        budgets[r["department"]].add(r["category"])
    assert len(budgets) == 10 and all(
        c == {"基本支出", "项目支出", "三公经费"} for c in budgets.values()
    )
    places = defaultdict(set)
    for r in read["payments"]:
        places[r["fund_code"]].add((r["township"], r["village"]))
    assert len(places) == 35 and all(
        len(p) >= 2 for p in places.values()
    )  # urban funds: the 社区 only
    assert sum(len({t for t, _ in p}) >= 3 for p in places.values()) >= 30
    assert (
        len({r["agency_code"] for r in read["staff"]})
        == len({r["agency_code"] for r in read["agencies"]})
        >= 20
    )
    statuses = Counter(CARD_STATUS[r["card_status"]] for r in read["payments"])
    assert set(statuses) == {"已发放", "待发放", "发放中", "退回"}


def test_delay_buckets_read_back(county, read):
    buckets = Counter()
    for r in read["disbursements"]:
        approved, disbursed = date(r["approved_on"]), date(r["disbursed_on"])
        if disbursed:
            days = (disbursed - approved).days
            buckets["le3" if days <= 3 else "4to10" if days <= 10 else "gt10"] += 1
    assert dict(buckets) == {
        k: v for k, v in county.expected["disbursements"]["delay_buckets"].items() if v
    }
    # A small county needs an allocation per fund and township: more disbursements than the
    # scaled seed's, in the seed's proportions 931 : 126 : 161.
    total = sum(buckets.values())
    assert total >= sum(targets(SCALE).delays)
    assert [buckets["le3"], buckets["4to10"], buckets["gt10"]] == split_exact(
        total, [931, 126, 161], 1
    )


def test_every_id_number_passes_the_full_check(county, read):
    as_of = dt.date.fromisoformat(county.as_of)
    numbers = {r["id_number"] for kind in ("payments", "staff") for r in read[kind]}
    assert numbers and all(ric.is_valid(n) for n in numbers)
    assert all(ric.get_birth_date(n) <= as_of for n in numbers)
    assert all(ric.calc_check_digit(n) == n[-1] for n in numbers)


def test_amounts_are_quantity_times_standard_except_the_planted(county, read):
    off = {
        (r["id_number"], r["fund_code"], r["period"])
        for r in read["payments"]
        if amount(r["amount_yuan"]) != amount(r["quantity"]) * amount(r["standard_yuan"])
    }
    assert off == {
        (a["id_number"], a["fund_code"], a["period"]) for a in county.anomalies["wrong_amount"]
    }


def test_encodings_and_messy_traits(county):
    raw = {f.path: (county.out_dir / f.path).read_bytes() for f in county.files}
    gbk = [f for f in county.files if f.encoding == "gbk"]
    bom = [f for f in county.files if f.encoding == "utf-8-sig"]
    assert gbk and bom
    for f in gbk:
        assert raw[f.path].decode("gbk") and not raw[f.path].startswith(b"\xef\xbb\xbf")
        with pytest.raises(UnicodeDecodeError):
            raw[f.path].decode("utf-8")
    assert all(raw[f.path].startswith(b"\xef\xbb\xbf") for f in bom)
    cells = [str(c) for f in county.files for r in raw_rows(county.out_dir, f) for c in r]
    dates = [
        c
        for f in county.files
        for r in raw_rows(county.out_dir, f)
        for c in r
        if isinstance(c, dt.date)
    ]
    assert dates, "Excel date cells"
    for pattern in (
        r"\d{4}年\d{1,2}月\d{1,2}日",
        r"\d{4}/\d{1,2}/\d{1,2}",
        r"20\d{6}",
        r"\d\.\d\d元",
        r"\d{1,3}(,\d{3})+\.\d\d",
        r"[０-９]",
        r"^(合计|小计|总计)$",
        r"（亩）",
    ):
        assert any(re.search(pattern, c) for c in cells), pattern
    traits = {t for f in county.files for t in f.traits}
    assert {"title_rows", "total_row", "two_level_header", "wide_layout", "blank"} <= traits


# -- the planted anomalies, and nothing else --------------------------------------------


def _keys(entries, *fields):
    return {tuple(e[f] for f in fields) for e in entries}


def test_payment_anomalies_are_exactly_the_planted(county, read):
    a = county.anomalies
    pays = [{**r, "status": CARD_STATUS[r["card_status"]]} for r in read["payments"]]
    paid_twice = Counter(
        (r["id_number"], r["fund_code"], r["period"]) for r in pays if r["status"] != "退回"
    )
    assert {k for k, n in paid_twice.items() if n > 1} == _keys(
        a["duplicates"], "id_number", "fund_code", "period"
    )
    assert {
        (r["id_number"], r["fund_code"], r["period"]) for r in pays if r["status"] == "退回"
    } == _keys(a["returned"], "id_number", "fund_code", "period")
    for d in a["duplicates"]:
        assert d["id_masked"] == d["id_number"][:6] + "*" * 8 + d["id_number"][-4:]
        assert d["files"][-1] in {f.path for f in _supplements(county)}
        assert d["files"][0] not in {f.path for f in _supplements(county)}
    # 发放中 (still at the bank on the as-of date) and 待发放: no date paid, no voucher.
    in_progress = {
        (r["id_number"], r["fund_code"], r["period"]) for r in pays if r["status"] == "发放中"
    }
    assert in_progress and in_progress == _keys(
        county.decoys["payments_in_progress"], "id_number", "fund_code", "period"
    )
    assert all(
        not r["paid_on"] and not r.get("voucher_no")
        for r in pays
        if r["status"] in ("发放中", "待发放")
    )


def test_payment_lists_are_monthly_and_published_within_20_working_days(county, read):
    """A fund's own list holds one month's payments; every list is published on a working day
    within 20 working days (chinesecalendar) of each payment in it, except the planted late."""
    planted = {
        (p["file"], p["township"], p["paid_on"]) for p in county.anomalies["late_publication"]
    }
    assert planted
    files = {f.path: f for f in county.files if f.kind == "payments"}
    assert all(f.published_on for f in files.values())
    paid = defaultdict(set)
    for r in read["payments"]:
        if date(r["paid_on"]):
            paid[r["_file"]].add((r["township"], date(r["paid_on"])))
    late = set()
    for path, days in paid.items():
        if "several_funds" not in files[path].traits:
            assert len({d.month for _, d in days}) == 1, path
        published = dt.date.fromisoformat(files[path].published_on)
        assert chinese_calendar.is_workday(published) and published <= dt.date.fromisoformat(
            county.as_of
        )
        for township, day in days:
            worked = len(chinese_calendar.get_workdays(day + dt.timedelta(days=1), published))
            if worked > 20:
                late.add((path, township, day.isoformat()))
    assert late == planted


def test_allocation_gaps_are_exactly_the_planted(county, read):
    a = county.anomalies
    person_funds = {r["fund_code"] for r in read["funds"] if r["pays_to"] == "到人(户)"}
    allocated, paid = defaultdict(Decimal), defaultdict(Decimal)
    never, late = set(), set()
    for r in read["disbursements"]:
        approved, disbursed = date(r["approved_on"]), date(r["disbursed_on"])
        if disbursed is None:
            never.add(r["voucher_no"])
        elif (
            (disbursed - approved).days > 10 and r["is_by_progress"] == "否" and not r.get("reason")
        ):
            late.add(r["voucher_no"])
        if disbursed and r["fund_code"] in person_funds and r["payee"].endswith("财政所"):
            allocated[(r["fund_code"], r["payee"].removesuffix("财政所"))] += amount(
                r["amount_yuan"]
            )
    for r in read["payments"]:
        if CARD_STATUS[r["card_status"]] == "已发放":
            paid[(r["fund_code"], r["township"])] += amount(r["amount_yuan"])
    short = {k for k in allocated if allocated[k] > paid[k]}
    unpaid = _keys(a["stuck"]["disbursed_not_paid"], "fund_code", "township")
    assert short == _keys(a["shortfall"], "fund_code", "township") | unpaid
    assert all(paid[k] == 0 for k in unpaid)
    excess = {k for k in paid if paid[k] > allocated[k]}
    assert excess == _keys(a["allocation_excess"], "fund_code", "township")
    assert {(v,) for v in never} == _keys(a["stuck"]["never_disbursed"], "voucher_no")
    assert {(v,) for v in late} == _keys(a["late_unexplained"], "voucher_no")


def test_staff_anomalies_are_exactly_the_planted(county, read):
    a, as_of = county.anomalies, dt.date.fromisoformat(county.as_of)
    staff = [
        {
            **r,
            "status": STAFF_STATUS[r["status"]],
            "staffing_type": STAFFING_TYPES[r["staffing_type"]],
        }
        for r in read["staff"]
    ]
    active = [r for r in staff if r["status"] == "在职"]
    assert {(r["id_number"], r["status"]) for r in staff if r["status"] != "在职"} == _keys(
        a["inactive_on_roll"], "id_number", "status"
    )
    agencies = defaultdict(set)
    for r in active:
        agencies[r["id_number"]].add(r["agency_code"])
    assert {k for k, v in agencies.items() if len(v) > 1} == {
        e["id_number"] for e in a["two_rolls"]
    }

    def limit(r):
        male = int(r["id_number"][16]) % 2 == 1
        return 60 if male else 50 if r["staffing_type"] == "工勤" else 55

    def age(r):
        born = ric.get_birth_date(r["id_number"])
        return as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))

    assert {r["id_number"] for r in active if age(r) >= limit(r)} == {
        e["id_number"] for e in a["over_age"]
    }
    relief = set(county.rules["relief_fund_codes"])
    on_relief = {r["id_number"] for r in read["payments"] if r["fund_code"] in relief}
    staff_ids = {r["id_number"] for r in staff}
    assert staff_ids & on_relief == {e["id_number"] for e in a["staff_on_relief"]}
    farmland = {r["id_number"] for r in read["payments"] if r["fund_code"] not in relief}
    assert {
        e["id_number"] for e in county.decoys["staff_with_farmland_subsidy"]
    } <= staff_ids & farmland
    quota = {
        (r["agency_code"], STAFFING_TYPES[r["staffing_type"]]): int(r["quota"])
        for r in read["agencies"]
    }
    in_service = Counter((r["agency_code"], r["staffing_type"]) for r in active)
    on_roll = Counter((r["agency_code"], r["staffing_type"]) for r in staff)
    over = {k for k, n in in_service.items() if n > quota.get(k, 0)}
    assert over == _keys(a["over_quota"], "agency_code", "staffing_type")
    assert all(n <= quota.get(k, 0) for k, n in on_roll.items() if k not in over)


# -- the plan at scale 1 is the seed county ----------------------------------------------


def test_plan_at_scale_one_is_the_seed_county():
    f = build_plan(1.0).figures()
    assert f["funds"]["count"] == 55 and f["funds"]["by_pays_to"] == {"persons": 35, "projects": 20}
    assert f["funds"]["budget_wan"] == {
        "persons": "43174.79",
        "projects": "5120.05",
        "all": "48294.84",
    }
    assert f["payments"]["rows"] == 882_804
    assert f["projects"] == {"count": 359, "amount_wan": "4981.89"}
    assert f["budgets"] == {"departments": 10, "amount_wan": "1814.99"}
    assert f["agencies"]["count"] == 343 and f["staff"]["rows"] == 11_482
    assert f["disbursements"]["disbursed"] == 1_218
    assert f["disbursements"]["delay_buckets"] == {"le3": 931, "4to10": 126, "gt10": 161}


def test_plan_figures_are_what_is_written(county):
    plan = build_plan(SCALE)
    for kind, figures in plan.figures().items():
        for key, value in figures.items():
            assert county.expected[kind][key] == value, (kind, key)


def test_the_same_seed_writes_the_same_bytes(county, tmp_path):
    again = generate(tmp_path, scale=SCALE)
    for f in county.files:
        assert (county.out_dir / f.path).read_bytes() == (again.out_dir / f.path).read_bytes(), (
            f.path
        )
    assert again.anomalies == county.anomalies


# -- through the real loader --------------------------------------------------------------


def test_every_file_loads_in_manifest_order(county, load, store):
    results = [load(county.out_dir / f.path, f.kind) for f in county.files]
    for f, r in zip(county.files, results, strict=True):
        j = r.as_json()
        assert r.status == "loaded" and r.rows == f.rows and not j["errors"], (
            f.path,
            j["errors"][:3],
        )
        assert {w["rule"] for w in j["warnings"]} <= {"amount_mismatch"}, (
            f.path,
            j["warnings"][:3],
        )
    warned = sum(len(r.as_json()["warnings"]) for r in results)
    assert warned == len(county.anomalies["wrong_amount"])
    e = county.expected
    count = lambda table: store.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731, S608
    assert count("payments") == e["payments"]["rows"] and count("staff") == e["staff"]["rows"]
    assert (
        count("agencies") == e["agencies"]["rows"]
        and count("disbursements") == e["disbursements"]["rows"]
    )
    assert (
        store.execute("SELECT sum(budget_yuan)::VARCHAR FROM funds").fetchone()[0]
        == e["funds"]["budget_yuan"]["all"]
    )


def test_inspector_reports_find_exactly_the_planted(county, load, store):
    inspect = pytest.importorskip("fundquery.inspect")
    for f in county.files:
        assert load(county.out_dir / f.path, f.kind).status == "loaded"
    params = inspect.Params(as_of=dt.date.fromisoformat(county.as_of))
    found = {c.label: inspect.run(store, c, params).rows for c in inspect.CATALOGUE}
    a = county.anomalies

    def got(label, *fields):
        return {tuple(r[f] for f in fields) for r in found[label]}

    assert got("disbursement_delay", "voucher_no") == _keys(a["late_unexplained"], "voucher_no")
    assert got("stuck_approval", "voucher_no") == _keys(a["stuck"]["never_disbursed"], "voucher_no")
    assert got("stuck_payout", "voucher_no") == _keys(
        a["stuck"]["disbursed_not_paid"], "voucher_no"
    )
    assert got("allocation_shortfall", "fund_code", "township") == _keys(
        a["shortfall"], "fund_code", "township"
    )
    assert got("allocation_excess", "fund_code", "township") == _keys(
        a["allocation_excess"], "fund_code", "township"
    )
    for label in ("allocation_not_disbursed", "disbursed_beyond_allocation"):  # issue 14
        assert got(label, "fund_code", "recipient") == _keys(a[label], "fund_code", "recipient")
    person = ("id_masked", "fund_code", "period")
    assert got("duplicate_payment", *person) == _keys(a["duplicates"], *person)
    assert got("off_standard", *person) == _keys(a["wrong_amount"], *person)
    assert got("returned_unpaid", *person) == _keys(a["returned"], *person)
    assert got("staff_on_relief", "id_masked") == _keys(a["staff_on_relief"], "id_masked")
    assert got("over_quota", "agency_name", "staffing_type") == _keys(
        a["over_quota"], "agency_name", "staffing_type"
    )
    for label, key in (
        ("two_rolls", "two_rolls"),
        ("past_retirement", "over_age"),
        ("inactive_on_roll", "inactive_on_roll"),
    ):
        assert got(label, "id_masked") == _keys(a[key], "id_masked"), label
    assert not found["payout_delay"] and not found["over_ceiling"]

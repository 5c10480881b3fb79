"""The catalogue on the synthetic county: every planted anomaly found, nothing else (precision and recall 100 %).

The county is generated into a temporary folder, every file loaded in the
manifest's order through the real loader, and each check's findings compared
with the manifest's list for its category.  The delay buckets are checked at
seed scale (1,218 disbursements) from the disbursement file alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from etl.batches import DEMO_REVIEWER
from etl.idnum import Hasher
from etl.load import load_file
from etl.store import connect
from fundquery.inspect import CHECKS, Filters, Params, run
from fundquery.inspect.checks.delays import distribution
from fundquery.synthetic import generate

KEY = b"synthetic-county-key-0123456789ab"
COUNTIES = [(0.02, 20070101), (0.05, 7)]


def load_county(folder: Path, manifest, hasher: Hasher):
    con = connect(folder / "county.duckdb")
    for entry in manifest.files:
        result = load_file(
            con,
            manifest.out_dir / entry.path,
            entry.kind,
            hasher=hasher,
            uploaded_by="demo",
            archive_dir=folder / "uploads",
            publish=True,
            reviewer=DEMO_REVIEWER,  # who may give the day each payment list was published
            published_on=dt.date.fromisoformat(entry.published_on) if entry.published_on else None,
        )
        assert result.status == "loaded", (entry.path, result.as_json()["errors"][:3])
    return con


@pytest.fixture(scope="module", params=COUNTIES, ids=[f"scale{s}-seed{n}" for s, n in COUNTIES])
def county(request, tmp_path_factory):
    scale, seed = request.param
    folder = tmp_path_factory.mktemp(f"county-{scale}-{seed}")
    manifest = generate(folder / "files", scale, seed)
    hasher = Hasher(KEY)
    con = load_county(folder, manifest, hasher)
    yield con, manifest, hasher, Params(as_of=dt.date.fromisoformat(manifest.as_of))
    con.close()


def found(con, label: str, params: Params, *columns: str) -> set[tuple]:
    return {tuple(row[c] for c in columns) for row in run(con, CHECKS[label], params).rows}


def assert_exact(found_set: set, planted: set, label: str) -> None:
    """Precision and recall both 100 %, with the difference spelled out when not."""
    assert planted, f"{label}: the manifest plants nothing to find"
    missed, extra = planted - found_set, found_set - planted
    assert not missed and not extra, f"{label}: missed {sorted(missed)}, extra {sorted(extra)}"


def test_shortfalls_are_the_planted_ones(county):
    con, manifest, _, params = county
    planted = {
        (s["fund_code"], s["township"], Decimal(s["shortfall_yuan"]))
        for s in manifest.anomalies["shortfall"]
    }
    assert_exact(
        found(con, "allocation_shortfall", params, "fund_code", "township", "gap_yuan"),
        planted,
        "shortfall",
    )


def test_excesses_are_the_pairs_of_the_planted_double_payments(county):
    con, manifest, _, params = county
    planted = {(d["fund_code"], d["township"]) for d in manifest.anomalies["duplicates"]}
    assert_exact(
        found(con, "allocation_excess", params, "fund_code", "township"), planted, "excess"
    )


def test_allocation_gaps_are_the_planted_and_not_the_recent_decoy(county):
    """Issue 14: each fund's allocation table agrees with its disbursements but for one planted extra
    allocation and one township written short; the decoy, allocated ten days before the as-of date, is
    not yet due."""
    con, manifest, _, params = county
    planted = manifest.anomalies["allocation_not_disbursed"]
    rows = run(con, CHECKS["allocation_not_disbursed"], params).rows
    assert {(r["fund_code"], r["recipient"], r["undisbursed_yuan"]) for r in rows} == {
        (d["fund_code"], d["recipient"], Decimal(d["amount_yuan"])) for d in planted
    }
    decoys = {(d["fund_code"], d["recipient"]) for d in manifest.decoys["allocation_not_yet_due"]}
    assert decoys and not decoys & {(r["fund_code"], r["recipient"]) for r in rows}
    beyond = run(con, CHECKS["disbursed_beyond_allocation"], params).rows
    assert {(r["fund_code"], r["recipient"], r["beyond_yuan"]) for r in beyond} == {
        (d["fund_code"], d["recipient"], Decimal(d["beyond_yuan"]))
        for d in manifest.anomalies["disbursed_beyond_allocation"]
    }
    # A month on, the decoy's allocation is due and not disbursed: found, for exactly its amount.
    later = Params(as_of=params.as_of + dt.timedelta(days=30))
    undue = {
        (r["fund_code"], r["recipient"]): r["undisbursed_yuan"]
        for r in run(con, CHECKS["allocation_not_disbursed"], later).rows
    }
    for d in manifest.decoys["allocation_not_yet_due"]:
        assert undue[(d["fund_code"], d["recipient"])] == Decimal(d["amount_yuan"])


def test_duplicates_are_the_planted_ones(county):
    con, manifest, hasher, params = county
    planted = {
        (hasher(d["id_number"]), d["fund_code"], d["period"])
        for d in manifest.anomalies["duplicates"]
    }
    assert_exact(
        found(con, "duplicate_payment", params, "id_hash", "fund_code", "period"),
        planted,
        "duplicates",
    )


def test_wrong_amounts_are_the_planted_ones(county):
    con, manifest, hasher, params = county
    planted = {
        (hasher(w["id_number"]), w["fund_code"], w["period"], Decimal(w["written_amount_yuan"]))
        for w in manifest.anomalies["wrong_amount"]
    }
    assert_exact(
        found(con, "off_standard", params, "id_hash", "fund_code", "period", "amount_yuan"),
        planted,
        "wrong_amount",
    )


def test_returned_payments_are_the_planted_ones(county):
    con, manifest, hasher, params = county
    planted = {
        (hasher(r["id_number"]), r["fund_code"], r["period"])
        for r in manifest.anomalies["returned"]
    }
    everything = Params(as_of=params.as_of, returned_days=0)
    assert_exact(
        found(con, "returned_unpaid", everything, "id_hash", "fund_code", "period"),
        planted,
        "returned",
    )
    # With the default 30 days, those returned in the last 30 days are not yet overdue.
    rows = run(con, CHECKS["returned_unpaid"], everything).rows
    due = {
        (r["id_hash"], r["fund_code"], r["period"])
        for r in rows
        if r["returned_on"] <= params.as_of - dt.timedelta(days=params.returned_days)
    }
    assert found(con, "returned_unpaid", params, "id_hash", "fund_code", "period") == due


def test_stuck_money_is_the_planted(county):
    con, manifest, _, params = county
    stuck = manifest.anomalies["stuck"]
    assert_exact(
        found(con, "stuck_payout", params, "voucher_no"),
        {(s["voucher_no"],) for s in stuck["disbursed_not_paid"]},
        "disbursed_not_paid",
    )
    every = Params(as_of=params.as_of, stuck_days=0)
    never = {(s["voucher_no"],) for s in stuck["never_disbursed"]}
    assert_exact(found(con, "stuck_approval", every, "voucher_no"), never, "never_disbursed")
    overdue = {
        (s["voucher_no"],)
        for s in stuck["never_disbursed"]
        if dt.date.fromisoformat(s["approved_on"])
        <= params.as_of - dt.timedelta(days=params.stuck_days)
    }
    assert found(con, "stuck_approval", params, "voucher_no") == overdue


def test_late_unexplained_disbursements_are_the_planted(county):
    con, manifest, _, params = county
    planted = {(d["voucher_no"], d["delay_days"]) for d in manifest.anomalies["late_unexplained"]}
    assert_exact(
        found(con, "disbursement_delay", params, "voucher_no", "delay_days"),
        planted,
        "late_unexplained",
    )


def test_staff_on_relief_are_the_planted_and_farmland_decoys_are_not(county):
    con, manifest, hasher, params = county
    planted = {
        (hasher(s["id_number"]), s["agency_name"]) for s in manifest.anomalies["staff_on_relief"]
    }
    result = found(con, "staff_on_relief", params, "id_hash", "agency_name")
    assert_exact(result, planted, "staff_on_relief")
    decoys = {
        (hasher(s["id_number"]), s["agency_name"])
        for s in manifest.decoys["staff_with_farmland_subsidy"]
    }
    assert decoys and not decoys & result


def test_over_quota_agencies_are_the_planted(county):
    con, manifest, _, params = county
    planted = {
        (q["agency_code"], q["staffing_type"], q["quota"]) for q in manifest.anomalies["over_quota"]
    }
    assert_exact(
        found(con, "over_quota", params, "agency_code", "staffing_type", "quota"),
        planted,
        "over_quota",
    )


def test_staff_past_retirement_are_the_planted(county):
    con, manifest, hasher, params = county
    planted = {(hasher(s["id_number"]), s["agency_name"]) for s in manifest.anomalies["over_age"]}
    assert_exact(
        found(con, "past_retirement", params, "id_hash", "agency_name"), planted, "over_age"
    )
    assert manifest.rules["retirement_age"] == {
        "男": params.retirement_age_male,
        "女": params.retirement_age_female,
        "女(工勤)": params.retirement_age_female_worker,
    }


def test_inactive_staff_on_the_roll_are_the_planted(county):
    con, manifest, hasher, params = county
    planted = {
        (hasher(s["id_number"]), s["agency_name"], s["status"])
        for s in manifest.anomalies["inactive_on_roll"]
    }
    assert_exact(
        found(con, "inactive_on_roll", params, "id_hash", "agency_name", "status"),
        planted,
        "inactive",
    )


def test_one_person_on_two_rolls_is_the_planted(county):
    con, manifest, hasher, params = county
    planted = {
        (hasher(t["id_number"]), "、".join(sorted(r["agency_name"] for r in t["rolls"])))
        for t in manifest.anomalies["two_rolls"]
    }
    assert_exact(found(con, "two_rolls", params, "id_hash", "agencies"), planted, "two_rolls")


def test_nothing_is_above_a_ceiling_the_county_does_not_set(county):
    con, _, _, params = county
    assert run(con, CHECKS["over_ceiling"], params).rows == []


def test_delay_buckets_match_the_manifest(county):
    con, manifest, _, params = county
    (total,) = distribution(con, params, Filters())
    expected = manifest.expected["disbursements"]["delay_buckets"]
    assert total["buckets"] == [expected["le3"], expected["4to10"], expected["gt10"]]


def test_seed_scale_delays_reproduce_931_126_161(tmp_path):
    """The seed county's 1,218 reviewed disbursements, from its disbursement file alone."""
    from fundquery.synthetic import county as plan_county
    from fundquery.synthetic import files, spending_files
    from fundquery.synthetic.manifest import Tally

    plan = plan_county.build_plan(1.0)
    out = files.Out(tmp_path, Tally())
    files.write_funds(out, plan)
    spending_files.write_disbursements(out, plan)
    con = connect(tmp_path / "seed.duckdb")
    for entry in out.files:
        result = load_file(
            con,
            tmp_path / entry.path,
            entry.kind,
            hasher=Hasher(KEY),
            uploaded_by="demo",
            archive_dir=tmp_path / "uploads",
            publish=True,
            reviewer=DEMO_REVIEWER,  # who may give the day each payment list was published
            published_on=dt.date.fromisoformat(entry.published_on) if entry.published_on else None,
        )
        assert result.status == "loaded", result.as_json()["errors"][:3]
    params = Params(as_of=plan.as_of)
    (total,) = distribution(con, params, Filters())
    assert total["buckets"] == [931, 126, 161] and total["total"] == 1218
    assert [str(p) for p in total["percentages"]] == [
        "76.44",
        "10.34",
        "13.22",
    ]  # not the report's 12.22
    late = run(con, CHECKS["disbursement_delay"], params).rows
    assert len(late) == 7 == total["buckets"][2] - total["explained"][2]
    con.close()


def test_paid_after_death_is_every_planted_payment_and_no_decoy(county):
    con, manifest, _, params = county
    planted = {
        (d["id_masked"], d["name"], d["fund_code"], p["paid_on"], Decimal(p["amount_yuan"]))
        for d in manifest.anomalies["paid_after_death"]
        for p in d["payments"]
    }
    rows = run(con, CHECKS["paid_after_death"], params).rows
    found_set = {
        (r["id_masked"], r["name"], r["fund_code"], r["paid_on"].isoformat(), r["amount_yuan"])
        for r in rows
    }
    assert len(found_set) == len(rows)  # one row per payment
    assert_exact(found_set, planted, "paid_after_death")
    decoys = manifest.decoys["death_namesake"] + manifest.decoys["death_after_last_payment"]
    assert len(decoys) == 2
    shown = {r["id_masked"] for r in rows} | {
        r["id_masked"] for r in run(con, CHECKS["death_name_differs"], params).rows
    }
    assert not {d["id_masked"] for d in decoys} & shown
    assert not {d["payee_id_masked"] for d in manifest.decoys["death_namesake"]} & shown


def test_same_id_another_name_in_the_death_register_is_the_planted_one(county):
    con, manifest, _, params = county
    planted = {
        (d["id_masked"], d["register_name"], d["found_in"], d["name"])
        for d in manifest.anomalies["death_name_differs"]
    }
    assert {d["found_in"] for d in manifest.anomalies["death_name_differs"]} == {
        "payments",
        "payroll",
    }
    rows = run(con, CHECKS["death_name_differs"], params).rows
    listed = {
        (r["id_masked"], r["name"], side, r[f"{col}_name"])
        for r in rows
        for side, col in (("payments", "payee"), ("payroll", "payroll"))
        if r[f"{col}_name"] is not None
    }
    assert len(listed) == len(rows)  # each death row matched one side here
    assert_exact(listed, planted, "death_name_differs")


def test_payroll_not_on_roll_is_every_planted_salary_and_not_the_new_hire(county):
    con, manifest, _, params = county
    planted = {
        (g["id_masked"], g["name"], g["agency_name"], month, Decimal(g["net_yuan"]))
        for g in manifest.anomalies["payroll_not_on_roll"]
        for month in g["months"]
    }
    assert_exact(
        found(
            con,
            "payroll_not_on_roll",
            params,
            "id_masked",
            "name",
            "agency_name",
            "month",
            "net_yuan",
        ),
        planted,
        "payroll_not_on_roll",
    )
    (joiner,) = manifest.decoys["salary_in_month_of_joining"]
    rows = con.execute(
        "SELECT strftime(month, '%Y-%m') FROM live_payroll WHERE id_masked = ? AND name = ?"
        " ORDER BY month",
        [joiner["id_masked"], joiner["name"]],
    ).fetchall()
    assert rows[0] == (joiner["first_month"],)  # paid from the month of joining, and not found


def _payments_of(entries: list[dict]) -> set[tuple]:
    return {
        (d["id_masked"], d["name"], d["fund_code"], p["paid_on"], Decimal(p["amount_yuan"]))
        for d in entries
        for p in d["payments"]
    }


def _payment_rows(rows: list[dict]) -> set[tuple]:
    found_set = {
        (r["id_masked"], r["name"], r["fund_code"], r["paid_on"].isoformat(), r["amount_yuan"])
        for r in rows
    }
    assert len(found_set) == len(rows)  # one row per payment
    return found_set


@pytest.mark.parametrize(
    "label", ["relief_vehicle_owner", "relief_business_owner", "relief_property_owner"]
)
def test_relief_paid_to_owners_is_every_planted_payment_and_no_decoy(county, label):
    con, manifest, _, params = county
    rows = run(con, CHECKS[label], params).rows
    assert_exact(_payment_rows(rows), _payments_of(manifest.anomalies[label]), label)
    shown = {
        r["id_masked"]
        for check in ("relief_vehicle_owner", "relief_business_owner", "relief_property_owner")
        for r in run(con, CHECKS[check], params).rows
    }
    decoys = [
        d
        for key in (
            "vehicle_namesake",
            "vehicle_exempt_type",
            "business_cancelled_before_payment",
            "business_below_capital",
            "property_below_area",
        )
        for d in manifest.decoys[key]
    ]
    assert len(decoys) == 5 and not {d["id_masked"] for d in decoys} & shown
    assert not {d["payee_id_masked"] for d in manifest.decoys["vehicle_namesake"]} & shown


def test_a_car_counts_only_while_it_is_held(county):
    """The car bought in mid-year and the car sold in mid-year: only the payments made while held."""
    con, manifest, _, params = county
    owners = manifest.anomalies["relief_vehicle_owner"]
    rows = run(con, CHECKS["relief_vehicle_owner"], params).rows
    for owner in owners:
        mine = [r for r in rows if r["id_masked"] == owner["id_masked"]]
        assert {r["plates"] for r in mine} == {owner["plate_no"]}
    held_all_year, bought, sold = (len(o["payments"]) for o in owners)
    assert bought < held_all_year and sold < held_all_year


def test_register_rows_under_another_name_are_the_planted_data_quality_list(county):
    con, manifest, _, params = county
    titles = {"vehicles": "机动车登记", "businesses": "市场主体登记", "properties": "不动产登记"}
    planted = {
        (titles[d["register"]], d["id_masked"], d["register_name"], d["name"])
        for d in manifest.anomalies["register_name_differs"]
    }
    assert_exact(
        found(con, "register_name_differs", params, "register", "id_masked", "name", "payee_name"),
        planted,
        "register_name_differs",
    )


def test_payroll_after_death_is_every_planted_salary_and_not_the_month_of_death(county):
    con, manifest, _, params = county
    planted = {
        (d["id_masked"], d["name"], d["agency_name"], month)
        for d in manifest.anomalies["payroll_after_death"]
        for month in d["months"]
    }
    result = found(con, "payroll_after_death", params, "id_masked", "name", "agency_name", "month")
    assert_exact(result, planted, "payroll_after_death")
    (decoy,) = manifest.decoys["salary_in_month_of_death"]
    paid = con.execute(
        "SELECT max(strftime(month, '%Y-%m')) FROM live_payroll WHERE id_masked = ? AND name = ?",
        [decoy["id_masked"], decoy["name"]],
    ).fetchone()[0]
    assert paid == decoy["died_on"][:7]  # paid for the month of death, and not found
    assert decoy["id_masked"] not in {r[0] for r in result}


def test_roll_not_on_payroll_is_the_planted_and_not_the_new_hire(county):
    con, manifest, _, params = county
    planted = {
        (d["id_masked"], d["name"], d["agency_name"], month)
        for d in manifest.anomalies["roll_not_on_payroll"]
        for month in d["months"]
    }
    result = found(con, "roll_not_on_payroll", params, "id_masked", "name", "agency_name", "month")
    assert_exact(result, planted, "roll_not_on_payroll")
    (joiner,) = manifest.decoys["salary_in_month_of_joining"]
    assert joiner["id_masked"] not in {r[0] for r in result}  # on the roll, unpaid before joining


def test_payroll_two_agencies_is_the_person_on_two_rolls(county):
    con, manifest, _, params = county
    planted = {
        (d["id_masked"], d["name"], month, "、".join(d["agencies"]))
        for d in manifest.anomalies["payroll_two_agencies"]
        for month in d["months"]
    }
    assert {d["id_masked"] for d in manifest.anomalies["two_rolls"]} == {
        d["id_masked"] for d in manifest.anomalies["payroll_two_agencies"]
    }
    assert_exact(
        found(con, "payroll_two_agencies", params, "id_masked", "name", "month", "agencies"),
        planted,
        "payroll_two_agencies",
    )


def test_late_publication_finds_exactly_the_planted_lists(county):
    """Monthly lists published within 20 working days of their first payment, a planted few later:
    the check finds each (list, fund, township, day paid) the manifest plants, with the manifest's
    count of working days (the generator counts on chinesecalendar, the check in SQL on the store's
    holiday table), and nothing else."""
    con, manifest, _, params = county
    planted = manifest.anomalies["late_publication"]
    assert len({p["file"] for p in planted}) == 3
    key = ("file_name", "fund_code", "township", "paid_on", "published_on", "working_days")
    assert_exact(
        found(con, "late_publication", params, *key),
        {
            (
                p["file"],
                p["fund_code"],
                p["township"],
                dt.date.fromisoformat(p["paid_on"]),
                dt.date.fromisoformat(p["published_on"]),
                p["working_days"],
            )
            for p in planted
        },
        "late_publication",
    )
    assert all(p["working_days"] > 20 for p in planted)

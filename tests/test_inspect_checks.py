"""Every discrepancy check on a tiny hand-made county: exactly the known rows, with their figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fundquery.inspect import CATALOGUE, CHECKS, Filters, Params, count, run
from fundquery.inspect.catalogue import SEVERITIES, finding_key
from fundquery.inspect.checks.delays import bucket_labels, distribution, percent
from fundquery.resident.masking import mask_name
from tests import inspect_county as county

PARAMS = Params(as_of=county.AS_OF)


@pytest.fixture
def loaded(load, store, tmp_path):
    county.build(load, store, tmp_path)
    return store


def names(result) -> set[str]:
    return {county.finding_name(result.check, r) for r in result.rows}


def test_every_check_is_fully_declared():
    assert [c.label for c in CATALOGUE] == list(county.EXPECTED)
    for check in CATALOGUE:
        assert check.severity in SEVERITIES
        for text in (
            check.title_zh,
            check.title_en,
            check.meaning_zh,
            check.meaning_en,
            check.action_zh,
            check.action_en,
        ):
            assert text.strip(), check.label
        assert check.sql.count("$") >= 0 and "live_" in check.sql, "checks read the live views"
        assert not any(f" {t} " in check.sql for t in ("payments", "staff", "disbursements")), (
            check.label
        )


@pytest.mark.parametrize("label", list(county.EXPECTED), ids=list(county.EXPECTED))
def test_check_finds_exactly_the_planted_rows(loaded, label):
    result = run(loaded, CHECKS[label], PARAMS)
    assert names(result) == county.EXPECTED[label]
    assert count(loaded, CHECKS[label], PARAMS) == result.count


def test_delay_rows_carry_the_figures(loaded):
    (row,) = run(loaded, CHECKS["disbursement_delay"], PARAMS).rows
    assert (row["voucher_no"], row["delay_days"], row["bucket"]) == ("V3", 19, 2)
    assert row["amount_yuan"] == Decimal("900.00") and row["department"] == "县民政局"


def test_delay_distribution_counts_every_disbursement_and_shows_the_explained_apart(loaded):
    (total,) = distribution(loaded, PARAMS, Filters())
    assert total["labels"] == ["≤3天", "4–10天", ">10天"]
    # V1 3 days, V8 1, V9 1, V10 1 | V2 7 | V3 19, V4 24 (by progress), V5 24 (reason); V6, V7 not disbursed.
    assert total["buckets"] == [4, 1, 3] and total["explained"] == [0, 0, 2]
    assert total["total"] == 8
    assert total["percentages"] == [Decimal("50.00"), Decimal("12.50"), Decimal("37.50")]
    assert total["amounts"][2] == Decimal("51200.00")
    by_fund = {e["group"].split()[0]: e for e in distribution(loaded, PARAMS, Filters(), by="fund")}
    assert by_fund["F002"]["buckets"] == [1, 0, 2] and by_fund["F003"]["explained"] == [0, 0, 1]
    by_department = distribution(loaded, PARAMS, Filters(department="县民政局"), by="department")
    assert [(e["group"], e["total"]) for e in by_department] == [("县民政局", 3)]


@pytest.mark.parametrize(
    ("edges", "buckets", "late"),
    [
        ((5, 15, 30), [4, 1, 3, 0], set()),
        ((10,), [5, 3], {"V3"}),
        ((3, 5), [4, 0, 4], {"V2", "V3"}),
    ],
    ids=["5-15-30", "10", "3-5"],
)
def test_bucket_edges_are_configurable(loaded, edges, buckets, late):
    params = Params(as_of=county.AS_OF, delay_edges_days=edges)
    (total,) = distribution(loaded, params, Filters())
    assert total["buckets"] == buckets and len(total["labels"]) == len(edges) + 1
    assert names(run(loaded, CHECKS["disbursement_delay"], params)) == late


def test_payout_stage_counts_households_from_disbursement_to_account(loaded):
    (total,) = distribution(loaded, PARAMS, Filters(), stage="payout")
    # By voucher: V1 11 days ×3 and 28, V2 73, V3 5 ×2; without one, by fund, township and date:
    # 己六 → V5 7 days, 卫十八 → V10 13 and 39 days.
    assert total["buckets"] == [0, 3, 7]
    (row,) = run(loaded, CHECKS["payout_delay"], PARAMS).rows
    assert (row["wait_days"], row["total_days"], row["payment_count"]) == (73, 80, 1)
    assert row["first_paid_on"] == dt.date(2024, 5, 20)


def test_seed_percentages_are_computed_not_copied():
    assert [percent(n, 1218) for n in (931, 126, 161)] == [
        Decimal("76.44"),
        Decimal("10.34"),
        Decimal("13.22"),
    ]
    assert bucket_labels((3, 10), "en") == ["≤3 days", "4–10 days", ">10 days"]


def test_stuck_money_depends_on_the_as_of_date(loaded):
    early = Params(as_of=dt.date(2024, 11, 15))
    assert names(run(loaded, CHECKS["stuck_approval"], early)) == {"V6"}
    assert (
        names(run(loaded, CHECKS["stuck_approval"], Params(as_of=dt.date(2024, 10, 20)))) == set()
    )
    assert names(run(loaded, CHECKS["stuck_payout"], Params(as_of=dt.date(2025, 1, 20)))) == {
        "V8",
        "V9",
    }
    assert (
        names(run(loaded, CHECKS["stuck_payout"], Params(as_of=county.AS_OF, stuck_days=300)))
        == set()
    )


def test_allocation_compares_fund_and_township_with_a_tolerance(loaded):
    (row,) = run(loaded, CHECKS["allocation_shortfall"], PARAMS).rows
    assert (
        row["fund_code"],
        row["vouchers"],
        row["disbursed_yuan"],
        row["paid_yuan"],
        row["gap_yuan"],
    ) == ("F001", "V1、V2", Decimal("7922.50"), Decimal("7822.50"), Decimal("100.00"))
    assert (
        run(
            loaded, CHECKS["allocation_shortfall"], Params(as_of=county.AS_OF, tolerance_yuan=100)
        ).rows
        == []
    )
    (row,) = run(loaded, CHECKS["allocation_excess"], PARAMS).rows
    assert (row["disbursed_yuan"], row["paid_yuan"], row["gap_yuan"]) == (
        Decimal("420.00"),
        Decimal("840.00"),
        Decimal("-420.00"),
    )


def test_duplicate_counts_the_excess_not_the_returned_payment(loaded):
    (row,) = run(loaded, CHECKS["duplicate_payment"], PARAMS).rows
    assert (row["times_paid"], row["excess_yuan"], row["amount_yuan"]) == (
        2,
        Decimal("420.00"),
        Decimal("840.00"),
    )
    assert len(row["batches"].split(",")) == 2
    assert row["id_masked"].startswith("110105") and "*" in row["id_masked"]


def test_returned_payment_paid_again_late_is_found_until_it_is_paid(loaded):
    before = Params(as_of=dt.date(2024, 3, 31), returned_days=10)
    assert names(run(loaded, CHECKS["returned_unpaid"], before)) == {"庚七", "辛八"}


def test_staff_on_relief_shows_the_relief_drawn(loaded):
    (row,) = run(loaded, CHECKS["staff_on_relief"], PARAMS).rows
    assert row["agency_name"] == "县财政局" and row["relief_funds"] == "城乡居民最低生活保障"
    assert row["amount_yuan"] == Decimal("300.00")


def test_over_quota_compares_the_roll_and_the_reported_count(loaded):
    (row,) = run(loaded, CHECKS["over_quota"], PARAMS).rows
    assert (row["quota"], row["actual_reported"], row["on_roll"], row["over_count"]) == (2, 2, 3, 1)


@pytest.mark.parametrize(
    ("as_of", "reform", "expected"),
    [
        (dt.date(2024, 12, 31), True, {"吴十二", "郑十三", "陈十六"}),
        (
            dt.date(2025, 1, 20),
            True,
            {"吴十二", "郑十三", "陈十六"},
        ),  # 王十四 born 1965-01: 60 years 1 month
        (dt.date(2025, 1, 20), False, {"吴十二", "郑十三", "陈十六", "王十四"}),
        (dt.date(2025, 2, 15), True, {"吴十二", "郑十三", "陈十六", "王十四"}),
        (dt.date(2029, 4, 30), True, {"吴十二", "郑十三", "陈十六", "王十四"}),
        (
            dt.date(2029, 5, 1),
            True,
            {"吴十二", "郑十三", "陈十六", "王十四", "褚十七"},
        ),  # born 1973-06: 55y11m
    ],
    ids=["2024", "2025-reform", "2025-no-reform", "2025-due", "2029-not-yet", "2029-due"],
)
def test_retirement_follows_the_2025_gradual_raise(loaded, as_of, reform, expected):
    result = run(loaded, CHECKS["past_retirement"], Params(as_of=as_of, retirement_reform=reform))
    assert names(result) == expected


def test_late_publication_counts_working_days_with_holidays(loaded):
    import chinese_calendar

    rows = run(loaded, CHECKS["late_publication"], PARAMS).rows
    published = dt.date(2024, 6, 28)
    expected = {
        (paid, len(chinese_calendar.get_workdays(paid + dt.timedelta(days=1), published)))
        for paid in (dt.date(2024, 4, 1), dt.date(2024, 4, 10))
    }
    assert {(r["paid_on"], r["working_days"]) for r in rows} == expected
    assert not any(r["is_provisional"] for r in rows)


@pytest.mark.parametrize(
    ("filters", "label", "expected"),
    [
        (Filters(fund_code="F002"), "disbursement_delay", {"V3"}),
        (Filters(department="县农业农村局"), "disbursement_delay", set()),
        (Filters(township="城关镇"), "allocation_shortfall", {"城关镇"}),
        (Filters(township="石桥镇"), "duplicate_payment", set()),
        (Filters(township="花园乡", year=2024), "duplicate_payment", {"卫十八"}),
        (Filters(year=2023), "off_standard", set()),
        (Filters(department="县民政局"), "over_quota", set()),
    ],
    ids=[
        "fund",
        "department",
        "township-allocation",
        "township-none",
        "township-year",
        "year-none",
        "agency-department",
    ],
)
def test_filters_narrow_the_rows(loaded, filters, label, expected):
    assert names(run(loaded, CHECKS[label], PARAMS, filters)) == expected


def test_retracted_batches_leave_every_check(loaded):
    loaded.execute("UPDATE batches SET status = 'retracted' WHERE kind = 'payments'")
    assert run(loaded, CHECKS["duplicate_payment"], PARAMS).rows == []
    assert names(run(loaded, CHECKS["stuck_payout"], PARAMS)) == {
        "V1",
        "V2",
        "V3",
        "V5",
        "V8",
        "V10",
    }


def test_finding_keys_are_stable_and_never_show_the_hash(loaded):
    check = CHECKS["duplicate_payment"]
    (row,) = run(loaded, check, PARAMS).rows
    assert finding_key(check, row) == f"{row['id_hash']}|F001|2024-03"
    assert "id_hash" not in [c.name for c in check.columns]
    assert mask_name("张三") == "张*" and mask_name("欧阳小明") == "欧**明"

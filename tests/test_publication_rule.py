"""The 20-working-day rule of publication has one definition: the reviewers' page and the inspectors' check agree."""

from __future__ import annotations

import datetime as dt

import pytest

from etl import batches as transitions
from fundquery.calendar.timeliness import RULE_WORKING_DAYS, publication_delay
from fundquery.inspect import CHECKS, Params, run
from tests.sheets import PAY_HEADER, pay_row, write_xlsx

D = dt.date
# Around National Day 2024: 1–7 October off, Sunday 29 September and Saturday 12 October worked.
PAID = (
    D(2024, 9, 6),
    D(2024, 9, 9),
    D(2024, 9, 13),
    D(2024, 9, 27),
    D(2024, 9, 29),
    D(2024, 9, 30),
)
PUBLISHED = (D(2024, 10, 8), D(2024, 10, 11), D(2024, 10, 12), D(2024, 10, 14))


@pytest.fixture
def paid_around_a_holiday(funds_loaded, load, store, tmp_path):
    rows = [pay_row(i + 1, name=f"户{i + 1}", paid=day.isoformat()) for i, day in enumerate(PAID)]
    batch = load(write_xlsx(tmp_path / "paid.xlsx", [PAY_HEADER, *rows])).batch
    transitions.publish(store, batch, actor="reviewer")
    return store, batch


@pytest.mark.parametrize("published", PUBLISHED, ids=[d.isoformat() for d in PUBLISHED])
def test_the_timeliness_page_and_the_late_publication_check_count_alike(
    paid_around_a_holiday, published
):
    store, batch = paid_around_a_holiday
    store.execute("UPDATE batches SET published_at = ? WHERE batch_id = ?", [published, batch])
    as_of = Params(as_of=D(2024, 12, 31))
    everything = Params(
        as_of=as_of.as_of, publication_working_days=-1
    )  # list every row, late or not
    counted = {
        r["paid_on"]: r["working_days"]
        for r in run(store, CHECKS["late_publication"], everything).rows
    }
    late = {r["paid_on"] for r in run(store, CHECKS["late_publication"], as_of).rows}
    assert set(counted) == set(PAID)
    for paid in PAID:
        page = publication_delay(store, paid, published)
        assert page["working_days"] == counted[paid], paid
        assert page["is_late"] == (paid in late), paid
    assert as_of.publication_working_days == RULE_WORKING_DAYS
    # the holiday counts: 9 September to 14 October is 21 working days, not the 25 weekdays
    if published == D(2024, 10, 14):
        assert counted[D(2024, 9, 9)] == 21 and D(2024, 9, 9) in late and D(2024, 9, 13) not in late

"""A failed lookup does the same work whether or not the ID number is in the store (issue 15 §3).

An attacker timed the lookup: an existing ID with a wrong name answered
0.3-0.5 ms slower than an unknown one, so the store's IDs could be told
apart.  Timing is too noisy for a test; instead every call that our code
(fundquery/, etl/) makes during a lookup is recorded with sys.setprofile,
DuckDB statements and the hashing included, and the failures must make the
same calls the same number of times.  bench/lookup_timing_bench.py measures
the time.
"""

from __future__ import annotations

import sys
from collections import Counter

import pytest

from etl import batches as transitions
from etl.idnum import Hasher
from etl.load import load_file
from fundquery import REPO_ROOT, create_app
from fundquery.resident import resident
from fundquery.web.db import EXTENSION, get_db
from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, make_id, write_xlsx
from tests.web.public.county import ID_KEY, PAY, pay

OURS = (str(REPO_ROOT / "fundquery"), str(REPO_ROOT / "etl"))
# Two payments each, as the decoy read for an unknown number has (the first published person's).
PEOPLE = [
    {"name": "张三", "id": make_id("420102", "19560304", 11)},
    {"name": "欧阳小平", "id": make_id("420102", "19621111", 14)},
]
UNPUBLISHED = {"name": "赵六", "id": make_id("420102", "19810101", 16)}
UNKNOWN = make_id("420102", "19700101", 99)
MALFORMED = PEOPLE[0]["id"][:17] + ("1" if PEOPLE[0]["id"][17] != "1" else "2")


@pytest.fixture
def store_app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(tmp_path / "work.duckdb"),
            "ID_HASH_KEY": ID_KEY,
            "LOOKUP_PINYIN_INITIALS": True,
        }
    )
    with app.app_context():
        con = get_db()

        def load(rows, name, publish=True):
            result = load_file(
                con,
                write_xlsx(tmp_path / name, rows),
                "auto",
                hasher=Hasher(ID_KEY),
                uploaded_by="tester",
                archive_dir=tmp_path / "uploads",
            )
            assert result.status == "loaded", result.as_json()
            if publish:
                transitions.publish(con, result.batch, actor="reviewer")

        load([FUNDS_HEADER, *FUNDS_ROWS], "funds.xlsx")
        payments = [PAY]
        for n, person in enumerate(PEOPLE):
            household = f"H{n:04d}"
            payments.append(pay(person, household=household))
            payments.append(pay(person, period="2024-09", paid="2024-09-20", household=household))
        load(payments, "payments.xlsx")
        load(
            [PAY, pay(UNPUBLISHED, household="H0009"), pay(UNPUBLISHED, period="2024-09")],
            "unpublished.xlsx",
            publish=False,
        )
    yield app
    app.extensions[EXTENSION].close()


def _work(app, id_text: str, name: str) -> tuple[Counter, object]:
    """Every call our code makes while looking up (callee names, counted) and the result."""
    calls: Counter = Counter()

    def profile(frame, event, arg):
        if event == "call" and frame.f_back and frame.f_back.f_code.co_filename.startswith(OURS):
            calls[frame.f_code.co_qualname] += 1
        elif event == "c_call" and frame.f_code.co_filename.startswith(OURS):
            calls[getattr(arg, "__qualname__", getattr(arg, "__name__", repr(arg)))] += 1

    with app.test_request_context("/query", method="POST"):
        sys.setprofile(profile)
        try:
            result = resident.lookup(id_text, name)
        finally:
            sys.setprofile(None)
    return calls, result


# What the attacker types as the name, and the numbers he types it with: for one name, a
# number in the store, one not in it, a malformed one and one with unpublished payments only
# must cost the same.
NAMES = {
    "a wrong name": "错名字",
    "wrong initials": "CMZ",
    "a name in the store": PEOPLE[0]["name"],
}
NUMBERS = {
    "known ID": PEOPLE[1]["id"],
    "unknown ID": UNKNOWN,
    "only unpublished payments": UNPUBLISHED["id"],
}


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_every_failed_lookup_does_the_same_work(store_app, name):
    assert _work(store_app, PEOPLE[0]["id"], "张三")[1] is not None  # warm: caches filled
    done = {}
    for kind, id_text in NUMBERS.items():
        calls, result = _work(store_app, id_text, name)
        assert result is None, kind
        done[kind] = calls
    reference = done["unknown ID"]
    # Two ID hashes, two index lookups (one finds rows), the name compared with what was found.
    assert reference["Hasher.__call__"] == 2
    assert reference["stored_of_id"] == 2
    assert reference["name_matches"] == 1 and reference["initials_match"] == 1
    for kind, calls in done.items():
        assert calls == reference, (kind, (calls - reference) + (reference - calls))
    # A malformed number (anyone can check a number's form offline: no secret in that) is
    # still hashed, looked up and compared like any other.
    malformed, result = _work(store_app, MALFORMED, name)
    assert result is None
    for work in ("Hasher.__call__", "stored_of_id", "name_matches", "initials_match", "execute"):
        assert malformed[work] == reference[work], work


def test_the_right_name_still_finds_the_payments(store_app):
    with store_app.test_request_context("/query", method="POST"):
        found = resident.lookup(PEOPLE[1]["id"], "欧阳小平")
        by_initials = resident.lookup(PEOPLE[1]["id"], "OYXP")
        assert resident.lookup(UNPUBLISHED["id"], "赵六") is None
        assert resident.lookup(UNKNOWN, "欧阳小平") is None
    assert found is not None and found.payment_count == 2 and found.name == "欧阳小平"
    assert by_initials is not None and by_initials.payment_count == 2

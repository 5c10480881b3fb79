"""A resident's own subsidies: check the ID and name, then gather the household's payments.

Every failure (malformed ID, no published payment, wrong name) returns None,
so the page cannot tell anyone whether an ID number exists.  The ID number
itself is hashed with the store's key at once and never kept, logged or shown.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import Any

from flask import current_app
from pypinyin import Style, pinyin

from etl.idnum import Hasher, stdnum_problem
from fundquery.queries import resident as sql
from fundquery.resident.masking import mask_name
from fundquery.web.config import id_hash_key
from fundquery.web.db import get_db

HASHER_EXTENSION = "fundquery.id_hasher"
NOT_AN_ID = "not-an-id-number"  # hashed like an ID; no stored payment has its hash
DECOY_ROWS = ({"name": "某某某"},)  # the names compared when nothing at all is published
_INITIALS_MAX = 6
_INITIALS = re.compile(rf"[A-Z]{{1,{_INITIALS_MAX}}}")
_PAD = "-"  # fills the places after a short name (typed and stored alike)


def hasher() -> Hasher:
    """The app's ID hasher, under ``fundquery.web.config.id_hash_key``."""
    found = current_app.extensions.get(HASHER_EXTENSION)
    if found is None:
        found = Hasher(id_hash_key(current_app))
        current_app.extensions[HASHER_EXTENSION] = found
    return found


def normalise_id(text: str) -> str | None:
    """The ID as typed (full-width digits, spaces, lower-case x allowed), or None if malformed."""
    number = unicodedata.normalize("NFKC", text or "").replace(" ", "").replace("-", "").upper()
    if len(number) != 18 or stdnum_problem(number) is not None:
        return None
    return number


def normalise_name(text: str) -> str:
    """张 三 and 张　三 are 张三 (as the loader stores them)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def initials_match(entered: str, name: str) -> bool:
    """Whether Latin letters are the pinyin initials of ``name``, any reading of a 多音字 counting.

    The same steps whatever was typed and whatever name is stored (the readings
    looked up, six places compared): the time does not tell whether they fit.
    """
    readings = pinyin(
        name, style=Style.FIRST_LETTER, heteronym=True, errors=lambda chars: [[c] for c in chars]
    )
    places = (readings + [[_PAD]] * _INITIALS_MAX)[:_INITIALS_MAX]
    letters = ["".join(options).upper() for options in places]
    typed = entered.ljust(_INITIALS_MAX, _PAD)[:_INITIALS_MAX]
    hits = [letter in options for letter, options in zip(typed, letters, strict=True)]
    fits = (
        _INITIALS.fullmatch(entered) is not None,
        len(entered) == len(name),
        len(name) == len(readings),
    )
    return all(fits) & all(hits)  # both evaluated: no early way out


def name_matches(entered: str, stored: str, *, allow_initials: bool) -> bool:
    """The name as stored, or (behind the setting) its pinyin initials; both always checked."""
    entered, stored = normalise_name(entered), normalise_name(stored)
    is_same = bool(entered) and entered == stored
    by_initials = allow_initials and initials_match(entered.upper(), stored)
    return is_same or by_initials


@dataclass
class YearGroup:
    year: int
    funds: list[dict[str, Any]] = field(default_factory=list)  # {fund_code, fund_name, rows}
    total_yuan: Decimal = Decimal("0")
    returned_yuan: Decimal = Decimal("0")


@dataclass
class LookupResult:
    name: str
    id_masked: str
    years: list[YearGroup]
    payment_count: int
    has_returned: bool
    household_member_count: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id_masked": self.id_masked,
            "payment_count": self.payment_count,
            "has_returned": self.has_returned,
            "household_member_count": self.household_member_count,
            "years": [
                {
                    "year": y.year,
                    "total_yuan": y.total_yuan,
                    "returned_yuan": y.returned_yuan,
                    "funds": y.funds,
                }
                for y in self.years
            ],
        }


def _household_rows(
    own: list[dict[str, Any]], id_hash: str, published: frozenset[int]
) -> list[dict[str, Any]]:
    """Payments to the rest of each of the person's households (same number, township and village)."""
    places = {(r["household_no"], r["township"], r["village"]) for r in own if r["household_no"]}
    rows = []
    for number in sorted({p[0] for p in places}):
        rows += [
            r
            for r in sql.payments_of_household(get_db(), number, id_hash, published)
            if (number, r["township"], r["village"]) in places
        ]
    return rows


def _public_row(r: dict[str, Any], names: dict) -> dict[str, Any]:
    return {
        "fund_code": r["fund_code"],
        "fund_name": names.get((r["fund_code"], r["year"]), r["fund_code"]),
        "period": r["period"],
        "recipient": r["name"] if r["is_own"] else mask_name(r["name"]),
        "is_own": r["is_own"],
        "id_masked": r["id_masked"],
        "village": r["village"],
        "township": r["township"],
        "quantity": r["quantity"],
        "standard_yuan": r["standard_yuan"],
        "amount_yuan": r["amount_yuan"],
        "paid_on": r["paid_on"],
        "card_status": r["card_status"],
        "is_returned": r["card_status"] == "退回",
    }


def _person(number: str | None, name_text: str) -> tuple[str, list[dict[str, Any]], dict] | None:
    """(ID hash, published payments, published batches) of the person if the name matches, else None.

    A failure does the same work whether the number is malformed, unknown, or
    known with another name (issue 15: a known number answered 0.3-0.5 ms
    slower): two hashes, two index lookups of which exactly one finds rows (the
    person's, or a decoy's when the number is not in the store), and the name
    compared, without stopping early, with the names of the rows that were found.
    """
    published = sql.published_batches(get_db())
    miss_hash = hasher()(NOT_AN_ID)  # never an ID number's hash: its lookup finds nothing
    id_hash = hasher()(number or NOT_AN_ID)
    decoy = sql.decoy_hash(get_db(), current_app.config["DATABASE"], published["payments"])
    stored = sql.stored_of_id(get_db(), id_hash)
    other = sql.stored_of_id(get_db(), miss_hash if stored else decoy or miss_hash)
    own = sql.published_only(stored, published["payments"])
    others = sql.published_only(other, published["payments"])
    seen = own or others or DECOY_ROWS
    allow = bool(current_app.config.get("LOOKUP_PINYIN_INITIALS"))
    matches = [
        name_matches(name_text, n, allow_initials=allow) for n in sorted({r["name"] for r in seen})
    ]
    if number is None or not own or True not in matches:
        return None
    return id_hash, own, published


def lookup(id_text: str, name_text: str) -> LookupResult | None:
    """The person's and household's published payments, or None for any failure at all."""
    number = normalise_id(id_text)
    person = _person(number, name_text)
    if person is None:
        return None
    id_hash, own, published = person
    rows = own + _household_rows(own, id_hash, published["payments"])
    names = sql.fund_names(get_db(), current_app.config["DATABASE"], published["funds"])
    rows.sort(
        key=lambda r: (
            -r["year"],
            r["fund_code"],
            r["period"] or "",
            str(r["paid_on"] or ""),
            not r["is_own"],
            r["batch_id"],
            r["row_no"],
        )
    )
    years = []
    for year, in_year in groupby(rows, key=lambda r: r["year"]):
        group = YearGroup(year)
        for code, in_fund in groupby(in_year, key=lambda r: r["fund_code"]):
            shown = [_public_row(r, names) for r in in_fund]
            group.funds.append(
                {
                    "fund_code": code,
                    "fund_name": shown[0]["fund_name"],
                    "rows": shown,
                    "total_yuan": sum((r["amount_yuan"] for r in shown), Decimal("0")),
                }
            )
            group.total_yuan += group.funds[-1]["total_yuan"]
            group.returned_yuan += sum(
                (r["amount_yuan"] for r in shown if r["is_returned"]), Decimal("0")
            )
        years.append(group)
    return LookupResult(
        name=own[0]["name"],
        id_masked=own[0]["id_masked"],
        years=years,
        payment_count=len(rows),
        has_returned=any(r["card_status"] == "退回" for r in rows),
        household_member_count=len({r["name"] for r in rows if not r["is_own"]}),
    )

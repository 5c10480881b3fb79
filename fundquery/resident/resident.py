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
_INITIALS = re.compile(r"[A-Z]{1,6}")


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
    """Whether Latin letters are the pinyin initials of ``name``, any reading of a 多音字 counting."""
    if not _INITIALS.fullmatch(entered) or len(entered) != len(name):
        return False
    readings = pinyin(
        name, style=Style.FIRST_LETTER, heteronym=True, errors=lambda chars: [[c] for c in chars]
    )
    if len(readings) != len(name):
        return False
    return all(
        letter in {r.upper() for r in options}
        for letter, options in zip(entered, readings, strict=True)
    )


def name_matches(entered: str, stored: str, *, allow_initials: bool) -> bool:
    entered = normalise_name(entered)
    if not entered:
        return False
    if entered == normalise_name(stored):
        return True
    return allow_initials and initials_match(entered.upper(), normalise_name(stored))


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


def lookup(id_text: str, name_text: str) -> LookupResult | None:
    """The person's and household's published payments, or None for any failure at all."""
    number = normalise_id(id_text)
    if number is None:
        return None
    id_hash = hasher()(number)
    published = sql.published_batches(get_db())
    own = sql.payments_of_id(get_db(), id_hash, published["payments"])
    allow = bool(current_app.config.get("LOOKUP_PINYIN_INITIALS"))
    if not own or not any(name_matches(name_text, r["name"], allow_initials=allow) for r in own):
        return None
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

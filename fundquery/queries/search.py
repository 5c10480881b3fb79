"""The public search box: funds, projects, village notices, agencies and published replies.

    found = search.search(con, "gdlb")   # {"funds": [...], "projects": [...], ...}

A query is split into words; a row is found when every word is in one of its
public names, or (for a word of Latin letters) in the pinyin or the pinyin
initials of one of them (or an abbreviation of those), so `gdlb` and `gengdi` find
耕地地力保护补贴.

It never finds a person: it reads no payee and no staff name, only what the
public pages already show as titles (fund, project, contractor, township,
village, agency and department names, and the text of published replies).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

import duckdb
from pypinyin import Style, lazy_pinyin

from fundquery.queries.sql import fetch

LIMIT = 20  # results shown per kind; the count says how many there were
MAX_WORDS = 5
MAX_WORD_LENGTH = 40
KINDS = ("funds", "projects", "places", "agencies", "replies")

FUNDS = """
SELECT fund_code, year, fund_name, department, category
FROM public_funds ORDER BY year DESC, fund_code
"""
PROJECTS = """
SELECT fund_code, project_name, township, village, contractor, amount_yuan, status
FROM public_projects ORDER BY township, village, project_name
"""
# Villages with a notice, with the notices' count; a village is found by its own or its township's name.
PLACES = """
SELECT township, village, count(DISTINCT (year, fund_code)) AS notice_count
FROM public_notice_rows WHERE village IS NOT NULL GROUP BY ALL ORDER BY township, village
"""
AGENCIES = """
SELECT agency_name, any_value(department) AS department
FROM public_agencies GROUP BY agency_name ORDER BY department, agency_name
"""
# Replies are long texts: matched in the database, by plain substring, every word.
REPLIES = """
SELECT message_type, township, village, question, reply, replied_on
FROM public_messages WHERE {where} ORDER BY replied_on DESC, received_on DESC LIMIT ?
"""


def words(query: str) -> list[str]:
    """The query's words: NFKC (full-width letters typed on a kiosk count), lower case, bounded."""
    text = unicodedata.normalize("NFKC", query).lower()
    return [w[:MAX_WORD_LENGTH] for w in text.split()][:MAX_WORDS]


@lru_cache(maxsize=8192)
def spellings(text: str) -> tuple[str, str, str]:
    """``text`` lower-cased, its pinyin without tones, and its pinyin initials (``gdlbhbt``)."""
    syllables = lazy_pinyin(text, errors="default")
    initials = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    return text.lower(), "".join(syllables).lower(), "".join(initials).lower()


def abbreviates(word: str, initials: str) -> bool:
    """Whether ``word`` is an abbreviation of a name with these initials: its first letter, then
    some of the others in order, as people shorten names (gdlb for 耕地地力保护补贴, gddlbhbt)."""
    if len(word) < 2 or not initials.startswith(word[0]):
        return False
    rest = iter(initials[1:])
    return all(letter in rest for letter in word[1:])


def matches(names: list[Any], found_words: list[str]) -> bool:
    """Whether every word is in one of ``names``: as written, or for a word of Latin letters in its
    pinyin, its pinyin initials, or as an abbreviation of them."""
    spelt = [spellings(str(n)) for n in names if n]
    for word in found_words:
        latin = word.isascii() and word.isalpha()
        if not any(
            word in written
            or (latin and (word in syllables or word in initials or abbreviates(word, initials)))
            for written, syllables, initials in spelt
        ):
            return False
    return True


def _found(rows: list[dict[str, Any]], fields: tuple[str, ...], found_words: list[str]) -> dict:
    hits = [row for row in rows if matches([row[f] for f in fields], found_words)]
    return {"count": len(hits), "rows": hits[:LIMIT]}


def replies(con: duckdb.DuckDBPyConnection, found_words: list[str]) -> dict[str, Any]:
    """Published replies whose question, reply, township or village holds every word."""
    where = " AND ".join(
        "(contains(lower(question), ?) OR contains(lower(coalesce(reply, '')), ?)"
        " OR contains(lower(coalesce(township, '')), ?) OR contains(lower(coalesce(village, '')), ?))"
        for _ in found_words
    )
    params = [w for w in found_words for _ in range(4)]
    counted = fetch(
        con,
        f"SELECT count(*) AS n FROM public_messages WHERE {where}",  # noqa: S608
        params,
    )[0]["n"]
    rows = fetch(con, REPLIES.format(where=where), [*params, LIMIT])
    return {"count": counted, "rows": rows}


def search(con: duckdb.DuckDBPyConnection, query: str) -> dict[str, dict[str, Any]]:
    """Every kind's matches for ``query`` ({} when it has no word), at most LIMIT rows each."""
    found_words = words(query)
    if not found_words:
        return {}
    return {
        "funds": _found(fetch(con, FUNDS), ("fund_name", "fund_code"), found_words),
        "projects": _found(
            fetch(con, PROJECTS), ("project_name", "township", "village", "contractor"), found_words
        ),
        "places": _found(fetch(con, PLACES), ("township", "village"), found_words),
        "agencies": _found(fetch(con, AGENCIES), ("agency_name", "department"), found_words),
        "replies": replies(con, found_words),
    }

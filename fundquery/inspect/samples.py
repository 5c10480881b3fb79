"""Field checks (明查暗访, issue 16): a reproducible sample of recipients for inspectors to visit.

    scope = Scope(fund_code="F001", township=None, village=None, year=2024)
    sample_id = samples.draw(con, scope, size=20, seed=20240601, actor="jian")

The draw, exactly (``METHOD``), so that anyone holding the same store and the
seed gets the same list:

1. Candidates: every recipient (one per keyed ID hash) with at least one live
   payment in the scope (fund, township, village, year; any not given is not
   a filter).  A candidate's township, village, group, household and bank
   account are those of its last-loaded payment row in the scope (highest
   batch, then row number); its amount is the sum of its payments there.
2. Size: ``size``, or ``ceil(share × candidates)`` for a share; at most the
   number of candidates.
3. Strata: the candidates' townships.  Each township gets its proportional
   quota ``q = size × its candidates / all candidates``; first ``floor(q)``,
   raised to 1 when the size is at least the number of townships (at least one
   per stratum when possible).  Seats still free go one at a time to the
   townships with the largest ``q − given``, never beyond a township's
   candidates; seats over (from the raises) are taken one at a time from the
   townships given more than one, with the smallest ``q − given``.  A tie goes
   to the first township in name order (Unicode code points).
4. Within a township, candidates are ordered by ``sha256("<seed>:<id_hash>")``
   in hexadecimal (the ID hash breaks a tie) and the first ones are drawn.
   Townships are taken in name order (Unicode code points); members are
   numbered 1.. in that order.

A hash of the seed and a stable key, rather than a random generator's stream,
because NumPy does not promise the same stream from the same seed across its
versions; SHA-256 gives the same order in any language, any year.  Steps 1 and
4 run in DuckDB (its ``sha256`` is the hex digest of the UTF-8 text, as
Python's hashlib gives: the tests compute the draw with hashlib), step 3 here.
The seed's text is its decimal digits.  Only the recipients' hashes and
townships are ranked; the drawn ones' payments are summed after.  On a 2-core
machine shared with other jobs (load average 5-15), bench/sample_bench.py: 166,667
recipients, 8,334 drawn, 1.6 s (27 s when every candidate came to Python and
each member was inserted alone); 833,334 recipients (10 M payments), 41,667
drawn, 8.6 s; one fund's 23,810, 1.9 s.
"""

from __future__ import annotations

import json
import math
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import duckdb

from etl.audit import audit
from etl.labels import label
from etl.transaction import transaction
from fundquery.queries.sql import fetch

METHOD = "sha256-township-v1"
MAX_SEED = 2**63 - 1
MAX_SIZE = 1_000_000  # far beyond any team's visits; a larger size is a typing error


class SampleError(ValueError):
    """A draw that cannot be made as asked; the message says what was wrong and what is expected."""


@dataclass(frozen=True)
class Scope:
    """Which recipients may be drawn: any field left None is not a filter."""

    fund_code: str | None = None
    township: str | None = None
    village: str | None = None
    year: int | None = None

    def active(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}

    def described(self, lang: str = "zh") -> list[dict[str, Any]]:
        """The filters as people read them: each with its label from the one vocabulary (etl/labels.py)."""
        return [
            {"name": k, "title": label(k).en if lang == "en" else label(k).zh, "value": v}
            for k, v in self.active().items()
        ]


# The live payments in the scope; any filter left NULL is not one.
_IN_SCOPE = """($fund_code IS NULL OR p.fund_code = $fund_code)
      AND ($township IS NULL OR p.township = $township)
      AND ($village IS NULL OR p.village = $village)
      AND ($year IS NULL OR p.year = $year)"""
SCOPED = f"""
scoped AS NOT MATERIALIZED (
    SELECT p.*, CAST(p.batch_id AS BIGINT) * 10000000 + p.row_no AS loaded_order
    FROM live_payments p
    WHERE {_IN_SCOPE}
      AND p.id_hash IS NOT NULL
)"""  # noqa: S608 (constants)
# A payment with no ID number (a roster without the column, issue 14) is nobody's to draw: counted and
# said on the sample's page, as the checks say what they leave out.
IDLESS_IN_SCOPE = f"SELECT count(*) FROM live_payments p WHERE {_IN_SCOPE} AND p.id_hash IS NULL"  # noqa: S608

# Step 1: one row per recipient, with the township (the stratum; '' for none) of its last-loaded row.
BY_RECIPIENT = "SELECT id_hash, coalesce(arg_max(township, loaded_order), '') AS stratum FROM scoped GROUP BY id_hash"
CANDIDATES = f"WITH {SCOPED} {BY_RECIPIENT}"  # noqa: S608 (constants)


def parse_share(text: str | Decimal | float | None) -> Decimal | None:
    """A share as written (0.05, 5%): a Decimal in (0, 1], or SampleError naming the value."""
    if text is None or str(text).strip() == "":
        return None
    raw = str(text).strip()
    try:
        share = Decimal(raw[:-1]) / 100 if raw.endswith("%") else Decimal(raw)
    except InvalidOperation:
        share = None
    if (
        share is None
        or not share.is_finite()
        or share <= 0
        or share > 1
        or share != share.quantize(Decimal("0.000001"))
    ):
        raise SampleError(
            f"抽样比例“{raw}”不对：应为大于 0、不超过 1、最多 6 位小数的小数（如 0.05）或百分数（如 5%）。"
            f" / Share “{raw}”: expected a fraction above 0 and at most 1, 6 decimals at most (0.05),"
            " or a percentage (5%)."
        )
    return share


def parse_whole(text: str | None, what: str) -> int | None:
    """A size or seed as typed on a form: a whole number, or SampleError naming the value."""
    if text is None or str(text).strip() == "":
        return None
    raw = str(text).strip()
    if raw.lstrip("-").isdigit() and raw.isascii():
        return int(raw)
    zh, en, expected_zh, expected_en = {
        "size": (
            "抽样数量",
            "Size",
            f"1 以上、不超过 {MAX_SIZE} 的整数",
            f"a whole number from 1 to {MAX_SIZE}",
        ),
        "seed": (
            "随机种子",
            "Seed",
            f"0 到 {MAX_SEED} 之间的整数",
            f"a whole number from 0 to {MAX_SEED}",
        ),
    }[what]
    raise SampleError(
        f"{zh}“{raw}”不对：应为{expected_zh}。/ {en} “{raw}”: expected {expected_en}."
    )


def check_size(size: int | None, share: Decimal | None) -> None:
    """Exactly one of a size (a whole number, at least 1) and a share."""
    if (size is None) == (share is None):
        raise SampleError(
            "请给出抽样数量或抽样比例中的一个（如 --size 20 或 --share 0.05）。"
            " / Give either a size or a share (--size 20 or --share 0.05), not both or neither."
        )
    if size is not None and (
        isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_SIZE
    ):
        raise SampleError(
            f"抽样数量“{size}”不对：应为 1 以上、不超过 {MAX_SIZE} 的整数。"
            f" / Size “{size}”: expected a whole number from 1 to {MAX_SIZE}."
        )


def check_seed(seed: int | None) -> int:
    """The seed given (0 … 2^63−1), or a new random one (which is shown and kept)."""
    if seed is None:
        return secrets.randbelow(10**9)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise SampleError(
            f"随机种子“{seed}”不对：应为 0 到 {MAX_SEED} 之间的整数。"
            f" / Seed “{seed}”: expected a whole number from 0 to {MAX_SEED}."
        )
    return seed


def check_scope(con: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    """Every named fund, township and village exists; else SampleError naming it."""
    if scope.fund_code is not None:
        known = con.execute(
            "SELECT count(*) FROM live_funds WHERE fund_code = ?", [scope.fund_code]
        ).fetchone()[0]
        if not known:
            raise SampleError(
                f"资金编码“{scope.fund_code}”不在资金目录中：应为已导入的资金编码（见资金目录）。"
                f" / Fund code “{scope.fund_code}” is not in the fund catalogue: expected a loaded fund code."
            )
    for column, zh, en in (("township", "乡镇", "Township"), ("village", "村", "Village")):
        value = getattr(scope, column)
        if value is None:
            continue
        known = con.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM live_payments WHERE {column} = ? LIMIT 1)",  # noqa: S608 (fixed names)
            [value],
        ).fetchone()[0]
        if not known:
            raise SampleError(
                f"{zh}“{value}”在发放清册中没有记录：应为清册中出现的{zh}名称。"
                f" / {en} “{value}” has no payments: expected a {en.lower()} named on the payment rolls."
            )


def _scope_params(scope: Scope) -> dict[str, Any]:
    return {
        "fund_code": scope.fund_code,
        "township": scope.township,
        "village": scope.village,
        "year": scope.year,
    }


def strata_counts(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, int]:
    """Step 1, counted: recipients in the scope per township ('' for a row without one)."""
    rows = con.execute(
        f"SELECT stratum, count(*) FROM ({CANDIDATES}) GROUP BY stratum",  # noqa: S608 (a constant)
        _scope_params(scope),
    ).fetchall()
    return dict(rows)


def sample_size(candidate_count: int, size: int | None, share: Decimal | None) -> int:
    """Step 2: the size asked for, or ceil(share × candidates), at most the candidates."""
    wanted = size if size is not None else math.ceil(Fraction(share) * candidate_count)
    return min(wanted, candidate_count)


def allocate(counts: dict[str, int], size: int) -> dict[str, int]:
    """Step 3: seats per township, proportional (largest remainder), at least one each when possible."""
    total = sum(counts.values())
    quota = {t: Fraction(size * n, total) for t, n in counts.items()}
    given = {t: math.floor(q) for t, q in quota.items()}
    if size >= len(counts):
        given = {t: max(g, 1) for t, g in given.items()}
    while sum(given.values()) < size:
        free = [t for t in sorted(counts) if given[t] < counts[t]]
        best = max(free, key=lambda t: quota[t] - given[t])  # the first in name order on a tie
        given[best] += 1
    while sum(given.values()) > size:
        spare = [t for t in sorted(counts) if given[t] > 1]
        worst = min(spare, key=lambda t: quota[t] - given[t])  # the first in name order on a tie
        given[worst] -= 1
    return given


# Steps 3 and 4 in one statement: each township's candidates in sha256("<seed>:<id_hash>") order, the
# first $seats[i] of township $towns[i] kept, numbered in township order (as allocated, by name) then
# that order; the townships' order is passed in, not left to the database's collation.  Only the
# drawn recipients' payments are then summed for the visit list: ranking the candidates' hashes
# alone, not every column of every candidate, made a county-wide draw several times faster.
MEMBERS = f"""
INSERT INTO sample_members (sample_id, member_no, id_hash, id_masked, name, sex, birth_date, township, village,
                            village_group, household_no, bank_account_masked, fund_codes, payment_count,
                            amount_yuan, draw_key)
WITH {SCOPED},
seats AS (SELECT unnest($towns) AS stratum, unnest($seats) AS seats, unnest($places) AS place),
candidates AS ({BY_RECIPIENT}),
keyed AS (SELECT c.*, sha256($seed_text || ':' || c.id_hash) AS draw_key FROM candidates c),
ranked AS (
    SELECT k.*, row_number() OVER (PARTITION BY k.stratum ORDER BY k.draw_key, k.id_hash) AS rank_no
    FROM keyed k
),
chosen AS MATERIALIZED (
    SELECT r.id_hash, r.draw_key, r.rank_no, s.place
    FROM ranked r JOIN seats s ON s.stratum = r.stratum
    WHERE r.rank_no <= s.seats
),
detail AS (
    SELECT p.id_hash,
           arg_max(p.id_masked, p.loaded_order) AS id_masked,
           arg_max(p.name, p.loaded_order) AS name,
           arg_max(p.sex, p.loaded_order) AS sex,
           arg_max(p.birth_date, p.loaded_order) AS birth_date,
           arg_max(p.township, p.loaded_order) AS township,
           arg_max(p.village, p.loaded_order) AS village,
           arg_max(p.village_group, p.loaded_order) AS village_group,
           arg_max(p.household_no, p.loaded_order) AS household_no,
           arg_max(p.bank_account_masked, p.loaded_order) AS bank_account_masked,
           array_to_string(list_sort(list_distinct(list(p.fund_code))), '、') AS fund_codes,
           count(*) AS payment_count,
           sum(p.amount_yuan) AS amount_yuan
    FROM scoped p JOIN chosen c ON c.id_hash = p.id_hash
    GROUP BY p.id_hash
)
SELECT $sample_id, row_number() OVER (ORDER BY c.place, c.rank_no), c.id_hash, d.id_masked, d.name, d.sex,
       d.birth_date, d.township, d.village, d.village_group, d.household_no, d.bank_account_masked, d.fund_codes,
       d.payment_count, d.amount_yuan, c.draw_key
FROM chosen c JOIN detail d ON d.id_hash = c.id_hash
"""  # noqa: S608 (constants)


def draw(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    *,
    size: int | None = None,
    share: Decimal | str | None = None,
    seed: int | None = None,
    actor: str,
) -> int:
    """Draw and keep a sample; returns its id.  Bad input raises SampleError and stores nothing."""
    share = parse_share(share) if not isinstance(share, Decimal) else parse_share(str(share))
    check_size(size, share)
    seed = check_seed(seed)
    check_scope(con, scope)
    counts = strata_counts(con, scope)
    total = sum(counts.values())
    if not total:
        raise SampleError(
            f"所选范围内没有领取人（{json.dumps(scope.active(), ensure_ascii=False)}）：请放宽筛选条件。"
            " / No recipients in that scope: widen it."
        )
    seats = allocate(counts, sample_size(total, size, share))
    towns = sorted(counts)
    strata = [{"township": t, "candidates": counts[t], "drawn": seats[t]} for t in towns]
    with transaction(con):
        sample_id = con.execute(
            "INSERT INTO samples (fund_code, township, village, year, size_asked, share, seed, method,"
            " candidate_count, member_count, strata, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING sample_id",
            [
                scope.fund_code,
                scope.township,
                scope.village,
                scope.year,
                size,
                share,
                seed,
                METHOD,
                total,
                sum(seats.values()),
                json.dumps(strata, ensure_ascii=False),
                actor,
            ],
        ).fetchone()[0]
        con.execute(
            MEMBERS,
            {
                **_scope_params(scope),
                "sample_id": sample_id,
                "seed_text": str(seed),
                "towns": towns,
                "seats": [seats[t] for t in towns],
                "places": list(range(len(towns))),
            },
        )
        audit(
            con,
            actor,
            "sample_draw",
            f"sample:{sample_id}",
            seed=seed,
            method=METHOD,
            size=size,
            share=str(share) if share is not None else None,
            candidates=total,
            members=sum(seats.values()),
            **scope.active(),
        )
    return sample_id


def get(con: duckdb.DuckDBPyConnection, sample_id: int) -> dict[str, Any] | None:
    rows = fetch(con, "SELECT * FROM samples WHERE sample_id = ?", [sample_id])
    if not rows:
        return None
    found = rows[0]
    found["strata"] = json.loads(found["strata"])
    scope = Scope(found["fund_code"], found["township"], found["village"], found["year"])
    found["scope"] = scope.active()
    found["scope_zh"] = "，".join(f"{d['title']} {d['value']}" for d in scope.described()) or "全部"
    # the scope's payments with no ID number as the store holds them now: not candidates, said beside them
    found["idless_count"] = con.execute(IDLESS_IN_SCOPE, _scope_params(scope)).fetchone()[0]
    return found


def listing(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every sample, newest first, with how many members were visited."""
    return fetch(
        con,
        "SELECT s.sample_id, s.fund_code, s.township, s.village, s.year, s.size_asked, s.share, s.seed, s.method,"
        " s.candidate_count, s.member_count, s.created_by, s.created_at,"
        " (SELECT count(DISTINCT v.member_no) FROM sample_visits v WHERE v.sample_id = s.sample_id)"
        " AS visited_count FROM samples s ORDER BY s.sample_id DESC",
    )


def members(con: duckdb.DuckDBPyConnection, sample_id: int) -> list[dict[str, Any]]:
    """The members in draw order, each with its latest visit (outcome, note, amount, flag)."""
    return fetch(
        con,
        "SELECT m.*, v.outcome, v.note, v.recover_yuan, v.visited_on, v.flag_id, v.recorded_by,"
        " v.recorded_at FROM sample_members m LEFT JOIN (SELECT * FROM sample_visits WHERE sample_id = ?"
        " QUALIFY row_number() OVER (PARTITION BY member_no ORDER BY visit_id DESC) = 1) v"
        " USING (sample_id, member_no) WHERE m.sample_id = ? ORDER BY m.member_no",
        [sample_id, sample_id],
    )

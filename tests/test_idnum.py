"""ID numbers: the SQL GB 11643 check agrees with python-stdnum; keys; masking."""

from __future__ import annotations

import random

import duckdb
import pyarrow as pa
import pytest
from stdnum.cn import ric

from etl.clean import check_chars, id_problem_expr
from etl.idnum import Hasher, MissingKey, load_key, mask, region_known, stdnum_problem
from tests.sheets import make_id


def _candidates(n: int) -> list[str]:
    rng = random.Random(11643)
    out = []
    for _ in range(n):
        good = make_id(
            region=rng.choice(["110105", "420102", "441900"]),
            birth=f"{rng.randint(1930, 2020)}{rng.randint(1, 12):02d}{rng.randint(1, 31):02d}",
            seq=rng.randint(0, 499),
            sex=rng.choice("mf"),
        )
        kind = rng.randint(0, 4)
        if kind == 1:  # one digit changed
            i = rng.randint(0, 16)
            good = good[:i] + str((int(good[i]) + rng.randint(1, 9)) % 10) + good[i + 1 :]
        elif kind == 2:  # wrong check char
            good = good[:17] + rng.choice("0123456789X")
        elif kind == 3:
            good = good[: rng.randint(10, 17)]
        out.append(good)
    return out


def test_sql_check_agrees_with_stdnum():
    con = duckdb.connect()
    numbers = _candidates(5000)
    con.execute("CREATE TABLE ids (x VARCHAR)")
    con.executemany("INSERT INTO ids VALUES (?)", [[n] for n in numbers])
    got = dict(con.execute(f"SELECT x, {id_problem_expr('x')} FROM ids").fetchall())  # noqa: S608
    disagree = [(n, got[n], stdnum_problem(n)) for n in numbers if got[n] != stdnum_problem(n)]
    assert disagree == []
    # the sample really exercises every outcome
    assert {stdnum_problem(n) for n in numbers} >= {None, "checksum", "length", "birth_date"}


def test_numpy_check_character_agrees_with_stdnum():
    """check_chars (numpy, the load's path) gives stdnum's check character for every 18-character number,
    null for other lengths, and the SQL check fed with it classifies as stdnum does."""
    candidates = _candidates(5000)
    numbers = candidates + [None, "", "11010519491231002X" + "1", "4.10102E+17"]
    got = check_chars(pa.array(numbers, pa.string())).to_pylist()
    for number, char in zip(numbers, got, strict=True):
        if number is not None and len(number) == 18:
            assert char == ric.calc_check_digit(number), number  # it drops the last character
        else:
            assert char is None, number
    con = duckdb.connect()
    con.register("ids", pa.table({"x": pa.array(numbers, pa.string()), "c": got}))
    classified = con.execute(f"SELECT x, {id_problem_expr('x', 'c')} FROM ids").fetchall()  # noqa: S608
    assert len(classified) == len(numbers)
    disagree = [
        (n, p, stdnum_problem(n))
        for n, p in classified[: len(candidates)]
        if p != stdnum_problem(n)
    ]
    assert disagree == []


def test_hash_is_keyed():
    number = make_id()
    assert Hasher(b"a" * 32)(number) != Hasher(b"b" * 32)(number)
    assert Hasher(b"a" * 32)(number) == Hasher(b"a" * 32)(number.lower())


def test_mask():
    assert mask("110105194912310021") == "110105********0021"


def test_region_known_is_a_lookup_not_a_crash():
    assert region_known("110105", 1990) is True
    assert region_known("999999", 1990) is False


def test_key_from_instance_folder_or_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("FUNDQUERY_ID_KEY", raising=False)
    with pytest.raises(MissingKey, match="fundquery init"):
        load_key(tmp_path)
    key = load_key(tmp_path, create=True)
    assert load_key(tmp_path) == key and len(key) == 32
    assert oct((tmp_path / "id_hash.key").stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv("FUNDQUERY_ID_KEY", "ab" * 32)
    assert load_key(tmp_path) == bytes.fromhex("ab" * 32)

"""``incoming`` is built in one scan of the upload, in the file's row order (issue 14: a load at the speed of the read).

The store's insert only skips its sort when ``incoming`` lies in row order; a join in the
statement that builds it (the ID numbers joined back, an IN list that DuckDB turns into a
join) hands its output back batch by batch in any order.  These tests look at DuckDB's own
plan of that statement, for every kind, and at the stored rows of a load.
"""

from __future__ import annotations

import codecs
import re

import duckdb
import pyarrow as pa
import pytest

from etl.clean import _raw_as_parsed, build_incoming
from etl.csvread import trailing_blank_lines
from etl.extract import UnreadableFile
from etl.load import _in_row_order, _insert_sql
from etl.read import read, sniff_format
from etl.specs import SPECS
from etl.validate import validate
from tests.sheets import PAY_HEADER, make_id, pay_row, write_csv

PREFIX = "CREATE OR REPLACE TEMP TABLE incoming AS "


class PlanRecorder:
    """A real DuckDB connection that keeps DuckDB's plan of the statement building ``incoming``."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con, self.plans = con, []

    def execute(self, sql, *args, **kwargs):
        # ``incoming`` is created from the upload in one statement, or (with generated ``__raw``
        # columns) declared and then filled by one INSERT: the plan of that one.
        if sql.startswith((PREFIX, "INSERT INTO incoming ")):
            query = sql[len(PREFIX) :] if sql.startswith(PREFIX) else sql
            rows = self.con.execute("EXPLAIN " + query, *args, **kwargs).fetchall()
            self.plans.append("\n".join(str(value) for _key, value in rows))
        return self.con.execute(sql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.con, name)


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_incoming_is_one_scan_with_no_join(kind, hasher):
    spec = SPECS[kind]
    values = {
        "id_number": [make_id(seq=1), make_id(seq=2), None],
        "year": ["2024", "2024年", None],
    }
    raw = pa.table(
        {
            "_row": pa.array([3, 4, 5], pa.int32()),
            **{
                c.name: pa.array(values.get(c.type, ["是", "x", None]), pa.string())
                for c in spec.columns
            },
        }
    )
    con = duckdb.connect()
    recorder = PlanRecorder(con)
    build_incoming(recorder, spec, raw, hasher)
    (plan,) = recorder.plans
    assert "JOIN" not in plan.upper(), plan
    assert con.execute("SELECT list(_row ORDER BY rowid) FROM incoming").fetchone()[0] == [3, 4, 5]


def _x_id() -> str:
    """A valid number whose check character is X."""
    return next(n for n in (make_id(seq=s) for s in range(1, 400)) if n.endswith("X"))


@pytest.mark.parametrize("in_sql", [True, False], ids=["hashed-in-duckdb", "hashed-in-python"])
def test_id_columns_are_taken_back_to_every_row(hasher, in_sql):
    key = hasher if in_sql else (lambda number: hasher(number))  # no .pads: hashed in Python
    spec = SPECS["payments"]
    good, woman, with_x = make_id(seq=7), make_id(seq=8, sex="f"), _x_id()
    wrong = good[:17] + ("1" if good[17] != "1" else "2")
    ids = [
        good,
        None,
        with_x.lower()[:6] + " " + with_x.lower()[6:],
        woman,
        "4.10102E+17",
        good,
        wrong,
    ]
    columns = {c.name: pa.nulls(len(ids), pa.string()) for c in spec.columns}
    columns["id_number"] = pa.array(ids, pa.string())
    raw = pa.table({"_row": pa.array(range(2, 2 + len(ids)), pa.int32()), **columns})
    con = duckdb.connect()
    build_incoming(con, spec, raw, key)
    rows = con.execute(
        "SELECT _row, id_number, id_number__problem, id_hash, id_masked, sex, CAST(birth_date AS VARCHAR)"
        " FROM incoming ORDER BY rowid"
    ).fetchall()
    assert [r[0] for r in rows] == list(range(2, 2 + len(ids)))

    def person(number, sex):
        return (
            number,
            None,
            hasher(number),
            number[:6] + "********" + number[-4:],
            sex,
            "1980-01-01",
        )

    by_row = {r[0]: r[1:] for r in rows}
    assert by_row[2] == by_row[7] == person(good, "男")
    assert by_row[3] == (None, None, None, None, None, None)
    assert by_row[4] == person(with_x, "男")  # spaces out, x upper-cased before the check
    assert by_row[5] == person(woman, "女")
    assert by_row[6] == ("4.10102E+17", "scientific", None, None, None, None)
    assert by_row[8] == (wrong, "checksum", None, None, None, None)
    keys = dict(con.execute("SELECT _row, person_key FROM incoming").fetchall())
    assert keys[2] == keys[7] and len({keys[2], keys[4], keys[5]}) == 3  # one key per person
    assert keys[3] is keys[6] is keys[8] is None


def test_a_loaded_roster_is_stored_in_the_files_row_order(load, funds_loaded, store, tmp_path):
    rows = [pay_row(i + 1, amount=f"{100 + i}.00") for i in range(300)]
    result = load(write_csv(tmp_path / "roster.csv", [PAY_HEADER, *rows]), "payments")
    assert result.status == "loaded", result.as_json()
    stored = store.execute(
        "SELECT row_no, amount_yuan FROM payments WHERE batch_id = ? ORDER BY rowid", [result.batch]
    ).fetchall()
    assert [r[0] for r in stored] == list(range(2, 302))
    assert [str(r[1]) for r in stored] == [f"{100 + i}.00" for i in range(300)]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\r\n",
        b"a,b\r\n1,2\r\n",
        b"a,b\r\n1,2\r\n\r\n\r\n  \r\n",
        b"a\n" + b" " * 9000 + b"\n\n",
    ],
)
def test_trailing_blank_lines_are_counted_from_the_end(data):
    assert trailing_blank_lines(data) == data[len(data.rstrip()) :].count(b"\n") - 1


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (codecs.BOM_UTF8 + b"  \r\n<html><body>", None),
        (b"\n\n<!DOCTYPE html>", None),
        (codecs.BOM_UTF8 + "姓名,金额\r\n".encode(), "csv"),
        (b" \t\n", "empty"),
    ],
)
def test_the_format_is_sniffed_without_copying_the_file(data, fmt):
    if fmt == "csv":
        assert sniff_format(data, "f.csv") == "csv"
        return
    with pytest.raises(UnreadableFile) as err:
        sniff_format(data, "f.csv")
    assert ("空的" if fmt == "empty" else "网页") in str(err.value)


def test_an_upload_out_of_row_order_is_sorted_before_it_is_stored(
    funds_loaded, store, hasher, tmp_path
):
    """The sort is left out only when a scan of ``incoming`` finds it in row order."""
    rows = [pay_row(i + 1, amount=f"{200 + i}.00") for i in range(50)]
    extract = read(write_csv(tmp_path / "roster.csv", [PAY_HEADER, *rows]), "payments")
    assert not validate(store, extract, hasher).errors
    assert _in_row_order(store)
    store.execute(
        "CREATE OR REPLACE TEMP TABLE incoming AS SELECT * FROM incoming ORDER BY _row DESC"
    )
    assert not _in_row_order(store)
    store.execute(_insert_sql(SPECS["payments"], ordered=_in_row_order(store)), [999])
    stored = store.execute(
        "SELECT row_no, amount_yuan FROM payments WHERE batch_id = 999 ORDER BY rowid"
    ).fetchall()
    assert [(r[0], str(r[1])) for r in stored] == [(i + 2, f"{200 + i}.00") for i in range(50)]


# Cells as clerks write them, for every parsed type: plain, decorated, blank, and wrong.
_CELLS = {
    "amount": ["892.50", "1,234.50元", "5万", " ", None, "abc", "-3", "0.125"],
    "decimal": ["8.5", "1,2.3", None, "亩", "0.0001"],
    "int": ["3", "3.0", None, "三"],
    "year": ["2024", "2024年度", None, "1800", "二〇二四"],
    "date": ["2024-03-05", "2024/3/5", "2024年3月5日", "45356", "20240305", None, "2024-02-30"],
    "month": ["2024-03", "2024年3月", "202403", "2024-03-15", None, "13月"],
    "flag": ["是", "否", "Y", None, "也许"],
}


def _long_raw(spec, rows: int) -> pa.Table:
    """``rows`` rows cycling through a few values per column, each column at its own pace."""
    columns = {"_row": pa.array(range(2, 2 + rows), pa.int32())}
    for k, c in enumerate(spec.columns):
        cells = _CELLS.get(c.type) or (
            [*list(c.values)[:4], "说不清", None] if c.type == "enum" else ["甲", "乙 丙", None]
        )
        if c.type == "id_number":
            cells = [make_id(seq=1), make_id(seq=2), "4.10102E+17", None]
        columns[c.name] = pa.array([cells[(i + k) % len(cells)] for i in range(rows)], pa.string())
    return pa.table(columns)


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_parsing_once_per_value_gives_what_parsing_every_row_gives(kind, hasher, monkeypatch):
    """A long upload's repetitive columns are parsed once per distinct value (etl.clean._parsed_by_value);
    ``incoming`` is the same, column for column and row for row, as when every row is parsed."""
    spec = SPECS[kind]
    raw = _long_raw(spec, 12_000)
    times = {
        next((c.name for c in spec.columns if c.type == "amount"), "none"): 10_000
    }  # one in 万元
    con = duckdb.connect()
    build_incoming(con, spec, raw, hasher, times)
    by_value = con.sql("SELECT * FROM incoming ORDER BY rowid").to_arrow_table()
    monkeypatch.setattr("etl.clean.BY_VALUE_ROWS", 10**9)
    build_incoming(con, spec, raw, hasher, times)
    by_row = con.sql("SELECT * FROM incoming ORDER BY rowid").to_arrow_table()
    assert by_value.schema == by_row.schema
    for name in by_row.column_names:
        assert by_value[name].to_pylist() == by_row[name].to_pylist(), name


def test_a_long_rosters_repetitive_columns_are_not_parsed_row_by_row(hasher):
    """At 12,000 rows the statement creating ``incoming`` parses no amount, date or year: they repeat, and
    each distinct value was parsed once beforehand; the values are those a clerk's cells mean."""
    spec = SPECS["payments"]
    raw = _long_raw(spec, 12_000)
    con = duckdb.connect()
    recorder = PlanRecorder(con)
    statements = []
    original = recorder.execute

    def keep(sql, *args, **kwargs):
        statements.append(sql)
        return original(sql, *args, **kwargs)

    recorder.execute = keep
    build_incoming(recorder, spec, raw, hasher)
    (create,) = [s for s in statements if s.startswith((PREFIX, "INSERT INTO incoming "))]
    # (a name's parse, a replace unless the name has a space, stays in it: parsing row by row costs less)
    assert "regexp_full_match" not in create and "strptime" not in create, create
    names = [c.name for c in spec.columns]

    def first_row(column: str, cell: str) -> int:  # the spreadsheet row of the first such cell
        k, cells = names.index(column), _CELLS[spec.column(column).type]
        return next(i for i in range(len(cells)) if cells[(i + k) % len(cells)] == cell) + 2

    def parsed(column: str, cell: str):
        return con.execute(
            f"SELECT CAST({column} AS VARCHAR) FROM incoming WHERE _row = ?",  # noqa: S608
            [first_row(column, cell)],
        ).fetchone()[0]

    assert parsed("amount_yuan", "1,234.50元") == "1234.50"
    assert parsed("amount_yuan", "5万") == "50000.00"
    assert parsed("amount_yuan", "abc") is None
    assert parsed("paid_on", "2024年3月5日") == "2024-03-05"
    assert parsed("paid_on", "45356") == "2024-03-05"  # an Excel serial
    assert parsed("paid_on", "2024-02-30") is None


@pytest.mark.parametrize("in_sql", [True, False], ids=["hashed-in-duckdb", "hashed-in-python"])
def test_the_lookup_key_is_made_once_per_number_and_stored_as_made(hasher, in_sql):
    """``incoming.id_key`` is the hash's first 15 hex digits (etl.idnum.lookup_key) for a valid number, NULL
    otherwise; the store's insert takes it as it is instead of cutting every row's hash again."""
    key = hasher if in_sql else (lambda number: hasher(number))
    spec = SPECS["payments"]
    good = make_id(seq=7)
    ids = [good, None, "4.10102E+17", good, make_id(seq=9, sex="f")]
    columns = {c.name: pa.nulls(len(ids), pa.string()) for c in spec.columns}
    columns["id_number"] = pa.array(ids, pa.string())
    raw = pa.table({"_row": pa.array(range(2, 2 + len(ids)), pa.int32()), **columns})
    con = duckdb.connect()
    build_incoming(con, spec, raw, key)
    got = con.execute("SELECT id_number, id_key FROM incoming ORDER BY rowid").fetchall()
    expected = [None if n is None or "E" in n else int(hasher(n)[:15], 16) for n in ids]
    assert [k for _n, k in got] == expected
    # main cut the key out of every row's hash in the insert (LOOKUP_KEY_SQL)
    assert "left(id_hash" not in _insert_sql(spec)


def _generated(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The columns of ``incoming`` that DuckDB computes when read instead of storing them."""
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = 'temp'"
        " AND table_name = 'incoming' AND generation_expression IS NOT NULL"
    ).fetchall()
    return {name for (name,) in rows}


def _payments_raw(cells: dict[str, list[str | None]]) -> pa.Table:
    spec = SPECS["payments"]
    rows = len(next(iter(cells.values())))
    return pa.table(
        {
            "_row": pa.array(range(2, 2 + rows), pa.int32()),
            **{
                c.name: pa.array(cells[c.name], pa.string())
                for c in spec.columns
                if c.name in cells
            },
        }
    )


def test_text_that_parses_to_itself_is_not_stored_twice(hasher):
    """A ``__raw`` equal to its parsed column on every row (a village, a name and a code without spaces,
    an ID in capitals, a column the file lacks) is a generated column of ``incoming``, not a second copy
    of the text (issue 14: creating ``incoming`` cost half as much without the copies); an amount's and a
    date's text is stored, since the parsed value is not the text."""
    raw = _payments_raw(
        {
            "fund_code": ["F001", "F002"],
            "year": ["2024", "2024"],
            "township": ["城关镇", "城关镇"],
            "village": ["一村", "二村"],
            "name": ["张三", "李四"],
            "id_number": [make_id(seq=1), _x_id()],
            "amount_yuan": ["10.00", "12.5"],
            "paid_on": ["2024/3/5", "2024-03-05"],
        }
    )
    con = duckdb.connect()
    build_incoming(con, SPECS["payments"], raw, hasher)
    generated = _generated(con)
    for name in ("fund_code", "township", "village", "name", "id_number", "household_no"):
        assert f"{name}__raw" in generated, name
    for name in ("amount_yuan", "paid_on", "year"):
        assert f"{name}__raw" not in generated, name
    rows = con.execute(
        "SELECT name__raw, village__raw, id_number__raw, household_no__raw, amount_yuan__raw,"
        " paid_on__raw FROM incoming ORDER BY _row"
    ).fetchall()
    assert rows == [
        ("张三", "一村", make_id(seq=1), None, "10.00", "2024/3/5"),
        ("李四", "二村", _x_id(), None, "12.5", "2024-03-05"),
    ]


def test_text_the_parse_changes_is_kept_as_written(hasher):
    """A name or a code with a space, an ID number with a small x: the parsed value loses the space or
    the case, and ``__raw`` still says what the clerk wrote (the rules report it); a flag the file
    lacks is parsed as false while its text stays blank."""
    with_x = _x_id()
    raw = _payments_raw(
        {
            "fund_code": ["F 001", "F002"],
            "name": ["张 三", "李四"],
            "id_number": [with_x[:17] + "x", make_id(seq=1)],
            "household_no": ["H 1", "H2"],
        }
    )
    con = duckdb.connect()
    build_incoming(con, SPECS["payments"], raw, hasher)
    assert not {"fund_code__raw", "name__raw", "id_number__raw"} & _generated(con)
    rows = con.execute(
        "SELECT fund_code, fund_code__raw, name, name__raw, id_number, id_number__raw,"
        " household_no__raw FROM incoming ORDER BY _row"
    ).fetchall()
    assert rows[0] == ("F001", "F 001", "张三", "张 三", with_x, with_x[:17] + "x", "H 1")
    disbursements = pa.table(
        {"_row": pa.array([2], pa.int32()), "voucher_no": pa.array(["V1"], pa.string())}
    )
    build_incoming(con, SPECS["disbursements"], disbursements, hasher)
    assert con.execute("SELECT is_by_progress, is_by_progress__raw FROM incoming").fetchall() == [
        (False, None)
    ]


@pytest.mark.parametrize(
    "texts",
    [
        ["F001", None, "F002"],
        ["F 001", "F002"],
        ["1101051949123100X", "110105194912310028"],
        ["1101051949123100x", "110105194912310028"],
        ["110105194912310a28"],
        ["11010519491231002８"],  # a digit the reader's NFKC left alone would be non-ASCII
        ["1101051949123100Ｘ"],
        ["110105 194912310028"],
        ["é"],
        ["中文"],
        [None, None],
        [],
    ],
    ids=repr,
)
@pytest.mark.parametrize("kind", ["code", "id_number"])
def test_text_is_its_own_parse_exactly_when_the_definition_says(texts, kind):
    """``__raw`` is generated only when no cell has a space (and, for an ID number, every cell is ASCII with
    no small letter a-z): the plain searches etl.clean uses answer as the regular expression would."""
    col = next(
        c
        for c in SPECS["payments"].columns
        if c.type == kind and (kind == "id_number" or c.name == "fund_code")
    )
    text = pa.array(texts, pa.string())
    pattern = re.compile(r"[ a-z]" if kind == "id_number" else " ")
    changed = any(t is not None and pattern.search(t) for t in texts) or (
        kind == "id_number" and any(t is not None and not t.isascii() for t in texts)
    )
    # An ID column with no number at all keeps its (blank) text stored: pyarrow's all() of no value is null.
    empty_id = kind == "id_number" and all(t is None for t in texts)
    expected = None if changed or empty_id else f'"{col.name}"'
    assert _raw_as_parsed(col, text, in_file=True, read_out=False) == expected
    assert _raw_as_parsed(col, pa.chunked_array([text], pa.string()), True, False) == expected

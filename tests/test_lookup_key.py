"""id_key, the indexed lookup key of payments (etl/sql/025_lookup_key.sql), staff and the registers (027)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import duckdb

from etl import kinds
from etl import store as stores
from etl.idnum import lookup_key
from etl.specs import SPECS
from tests.sheets import make_id, write_xlsx

HEADER = ["资金编码", "年度", "乡镇", "村", "姓名", "身份证号", "发放金额"]


def test_a_loaded_payment_holds_its_hash_first_fifteen_hex_digits_as_its_key(
    tmp_path, store, funds_loaded, load, hasher
):
    ids = [make_id("110105", "19491231", 2), make_id("110105", "19700307", 3)]
    path = write_xlsx(
        tmp_path / "p.xlsx",
        [HEADER] + [["F001", "2024", "城关镇", "大村", "张三", i, "10.00"] for i in ids],
    )
    con = store
    result = load(path, "payments")
    assert result.status == "loaded", result.as_json()["errors"]
    rows = con.execute("SELECT id_hash, id_key FROM payments ORDER BY row_no").fetchall()
    assert [h for h, _ in rows] == [hasher(i) for i in ids]
    for h, key in rows:
        assert key == int(h[:15], 16) == lookup_key(h)
        assert 0 <= key < 2**60


def test_migration_25_keys_the_rows_an_older_store_holds_and_indexes_the_key(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    stores.migrate(con, [m for m in stores.migrations() if m[0] < 25])
    con.execute(
        "INSERT INTO payments (batch_id, row_no, fund_code, year, township, village, name, id_hash,"
        " id_masked, amount_yuan) VALUES (7, 3, 'F1', 2024, '城关镇', '大村', '张三', ?, 'x', 12.34)",
        ["ab" * 32],
    )
    con.close()
    con = stores.connect(path)
    assert con.execute(
        "SELECT batch_id, row_no, amount_yuan::VARCHAR, id_key FROM payments"
    ).fetchall() == [(7, 3, "12.34", int("ab" * 7 + "a", 16))]
    indexes = {
        sql
        for (sql,) in con.execute(
            "SELECT sql FROM duckdb_indexes() WHERE table_name = 'payments'"
        ).fetchall()
    }
    assert any("(id_key)" in s for s in indexes) and not any("(id_hash)" in s for s in indexes)
    con.close()


def test_text_that_is_no_hash_has_a_key_no_row_holds():
    for text in ("x", "", "0x123456789abcd", "g" * 64, "１２３４５６７８９０１２３４５" + "0" * 49):
        assert lookup_key(text) == -1
    assert lookup_key("F" * 64) == 2**60 - 1


def test_migration_27_keys_an_older_stores_staff_and_registers_and_lets_staff_lack_an_id(tmp_path):
    """A store older than 027: the staff table of 001 and a deaths register etl.kinds.ensure made then
    (the hash indexed, no key), each holding a row.  Opened today, both hold the key, are indexed on it
    and not on the hash, keep their rows, and a roll row may lack an ID."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    stores.migrate(con, [m for m in stores.migrations() if m[0] < 27])
    before = replace(
        SPECS["deaths"], lookup_key=False
    )  # the register as ensure declared it before 027
    con.execute(kinds.table_ddl(before))
    con.execute("CREATE INDEX deaths_id_hash ON deaths (id_hash)")
    con.execute(kinds.view_ddl(before, "live_"))
    con.execute(
        "INSERT INTO staff (batch_id, row_no, agency_name, name, id_hash, id_masked, staffing_type)"
        " VALUES (4, 2, '县财政局', '张伟', ?, 'x', '行政')",
        ["cd" * 32],
    )
    con.execute(
        "INSERT INTO deaths (batch_id, row_no, name, id_hash, id_masked, died_on)"
        " VALUES (5, 9, '李四', ?, 'y', DATE '2024-03-01')",
        ["ef" * 32],
    )
    con.close()
    con = stores.connect(path)
    assert con.execute("SELECT batch_id, row_no, name, id_key FROM staff").fetchall() == [
        (4, 2, "张伟", lookup_key("cd" * 32))
    ]
    assert con.execute("SELECT batch_id, row_no, died_on, id_key FROM deaths").fetchall() == [
        (5, 9, dt.date(2024, 3, 1), lookup_key("ef" * 32))
    ]
    for table in ("staff", "deaths"):
        indexes = {
            sql
            for (sql,) in con.execute(
                "SELECT sql FROM duckdb_indexes() WHERE table_name = ?", [table]
            ).fetchall()
        }
        assert any("(id_key)" in s for s in indexes), table
        assert not any("(id_hash)" in s for s in indexes), table
    assert kinds.missing(con) == []
    con.execute(
        "INSERT INTO staff (batch_id, row_no, agency_name, name, staffing_type)"
        " VALUES (4, 3, '县财政局', '王芳', '行政')"
    )
    assert con.execute("SELECT count(*) FROM live_deaths").fetchone() == (0,)  # the view is back
    con.close()


def test_migration_28_stores_an_older_stores_hashes_uncompressed_and_keeps_its_rows(tmp_path):
    """payments.id_hash is stored uncompressed (etl/sql/028_id_hash_uncompressed.sql: DICT_FSST packed the
    random hex about 2:1 and choosing it was the dearest part of a load's insert); the rows, the key's and
    the household's indexes and the views an older store had are kept."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    stores.migrate(con, [m for m in stores.migrations() if m[0] < 28])
    hashes = [f"{n:064x}" for n in range(1, 3001)]
    con.execute(
        "INSERT INTO payments (batch_id, row_no, fund_code, year, township, village, name, id_hash,"
        " id_masked, household_no, amount_yuan, id_key) SELECT 7, i, 'F1', 2024, '城关镇', '大村', '张三',"
        " h, 'x', 'H' || i, 12.34, CAST('0x' || left(h, 15) AS BIGINT)"
        " FROM (SELECT unnest(range(3000)) AS i, unnest(?) AS h)",
        [hashes],
    )
    con.close()
    con = stores.connect(path)
    assert con.execute("SELECT list(id_hash ORDER BY row_no) FROM payments").fetchone()[0] == hashes
    con.execute("CHECKPOINT")
    compression = {
        c
        for (c,) in con.execute(
            "SELECT DISTINCT compression FROM pragma_storage_info('payments')"
            " WHERE column_name = 'id_hash' AND segment_type = 'VARCHAR'"
        ).fetchall()
    }
    assert compression == {"Uncompressed"}, compression
    indexes = {
        sql
        for (sql,) in con.execute(
            "SELECT sql FROM duckdb_indexes() WHERE table_name = 'payments'"
        ).fetchall()
    }
    assert any("(id_key)" in s for s in indexes) and any("(household_no)" in s for s in indexes)
    assert con.execute("SELECT count(*) FROM live_payments").fetchone()[0] == 0  # batch 7 is none
    con.close()


def test_a_loaded_rosters_hashes_are_stored_uncompressed(store, funds_loaded, load, tmp_path):
    """A load into a new store writes id_hash as 028 declares it (no DICT_FSST chosen at insert)."""
    rows = [
        ["F001", "2024", "城关镇", "大村", "张三", make_id(seq=s), "10.00"] for s in range(1, 400)
    ]
    result = load(write_xlsx(tmp_path / "p.xlsx", [HEADER, *rows]), "payments")
    assert result.status == "loaded", result.as_json()["errors"]
    store.execute("CHECKPOINT")
    compression = {
        c
        for (c,) in store.execute(
            "SELECT DISTINCT compression FROM pragma_storage_info('payments')"
            " WHERE column_name = 'id_hash' AND segment_type = 'VARCHAR'"
        ).fetchall()
    }
    assert compression == {"Uncompressed"}, compression

"""payments.id_key, the resident lookup's indexed key (etl/sql/025_lookup_key.sql, issue 14's load speed)."""

from __future__ import annotations

import duckdb

from etl import store as stores
from etl.idnum import lookup_key
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

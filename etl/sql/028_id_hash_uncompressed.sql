-- fundquery store, schema version 28: payments.id_hash is stored uncompressed (issue 14: a load at the
-- speed of the read).
--
-- id_hash is 64 hex characters of a keyed hash: no two people's share a prefix, and a roster names each
-- person in rows far apart, so DuckDB's DICT_FSST finds no dictionary and its symbol table only packs the
-- hex digits (about 2:1).  Choosing and applying it was the dearest column of a load's insert: on
-- load_bench's 1 M-row roster 1.95-2.02 CPU s for the insert against 1.26-1.69 uncompressed (bench/README.md,
-- branch speed2).  The price is the file: about 32 MiB more per million payment rows (129 blocks of
-- 256 KiB; the 1 M-row store 122 -> about 154 MiB).  The lookup goes by id_key (025) and reads id_hash only
-- for the few rows of that key, so no query reads the column in bulk.
--
-- DuckDB sets a column's compression only where the table is created, so the table is rebuilt as 025 rebuilt
-- it (BY NAME fails loudly should another migration have added a column), its indexes and views made again.
-- A later migration that rebuilds payments should keep the USING COMPRESSION clause.
CREATE TABLE payments_v28 (
    batch_id        INTEGER NOT NULL,
    row_no          INTEGER NOT NULL,
    fund_code       VARCHAR NOT NULL,
    year            INTEGER NOT NULL,
    period          VARCHAR,
    township        VARCHAR NOT NULL,
    village         VARCHAR,
    village_group   VARCHAR,
    name            VARCHAR NOT NULL,
    id_hash         VARCHAR USING COMPRESSION uncompressed,
    id_masked       VARCHAR,
    sex             VARCHAR,
    birth_date      DATE,
    household_no    VARCHAR,
    quantity        DECIMAL(18,4),
    standard_yuan   DECIMAL(18,2),
    amount_yuan     DECIMAL(18,2) NOT NULL,
    paid_on         DATE,
    bank_account_masked VARCHAR,
    card_status     VARCHAR CHECK (card_status IN ('待发放', '发放中', '已发放', '退回')),
    voucher_no      VARCHAR,
    id_key          BIGINT
);
INSERT INTO payments_v28 BY NAME SELECT * FROM payments ORDER BY batch_id, row_no;
DROP TABLE payments;
ALTER TABLE payments_v28 RENAME TO payments;
CREATE INDEX payments_id_key ON payments (id_key);
CREATE INDEX payments_household ON payments (household_no);

CREATE OR REPLACE VIEW live_payments AS SELECT t.*, c.county_code FROM payments t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM live_batches);
CREATE OR REPLACE VIEW public_payments AS SELECT t.*, c.county_code FROM payments t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status = 'published');

-- fundquery store, schema version 25: the resident lookup's index is on a 60-bit key, not the 64-character
-- hash (issue 14: a load at the speed of the read), and a payment may lack an ID number.
--
-- payments.id_key is the first 15 hex digits of id_hash as a BIGINT (etl.idnum.LOOKUP_KEY_SQL, filled by
-- etl.load at insert).  The ART index on the VARCHAR(64) hash cost about 1 s of a 1 M-row csv load of
-- 5.1 s; one on the BIGINT costs a third of that, and the lookup (WHERE id_key = ?, the whole clause, as
-- DESIGN.md §7 requires for DuckDB to use the index) then keeps the rows whose id_hash is the person's, so a
-- key two people share (one chance in 10^5 at 10 M people) shows nobody else's payments.
--
-- id_hash and id_masked lose NOT NULL: a payment roster printed without an ID number column loads, every
-- check that matches by person leaving its rows out and saying how many (issue 14, the real layouts of
-- tests/layouts/payments/ the loader had refused).  DuckDB refuses ALTER TABLE on a table an index depends
-- on, and an index made in the transaction that UPDATEs its table; so the table is rebuilt as
-- 024_undated_vouchers.sql rebuilt disbursements (BY NAME fails loudly, rather than drop data, should another
-- migration have added a column), its indexes and views made again.
CREATE TABLE payments_v25 (
    batch_id        INTEGER NOT NULL,
    row_no          INTEGER NOT NULL,
    fund_code       VARCHAR NOT NULL,
    year            INTEGER NOT NULL,
    period          VARCHAR,
    township        VARCHAR NOT NULL,
    village         VARCHAR NOT NULL,
    village_group   VARCHAR,
    name            VARCHAR NOT NULL,
    id_hash         VARCHAR,
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
INSERT INTO payments_v25 BY NAME
SELECT *, CAST('0x' || left(id_hash, 15) AS BIGINT) AS id_key FROM payments ORDER BY batch_id, row_no;
DROP TABLE payments;
ALTER TABLE payments_v25 RENAME TO payments;
CREATE INDEX payments_id_key ON payments (id_key);
CREATE INDEX payments_household ON payments (household_no);

CREATE OR REPLACE VIEW live_payments AS SELECT t.*, c.county_code FROM payments t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM live_batches);
CREATE OR REPLACE VIEW public_payments AS SELECT t.*, c.county_code FROM payments t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status = 'published');

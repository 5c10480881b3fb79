-- fundquery store, schema version 27: a staff roll may lack ID numbers, and the staff table is looked
-- up by the 60-bit key as payments are since 025 (issue 14).
--
-- staff.id_hash and id_masked lose NOT NULL: a named roll printed without an ID number column (a real
-- 事业 personnel export, tests/layouts/staff/ruoyi-sysuser-shiye-vo.json) loads; its public value stands
-- (staffing against quota, the roll as published) and every check that matches staff by ID leaves its
-- rows out and says how many (fundquery.inspect.checks.staffing, registers).
--
-- staff.id_key is the first 15 hex digits of id_hash as a BIGINT (etl.idnum.LOOKUP_KEY_SQL, filled by
-- etl.load at insert); its ART index replaces the one on the 64-character hash, which cost more than
-- twice as much at load (0.8 s against 0.35 s per 1 M rows, etl/sql/025_lookup_key.sql).  The inspector's
-- person page goes by key, then keeps the rows whose hash is the person's.  The registers (deaths,
-- payroll, vehicles, businesses, properties) get the same key, but their tables are made by
-- etl.kinds.ensure, not by a schema file, so ensure rebuilds a register table it finds without id_key.
--
-- DuckDB refuses ALTER TABLE on a table an index depends on, and an index made in the transaction that
-- UPDATEs its table; so the table is rebuilt as 025 rebuilt payments (BY NAME fails loudly, rather than
-- drop data, should another migration have added a column), its index and views made again.
CREATE TABLE staff_v27 (
    batch_id       INTEGER NOT NULL,
    row_no         INTEGER NOT NULL,
    agency_code    VARCHAR,
    agency_name    VARCHAR NOT NULL,
    name           VARCHAR NOT NULL,
    id_hash        VARCHAR,
    id_masked      VARCHAR,
    sex            VARCHAR,
    birth_date     DATE,
    staffing_type  VARCHAR NOT NULL,
    post           VARCHAR,
    hired_on       DATE,
    status         VARCHAR,
    id_key         BIGINT
);
INSERT INTO staff_v27 BY NAME
SELECT *, CAST('0x' || left(id_hash, 15) AS BIGINT) AS id_key FROM staff ORDER BY batch_id, row_no;
DROP TABLE staff;
ALTER TABLE staff_v27 RENAME TO staff;
CREATE INDEX staff_id_key ON staff (id_key);

CREATE OR REPLACE VIEW live_staff AS SELECT t.*, c.county_code FROM staff t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM live_batches);
CREATE OR REPLACE VIEW public_staff AS SELECT t.*, c.county_code FROM staff t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status = 'published');

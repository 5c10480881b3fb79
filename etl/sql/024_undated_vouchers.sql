-- fundquery store, schema version 24: disbursement vouchers with no approval date (issue 14).
--
-- The 直达资金 system's payment vouchers (支付凭证) carry 支付时间 (when the money left: disbursed_on)
-- and no 审核签字日期.  Such a file now loads with one warning (etl.validate, column_absent); its
-- rows hold approved_on NULL, and every check that measures from approval leaves them out and says
-- how many (fundquery/inspect/checks/delays.py, money.py; the annual report's speed table).  A file
-- that has the column must still fill it in every row (value_required).
--
-- DuckDB refuses ALTER COLUMN ... DROP NOT NULL on a table that an index depends on, so the table is
-- rebuilt as 012_review_reject.sql rebuilt batches: BY NAME fails loudly, rather than drop data,
-- should another migration have added a column.  No schema file indexes disbursements (001 indexes
-- payments and staff; etl.kinds.ensure only an ID hash, which disbursements has not); the views are
-- made again below as 012 left them.
CREATE TABLE disbursements_v24 (
    batch_id        INTEGER NOT NULL,
    row_no          INTEGER NOT NULL,
    voucher_no      VARCHAR NOT NULL,
    fund_code       VARCHAR NOT NULL,
    payee           VARCHAR NOT NULL,
    amount_yuan     DECIMAL(18,2) NOT NULL,
    approved_on     DATE,
    disbursed_on    DATE,
    is_by_progress  BOOLEAN NOT NULL DEFAULT false,
    reason          VARCHAR
);
INSERT INTO disbursements_v24 BY NAME SELECT * FROM disbursements;
DROP TABLE disbursements;
ALTER TABLE disbursements_v24 RENAME TO disbursements;

CREATE OR REPLACE VIEW live_disbursements AS SELECT t.*, c.county_code FROM disbursements t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM live_batches);
CREATE OR REPLACE VIEW public_disbursements AS SELECT t.*, c.county_code FROM disbursements t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status = 'published');

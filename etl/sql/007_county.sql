-- fundquery store, schema version 7: the county a store belongs to (issue 7).
--
-- One store serves one county.  Its code (GB/T 2260 six-digit administrative
-- division code) goes with every row that leaves the store: the live_* and
-- public_* views carry it, so the inspectors' checks group and join by
-- county and give the same findings over one county's store as over a
-- province's lake of many counties (fundquery.lake).  '000000' means "not set
-- yet": `fundquery init --county-code` sets it, and the lake export refuses it.

CREATE TABLE county (
    county_id    INTEGER PRIMARY KEY DEFAULT 1 CHECK (county_id = 1),   -- exactly one row
    county_code  VARCHAR NOT NULL CHECK (regexp_full_match(county_code, '[0-9]{6}')),
    county_name  VARCHAR NOT NULL,
    changed_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);
INSERT INTO county (county_code, county_name) VALUES ('000000', '未设置');

CREATE OR REPLACE VIEW live_batches AS
SELECT b.*, c.county_code FROM batches b CROSS JOIN county c WHERE b.status IN ('loaded', 'published');
CREATE OR REPLACE VIEW public_batches AS
SELECT b.*, c.county_code FROM batches b CROSS JOIN county c WHERE b.status = 'published';

CREATE OR REPLACE VIEW live_funds AS SELECT t.*, c.county_code FROM funds t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status IN ('loaded', 'published'));
CREATE OR REPLACE VIEW public_funds AS SELECT t.*, c.county_code FROM funds t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status = 'published');
CREATE OR REPLACE VIEW live_disbursements AS SELECT t.*, c.county_code FROM disbursements t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status IN ('loaded', 'published'));
CREATE OR REPLACE VIEW public_disbursements AS SELECT t.*, c.county_code FROM disbursements t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status = 'published');
CREATE OR REPLACE VIEW live_payments AS SELECT t.*, c.county_code FROM payments t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status IN ('loaded', 'published'));
CREATE OR REPLACE VIEW public_payments AS SELECT t.*, c.county_code FROM payments t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status = 'published');
CREATE OR REPLACE VIEW live_projects AS SELECT t.*, c.county_code FROM projects t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status IN ('loaded', 'published'));
CREATE OR REPLACE VIEW public_projects AS SELECT t.*, c.county_code FROM projects t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status = 'published');
CREATE OR REPLACE VIEW live_budgets AS SELECT t.*, c.county_code FROM budgets t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status IN ('loaded', 'published'));
CREATE OR REPLACE VIEW public_budgets AS SELECT t.*, c.county_code FROM budgets t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status = 'published');
CREATE OR REPLACE VIEW live_agencies AS SELECT t.*, c.county_code FROM agencies t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status IN ('loaded', 'published'));
CREATE OR REPLACE VIEW public_agencies AS SELECT t.*, c.county_code FROM agencies t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status = 'published');
CREATE OR REPLACE VIEW live_staff AS SELECT t.*, c.county_code FROM staff t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status IN ('loaded', 'published'));
CREATE OR REPLACE VIEW public_staff AS SELECT t.*, c.county_code FROM staff t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM batches WHERE status = 'published');

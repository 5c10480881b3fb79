-- fundquery store, schema version 12: rejection, and corrections that wait for review (issue 15 §2).
--
-- A reviewer may now reject a loaded batch with a reason: the batch becomes
-- 'rejected' (never public, not live) and batch_reviews gets a 'reject' row.
-- DuckDB cannot alter a CHECK constraint, so batches and batch_reviews are
-- rebuilt with the wider ones; BY NAME makes this fail loudly, rather than
-- drop data, should another migration have added a column to either table.
--
-- A correction (a batch that replaces another) no longer takes the old batch
-- down when it is loaded: the old one stays as it was (public, if it was)
-- until a reviewer publishes the correction, and etl.batches supersedes it in
-- that same transaction.  Until then staff and inspectors see the correction
-- (live_*), the public the old batch (public_*): one of the two, never both.
-- takes_place_of is the batch that stays up until then: the one replaced or,
-- when a clerk corrects a rejected correction, the one that correction was
-- to replace (resolved at load by etl.batches, so the views need no
-- recursion: a recursive view made live_payments 2.8 times slower).

CREATE TABLE batches_v12 (
    batch_id      INTEGER PRIMARY KEY DEFAULT nextval('batch_seq'),
    kind          VARCHAR NOT NULL,
    file_name     VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    uploaded_by   VARCHAR NOT NULL,
    uploaded_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    office        VARCHAR,
    row_count     INTEGER NOT NULL,
    status        VARCHAR NOT NULL
                  CHECK (status IN ('loaded', 'published', 'rejected', 'retracted', 'superseded')),
    replaces      INTEGER,         -- the batch the clerk corrected (may be a rejected one)
    takes_place_of INTEGER,        -- the live batch it supersedes when published (NULL: none)
    published_at  TIMESTAMP,
    published_by  VARCHAR,
    changed_at    TIMESTAMP
);
INSERT INTO batches_v12 BY NAME SELECT * FROM batches;
DROP TABLE batches;
ALTER TABLE batches_v12 RENAME TO batches;

CREATE TABLE batch_reviews_v12 (
    review_id    INTEGER PRIMARY KEY DEFAULT nextval('review_seq'),
    batch_id     INTEGER NOT NULL,
    action       VARCHAR NOT NULL CHECK (action IN ('publish', 'withdraw', 'reject')),
    actor        VARCHAR NOT NULL,
    office       VARCHAR,
    note         VARCHAR,       -- the review's note; for 'reject' the reason, which the uploader sees
    acted_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
);
INSERT INTO batch_reviews_v12 BY NAME SELECT * FROM batch_reviews;
DROP TABLE batch_reviews;
ALTER TABLE batch_reviews_v12 RENAME TO batch_reviews;

-- The batches a correction waiting for review holds back from live_*.  A
-- loaded batch held back may itself be a waiting correction: its own row
-- holds back the batch before it.
CREATE VIEW held_back_batches AS
SELECT takes_place_of AS batch_id FROM batches WHERE status = 'loaded' AND takes_place_of IS NOT NULL;

-- live_*: loaded or published, less what a waiting correction holds back.
-- A new live_ view reads live_batches, so it follows the same rule.
CREATE OR REPLACE VIEW live_batches AS
SELECT b.*, c.county_code FROM batches b CROSS JOIN county c
WHERE b.status IN ('loaded', 'published') AND b.batch_id NOT IN (SELECT batch_id FROM held_back_batches);
CREATE OR REPLACE VIEW live_funds AS SELECT t.*, c.county_code FROM funds t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM live_batches);
CREATE OR REPLACE VIEW live_disbursements AS SELECT t.*, c.county_code FROM disbursements t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM live_batches);
CREATE OR REPLACE VIEW live_payments AS SELECT t.*, c.county_code FROM payments t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM live_batches);
CREATE OR REPLACE VIEW live_projects AS SELECT t.*, c.county_code FROM projects t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM live_batches);
CREATE OR REPLACE VIEW live_budgets AS SELECT t.*, c.county_code FROM budgets t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM live_batches);
CREATE OR REPLACE VIEW live_agencies AS SELECT t.*, c.county_code FROM agencies t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM live_batches);
CREATE OR REPLACE VIEW live_staff AS SELECT t.*, c.county_code FROM staff t CROSS JOIN county c WHERE t.batch_id IN (SELECT batch_id FROM live_batches);

-- fundquery store, schema version 19: rectification reaches the office that must act (issue 17).
--
-- A flag's office (flags.assignee_office) answers what it did: a text, the
-- amount returned or recovered, optionally a file as evidence (archived under
-- its sha256 like an upload).  The inspector accepts the answer (the flag is
-- resolved with it) or sends it back with a note; one answer waits at a time.
CREATE SEQUENCE IF NOT EXISTS flag_answer_seq START 1;

CREATE TABLE flag_answers (
    answer_id        INTEGER PRIMARY KEY DEFAULT nextval('flag_answer_seq'),
    flag_id          INTEGER NOT NULL,
    office           VARCHAR NOT NULL,
    answered_by      VARCHAR NOT NULL,
    answered_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    body             VARCHAR NOT NULL,
    returned_yuan    DECIMAL(18,2),
    evidence_sha256  VARCHAR,
    evidence_name    VARCHAR,
    decision         VARCHAR CHECK (decision IN ('accepted', 'sent_back')),
    decided_by       VARCHAR,
    decided_at       TIMESTAMP,
    decision_note    VARCHAR
);

-- The overdue_rectification check reads flags as the other checks read data: per county.
-- No figures (they carry masked names): what the check and a province's lake need.
CREATE OR REPLACE VIEW live_flags AS
SELECT f.flag_id, f.check_label, f.record_kind, f.title, f.amount_yuan, f.year, f.fund_code,
       f.department, f.township, f.severity, f.assignee_office, f.due_on, f.status, f.outcome,
       f.recovered_yuan, f.created_at, f.updated_at, c.county_code
FROM flags f CROSS JOIN county c;

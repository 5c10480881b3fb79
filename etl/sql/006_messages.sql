-- fundquery store: consultations and complaints (issue 6).
-- A resident's message gets a receipt number and a 6-digit check code (only
-- its hash is kept).  The desk registers it (category, department in charge,
-- deadline in working days), routes it, the department answers, a reviewer
-- reviews and publishes the reply or sends it back with a note.  Every step
-- is a row of message_events and a line of the audit log.

CREATE SEQUENCE IF NOT EXISTS message_seq START 1;
CREATE SEQUENCE IF NOT EXISTS message_event_seq START 1;
CREATE SEQUENCE IF NOT EXISTS message_link_seq START 1;

CREATE TABLE messages (
    message_id        INTEGER PRIMARY KEY DEFAULT nextval('message_seq'),
    receipt_no        VARCHAR NOT NULL UNIQUE,      -- 2026-000123
    code_hash         VARCHAR NOT NULL,             -- werkzeug hash of the 6-digit check code
    code_failures     INTEGER NOT NULL DEFAULT 0,   -- wrong codes since the last right one
    code_locked_until TIMESTAMP,
    message_type      VARCHAR NOT NULL CHECK (message_type IN ('咨询', '投诉', '建议', '举报')),
    township          VARCHAR NOT NULL,
    village           VARCHAR,
    fund_code         VARCHAR,
    body              VARCHAR NOT NULL,             -- the resident's text, plain
    sender_name       VARCHAR,                      -- never on a public page
    sender_phone      VARCHAR,                      -- never on a public page
    status            VARCHAR NOT NULL CHECK (status IN
                        ('received', 'registered', 'routed', 'answered', 'reviewed', 'published', 'sent_back')),
    category          VARCHAR,
    department        VARCHAR,                      -- the department (office) in charge
    working_days      INTEGER NOT NULL,             -- the time allowed, in working days
    deadline_on       DATE NOT NULL,
    is_deadline_provisional BOOLEAN NOT NULL DEFAULT false,  -- a year whose holidays are not loaded
    reply             VARCHAR,                      -- the department's answer
    public_body       VARCHAR,                      -- the question as published (reviewer may redact)
    is_listed         BOOLEAN NOT NULL DEFAULT false, -- shown in the public list once published
    is_escalated      BOOLEAN NOT NULL DEFAULT false,
    flag_id           INTEGER,
    received_at       TIMESTAMP NOT NULL,
    registered_at     TIMESTAMP,
    registered_by     VARCHAR,
    routed_at         TIMESTAMP,
    routed_by         VARCHAR,
    answered_at       TIMESTAMP,
    answered_by       VARCHAR,
    reviewed_at       TIMESTAMP,
    reviewed_by       VARCHAR,
    published_at      TIMESTAMP,
    published_by      VARCHAR,
    sent_back_at      TIMESTAMP,
    sent_back_by      VARCHAR
);

CREATE TABLE message_events (
    event_id     INTEGER PRIMARY KEY DEFAULT nextval('message_event_seq'),
    message_id   INTEGER NOT NULL,
    logged_at    TIMESTAMP NOT NULL,
    actor        VARCHAR NOT NULL,
    step         VARCHAR NOT NULL,   -- receive | register | route | answer | review | publish | send_back | link | escalate
    from_status  VARCHAR,
    to_status    VARCHAR,
    note         VARCHAR
);

-- A message tied to the records it is about.
CREATE TABLE message_links (
    link_id      INTEGER PRIMARY KEY DEFAULT nextval('message_link_seq'),
    message_id   INTEGER NOT NULL,
    record_kind  VARCHAR NOT NULL CHECK (record_kind IN ('payments', 'disbursements', 'staff')),
    batch_id     INTEGER NOT NULL,
    row_no       INTEGER NOT NULL,
    note         VARCHAR,
    linked_by    VARCHAR NOT NULL,
    linked_at    TIMESTAMP NOT NULL
);

-- The public list: published, listed replies; no name, no phone.
CREATE VIEW public_messages AS
SELECT receipt_no, message_type, township, village, fund_code, category, department,
       public_body AS question, reply, CAST(received_at AS DATE) AS received_on,
       CAST(published_at AS DATE) AS replied_on
FROM messages
WHERE status = 'published' AND is_listed;

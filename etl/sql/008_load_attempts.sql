-- Issue 8 (reliability): every load is recorded as an attempt, first, in its own
-- transaction, so a load cut short (the process killed, the disk full) leaves a
-- visible trace.  The batch itself is still written in one transaction: it is in
-- the store entirely or not at all.  An attempt still 'loading' when the store
-- is next opened read-write belonged to a process that died (only one process
-- may hold the file): it is marked 'interrupted' then (etl.store.recover).

CREATE SEQUENCE IF NOT EXISTS load_attempt_seq START 1;

CREATE TABLE load_attempts (
    attempt_id   INTEGER PRIMARY KEY DEFAULT nextval('load_attempt_seq'),
    sha256       VARCHAR NOT NULL,
    file_name    VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,      -- as asked ('auto' until the file is read)
    uploaded_by  VARCHAR NOT NULL,
    office       VARCHAR,
    stage        VARCHAR NOT NULL,      -- read | validate | load: how far it got
    status       VARCHAR NOT NULL CHECK (status IN ('loading', 'loaded', 'rejected', 'failed', 'interrupted')),
    batch_id     INTEGER,               -- set when loaded, in the batch's own transaction
    owner        VARCHAR NOT NULL,      -- the loading process (pid and a token)
    started_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    ended_at     TIMESTAMP,
    message      VARCHAR                -- why it failed, for the person who uploaded
);

-- fundquery store, schema version 22: field checks (明查暗访, issue 16).
--
-- An inspector draws a sample of recipients (fundquery.inspect.samples): the
-- scope, the size or share asked for, the seed and the method are kept, with
-- how many candidates each township had and how many were drawn there, so the
-- draw can be repeated and checked.  The members are a snapshot of who was
-- drawn (names as on the roll, for the visit list); each visit is a row, the
-- latest per member counts, and a problem found opens a flag (flag_id).
CREATE SEQUENCE IF NOT EXISTS sample_seq START 1;

CREATE TABLE samples (
    sample_id        INTEGER PRIMARY KEY DEFAULT nextval('sample_seq'),
    fund_code        VARCHAR,
    township         VARCHAR,
    village          VARCHAR,
    year             INTEGER,
    size_asked       INTEGER,             -- --size N, or NULL when a share was asked for
    share            DECIMAL(7,6),        -- --share 0.05, or NULL
    seed             BIGINT NOT NULL,
    method           VARCHAR NOT NULL,    -- the draw's algorithm and version (samples.METHOD)
    candidate_count  INTEGER NOT NULL,
    member_count     INTEGER NOT NULL,
    strata           JSON NOT NULL,       -- [{township, candidates, drawn}] in draw order
    created_by       VARCHAR NOT NULL,
    created_at       TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE sample_members (
    sample_id        INTEGER NOT NULL,
    member_no        INTEGER NOT NULL,    -- 1.. in draw order
    id_hash          VARCHAR NOT NULL,
    id_masked        VARCHAR,
    name             VARCHAR NOT NULL,
    sex              VARCHAR,
    birth_date       DATE,
    township         VARCHAR,
    village          VARCHAR,
    village_group    VARCHAR,
    household_no     VARCHAR,
    bank_account_masked VARCHAR,
    fund_codes       VARCHAR,
    payment_count    INTEGER NOT NULL,
    amount_yuan      DECIMAL(18,2),
    draw_key         VARCHAR NOT NULL,    -- sha256("<seed>:<id_hash>"), the order within the township
    PRIMARY KEY (sample_id, member_no)
);

CREATE SEQUENCE IF NOT EXISTS sample_visit_seq START 1;

CREATE TABLE sample_visits (
    visit_id         INTEGER PRIMARY KEY DEFAULT nextval('sample_visit_seq'),
    sample_id        INTEGER NOT NULL,
    member_no        INTEGER NOT NULL,
    outcome          VARCHAR NOT NULL CHECK (outcome IN
                         ('confirmed', 'not_found', 'not_eligible', 'amount_differs', 'deceased', 'other')),
    note             VARCHAR NOT NULL DEFAULT '',
    recover_yuan     DECIMAL(18,2),
    visited_on       DATE,
    flag_id          INTEGER,
    recorded_by      VARCHAR NOT NULL,
    recorded_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

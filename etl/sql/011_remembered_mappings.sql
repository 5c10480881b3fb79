-- fundquery store, schema version 11: a clerk's column mapping remembered per office and form (issue 14).
--
-- A province prescribes a form and a clerk cannot rename its headers; when the
-- loader does not recognise one, the clerk maps it once.  The mapping is kept
-- for that office, that kind and that header layout (etl.headers.fingerprint:
-- a hash of the normalised header rows), so next month's file of the same
-- form loads with no question.  Only values that stay the same from file to
-- file are kept with it (the fund, the township), never the year or period.
CREATE SEQUENCE IF NOT EXISTS mapping_seq START 1;

CREATE TABLE remembered_mappings (
    mapping_id    INTEGER PRIMARY KEY DEFAULT nextval('mapping_seq'),
    office        VARCHAR NOT NULL,             -- '' when the uploader has no office (CLI without --office)
    kind          VARCHAR NOT NULL,
    fingerprint   VARCHAR NOT NULL,             -- 16 hex digits of the header layout
    mapping       JSON NOT NULL,                -- header as written -> canonical column, "" = not needed
    file_values   JSON NOT NULL,                -- canonical column -> one value for every row (fund_code ...)
    headers       JSON,                         -- the form's headers in order, to show which form it is
    file_name     VARCHAR,                      -- the file it was saved from
    saved_by      VARCHAR NOT NULL,
    saved_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    last_used_at  TIMESTAMP,
    use_count     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (office, kind, fingerprint)
);

-- What each upload was read with: the mapping and file-level values used, and the header layout.
ALTER TABLE upload_reports ADD COLUMN mapping JSON;
ALTER TABLE upload_reports ADD COLUMN file_values JSON;
ALTER TABLE upload_reports ADD COLUMN fingerprint VARCHAR;

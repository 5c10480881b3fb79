-- fundquery store, schema version 18: usage counted without personal data (issue 17).
--
-- Page views per kind of page (the endpoint) and day, a fund page's views per
-- fund; resident lookups per channel (kiosk, phone, desktop), query point and
-- outcome.  Counts only: no address, no ID, no name, no time of day.
CREATE TABLE usage_daily (
    day      DATE NOT NULL,
    what     VARCHAR NOT NULL CHECK (what IN ('page', 'lookup')),
    kind     VARCHAR NOT NULL,             -- page: the endpoint (public.fund); lookup: the channel
    subject  VARCHAR NOT NULL DEFAULT '',  -- page: the fund code of a fund page; lookup: the query point code
    outcome  VARCHAR NOT NULL DEFAULT '',  -- lookup: found | not_found
    n        BIGINT NOT NULL,
    PRIMARY KEY (day, what, kind, subject, outcome)
);

-- The county's query points (查询点): a kiosk opened once at /kiosk?point=CODE counts as that point.
CREATE TABLE query_points (
    code        VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    township    VARCHAR,
    created_by  VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

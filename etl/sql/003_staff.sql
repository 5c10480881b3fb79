-- Staff accounts, roles, login attempts, review and publication, holiday calendar.
-- Issue 4. Passwords are werkzeug hashes; nothing here holds a password in clear.

CREATE SEQUENCE IF NOT EXISTS user_seq START 1;
CREATE SEQUENCE IF NOT EXISTS login_seq START 1;
CREATE SEQUENCE IF NOT EXISTS review_seq START 1;

CREATE TABLE users (
    user_id          INTEGER PRIMARY KEY DEFAULT nextval('user_seq'),
    username         VARCHAR NOT NULL UNIQUE,
    password_hash    VARCHAR NOT NULL,
    office           VARCHAR,            -- 财政所 / 股室 the user works for; scopes finance batches
    is_active        BOOLEAN NOT NULL DEFAULT true,
    -- Part of the login session's user id: raising it logs the user out everywhere.
    session_version  INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL DEFAULT current_timestamp,
    changed_at       TIMESTAMP
);

CREATE TABLE user_roles (
    user_id  INTEGER NOT NULL,
    role     VARCHAR NOT NULL CHECK (role IN ('finance', 'reviewer', 'inspector', 'admin')),
    PRIMARY KEY (user_id, role)
);

-- Every login attempt, for the lock-out (failures since the last success in a window).
CREATE TABLE login_attempts (
    attempt_id    INTEGER PRIMARY KEY DEFAULT nextval('login_seq'),
    username      VARCHAR NOT NULL,
    remote_addr   VARCHAR,
    is_success    BOOLEAN NOT NULL,
    attempted_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE INDEX login_attempts_username ON login_attempts (username);

-- Publication history (保密审查): who published or withdrew a batch, from which office.
CREATE TABLE batch_reviews (
    review_id    INTEGER PRIMARY KEY DEFAULT nextval('review_seq'),
    batch_id     INTEGER NOT NULL,
    action       VARCHAR NOT NULL CHECK (action IN ('publish', 'withdraw')),
    actor        VARCHAR NOT NULL,
    office       VARCHAR,
    note         VARCHAR,
    acted_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Statutory holidays and adjusted working days (调休), one row per exception to
-- Monday–Friday. Seeded from the chinesecalendar package; an administrator adds
-- each new year from the State Council's notice. A year absent from
-- holiday_years is computed Monday–Friday and flagged provisional.
CREATE TABLE holiday_days (
    day         DATE PRIMARY KEY,
    is_workday  BOOLEAN NOT NULL,
    name        VARCHAR,
    source      VARCHAR NOT NULL
);

CREATE TABLE holiday_years (
    year       INTEGER PRIMARY KEY,
    source     VARCHAR NOT NULL,
    loaded_by  VARCHAR,
    loaded_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

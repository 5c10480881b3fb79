-- fundquery store, schema version 10: staff sign-in sessions kept on the server.
--
-- The session cookie is signed but lives in the browser; without a record on
-- the server, a copy of it taken before "log out" would still be signed in.
-- Each sign-in gets a random id (in the cookie) and a row here; logging out
-- ends the row, and a cookie whose row is ended or missing is not signed in.
CREATE TABLE IF NOT EXISTS staff_sessions (
    session_id  VARCHAR PRIMARY KEY,          -- secrets.token_urlsafe(24), in the signed cookie
    user_id     INTEGER NOT NULL,
    started_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    ended_at    TIMESTAMP,                    -- set by log-out
    ended_how   VARCHAR                       -- 'logout'
);

-- fundquery store, schema version 13: nobody can lock someone else out (issue 15 §3).
--
-- Sign-in failures were counted per user name, so anyone could lock the
-- administrator out with five wrong passwords.  They are now counted per user
-- name AND client address (login_attempts already holds both): a stranger
-- refuses only his own address.  An administrator can clear a name's failures;
-- the clearing is a row here (and a line of the audit log), the attempts stay.
CREATE TABLE IF NOT EXISTS login_unlocks (
    username     VARCHAR NOT NULL,
    unlocked_by  VARCHAR NOT NULL,
    unlocked_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE INDEX IF NOT EXISTS login_attempts_name_addr ON login_attempts (username, remote_addr);

-- Wrong check codes per message AND client address (messages.code_failures and
-- code_locked_until counted per message only: ten wrong codes from anyone locked
-- the sender out for an hour).  Receipts issued before keep working; the old
-- counters are cleared so that no receipt stays locked by the old rule.
CREATE TABLE IF NOT EXISTS message_code_attempts (
    message_id    INTEGER NOT NULL,
    remote_addr   VARCHAR,
    is_success    BOOLEAN NOT NULL,
    attempted_at  TIMESTAMP NOT NULL
);
UPDATE messages SET code_failures = 0, code_locked_until = NULL
WHERE code_failures <> 0 OR code_locked_until IS NOT NULL;

-- The idle timeout of staff sessions (STAFF_IDLE_MINUTES): the last request seen.
ALTER TABLE staff_sessions ADD COLUMN IF NOT EXISTS last_seen_at TIMESTAMP;

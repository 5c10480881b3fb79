-- fundquery store, schema version 9: messages as the inspectors' checks read them.
--
-- The overdue_replies check (fundquery/inspect/replies.py) reads live_messages:
-- the handling facts of every message (type, department, township, fund,
-- received, deadline, reply published) with the store's county code, and
-- nothing that identifies the sender or repeats the text.  The lake exports
-- the same view (fundquery/lake), so a province's inspectors see overdue
-- replies across counties without ever holding a name, a phone number or a
-- resident's words.
CREATE OR REPLACE VIEW live_messages AS
SELECT m.receipt_no, m.message_type, m.category, m.department, m.township, m.fund_code, m.status,
       m.working_days, m.deadline_on, m.is_deadline_provisional, m.received_at, m.published_at,
       c.county_code
FROM messages m CROSS JOIN county c;

-- fundquery store, schema version 23: a village notice's 公示期 per fund and per batch (issue 17).
--
-- The days a notice stays up come from, first that applies: the batch (chosen at upload or at
-- publication), the fund catalogue's 公示天数 column, the setting NOTICE_DAYS (7).  NULL: not set.
ALTER TABLE batches ADD COLUMN notice_days INTEGER;
ALTER TABLE funds ADD COLUMN notice_days INTEGER;

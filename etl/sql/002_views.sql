-- Views every reader goes through: live_* holds what staff and inspectors see
-- (loaded or published batches), public_* only what a reviewer published.
-- Retracted and superseded batches stay in the tables for history.
CREATE VIEW live_batches AS SELECT * FROM batches WHERE status IN ('loaded', 'published');
CREATE VIEW public_batches AS SELECT * FROM batches WHERE status = 'published';
CREATE VIEW live_funds AS SELECT t.* FROM funds t WHERE t.batch_id IN (SELECT batch_id FROM live_batches);
CREATE VIEW public_funds AS SELECT t.* FROM funds t WHERE t.batch_id IN (SELECT batch_id FROM public_batches);
CREATE VIEW live_disbursements AS SELECT t.* FROM disbursements t WHERE t.batch_id IN (SELECT batch_id FROM live_batches);
CREATE VIEW public_disbursements AS SELECT t.* FROM disbursements t WHERE t.batch_id IN (SELECT batch_id FROM public_batches);
CREATE VIEW live_payments AS SELECT t.* FROM payments t WHERE t.batch_id IN (SELECT batch_id FROM live_batches);
CREATE VIEW public_payments AS SELECT t.* FROM payments t WHERE t.batch_id IN (SELECT batch_id FROM public_batches);
CREATE VIEW live_projects AS SELECT t.* FROM projects t WHERE t.batch_id IN (SELECT batch_id FROM live_batches);
CREATE VIEW public_projects AS SELECT t.* FROM projects t WHERE t.batch_id IN (SELECT batch_id FROM public_batches);
CREATE VIEW live_budgets AS SELECT t.* FROM budgets t WHERE t.batch_id IN (SELECT batch_id FROM live_batches);
CREATE VIEW public_budgets AS SELECT t.* FROM budgets t WHERE t.batch_id IN (SELECT batch_id FROM public_batches);
CREATE VIEW live_agencies AS SELECT t.* FROM agencies t WHERE t.batch_id IN (SELECT batch_id FROM live_batches);
CREATE VIEW public_agencies AS SELECT t.* FROM agencies t WHERE t.batch_id IN (SELECT batch_id FROM public_batches);
CREATE VIEW live_staff AS SELECT t.* FROM staff t WHERE t.batch_id IN (SELECT batch_id FROM live_batches);
CREATE VIEW public_staff AS SELECT t.* FROM staff t WHERE t.batch_id IN (SELECT batch_id FROM public_batches);

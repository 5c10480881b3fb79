-- What the resident and public pages read (issue 3).  Everything here reads
-- through public_batches: only what a reviewer published.

-- Names on public notices, following the usual notice convention: 张*,
-- 张*静, 欧**平 (first and last character kept; a two-character name keeps
-- the first).  fundquery.masking.mask_name is the same rule in Python.
CREATE MACRO mask_name(n) AS CASE
    WHEN n IS NULL THEN NULL
    WHEN length(trim(n)) <= 1 THEN '*'
    WHEN length(trim(n)) = 2 THEN left(trim(n), 1) || '*'
    ELSE left(trim(n), 1) || repeat('*', length(trim(n)) - 2) || right(trim(n), 1)
END;

-- The village notice (公示): masked names, no ID, bank or household numbers.
CREATE VIEW public_notice_rows AS
SELECT p.fund_code, p.year, p.period, p.township, p.village, p.village_group,
       mask_name(p.name) AS name_masked, p.quantity, p.standard_yuan, p.amount_yuan,
       p.paid_on, p.card_status, p.batch_id, p.row_no
FROM public_payments p;

-- The real-name staff roll as published: serving staff, no ID numbers.
CREATE VIEW public_staff_roll AS
SELECT s.agency_code, s.agency_name, s.name, s.post, s.staffing_type, s.batch_id, s.row_no
FROM public_staff s
WHERE s.status IS NULL OR s.status = '在职';

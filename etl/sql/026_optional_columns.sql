-- fundquery store, schema version 26: a fund with no budget, a payment with no village (issue 14).
--
-- Two real forms the loader refused for one column the product can do without, when it says so:
-- a provincial 直达 system's 专项资金 list (names, codes, year, department; no amount) and a township-level
-- 被征地农民社保补贴 roster (its rows name only the 行政区域, the township).  Such a file now loads with one
-- warning (etl.validate, column_absent); its rows hold budget_yuan / village NULL.  A fund with no budget
-- shows “未公布” and every total over budgets says how many funds it lacks; a payment with no village
-- counts in its township's totals and in no village's notice (公示).  A file that has the column must
-- still fill it in every row (value_required).
--
-- DuckDB allows DROP NOT NULL on funds (no index) as it is; payments has the two indexes 025 made, which
-- DuckDB would refuse the ALTER for: they are dropped and made again around it (no UPDATE in this
-- transaction, so the new indexes are allowed).  The views select t.*, so they need nothing.
ALTER TABLE funds ALTER COLUMN budget_yuan DROP NOT NULL;

DROP INDEX payments_id_key;
DROP INDEX payments_household;
ALTER TABLE payments ALTER COLUMN village DROP NOT NULL;
CREATE INDEX payments_id_key ON payments (id_key);
CREATE INDEX payments_household ON payments (household_no);

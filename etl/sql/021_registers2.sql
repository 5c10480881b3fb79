-- Issue 16: the fund catalogue may say which funds are means-tested (是否经济状况核查: 是 / 否).
-- NULL (the column absent or blank) leaves it to the fund's name: Params.means_tested_funds,
-- from etl.vocabulary.MEANS_TESTED_FUNDS.  The vehicles, businesses and properties registers are
-- declared kinds: etl.kinds.ensure makes their tables and live_ views.
ALTER TABLE funds ADD COLUMN means_tested VARCHAR;

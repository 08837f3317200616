-- Returns the one row of the temp view `footprint` (footprint/job.sql) when `explain` computed
-- it for one job: every input, factor and figure of that job.
SELECT * FROM footprint;

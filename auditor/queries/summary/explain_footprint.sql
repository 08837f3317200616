-- Returns the one row of the temp view `footprint` (footprint/job.sql) when `explain` computed
-- it for one job: every input, factor and figure of that job (not the number of its class).
SELECT * EXCLUDE (class_no) FROM footprint;

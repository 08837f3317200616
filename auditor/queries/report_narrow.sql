-- Narrows the temp table `footprint_jobs` (footprint_select.sql) to the jobs of the temp table
-- `report_jobs` (report_jobs.sql), before the footprint is computed and checked.
DELETE FROM footprint_jobs WHERE uid NOT IN (SELECT uid FROM report_jobs);

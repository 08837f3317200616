-- Creates the temp view `footprint_series_jobs` that footprint/job.sql reads: the view
-- `footprint_jobs` with each job's series columns from the temp table footprint_job_series
-- (footprint/series_jobs.sql), NULL for a job that takes no series.
CREATE OR REPLACE TEMP VIEW footprint_series_jobs AS
SELECT j.*, s.* EXCLUDE (uid)
FROM footprint_jobs j
LEFT JOIN footprint_job_series s ON s.uid = j.uid;

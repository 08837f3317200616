-- Returns the distinct projects of the report's jobs (temp view `report_jobs`), NULL
-- for jobs without one.
SELECT DISTINCT project FROM report_jobs;

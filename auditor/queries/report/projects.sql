-- Returns the distinct projects of the report's jobs (temp table `report_jobs`), NULL
-- for jobs without one.
SELECT DISTINCT c.project FROM counted_jobs c JOIN report_jobs USING (uid);

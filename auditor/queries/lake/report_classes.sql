-- Creates the temp table `report_factor_classes` (lake/factors_used.sql reads it): the rows of
-- the lake's _factors.parquet at $path (a literal: a table function's file is not a
-- parameter) that a report's jobs fall in, selected as report/jobs.sql selects the jobs:
-- $projects (all when empty), and $since and $until on job_date (either may be NULL; a
-- class with no date is left out when either is set).
CREATE OR REPLACE TEMP TABLE report_factor_classes AS
SELECT * EXCLUDE (cluster, year, month, project, job_date)
FROM read_parquet($path)
WHERE (len($projects) = 0 OR list_contains($projects, project))
  AND ($since IS NULL OR job_date >= $since)
  AND ($until IS NULL OR job_date <= $until);

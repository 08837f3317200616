-- Creates the temp table `report_params`: the report's filters, which the temp view
-- `report_jobs` (report/jobs.sql) reads. $projects: those projects (all when empty); $since
-- and $until: the first and last day (either may be NULL).
CREATE OR REPLACE TEMP TABLE report_params AS
SELECT
    CAST($projects AS VARCHAR[]) AS projects,
    CAST($since AS DATE) AS since,
    CAST($until AS DATE) AS until;

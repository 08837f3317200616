-- Creates the temp view `jobs` of an in-memory store, which hides its empty table of that
-- name: the lake's rows (temp view `lake_jobs`, lake/jobs.sql) with tags read back from their
-- JSON text as the MAP the jobs table holds, so the queries that read a job's tags (MLflow
-- metrics for the sensitivity columns) read the lake.
CREATE OR REPLACE TEMP VIEW jobs AS
SELECT * REPLACE (CAST(CAST(tags AS JSON) AS MAP(VARCHAR, VARCHAR)) AS tags)
FROM lake_jobs;

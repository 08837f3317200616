-- Creates the temp table `report_factor_classes` (report/factors_used.sql reads it): the rows of
-- the lake's _factors.parquet (temp view `lake_factors`, lake/factors.sql or read by Spark)
-- that a report's jobs fall in: those of $projects (all when empty). A report over a lake
-- takes no --since/--until (lake.report_of refuses them).
CREATE OR REPLACE TEMP TABLE report_factor_classes AS
SELECT * EXCLUDE (cluster, year, month, project)
FROM lake_factors
WHERE len($projects) = 0 OR list_contains($projects, project);

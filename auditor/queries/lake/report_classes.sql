-- Creates the temp table `report_factor_classes` (report/factors_used.sql reads it): the rows of
-- the lake's _factors.parquet at $path (a literal: a table function's file is not a
-- parameter) that a report's jobs fall in: those of $projects (all when empty). A report
-- over a lake takes no --since/--until (lake.open_report refuses them).
CREATE OR REPLACE TEMP TABLE report_factor_classes AS
SELECT * EXCLUDE (cluster, year, month, project)
FROM read_parquet($path)
WHERE len($projects) = 0 OR list_contains($projects, project);

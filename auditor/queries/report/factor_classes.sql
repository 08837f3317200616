-- Creates the temp table `report_factor_classes`: the report's jobs (the temp table
-- `report_footprint`, report/footprint.sql) grouped by their factor_class
-- (report/factor_class_jobs.sql), with their class's factors (report/factor_class_values.sql):
-- jobs counts each group's jobs, series_weighted_s and series_s add up series_weighted and
-- series_covered. A few rows for a million jobs: the jobs are grouped by the struct and a
-- class number before the factors' sources, long strings, join them, so factors_used reads
-- these rows, not a wide row per job. Two classes with the same factors are one row.
CREATE OR REPLACE TEMP TABLE report_factor_classes AS
WITH classed AS (
    SELECT
        factor_class.* EXCLUDE (series_weighted, series_covered),
        count(*) AS jobs,
        fsum(factor_class.series_weighted) AS series_weighted_s,
        fsum(factor_class.series_covered) AS series_s
    FROM report_footprint
    GROUP BY ALL
)
SELECT
    c.* EXCLUDE (class_no, jobs, series_weighted_s, series_s),
    v.* EXCLUDE (class_no),
    CAST(sum(c.jobs) AS BIGINT) AS jobs,
    fsum(c.series_weighted_s) AS series_weighted_s,
    fsum(c.series_s) AS series_s
FROM classed c
JOIN factor_class_values v USING (class_no)
GROUP BY ALL;

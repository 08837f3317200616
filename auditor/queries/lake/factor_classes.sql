-- Creates the temp table `lake_factor_classes`, written as the lake's _factors.parquet: the
-- jobs of the temp view `factor_class_jobs` (report/factor_class_jobs.sql) that
-- lake/rows.sql writes and that are not running (those a report covers): dated in $since ..
-- $until (either NULL) as lake/rows.sql dates them, grouped by their partition (cluster,
-- year and month of the start, else submit, else end, UTC) and project, and by their
-- factor_class, with their class's factors (report/factor_class_values.sql), as
-- report/factor_classes.sql groups a report's jobs. Both read the same priced jobs (the
-- footprint's), so no join to the written rows is needed: one of ten million uids outgrows
-- the memory limit.
CREATE OR REPLACE TEMP TABLE lake_factor_classes AS
WITH classed AS (
    SELECT
        CAST(cluster AS VARCHAR) AS cluster,
        CAST(year(timezone('UTC', coalesce(start_ts, submit_ts, end_ts))) AS INTEGER) AS year,
        CAST(month(timezone('UTC', coalesce(start_ts, submit_ts, end_ts))) AS INTEGER) AS month,
        project,
        factor_class.* EXCLUDE (series_weighted, series_covered),
        count(*) AS jobs,
        fsum(factor_class.series_weighted) AS series_weighted_s,
        fsum(factor_class.series_covered) AS series_s
    FROM factor_class_jobs
    WHERE NOT coalesce(running, false)
      AND ($since IS NULL
           OR CAST(timezone('UTC', coalesce(start_ts, submit_ts, end_ts)) AS DATE) >= $since)
      AND ($until IS NULL
           OR CAST(timezone('UTC', coalesce(start_ts, submit_ts, end_ts)) AS DATE) <= $until)
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

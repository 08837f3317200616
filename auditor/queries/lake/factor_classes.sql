-- Creates the temp table `lake_factor_classes`, written as the lake's _factors.parquet: the
-- jobs of the temp view `factor_class_rows` (report/factor_class_rows.sql) that
-- lake/rows.sql writes and that are not running (those a report covers): dated in $since ..
-- $until (either NULL) as lake/rows.sql dates them, grouped by their partition (cluster,
-- year and month of the start, else submit, else end, UTC) and project, and by every factor
-- and condition of that view, as report/factor_classes.sql groups a report's jobs. Both
-- read the same priced jobs (the footprint's), so no join to the written rows is needed:
-- one of ten million uids outgrows the memory limit.
CREATE OR REPLACE TEMP TABLE lake_factor_classes AS
SELECT
    CAST(cluster AS VARCHAR) AS cluster,
    CAST(year(timezone('UTC', coalesce(start_ts, submit_ts, end_ts))) AS INTEGER) AS year,
    CAST(month(timezone('UTC', coalesce(start_ts, submit_ts, end_ts))) AS INTEGER) AS month,
    project,
    * EXCLUDE (uid, cluster, project, start_ts, submit_ts, end_ts, running, series_weighted,
        series_covered),
    count(*) AS jobs,
    fsum(series_weighted) AS series_weighted_s,
    fsum(series_covered) AS series_s
FROM factor_class_rows
WHERE NOT coalesce(running, false)
  AND ($since IS NULL
       OR CAST(timezone('UTC', coalesce(start_ts, submit_ts, end_ts)) AS DATE) >= $since)
  AND ($until IS NULL
       OR CAST(timezone('UTC', coalesce(start_ts, submit_ts, end_ts)) AS DATE) <= $until)
GROUP BY ALL;

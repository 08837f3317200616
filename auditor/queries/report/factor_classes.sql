-- Creates the temp table `report_factor_classes`: the report's jobs (the temp view
-- `factor_class_rows`, report/factor_class_rows.sql, over the footprint computed for them)
-- grouped by every factor and condition that view gives; jobs counts each group's jobs,
-- series_weighted_s and series_s add up series_weighted and series_covered. A few thousand
-- rows for a million jobs: the factors are resolved per class of jobs, so factors_used reads
-- these, not a wide row per job.
CREATE OR REPLACE TEMP TABLE report_factor_classes AS
SELECT
    * EXCLUDE (uid, cluster, project, start_ts, submit_ts, end_ts, running, series_weighted,
        series_covered),
    count(*) AS jobs,
    fsum(series_weighted) AS series_weighted_s,
    fsum(series_covered) AS series_s
FROM factor_class_rows
GROUP BY ALL;

-- Creates the temp table `lake_factor_classes`, written as the lake's _factors.parquet: the
-- jobs of the temp view `factor_class_rows` (report/factor_class_rows.sql) that the temp
-- table `lake_rows` holds and that are not running (those a report covers), grouped by their
-- partition (cluster, year and month of the start, else submit, else end, UTC, as
-- lake/rows.sql dates them) and project, and by every factor and condition of that view, as
-- report/factor_classes.sql groups a report's jobs.
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
-- a semi-join on the uid alone: the wide rows of both sides are never joined
WHERE NOT coalesce(running, false) AND uid IN (SELECT uid FROM lake_rows WHERE included)
GROUP BY ALL;

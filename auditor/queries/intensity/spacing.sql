-- Creates `spacing`: per file, zone and series of `points` records that give no end, the
-- length of an interval. The shortest step between two distinct starts is the interval
-- (period_s when the file states it), except that starts all on the first of a month, at
-- least 28 days apart, are months (on 1 January and at least 365 days apart: years). A
-- group of one start takes the calendar word of its file's name. irregular_at: the first
-- start whose distance from the one before is not a whole number of intervals (months and
-- years are whole by their rule). Repeated starts (step 0) are intensity/duplicates.sql's.
CREATE OR REPLACE TEMP TABLE spacing AS
WITH steps AS (
    SELECT file, zone, kind, basis, start_ts, period_s, calendar,
        CAST(epoch(start_ts - lag(start_ts) OVER w) AS BIGINT) AS step_s
    FROM points
    WHERE given_end_ts IS NULL
    WINDOW w AS (PARTITION BY file, zone, kind, basis ORDER BY start_ts)
),
groups AS (
    SELECT file, zone, kind, basis,
        count(*) FILTER (WHERE step_s IS NULL OR step_s > 0) AS n,
        any_value(period_s) AS period_s,
        any_value(calendar) AS calendar,
        min(step_s) FILTER (WHERE step_s > 0) AS min_step_s,
        bool_and(start_ts = date_trunc('month', start_ts)) AS month_starts,
        bool_and(start_ts = date_trunc('year', start_ts)) AS year_starts
    FROM steps
    GROUP BY ALL
),
ruled AS (
    SELECT *, CASE
        WHEN period_s IS NOT NULL THEN 'fixed'
        WHEN n = 1 THEN CASE calendar WHEN 'month' THEN 'month' WHEN 'year' THEN 'year'
            WHEN 'hour' THEN 'fixed' WHEN 'day' THEN 'fixed' END
        WHEN year_starts AND min_step_s >= 365 * 86400 THEN 'year'
        WHEN month_starts AND min_step_s >= 28 * 86400 THEN 'month'
        ELSE 'fixed' END AS rule,
        CAST(CASE
            WHEN period_s IS NOT NULL THEN period_s
            WHEN n = 1 AND calendar = 'hour' THEN 3600
            WHEN n = 1 AND calendar = 'day' THEN 86400
            ELSE min_step_s END AS BIGINT) AS interval_s
    FROM groups
),
irregular AS (
    SELECT s.file, s.zone, s.kind, s.basis, min(s.start_ts) AS irregular_at
    FROM steps s
    JOIN ruled r USING (file, zone, kind, basis)
    WHERE r.rule = 'fixed' AND s.step_s > 0
        AND (s.step_s % r.interval_s <> 0 OR s.step_s < r.interval_s)
    GROUP BY ALL
)
SELECT r.file, r.zone, r.kind, r.basis, r.n, r.rule, r.interval_s, i.irregular_at
FROM ruled r
LEFT JOIN irregular i USING (file, zone, kind, basis);

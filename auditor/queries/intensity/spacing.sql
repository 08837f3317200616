-- Creates `spacing`: per file and zone of `points` records that give no end (a file's
-- kind and basis are one), the length of an interval. The shortest step between two
-- distinct starts is the interval (period_s when the file states it), except that starts
-- all on the first of a month, at least 28 days apart, are months (on 1 January and at
-- least 365 days apart: years). A group of one start takes the calendar word of its file's
-- name. irregular_at: the first start whose distance from the one before is not a whole
-- number of intervals (months and years are whole by their rule). Repeated starts (step 0)
-- are intensity/duplicates.sql's. Steps in microseconds: integer arithmetic, and a
-- partition on numbers, sort several times faster than on text and intervals.
CREATE OR REPLACE TEMP TABLE spacing AS
WITH steps AS (
    SELECT file_no, zone, start_ts, period_s, calendar,
        epoch_us(start_ts) - lag(epoch_us(start_ts)) OVER w AS step_us
    FROM points
    WHERE given_end_ts IS NULL
    WINDOW w AS (PARTITION BY file_no, zone ORDER BY start_ts)
),
groups AS (
    SELECT file_no, zone,
        count(*) FILTER (WHERE step_us IS NULL OR step_us > 0) AS n,
        any_value(period_s) AS period_s,
        any_value(calendar) AS calendar,
        min(step_us) FILTER (WHERE step_us > 0) AS min_step_us,
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
        WHEN year_starts AND min_step_us >= CAST(365 * 86400 AS BIGINT) * 1000000 THEN 'year'
        WHEN month_starts AND min_step_us >= CAST(28 * 86400 AS BIGINT) * 1000000 THEN 'month'
        ELSE 'fixed' END AS rule,
        CAST(CASE
            WHEN period_s IS NOT NULL THEN CAST(period_s AS BIGINT) * 1000000
            WHEN n = 1 AND calendar = 'hour' THEN CAST(3600 AS BIGINT) * 1000000
            WHEN n = 1 AND calendar = 'day' THEN CAST(86400 AS BIGINT) * 1000000
            ELSE min_step_us END AS BIGINT) AS interval_us
    FROM groups
),
irregular AS (
    SELECT s.file_no, s.zone, min(s.start_ts) AS irregular_at
    FROM steps s
    JOIN ruled r USING (file_no, zone)
    WHERE r.rule = 'fixed' AND s.step_us > 0
        AND (s.step_us % r.interval_us <> 0 OR s.step_us < r.interval_us)
    GROUP BY ALL
)
SELECT r.file_no, r.zone, r.n, r.rule, r.interval_us, i.irregular_at
FROM ruled r
LEFT JOIN irregular i USING (file_no, zone);

-- Creates `spacing`: per file, zone and series of `parsed` records that give no end, the
-- length of an interval. The records' distinct starts are compared: the shortest step
-- between two is the interval (period_s when the file states it), except that starts all on
-- the first of a month, at least 28 days apart, are months (on 1 January and at least 365
-- days apart: years). A group of one start takes the calendar word of its file's name.
-- irregular: the first start whose distance from the one before is not a whole number of
-- intervals (for months and years: a start not on a month's or year's first).
CREATE OR REPLACE TEMP TABLE spacing AS
WITH starts AS (
    SELECT DISTINCT file, zone, kind, basis, start_ts, period_s, calendar
    FROM parsed
    WHERE given_end_ts IS NULL
),
steps AS (
    SELECT *, CAST(epoch(start_ts - lag(start_ts) OVER w) AS BIGINT) AS step_s
    FROM starts
    WINDOW w AS (PARTITION BY file, zone, kind, basis ORDER BY start_ts)
),
groups AS (
    SELECT file, zone, kind, basis,
        count(*) AS n,
        any_value(period_s) AS period_s,
        any_value(calendar) AS calendar,
        min(step_s) AS min_step_s,
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
)
SELECT r.file, r.zone, r.kind, r.basis, r.n, r.rule, r.interval_s,
    (SELECT min(s.start_ts) FROM steps s
        WHERE s.file = r.file AND s.zone = r.zone AND s.kind = r.kind AND s.basis = r.basis
            AND s.step_s IS NOT NULL
            AND ((r.rule = 'fixed' AND s.step_s % r.interval_s <> 0)
                OR (r.rule = 'fixed' AND s.step_s < r.interval_s))) AS irregular_at
FROM ruled r;

-- Per series of `series_rows`: its first start, last end, intervals, and the gaps between
-- its intervals (times it does not cover): how many, and the longest with where it starts.
WITH nexts AS (
    SELECT *, lead(start_ts) OVER (PARTITION BY zone, kind, basis ORDER BY start_ts) AS next_start
    FROM series_rows
)
SELECT zone, kind, basis,
    strftime(min(start_ts) AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') AS first_utc,
    strftime(max(end_ts) AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') AS last_utc,
    count(*) AS intervals,
    count(*) FILTER (WHERE next_start > end_ts) AS gaps,
    max(epoch(next_start - end_ts)) FILTER (WHERE next_start > end_ts) AS longest_gap_s,
    strftime(arg_max(end_ts, epoch(next_start - end_ts)) FILTER (WHERE next_start > end_ts)
        AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') AS longest_gap_from_utc
FROM nexts
GROUP BY zone, kind, basis
ORDER BY zone, kind, basis;

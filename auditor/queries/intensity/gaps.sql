-- Per series of `series_rows`: its first start, last end, intervals, and the gaps between
-- its intervals (times it does not cover): how many, and the longest with where it starts.
-- A record followed by its repeat has its own start next: the repeat carries the next.
SELECT zone, kind, basis,
    strftime(min(start_ts) AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') AS first_utc,
    strftime(max(end_ts) AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') AS last_utc,
    count(*) FILTER (WHERE NOT repeated) AS intervals,
    count(*) FILTER (WHERE next_start > end_ts) AS gaps,
    max(epoch(next_start - end_ts)) FILTER (WHERE next_start > end_ts) AS longest_gap_s,
    strftime(arg_max(end_ts, epoch(next_start - end_ts)) FILTER (WHERE next_start > end_ts)
        AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') AS longest_gap_from_utc
FROM series_rows
GROUP BY zone, kind, basis
ORDER BY zone, kind, basis;

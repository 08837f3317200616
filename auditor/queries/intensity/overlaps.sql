-- The first interval of `series_rows` that starts before the one before it in its series
-- ends: both, with their places, for the error.
SELECT src_file, place, prev_file, prev_place, zone,
    strftime(start_ts AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S') AS start_utc,
    strftime(prev_end AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S') AS prev_end_utc
FROM series_rows
WHERE prev_start < start_ts AND prev_end > start_ts
ORDER BY start_ts
LIMIT 1;

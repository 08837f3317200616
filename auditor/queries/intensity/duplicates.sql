-- The first record of `series_rows` that has the start of the record before it in its
-- series but another value or end: it, the record it repeats, and both values.
SELECT src_file, place, prev_file, prev_place, zone,
    strftime(start_ts AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S') AS start_utc,
    prev_g_per_kwh, g_per_kwh
FROM series_rows
WHERE repeated AND (g_per_kwh <> prev_g_per_kwh OR end_ts IS DISTINCT FROM prev_end)
ORDER BY file_no, src_line
LIMIT 1;

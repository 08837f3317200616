-- The first pair of records of `points` in one series (zone, kind, basis) with the same
-- start but another value or end: the later record, the earlier one, and both values.
SELECT b.file, b.place, a.file AS first_file, a.place AS first_place, b.zone,
    strftime(b.start_ts AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S') AS start_utc,
    a.g_per_kwh AS first_g_per_kwh, b.g_per_kwh
FROM points a
JOIN points b ON a.zone = b.zone AND a.kind = b.kind AND a.basis = b.basis
    AND a.start_ts = b.start_ts AND (a.file_no, a.ord) < (b.file_no, b.ord)
WHERE a.g_per_kwh <> b.g_per_kwh OR a.given_end_ts IS DISTINCT FROM b.given_end_ts
ORDER BY b.file_no, b.ord
LIMIT 1;

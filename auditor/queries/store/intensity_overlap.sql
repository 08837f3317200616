-- The first interval of `incoming_intensity` (files not in $skip_files) that overlaps an
-- interval of the same series (zone compared case-insensitively, kind, basis) stored by
-- another ingest: both, for the error; none with $replace.
SELECT n.src_file, n.place, s.ingest_id, s.src_file AS stored_file,
    s.src_line AS stored_line, n.zone, n.kind, n.basis,
    strftime(n.start_ts AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S') AS start_utc
FROM incoming_intensity n
JOIN intensity_series s ON lower(s.zone) = lower(n.zone) AND s.kind = n.kind
    AND s.basis = n.basis AND s.start_ts < n.end_ts AND n.start_ts < s.end_ts
WHERE NOT $replace AND NOT list_contains(CAST($skip_files AS VARCHAR[]), n.src_file)
ORDER BY n.start_ts, n.src_file
LIMIT 1;

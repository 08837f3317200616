-- Stores the intervals of `incoming_intensity` (files not in $skip_files) as ingest
-- $ingest_id's; returns how many.
INSERT INTO intensity_series
    (zone, kind, basis, start_ts, end_ts, g_per_kwh, estimated, ingest_id, src_file, src_line)
SELECT zone, kind, basis, start_ts, end_ts, g_per_kwh, estimated, $ingest_id, src_file,
    src_line
FROM incoming_intensity
WHERE NOT list_contains(CAST($skip_files AS VARCHAR[]), src_file);

-- With --replace: the earlier ingests that store intervals overlapping one of
-- `incoming_intensity` (files not in $skip_files) in the same series, and how many.
SELECT s.ingest_id, count(DISTINCT (s.zone, s.start_ts, s.kind, s.basis)) AS intervals
FROM intensity_series s
JOIN incoming_intensity n ON lower(s.zone) = lower(n.zone) AND s.kind = n.kind
    AND s.basis = n.basis AND s.start_ts < n.end_ts AND n.start_ts < s.end_ts
WHERE NOT list_contains(CAST($skip_files AS VARCHAR[]), n.src_file)
GROUP BY s.ingest_id
ORDER BY s.ingest_id;

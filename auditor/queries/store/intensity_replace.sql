-- With --replace: deletes the stored intervals that overlap one of `incoming_intensity`
-- (files not in $skip_files) in the same series.
DELETE FROM intensity_series AS s
USING (
    SELECT * FROM incoming_intensity
    WHERE NOT list_contains(CAST($skip_files AS VARCHAR[]), src_file)
) AS n
WHERE lower(s.zone) = lower(n.zone) AND s.kind = n.kind AND s.basis = n.basis
    AND s.start_ts < n.end_ts AND n.start_ts < s.end_ts;

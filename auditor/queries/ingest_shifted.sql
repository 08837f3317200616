-- Slurm jobs of ingest $ingest_id whose (cluster, JobIDRaw) another ingest stored with a
-- Submit shifted by a whole, non-zero number of quarter-hours within 14 h and the same
-- elapsed time and AllocTRES: the same job read in another zone, which the key (it holds
-- Submit) would count twice. One row per pair, the earliest ingest and job first.
SELECT n.uid AS new_uid, o.uid AS old_uid, o.ingest_id AS old_ingest, n.cluster, n.job_id,
    n.run, n.src_file AS new_file, (epoch_ms(n.submit_ts) - epoch_ms(o.submit_ts)) / 3600000 AS shift_h
FROM jobs n
JOIN jobs o ON o.cluster = n.cluster AND o.job_id = n.job_id
WHERE n.ingest_id = $ingest_id
    AND o.ingest_id <> $ingest_id
    AND n.source = 'slurm'
    AND o.source = 'slurm'
    AND (epoch_ms(n.submit_ts) - epoch_ms(o.submit_ts)) % 900000 = 0
    AND epoch_ms(n.submit_ts) <> epoch_ms(o.submit_ts)
    AND abs(epoch_ms(n.submit_ts) - epoch_ms(o.submit_ts)) <= 14 * 3600000
    AND n.elapsed_s IS NOT DISTINCT FROM o.elapsed_s
    AND n.tags['alloc_tres'] IS NOT DISTINCT FROM o.tags['alloc_tres']
ORDER BY o.ingest_id, n.cluster, n.job_id, n.uid;

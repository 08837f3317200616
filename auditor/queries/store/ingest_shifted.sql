-- Creates `ingest_shifted`: the Slurm jobs of ingest $ingest_id (ingest_new_slurm) whose (cluster, JobIDRaw) another ingest
-- stored with a Submit shifted by a whole, non-zero number of quarter-hours within 14 h and
-- the same elapsed time and AllocTRES: the same job read in another zone, which the key (it
-- holds Submit) would count twice. One row per pair, the earliest ingest and job first.
-- With $synced (a sync's window, read as epoch seconds), jobs an earlier sync stored are
-- left out: neither reading had a zone to get wrong, and the copies of a requeued job
-- (sacct --duplicates lists each, under its own Submit) may wait or run alike.
CREATE TEMP TABLE ingest_shifted AS
SELECT n.uid AS new_uid, o.uid AS old_uid, o.ingest_id AS old_ingest, n.cluster, n.job_id,
    n.run, n.src_file AS new_file, (n.submit_ms - epoch_ms(o.submit_ts)) / 3600000 AS shift_h
FROM ingest_new_slurm n
JOIN jobs o ON o.cluster = n.cluster AND o.job_id = n.job_id AND o.elapsed_s = n.elapsed_s
WHERE o.ingest_id <> $ingest_id
    AND o.source = 'slurm'
    AND NOT ($synced AND o.ingest_id IN (
        SELECT ingest_id FROM ingests WHERE json_extract_string(options, '$.sync') IS NOT NULL))
    AND (n.submit_ms - epoch_ms(o.submit_ts)) % 900000 = 0
    AND n.submit_ms <> epoch_ms(o.submit_ts)
    AND abs(n.submit_ms - epoch_ms(o.submit_ts)) <= 14 * 3600000
    AND o.tags['alloc_tres'] IS NOT DISTINCT FROM n.tres
ORDER BY o.ingest_id, n.cluster, n.job_id, n.uid;

-- Creates `ingest_new_slurm`: the Slurm jobs of ingest $ingest_id, narrow: what store/ingest_shifted.sql compares. Kept as a
-- (temp) table so that the join there builds on these rows, not on every stored job, and
-- prunes the stored jobs' row groups by their job ids. Empty when no other ingest stored
-- Slurm jobs (a first ingest): then there is nothing to compare, and no job is read.
CREATE TEMP TABLE ingest_new_slurm AS
SELECT uid, cluster, job_id, run, src_file, epoch_ms(submit_ts) AS submit_ms, elapsed_s,
    tags['alloc_tres'] AS tres
FROM jobs
WHERE ingest_id = $ingest_id AND source = 'slurm'
    AND EXISTS (SELECT 1 FROM jobs WHERE ingest_id <> $ingest_id AND source = 'slurm');

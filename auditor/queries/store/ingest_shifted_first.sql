-- The first pair of ingest_shifted (the earliest ingest and job), and how many pairs there are:
-- what the refusal names.
SELECT old_ingest, cluster, job_id, run, new_file, shift_h, count(*) OVER () AS pairs
FROM ingest_shifted
ORDER BY old_ingest, cluster, job_id, new_uid
LIMIT 1;

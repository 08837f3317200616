-- The narrow copies of the displaced rows ingest $ingest_id left unchanged (see
-- ingest_unchanged.sql): keys and provenance only.
INSERT INTO jobs_replaced BY NAME
SELECT uid, source, cluster, job_id, src_file, src_line, ingest_id,
    $ingest_id AS replaced_by, true AS unchanged
FROM jobs
WHERE rowid IN (SELECT row_id FROM ingest_displaced WHERE unchanged);

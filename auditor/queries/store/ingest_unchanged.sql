-- Creates `ingest_unchanged`: the displaced rows (ingest_displaced) that ingest $ingest_id updates to the same values,
-- where it was read from (src_file, src_line) and the ingest aside: their uid and
-- provenance, all jobs_replaced keeps of them (store/ingest_keep_unchanged.sql).
CREATE TEMP TABLE ingest_unchanged AS
SELECT o.row_id, o.uid, o.src_file, o.src_line, o.ingest_id
FROM (
    SELECT rowid AS row_id, uid, src_file, src_line, ingest_id,
        row(*COLUMNS(* EXCLUDE (ingest_id, src_file, src_line))) AS v
    FROM jobs
    WHERE rowid IN (SELECT row_id FROM ingest_displaced WHERE updated)
) o
JOIN (
    SELECT uid, row(*COLUMNS(* EXCLUDE (ingest_id, src_file, src_line))) AS v
    FROM jobs
    WHERE ingest_id = $ingest_id
) n ON n.uid = o.uid
WHERE o.v IS NOT DISTINCT FROM n.v;

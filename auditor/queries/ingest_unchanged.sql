-- Marks the displaced rows (ingest_displaced) that ingest $ingest_id updates to the same
-- values, where it was read from (src_file, src_line) and the ingest aside: they are kept
-- narrow (ingest_keep_replaced.sql).
UPDATE ingest_displaced SET unchanged = true
WHERE row_id IN (
    SELECT o.row_id
    FROM (
        SELECT rowid AS row_id, uid,
            row(*COLUMNS(* EXCLUDE (ingest_id, src_file, src_line))) AS v
        FROM jobs
        WHERE rowid IN (SELECT row_id FROM ingest_displaced WHERE updated)
    ) o
    JOIN (
        SELECT uid, row(*COLUMNS(* EXCLUDE (ingest_id, src_file, src_line))) AS v
        FROM jobs
        WHERE ingest_id = $ingest_id
    ) n ON n.uid = o.uid
    WHERE o.v IS NOT DISTINCT FROM n.v
);

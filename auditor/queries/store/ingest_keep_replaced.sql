-- Keeps the rows ingest $ingest_id displaces (ingest_displaced) in jobs_replaced, marked as
-- replaced by it, so that forgetting it can put them back: whole, but for those it left
-- unchanged (ingest_unchanged, kept narrow by store/ingest_keep_unchanged.sql).
INSERT INTO jobs_replaced BY NAME
SELECT *, $ingest_id AS replaced_by, false AS unchanged
FROM jobs
WHERE rowid IN (
    SELECT d.row_id FROM ingest_displaced d ANTI JOIN ingest_unchanged u USING (row_id)
);

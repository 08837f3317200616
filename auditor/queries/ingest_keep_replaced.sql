-- Keeps the rows ingest $ingest_id displaces (ingest_displaced) in jobs_replaced, marked as
-- replaced by it, so that forgetting it can put them back.
INSERT INTO jobs_replaced BY NAME
SELECT *, $ingest_id AS replaced_by
FROM jobs
WHERE rowid IN (SELECT row_id FROM ingest_displaced);

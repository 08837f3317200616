-- Keeps the rows ingest $ingest_id displaces (ingest_displaced) in jobs_replaced, marked as
-- replaced by it, so that forgetting it can put them back: whole, or narrow when the update
-- left the row's values unchanged.
INSERT INTO jobs_replaced BY NAME
SELECT *, $ingest_id AS replaced_by, false AS unchanged
FROM jobs
WHERE rowid IN (SELECT row_id FROM ingest_displaced WHERE NOT unchanged);

-- The narrow copies of the displaced rows ingest $ingest_id left unchanged (ingest_unchanged):
-- uid and provenance only.
INSERT INTO jobs_replaced BY NAME
SELECT * EXCLUDE (row_id), $ingest_id AS replaced_by, true AS unchanged
FROM ingest_unchanged;

-- Puts back the rows ingest $ingest_id displaced (their earlier values).
INSERT INTO jobs BY NAME
SELECT * EXCLUDE (replaced_by, unchanged) FROM jobs_replaced WHERE replaced_by = $ingest_id;

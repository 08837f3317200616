-- Deletes the stored rows ingest $ingest_id displaces (ingest_displaced, kept first in
-- jobs_replaced by store/ingest_keep_replaced.sql).
DELETE FROM jobs
WHERE rowid IN (SELECT row_id FROM ingest_displaced);

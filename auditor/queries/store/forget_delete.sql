-- Deletes the stored rows of ingest $ingest_id.
DELETE FROM jobs WHERE ingest_id = $ingest_id;

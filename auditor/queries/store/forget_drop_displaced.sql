-- Drops ingest $ingest_id's own rows that later ingests displaced.
DELETE FROM jobs_replaced WHERE ingest_id = $ingest_id;

-- The ingests that ingest $ingest_id superseded with --replace are in force again.
UPDATE ingests SET superseded_by = NULL WHERE superseded_by = $ingest_id;

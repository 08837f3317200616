-- Deletes the grid-intensity intervals ingest $ingest_id stored.
DELETE FROM intensity_series WHERE ingest_id = $ingest_id;

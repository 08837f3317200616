-- Removes ingest $ingest_id from the ledger.
DELETE FROM ingests WHERE ingest_id = $ingest_id;

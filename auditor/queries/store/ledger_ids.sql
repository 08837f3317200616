-- The ids of the ledger, oldest first.
SELECT ingest_id FROM ingests ORDER BY ingest_id;

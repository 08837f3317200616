-- Marks the ingests whose files ingest $ingest_id re-read with --replace as superseded by it.
UPDATE ingests SET superseded_by = $ingest_id
WHERE ingest_id IN (SELECT ingest_id FROM ingest_same_content);

-- Marks the ingests in $replaced, whose intervals --replace deleted, as superseded by
-- ingest $ingest_id.
UPDATE ingests SET superseded_by = $ingest_id
WHERE list_contains(CAST($replaced AS BIGINT[]), ingest_id);

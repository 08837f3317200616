-- The ingests whose intervals ingest $ingest_id's --replace deleted: forgetting it does not
-- bring those back.
SELECT ingest_id, array_to_string(files, ', ') AS files
FROM ingests
WHERE superseded_by = $ingest_id AND source = 'intensity'
ORDER BY ingest_id;

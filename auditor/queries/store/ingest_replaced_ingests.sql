-- The earlier ingests a --replace swapped jobs of: those whose files it re-read and those
-- holding its jobs under a shifted Submit.
SELECT ingest_id FROM ingest_same_content
UNION
SELECT old_ingest FROM ingest_shifted
ORDER BY 1;

-- Empties `ingest_same_content`: content read again with the same keys updates its jobs,
-- and nothing is swapped wholesale.
DELETE FROM temp.ingest_same_content

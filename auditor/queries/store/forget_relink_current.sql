-- The rows ingest $ingest_id displaced whose job another ingest stores now (one that added
-- it after a --replace had removed it): they become rows that ingest displaced.
UPDATE jobs_replaced AS p
SET replaced_by = j.ingest_id
FROM jobs AS j
WHERE p.replaced_by = $ingest_id AND j.uid = p.uid;

-- The rows ingest $ingest_id displaced whose job a later ingest has since taken from it:
-- they become rows that later ingest displaced (as if $ingest_id had never been).
UPDATE jobs_replaced AS p
SET replaced_by = m.replaced_by
FROM (SELECT uid, replaced_by FROM jobs_replaced WHERE ingest_id = $ingest_id) AS m
WHERE p.replaced_by = $ingest_id AND p.uid = m.uid;

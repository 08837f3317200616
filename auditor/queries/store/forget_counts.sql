-- Ingest $ingest_id's stored rows, and how many of them have an earlier value to go back to
-- (a row it displaced, same uid): the rest are jobs only it brought.
SELECT
    count(*) AS stored,
    count(*) FILTER (
        WHERE uid IN (SELECT uid FROM jobs_replaced WHERE replaced_by = $ingest_id)
    ) AS restorable
FROM jobs
WHERE ingest_id = $ingest_id;

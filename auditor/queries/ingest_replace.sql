-- Deletes the stored rows of earlier ingests whose uid ingest $ingest_id holds again (an
-- update: uids are unique before an ingest, so the count deleted is the count updated).
DELETE FROM jobs
WHERE ingest_id <> $ingest_id
  AND uid IN (SELECT uid FROM jobs WHERE ingest_id = $ingest_id);

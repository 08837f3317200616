-- Returns how many stored jobs ingest $ingest_id holds.
SELECT count(*) FROM jobs WHERE ingest_id = $ingest_id

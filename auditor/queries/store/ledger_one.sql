-- One ingest of the ledger by id: what forget and the refusals name.
SELECT ingest_id, source, array_to_string(files, ', ') AS files, key_options,
    strftime(finished_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M UTC') AS finished,
    jobs_updated, kept_replaced
FROM ingests
WHERE ingest_id = $ingest_id;

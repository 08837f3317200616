-- The ledger: one row per ingest still in force (or superseded), oldest first. Lists are
-- joined with ', ' in file order (digests cut to 12 characters with $short_sha256);
-- key_options and row_options are JSON.
SELECT
    ingest_id,
    source,
    array_to_string(files, ', ') AS files,
    array_to_string(list_transform(file_sha256,
        lambda s: CASE WHEN $short_sha256 THEN s[1:12] ELSE s END), ', ') AS sha256,
    CAST(list_sum(file_bytes) AS BIGINT) AS bytes,
    key_options,
    row_options,
    rows_read,
    jobs_added,
    jobs_updated,
    rows_skipped,
    superseded_by,
    strftime(finished_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S UTC') AS finished_at
FROM ingests
ORDER BY ingest_id;

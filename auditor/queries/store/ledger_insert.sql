-- The ledger's row of one ingest.
INSERT INTO ingests (ingest_id, source, files, options, rows_read, jobs_added, jobs_updated,
    rows_skipped, finished_at, file_bytes, file_sha256, key_options, row_options,
    kept_replaced)
VALUES ($ingest_id, $source, $files, $options, $rows_read, $jobs_added, $jobs_updated,
    $rows_skipped, current_timestamp, $file_bytes, $file_sha256, $key_options, $row_options,
    true);

-- Moves the watermark of ($source, $cluster) to $window_end (never back: a backfill of older
-- windows leaves it), one more window, inside the ingest's transaction. Parameters: $source, $cluster, $window_end, $ingest_id.
INSERT INTO sync_watermarks (source, cluster, window_end, windows, advanced_at, ingest_id)
VALUES ($source, $cluster, $window_end, 1, current_timestamp, $ingest_id)
ON CONFLICT (source, cluster) DO UPDATE SET
    window_end = greatest(sync_watermarks.window_end, excluded.window_end),
    windows = sync_watermarks.windows + 1,
    advanced_at = excluded.advanced_at,
    ingest_id = excluded.ingest_id;

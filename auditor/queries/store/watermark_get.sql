-- The watermark of ($source, $cluster): window_end (UTC), windows, advanced_at; no row before
-- the first sync.
SELECT window_end, windows, advanced_at
FROM sync_watermarks
WHERE source = $source AND cluster = $cluster;

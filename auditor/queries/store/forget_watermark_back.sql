-- When ingest $ingest_id is a window of a sync, moves the watermark of its source and cluster
-- back to the end of the latest window of theirs that remains (one window fewer), and
-- returns (source, cluster, window_end); no row otherwise, or when no window remains
-- (store/forget_watermark_drop). A window's source is its options' 'sync'; its cluster the
-- watermark's key as api.sync_* set it: for MLflow the store's URI (its one file), for Slurm
-- the --cluster name, 'default' without one.
WITH windows AS (
    SELECT
        ingest_id,
        options ->> 'sync' AS source,
        CASE WHEN options ->> 'sync' = 'mlflow' THEN files[1]
             ELSE coalesce(options ->> 'cluster', 'default') END AS cluster,
        CAST(options ->> 'window_end' AS TIMESTAMPTZ) AS window_end
    FROM ingests
    WHERE options ->> 'sync' IS NOT NULL
),
kept AS (
    SELECT
        w.source, w.cluster, max(w.window_end) AS window_end,
        arg_max(w.ingest_id, w.window_end) AS last_ingest
    FROM windows w
    JOIN (SELECT source, cluster FROM windows WHERE ingest_id = $ingest_id) gone
        USING (source, cluster)
    WHERE w.ingest_id <> $ingest_id
    GROUP BY w.source, w.cluster
)
UPDATE sync_watermarks AS m
SET window_end = kept.window_end,
    windows = m.windows - 1,
    advanced_at = current_timestamp,
    ingest_id = kept.last_ingest
FROM kept
WHERE m.source = kept.source AND m.cluster = kept.cluster
RETURNING m.source, m.cluster, m.window_end;

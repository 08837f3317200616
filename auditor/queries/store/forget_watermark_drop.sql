-- When ingest $ingest_id is the only remaining window of a sync's source and cluster (as
-- store/forget_watermark_back finds them), removes their watermark: the next sync starts at
-- --since again. Returns (source, cluster) of what it removed.
WITH windows AS (
    SELECT
        ingest_id,
        options ->> 'sync' AS source,
        CASE WHEN options ->> 'sync' = 'mlflow' THEN files[1]
             ELSE coalesce(options ->> 'cluster', 'default') END AS cluster
    FROM ingests
    WHERE options ->> 'sync' IS NOT NULL
),
gone AS (
    SELECT source, cluster FROM windows g
    WHERE ingest_id = $ingest_id
      AND NOT EXISTS (
          SELECT 1 FROM windows w
          WHERE w.source = g.source AND w.cluster = g.cluster AND w.ingest_id <> $ingest_id
      )
)
DELETE FROM sync_watermarks AS m
USING gone
WHERE m.source = gone.source AND m.cluster = gone.cluster
RETURNING m.source, m.cluster;

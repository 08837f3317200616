-- How far auditor sync has read each source: one row per (source, cluster), written in the
-- same transaction as the window's jobs, so it never runs ahead of what is stored.
--   source        'slurm-sacct', 'slurm-rest' or 'mlflow'
--   cluster       the sacct -M name ('default' without one), or the MLflow store's name
--   window_end    the end (UTC) of the last window whose jobs were committed
--   windows       how many windows have been committed
--   advanced_at   when window_end last moved
--   ingest_id     the ledger's entry of the last window
CREATE TABLE sync_watermarks (
    source VARCHAR NOT NULL,
    cluster VARCHAR NOT NULL,
    window_end TIMESTAMPTZ NOT NULL,
    windows BIGINT NOT NULL,
    advanced_at TIMESTAMPTZ NOT NULL,
    ingest_id BIGINT NOT NULL,
    PRIMARY KEY (source, cluster)
);

-- The canonical job table (see auditor/schema.py) and the log of ingests.
CREATE SEQUENCE ingest_seq START 1;

CREATE TABLE ingests (
    ingest_id BIGINT PRIMARY KEY,
    source VARCHAR NOT NULL,
    files VARCHAR[] NOT NULL,
    options VARCHAR NOT NULL,        -- JSON of the options in force
    rows_read BIGINT NOT NULL,
    jobs_added BIGINT NOT NULL,
    jobs_updated BIGINT NOT NULL,
    rows_skipped BIGINT NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE jobs (
    uid VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    cluster VARCHAR NOT NULL,
    job_id VARCHAR NOT NULL,
    run VARCHAR,
    name VARCHAR,
    user_name VARCHAR,
    account VARCHAR,
    partition VARCHAR,
    project VARCHAR,
    sweep VARCHAR,
    state VARCHAR,
    submit_ts TIMESTAMPTZ,
    start_ts TIMESTAMPTZ,
    end_ts TIMESTAMPTZ,
    elapsed_s DOUBLE,
    running BOOLEAN,
    gpus DOUBLE,
    gpu_model VARCHAR,
    cpus DOUBLE,
    mem_gb DOUBLE,
    nodes BIGINT,
    energy_j DOUBLE,
    power_w DOUBLE,
    cpu_util DOUBLE,
    gpu_util DOUBLE,
    max_rss_gb DOUBLE,
    grid VARCHAR,
    tags MAP(VARCHAR, VARCHAR),
    src_file VARCHAR,
    src_line BIGINT,
    ingest_id BIGINT NOT NULL
);

-- What the totals count: the jobs, less any row another source already accounts for.
-- Later migrations redefine it (e.g. an MLflow run that is also a Slurm job counts once).
CREATE VIEW counted_jobs AS SELECT * FROM jobs;

-- The views of 0002_mlflow_link.sql, unchanged in meaning, with their CTEs inlined rather
-- than materialised: when no MLflow run names a Slurm job, the joins have an empty side and
-- stop at once, so counting jobs costs a scan of the jobs table, not two copies of it.
-- (Materialised, each reference copied every Slurm job: 0.3 s per pass over 1M jobs.)
CREATE OR REPLACE VIEW mlflow_slurm_links AS
WITH runs AS NOT MATERIALIZED (
    SELECT uid, cluster, job_id, start_ts, tags['slurm_job_id'] AS link_id,
        tags['slurm_cluster'] AS link_cluster
    FROM jobs
    WHERE source = 'mlflow' AND tags['slurm_job_id'] IS NOT NULL
),
slurm AS NOT MATERIALIZED (
    SELECT uid, cluster, job_id, run, coalesce(start_ts, submit_ts) AS start_ts
    FROM jobs
    WHERE source = 'slurm'
),
candidates AS NOT MATERIALIZED (
    -- two equality joins rather than one OR, so each stays a hash join
    SELECT r.uid AS mlflow_uid, s.uid AS slurm_uid, r.job_id AS run_id,
        r.cluster AS mlflow_store, s.cluster AS slurm_cluster, s.job_id AS slurm_job_id,
        r.start_ts AS run_start, s.start_ts AS job_start, r.link_cluster
    FROM runs r JOIN slurm s ON s.job_id = r.link_id
    UNION
    SELECT r.uid, s.uid, r.job_id, r.cluster, s.cluster, s.job_id, r.start_ts, s.start_ts,
        r.link_cluster
    FROM runs r JOIN slurm s ON s.run = r.link_id
)
SELECT mlflow_uid, slurm_uid, run_id, mlflow_store, slurm_cluster, slurm_job_id
FROM candidates
WHERE link_cluster IS NULL OR link_cluster = slurm_cluster
QUALIFY row_number() OVER (
    PARTITION BY mlflow_uid
    ORDER BY abs(epoch(job_start) - epoch(run_start)) NULLS LAST, slurm_uid
) = 1;

-- Totals: linked MLflow runs drop out; their Slurm job takes the runs' measured GPU energy
-- when Slurm measured none and every run linked to it has a measurement (a part would
-- understate the job), and their mean GPU utilisation when Slurm has none. The job's tags
-- name the runs (mlflow_runs) and say where the energy came from (energy_from).
CREATE OR REPLACE VIEW counted_jobs AS
WITH linked AS NOT MATERIALIZED (
    SELECT
        l.slurm_uid,
        count(*) AS runs,
        count(m.energy_j) AS measured_runs,
        sum(m.energy_j) AS energy_j,
        avg(m.gpu_util) AS gpu_util,
        string_agg(m.job_id, ',' ORDER BY m.job_id) AS run_ids
    FROM mlflow_slurm_links l
    JOIN jobs m ON m.uid = l.mlflow_uid
    GROUP BY l.slurm_uid
),
merged AS NOT MATERIALIZED (
    SELECT
        j.*,
        k.slurm_uid IS NOT NULL AND j.energy_j IS NULL AND j.power_w IS NULL
            AND k.runs = k.measured_runs AS energy_from_mlflow,
        k.slurm_uid IS NOT NULL AS is_linked,
        k.energy_j AS mlflow_energy_j,
        k.gpu_util AS mlflow_gpu_util,
        k.run_ids AS mlflow_run_ids
    FROM jobs j
    LEFT JOIN linked k ON k.slurm_uid = j.uid
    WHERE j.uid NOT IN (SELECT mlflow_uid FROM mlflow_slurm_links)
)
SELECT * EXCLUDE (energy_from_mlflow, is_linked, mlflow_energy_j, mlflow_gpu_util,
        mlflow_run_ids)
    REPLACE (
        CASE WHEN energy_from_mlflow THEN mlflow_energy_j ELSE energy_j END AS energy_j,
        CASE WHEN is_linked THEN coalesce(gpu_util, mlflow_gpu_util) ELSE gpu_util END
            AS gpu_util,
        CASE WHEN is_linked THEN map_concat(
            coalesce(tags, MAP {}),
            map_from_entries(list_filter([
                {'k': 'mlflow_runs', 'v': mlflow_run_ids},
                {'k': 'energy_from', 'v': CASE WHEN energy_from_mlflow THEN 'mlflow' END},
                -- MLflow's system metrics measure the GPUs only
                {'k': 'energy_scope', 'v': CASE WHEN energy_from_mlflow THEN 'gpu' END}
            ], lambda x: x.v IS NOT NULL))
        ) ELSE tags END AS tags
    )
FROM merged;

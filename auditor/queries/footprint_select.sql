-- Creates the temp table `footprint_jobs`: the counted jobs a footprint is computed for,
-- with the columns job_footprint.sql reads.
-- $uid picks one job; $project one project; running jobs only with $include_running.
CREATE OR REPLACE TEMP TABLE footprint_jobs AS
SELECT
    uid, source, cluster, job_id, run, project, sweep, user_name, partition, state,
    submit_ts, start_ts, end_ts, running, elapsed_s, gpus, gpu_model, cpus, mem_gb,
    energy_j, power_w, cpu_util, gpu_util, grid,
    -- 'gpu' when the measured energy covers the GPUs only (MLflow system metrics)
    coalesce(tags['energy_scope'], 'job') AS energy_scope,
    -- a Slurm job with MLflow runs linked to it: their ids, and whether its energy is theirs
    tags['mlflow_runs'] AS mlflow_runs,
    tags['energy_from'] AS energy_from
FROM counted_jobs
WHERE ($uid IS NULL OR uid = $uid)
  AND ($project IS NULL OR project = $project)
  AND ($include_running OR NOT running);  -- as summary.sql counts

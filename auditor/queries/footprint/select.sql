-- Creates the temp view `footprint_jobs`: the counted jobs a footprint is computed for, with
-- the columns footprint/classes.sql and footprint/job.sql read. A view, not a copy: each
-- query reads only the columns it needs. {{jobs}} is counted_jobs, or the jobs table when
-- no MLflow run is linked to a Slurm job (then the two hold the same rows), or the view of
-- footprint/kept.sql over one of them when a report narrows the jobs.
-- The temp table `footprint_params` (one row, footprint/params.sql) picks the jobs: its uid
-- one job, its project one project; running jobs only with include_running.
CREATE OR REPLACE TEMP VIEW footprint_jobs AS
SELECT
    c.uid, c.source, c.cluster, c.job_id, c.run, c.project, c.sweep, c.user_name, c.partition,
    c.state, c.submit_ts, c.start_ts, c.end_ts, c.running, c.elapsed_s, c.gpus, c.gpu_model,
    c.cpus, c.mem_gb, c.mem_req_gb, c.max_rss_gb, c.energy_j, c.power_w, c.cpu_util, c.gpu_util, c.grid,
    c.gpu_util_peak, c.gpu_util_from, c.gpu_peak_from,
    c.src_file,  -- an MLflow run's store: sweeps and runs are named within it
    -- the year whose factors apply to the job
    year(make_timestamp(epoch_us(coalesce(c.start_ts, c.submit_ts, c.end_ts)))) AS job_year,  -- UTC
    -- 'gpu' when the measured energy covers the GPUs only (MLflow system metrics); it
    -- matters only for measured jobs, and only theirs are looked up (tags are long)
    CASE WHEN c.energy_j IS NULL AND c.power_w IS NULL THEN 'job'
        ELSE coalesce(c.tags['energy_scope'], 'job') END AS energy_scope,
    -- codecarbon measures the whole run's energy by part (kWh, kept as tags): the split of
    -- its energy_j, where all three parts are numbers >= 0 with a sum above 0
    CASE WHEN c.source = 'codecarbon' AND c.energy_j IS NOT NULL THEN list_transform(
        [[try_cast(c.tags['gpu_energy'] AS DOUBLE), try_cast(c.tags['cpu_energy'] AS DOUBLE),
          try_cast(c.tags['ram_energy'] AS DOUBLE)]],
        lambda p: CASE WHEN len(list_filter(p, lambda x: x >= 0)) = 3 AND list_sum(p) > 0
            THEN p END)[1] END AS measured_parts,
    -- a Slurm job with MLflow runs linked to it: their ids, and whether its energy is theirs
    c.tags['mlflow_runs'] AS mlflow_runs,
    c.tags['energy_from'] AS energy_from
FROM {{jobs}} c, footprint_params p
WHERE (p.uid IS NULL OR c.uid = p.uid)
  AND (p.project IS NULL OR c.project = p.project)
  AND (p.include_running OR NOT c.running);  -- as summary/gpu_hours.sql counts

-- Returns the one job of the temp view `footprint_jobs` with the inputs `explain` shows when
-- there are no footprint settings: the columns footprint/job.sql gives for them, with hours
-- and gpu_hours computed the same way, and the GPU model as the job's log names it (a MIG
-- slice's GPU and share from its key alone: the config is what would name a bare profile's GPU).
SELECT
    uid, source, cluster, job_id, run, project, sweep, user_name, partition, state, start_ts,
    running, job_year,
    greatest(coalesce(elapsed_s, 0), 0) / 3600.0 AS hours,
    coalesce(gpus, 0) AS gpus,
    coalesce(gpus, 0) * greatest(coalesce(elapsed_s, 0), 0) / 3600.0 AS gpu_hours,
    coalesce(cpus, 0) AS cpus,
    coalesce(mem_gb, 0) AS mem_gb,
    CASE WHEN mem_gb IS NOT NULL THEN 'allocated' END AS mem_basis_used,
    coalesce(gpu_parent(gpu_model), gpu_model) AS gpu_model,
    CASE WHEN gpu_model IS NOT NULL THEN 'job log' END AS gpu_model_source,
    CASE WHEN gpu_slices(gpu_model) IS NOT NULL
        THEN regexp_extract(gpu_model, '[1-7]g\.\d+gb$') END AS gpu_slice,
    gpu_fraction(gpu_model) AS gpu_fraction,
    energy_j, power_w, cpu_util, gpu_util, energy_scope, mlflow_runs, energy_from,
    gpu_util_peak, gpu_util_from, gpu_peak_from,
    -- the one figure, written as footprint/job.sql writes it
    {'gpu_hours': 'gpus x hours = ' || written(coalesce(gpus, 0)) || ' x '
        || written(greatest(coalesce(elapsed_s, 0), 0) / 3600.0)} AS explained
FROM footprint_jobs;

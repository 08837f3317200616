-- Returns summary/gpu_hours.sql's columns (group_key, project, jobs, gpu_hours, gpu_equiv_hours) and the
-- footprint of each group of the temp view `footprint` (energy_kwh, co2e_kg,
-- cloud_cost_usd_low, cloud_cost_usd_high, electricity_cost_usd, measured_share,
-- default_gpu_power_jobs, default_carbon_jobs), grouped by $by as in summary/gpu_hours.sql, in one pass.
-- A group's cloud cost is NULL when one of its jobs has no price: a partial sum would mislead.
-- measured_share is the measured part of the group's energy (NULL when it has none).
WITH keyed AS (
    SELECT
        CASE $by
            WHEN 'project' THEN project
            WHEN 'sweep' THEN coalesce(sweep, '(none)')
            WHEN 'run' THEN coalesce(run, job_id)
            WHEN 'user' THEN user_name
            WHEN 'month' THEN strftime(timezone('UTC', coalesce(start_ts, submit_ts, end_ts)), '%Y-%m')
            WHEN 'gpu_model' THEN logged_gpu_model
            WHEN 'state' THEN state
        END AS group_key,
        -- a sweep is one of its store and project, a run one run (summary/group_names.sql)
        CASE WHEN $by IN ('sweep', 'run') THEN coalesce(project, '(none)') END AS group_project,
        CASE WHEN $by IN ('sweep', 'run') THEN source END AS group_source,
        CASE WHEN $by IN ('sweep', 'run')
            THEN group_store(source, src_file, cluster) END AS group_store,
        CASE WHEN $by = 'run' THEN run_ident(source, job_id) ELSE '' END AS group_ident,
        *
    FROM footprint
),
grouped AS (
SELECT
    coalesce(group_key, '(none)') AS group_key,
    group_project,
    group_source,
    group_store,
    group_ident,
    count(*) AS jobs,
    fsum(gpus * elapsed_s) / 3600.0 AS gpu_hours,  -- as summary/gpu_hours.sql adds them
    fsum(gpus * elapsed_s * gpu_fraction) / 3600.0 AS gpu_equiv_hours,
    fsum(energy_kwh) AS energy_kwh,
    fsum(co2e_kg) AS co2e_kg,
    CASE WHEN bool_or(price_missing) THEN NULL ELSE fsum(cloud_cost_usd_low) END
        AS cloud_cost_usd_low,
    CASE WHEN bool_or(price_missing) THEN NULL ELSE fsum(cloud_cost_usd_high) END
        AS cloud_cost_usd_high,
    fsum(electricity_cost_usd) AS electricity_cost_usd,
    fsum(measured_energy_kwh) / nullif(fsum(energy_kwh), 0) AS measured_share,
    count(*) FILTER (WHERE gpu_power_defaulted) AS default_gpu_power_jobs,
    count(*) FILTER (WHERE carbon_defaulted) AS default_carbon_jobs
FROM keyed
GROUP BY ALL
)
SELECT
    CASE WHEN $by IN ('sweep', 'run')
        THEN coalesce(n.group_key, g.group_project || '/' || g.group_key)
        ELSE g.group_key END AS group_key,
    g.group_project AS project,
    g.* EXCLUDE (group_key, group_project, group_source, group_store, group_ident)
FROM grouped g
LEFT JOIN group_names n
    ON n.source = g.group_source AND n.store = g.group_store AND n.project = g.group_project
    AND n.ident = g.group_ident AND n.name = g.group_key
ORDER BY 1, 2;

-- Returns one row per job of the temp table `footprint_jobs` (rows of counted_jobs): every
-- input, every factor with its source and as_of, and the footprint:
--   modeled:  energy_kwh = pue * hours * (gpus * gpu_power_w * gpu_use
--                          + cpus * cpu_power_w_per_core * cpu_use + mem_gb * mem_w_per_gb) / 1000
--   measured: energy_kwh = pue * (energy_j / 3,600,000 J per kWh, else power_w * hours / 1000)
--   measured GPUs only (energy_scope 'gpu', e.g. MLflow system metrics): the measured GPU
--             energy plus the modeled CPU and memory terms, times pue
--   co2e_kg = energy_kwh * carbon_g_per_kwh / 1000
--   cloud_cost_usd_low|high = gpus * hours * price per device-hour of the cloud equivalent
--   electricity_cost_usd = energy_kwh * electricity_usd_per_kwh
-- Factors come from the temp tables factor_* and settings_* (auditor.model.footprint). A factor
-- that cannot be found stays NULL and the *_missing flags say so; the caller turns them into
-- MissingFactor errors. A factor chosen by year takes the newest year not after the job's year,
-- else the oldest; undated rows apply when a key has no dated ones.
WITH base AS (
    SELECT
        j.uid, j.source, j.cluster, j.job_id, j.run, j.project, j.sweep, j.user_name,
        j.partition, j.state, j.submit_ts, j.start_ts, j.end_ts, j.running,
        j.gpu_model AS logged_gpu_model,
        year(timezone('UTC', coalesce(j.start_ts, j.submit_ts, j.end_ts))) AS job_year,
        greatest(coalesce(j.elapsed_s, 0), 0) / 3600.0 AS hours,
        coalesce(j.gpus, 0) AS gpus,
        coalesce(j.cpus, 0) AS cpus,
        coalesce(j.mem_gb, 0) AS mem_gb,
        -- the log's model, else the partition's, else the cluster's or site's
        coalesce(j.gpu_model, p.gpu_model, s.gpu_model) AS gpu_model,
        CASE
            WHEN j.gpu_model IS NOT NULL THEN 'job log'
            WHEN p.gpu_model IS NOT NULL THEN p.origin
            ELSE s.gpu_model_origin
        END AS gpu_model_source,
        j.energy_j, j.power_w, j.cpu_util, j.gpu_util, j.energy_scope, j.mlflow_runs,
        j.energy_from,
        j.grid AS job_grid,
        s.* EXCLUDE (cluster, gpu_model, gpu_model_origin)
    FROM footprint_jobs j
    LEFT JOIN settings_partition p ON p.partition = j.partition
    LEFT JOIN (SELECT cluster FROM settings_scope WHERE cluster IS NOT NULL) c
        ON c.cluster = j.cluster
    JOIN settings_scope s ON s.cluster IS NOT DISTINCT FROM c.cluster
),
resolved AS (
    SELECT
        *,
        gpus * hours AS gpu_hours,
        CASE
            WHEN energy_j IS NOT NULL THEN energy_j / 3600000.0
            WHEN power_w IS NOT NULL THEN power_w * hours / 1000.0
        END AS measured_kwh,
        hours > 0 OR coalesce(energy_j, 0) > 0 AS active,
        -- [clusters.NAME] beats the job's own grid region, which beats [site] and presets
        CASE WHEN carbon_level = 'cluster' OR job_grid IS NULL
            THEN carbon_value END AS set_carbon,
        CASE WHEN carbon_level = 'cluster' OR job_grid IS NULL
            THEN carbon_grid ELSE job_grid END AS grid,
        CASE WHEN carbon_level = 'cluster' OR job_grid IS NULL
            THEN carbon_origin ELSE 'job log' END AS grid_origin,
        CASE WHEN carbon_level = 'cluster' OR job_grid IS NULL
            THEN carbon_as_of END AS grid_origin_as_of
    FROM base
),
grid_pick AS (
    SELECT
        k.grid_norm, k.job_year,
        a.value AS grid_alias_of, a.source AS grid_alias_source,
        g.year AS grid_year, g.g_per_kwh, g.value AS grid_value, g.unit AS grid_unit,
        g.source AS grid_source, g.as_of AS grid_as_of
    FROM (
        SELECT DISTINCT lower(trim(grid)) AS grid_norm, job_year
        FROM resolved WHERE grid IS NOT NULL AND set_carbon IS NULL
    ) k
    LEFT JOIN factor_grid_alias a ON lower(a.grid) = k.grid_norm
    JOIN factor_grid_intensity g ON lower(g.grid) = coalesce(lower(a.value), k.grid_norm)
    QUALIFY row_number() OVER (
        PARTITION BY k.grid_norm, k.job_year
        ORDER BY
            CASE WHEN g.year IS NULL THEN 2 WHEN g.year <= coalesce(k.job_year, 9999) THEN 0
                ELSE 1 END,
            CASE WHEN g.year <= coalesce(k.job_year, 9999) THEN -g.year ELSE g.year END
    ) = 1
),
pue_pick AS (
    SELECT k.pue_key, k.job_year, f.year AS pue_year, f.value, f.source, f.as_of
    FROM (SELECT DISTINCT pue_key, job_year FROM resolved WHERE pue_value IS NULL) k
    JOIN factor_pue f ON lower(f.key) = lower(k.pue_key)
    QUALIFY row_number() OVER (
        PARTITION BY k.pue_key, k.job_year
        ORDER BY
            CASE WHEN f.year IS NULL THEN 2 WHEN f.year <= coalesce(k.job_year, 9999) THEN 0
                ELSE 1 END,
            CASE WHEN f.year <= coalesce(k.job_year, 9999) THEN -f.year ELSE f.year END
    ) = 1
),
elec_pick AS (
    SELECT k.elec_zone, k.elec_sector, k.job_year, f.year AS elec_year, f.value, f.source, f.as_of
    FROM (
        SELECT DISTINCT elec_zone, elec_sector, job_year FROM resolved WHERE elec_value IS NULL
    ) k
    JOIN factor_electricity_price f
        ON lower(f.zone) = lower(k.elec_zone) AND lower(f.sector) = lower(k.elec_sector)
    QUALIFY row_number() OVER (
        PARTITION BY k.elec_zone, k.elec_sector, k.job_year
        ORDER BY
            CASE WHEN f.year IS NULL THEN 2 WHEN f.year <= coalesce(k.job_year, 9999) THEN 0
                ELSE 1 END,
            CASE WHEN f.year <= coalesce(k.job_year, 9999) THEN -f.year ELSE f.year END
    ) = 1
),
factored AS (
    SELECT
        r.*,
        -- PUE
        coalesce(r.pue_value, pp.value) AS pue,
        CASE WHEN r.pue_value IS NOT NULL THEN r.pue_origin
            ELSE pp.source || ' (' || r.pue_origin || ')' END AS pue_source,
        CASE WHEN r.pue_value IS NOT NULL THEN r.pue_as_of ELSE pp.as_of END AS pue_as_of_used,
        pp.pue_year,
        -- GPU power: config, then table, then --default-gpu-power
        coalesce(sg.power_w, fg.value, d.default_gpu_power_w) AS gpu_power_w,
        CASE
            WHEN sg.power_w IS NOT NULL THEN sg.power_origin
            WHEN fg.value IS NOT NULL THEN fg.source
            WHEN d.default_gpu_power_w IS NOT NULL THEN 'default: --default-gpu-power'
        END AS gpu_power_source,
        CASE WHEN sg.power_w IS NULL THEN fg.as_of END AS gpu_power_as_of,
        coalesce(r.gpu_util, r.gpu_use) AS gpu_use_used,
        CASE WHEN r.gpu_util IS NOT NULL THEN 'measured (job log)'
            ELSE r.gpu_use_origin END AS gpu_use_source,
        -- CPU and memory
        coalesce(r.cpu_w_per_core, cp.value / cp.cores) AS cpu_power_w_per_core,
        CASE WHEN r.cpu_w_per_core IS NOT NULL THEN r.cpu_origin
            ELSE cp.cpu || ': ' || printf('%.15g', cp.value) || ' W / ' || cp.cores || ' cores; '
                || cp.source
                || ' (' || r.cpu_origin || ')' END AS cpu_power_source,
        CASE WHEN r.cpu_w_per_core IS NULL THEN cp.as_of END AS cpu_power_as_of,
        coalesce(r.cpu_util, r.cpu_use) AS cpu_use_used,
        CASE WHEN r.cpu_util IS NOT NULL THEN 'measured (job log)'
            ELSE r.cpu_use_origin END AS cpu_use_source,
        coalesce(r.mem_value, fm.value) AS mem_w_per_gb,
        CASE WHEN r.mem_value IS NOT NULL THEN r.mem_origin ELSE fm.source END AS mem_source,
        CASE WHEN r.mem_value IS NULL THEN fm.as_of END AS mem_as_of,
        -- grid intensity: explicit, then the grid table, then --default-carbon
        gp.grid_alias_of, gp.grid_alias_source, gp.grid_year, gp.grid_value, gp.grid_unit,
        coalesce(r.set_carbon, gp.g_per_kwh, d.default_carbon_g_per_kwh) AS carbon_g_per_kwh,
        CASE
            WHEN r.set_carbon IS NOT NULL THEN r.grid_origin
            WHEN gp.g_per_kwh IS NOT NULL THEN gp.grid_source || ' (' || r.grid_origin || ')'
            WHEN d.default_carbon_g_per_kwh IS NOT NULL THEN 'default: --default-carbon'
        END AS carbon_source,
        CASE WHEN r.set_carbon IS NOT NULL THEN r.grid_origin_as_of
            ELSE gp.grid_as_of END AS carbon_as_of_used,
        -- cloud equivalent and its prices
        coalesce(sg.cloud_equivalent, ce.value, r.gpu_model) AS cloud_gpu,
        CASE
            WHEN sg.cloud_equivalent IS NOT NULL THEN sg.equivalent_origin
            WHEN ce.value IS NOT NULL THEN ce.source
            WHEN r.gpu_model IS NOT NULL THEN 'the GPU itself'
        END AS cloud_gpu_source,
        pl.value AS price_usd_low,
        ph.value AS price_usd_high,
        pl.source AS price_low_source,
        ph.source AS price_high_source,
        coalesce(ph.as_of, pl.as_of) AS price_as_of,
        -- electricity price
        coalesce(r.elec_value, ep.value) AS electricity_usd_per_kwh,
        CASE WHEN r.elec_value IS NOT NULL THEN r.elec_origin
            ELSE ep.source || ' (' || r.elec_origin || ')' END AS electricity_source,
        CASE WHEN r.elec_value IS NOT NULL THEN r.elec_as_of ELSE ep.as_of END
            AS electricity_as_of,
        ep.elec_year,
        sg.power_w IS NULL AND fg.value IS NULL AS gpu_power_unknown,
        r.set_carbon IS NULL AND gp.g_per_kwh IS NULL AS carbon_unknown
    FROM resolved r
    CROSS JOIN settings_defaults d
    LEFT JOIN pue_pick pp
        ON pp.pue_key = r.pue_key AND pp.job_year IS NOT DISTINCT FROM r.job_year
    LEFT JOIN settings_gpu sg ON sg.gpu = r.gpu_model
    LEFT JOIN factor_gpu_power fg ON fg.gpu = r.gpu_model
    LEFT JOIN factor_cpu_power cp ON lower(cp.cpu) = lower(r.cpu_model)
    LEFT JOIN factor_memory_power fm ON lower(fm.key) = lower(r.mem_key)
    LEFT JOIN grid_pick gp
        ON gp.grid_norm = lower(trim(r.grid)) AND gp.job_year IS NOT DISTINCT FROM r.job_year
    LEFT JOIN factor_cloud_equivalent ce ON ce.gpu = r.gpu_model
    LEFT JOIN factor_gpu_prices pl
        ON pl.prices = r.cloud_prices
        AND pl.gpu = coalesce(sg.cloud_equivalent, ce.value, r.gpu_model)
        AND pl.tier = 'low'
    LEFT JOIN factor_gpu_prices ph
        ON ph.prices = r.cloud_prices
        AND ph.gpu = coalesce(sg.cloud_equivalent, ce.value, r.gpu_model)
        AND ph.tier = 'high'
    LEFT JOIN elec_pick ep
        ON ep.elec_zone = r.elec_zone AND ep.elec_sector = r.elec_sector
        AND ep.job_year IS NOT DISTINCT FROM r.job_year
),
energy AS (
    SELECT
        *,
        CASE
            WHEN measured_kwh IS NULL THEN 'modeled'
            WHEN energy_scope = 'gpu' THEN 'measured GPUs, modeled CPUs and memory'
            ELSE 'measured'
        END AS energy_source,
        CASE
            WHEN gpus = 0 OR (measured_kwh IS NOT NULL AND energy_scope = 'gpu') THEN 0.0
            ELSE gpus * gpu_power_w * gpu_use_used
        END
            + cpus * cpu_power_w_per_core * cpu_use_used
            + mem_gb * mem_w_per_gb AS modeled_power_w,
        measured_kwh IS NULL AND active AND gpus > 0 AND gpu_power_unknown AS needs_gpu_power
    FROM factored
),
footprint AS (
    SELECT
        *,
        -- a job that never ran used nothing, whatever factors it lacks
        pue * CASE
            WHEN measured_kwh IS NOT NULL AND energy_scope = 'gpu'
                THEN measured_kwh + hours * modeled_power_w / 1000.0
            ELSE coalesce(
                measured_kwh, CASE WHEN hours = 0 THEN 0.0 ELSE hours * modeled_power_w / 1000.0 END)
        END AS energy_kwh,
        pue * coalesce(measured_kwh, 0.0) AS measured_energy_kwh
    FROM energy
)
SELECT
    uid, source, cluster, job_id, run, project, sweep, user_name, partition, state,
    submit_ts, start_ts, end_ts, running, job_year, logged_gpu_model, hours, gpus, gpu_hours, cpus, mem_gb,
    gpu_model, gpu_model_source, energy_j, power_w, cpu_util, gpu_util,
    energy_scope, mlflow_runs, energy_from,
    pue, pue_source, pue_as_of_used AS pue_as_of, pue_year,
    gpu_power_w, gpu_power_source, gpu_power_as_of,
    gpu_use_used AS gpu_use, gpu_use_source,
    cpu_power_w_per_core, cpu_power_source, cpu_power_as_of,
    cpu_use_used AS cpu_use, cpu_use_source,
    mem_w_per_gb, mem_source, mem_as_of,
    grid, grid_origin, grid_alias_of, grid_alias_source, grid_year, grid_value, grid_unit,
    carbon_g_per_kwh, carbon_source, carbon_as_of_used AS carbon_as_of,
    cloud_prices, prices_origin AS cloud_prices_source, cloud_gpu, cloud_gpu_source, price_usd_low, price_usd_high,
    price_low_source, price_high_source, price_as_of,
    electricity_usd_per_kwh, electricity_source, electricity_as_of, elec_year AS electricity_year,
    energy_source, measured_kwh, modeled_power_w,
    energy_kwh, measured_energy_kwh,
    CASE WHEN energy_kwh = 0 THEN 0.0 ELSE energy_kwh * carbon_g_per_kwh / 1000.0 END
        AS co2e_kg,
    CASE WHEN gpu_hours = 0 THEN 0.0 ELSE gpu_hours * price_usd_low END AS cloud_cost_usd_low,
    CASE WHEN gpu_hours = 0 THEN 0.0 ELSE gpu_hours * price_usd_high END AS cloud_cost_usd_high,
    energy_kwh * electricity_usd_per_kwh AS electricity_cost_usd,
    -- what the caller must report
    needs_gpu_power AND gpu_power_w IS NULL AND gpu_model IS NULL AS gpu_model_missing,
    needs_gpu_power AND gpu_power_w IS NULL AND gpu_model IS NOT NULL AS gpu_power_missing,
    needs_gpu_power AND gpu_power_w IS NOT NULL AS gpu_power_defaulted,
    coalesce(energy_kwh > 0, active) AND carbon_g_per_kwh IS NULL AS carbon_missing,
    coalesce(energy_kwh > 0, active) AND carbon_unknown AND carbon_g_per_kwh IS NOT NULL
        AS carbon_defaulted,
    gpu_hours > 0 AND price_usd_low IS NULL AS price_missing
FROM footprint

-- Creates the temp view `footprint`: one row per job of the view `footprint_jobs` (rows of counted_jobs): every input,
-- every factor with its source and as_of (from its class in `footprint_classes`, see
-- footprint/classes.sql), and the footprint:
--   modeled:  energy_kwh = pue * hours * (gpus * gpu_power_w * gpu_use
--                          + cpus * cpu_power_w_per_core * cpu_use + mem_gb * mem_w_per_gb) / 1000
--   utilisation-modeled, where the job's mean GPU use u (gpu_util_mean) and its GPUs' idle
--             power are known: the GPU term is gpus * (gpu_idle_w + u * (gpu_power_w - gpu_idle_w))
--   (a MIG slice draws gpu_fraction of its GPU's board and idle power)
--   mem_gb is the job's memory on the basis mem_basis names: allocated, requested or used
--             (max RSS), the allocation where the log lacks the figure asked for
--   cpu_use is the log's measured use where cpu_use_measured and the log has one
--   measured: energy_kwh = pue * (energy_j / 3,600,000 J per kWh, else power_w * hours / 1000)
--   measured GPUs only (energy_scope 'gpu', e.g. MLflow system metrics): the measured GPU
--             energy plus the modeled CPU and memory terms, times pue
--   the split: energy_gpu_kwh, energy_cpu_kwh, energy_mem_kwh are each term's IT energy
--             (before PUE; measured GPU energy is the GPUs'), energy_measured_kwh the measured
--             whole-job energy no log splits, energy_overhead_kwh = (pue - 1) * their sum, so
--             the five add up to energy_kwh
--   co2e_kg = energy_kwh * carbon_g_per_kwh / 1000
--   carbon_g_per_kwh, where a stored series covers part of the run (footprint_series_jobs,
--             footprint/with_series.sql): (the series' integral over the covered part
--             + the annual factor x the seconds it does not cover) / the run's seconds;
--             carbon_annual_g_per_kwh is the annual factor
--   cloud_cost_usd_low|high = gpu_equiv_hours * price per device-hour of the cloud equivalent
--   gpu_equiv_hours = gpus * hours * gpu_fraction (g/7 for a MIG slice of g slices, else 1)
--   electricity_cost_usd = energy_kwh * electricity_usd_per_kwh
--   embodied_kg = gpu_equiv_hours * (server_kg / gpus_per_server + gpu_kg)
--                 / (lifetime_years * 8760 * lifetime_use); a CPU-only job its cores' share of
--                 a CPU server: cpus * hours * cpu_server_kg / cores_per_server / (the same)
--   co2e_total_kg = co2e_kg + embodied_kg (co2e_kg is the operational part)
--   owned_cost_usd = gpu_equiv_hours * server_usd / gpus_per_server
--                 / (lifetime_years * 8760 * lifetime_use) + electricity_cost_usd: the share
--                 of the servers' price its time used up, as embodied_kg shares their
--                 emissions (a CPU-only job: cpus * hours * cpu_server_usd / cores_per_server
--                 / (the same)); NULL where no price is set (owned_missing, for a note)
--   it_energy_kwh = the energy before PUE (the sum of the split's parts but the overhead)
--   water_l = it_energy_kwh * wue_l_per_kwh + energy_kwh * ewif_l_per_kwh (on-site cooling,
--             and generating the electricity, PUE included); NULL without an EWIF
-- A factor that cannot be found is NULL and the *_missing flags say so; the caller turns them
-- into MissingFactor errors.
CREATE OR REPLACE TEMP VIEW footprint AS
WITH base AS (
    SELECT
        j.uid, j.source, j.cluster, j.job_id, j.run, j.project, j.sweep, j.user_name,
        j.partition, j.state, j.submit_ts, j.start_ts, j.end_ts, j.running, j.job_year,
        j.gpu_model AS logged_gpu_model, j.elapsed_s,
        greatest(coalesce(j.elapsed_s, 0), 0) / 3600.0 AS hours,
        coalesce(j.gpus, 0) AS gpus,
        coalesce(j.cpus, 0) AS cpus,
        coalesce(
            CASE c.mem_basis WHEN 'requested' THEN j.mem_req_gb WHEN 'used' THEN j.max_rss_gb END,
            j.mem_gb, 0) AS mem_gb,
        CASE
            WHEN c.mem_basis = 'requested' AND j.mem_req_gb IS NOT NULL THEN 'requested'
            WHEN c.mem_basis = 'used' AND j.max_rss_gb IS NOT NULL THEN 'used'
            WHEN j.mem_gb IS NOT NULL THEN 'allocated'
        END AS mem_basis_used,
        j.energy_j, j.power_w, j.cpu_util, j.gpu_util, j.energy_scope, j.mlflow_runs,
        j.energy_from, j.src_file, j.measured_parts, j.gpu_util_peak, j.gpu_util_from, j.gpu_peak_from,
        j.series_zone, j.series_kind, j.series_basis, j.series_g_s,
        j.series_covered_us / 1e6 AS series_covered_s, j.run_us / 1e6 AS run_s,
        gpu_util_mean(j.gpus, j.gpu_util, j.gpu_util_peak) AS gpu_util_mean,  -- macros.sql
        c.* EXCLUDE (cluster, partition, logged_gpu_model, job_year, job_grid)
    FROM footprint_series_jobs j
    JOIN footprint_classes c
        ON c.cluster = j.cluster
        AND c.partition IS NOT DISTINCT FROM j.partition
        AND c.logged_gpu_model IS NOT DISTINCT FROM j.gpu_model
        AND c.job_year IS NOT DISTINCT FROM j.job_year
        AND c.job_grid IS NOT DISTINCT FROM j.grid
),
energy AS (
    SELECT
        * REPLACE (
            coalesce(gpu_util, gpu_use) AS gpu_use,
            CASE WHEN gpu_util IS NOT NULL THEN 'measured (' || coalesce(gpu_util_from, 'job log')
                || ')' ELSE gpu_use_origin END AS gpu_use_origin,
            CASE WHEN cpu_use_measured AND cpu_util IS NOT NULL THEN cpu_util ELSE cpu_use END
                AS cpu_use,
            CASE WHEN cpu_use_measured AND cpu_util IS NOT NULL THEN 'measured (job log)'
                ELSE cpu_use_origin END AS cpu_use_origin,
            -- the series over the part of the run it covers, the annual factor for the rest
            CASE WHEN series_covered_s > 0 THEN (series_g_s + CASE
                WHEN run_s > series_covered_s
                    THEN carbon_g_per_kwh * (run_s - series_covered_s) ELSE 0.0 END) / run_s
                ELSE carbon_g_per_kwh END AS carbon_g_per_kwh,
            CASE WHEN series_covered_s > 0 THEN series_kind || ' intensity series '
                || series_zone || ' (' || CASE series_basis WHEN 'lifecycle' THEN 'life cycle'
                    ELSE series_basis END || ') over '
                || CASE WHEN series_covered_s < run_s
                    THEN printf('%.1f', 100 * series_covered_s / run_s) || ' % of the run; '
                        || 'annual for the rest: ' || coalesce(carbon_source, '(none)')
                    ELSE 'the whole run' END
                ELSE carbon_source END AS carbon_source
        ),
        carbon_g_per_kwh AS carbon_annual_g_per_kwh,
        carbon_source AS carbon_annual_source,
        series_covered_s / nullif(run_s, 0) AS series_share,
        series_g_s / nullif(series_covered_s, 0) AS series_mean_g_per_kwh,
        gpus * hours AS gpu_hours,
        gpus * hours * gpu_fraction AS gpu_equiv_hours,
        CASE
            WHEN energy_j IS NOT NULL THEN energy_j / 3600000.0
            WHEN power_w IS NOT NULL THEN power_w * hours / 1000.0
        END AS measured_kwh,
        hours > 0 OR coalesce(energy_j, 0) > 0 AS active,
        energy_j IS NULL AND power_w IS NULL AND gpu_util_mean IS NOT NULL AS util_known
    FROM base
),
modeled AS (
    SELECT
        *,
        CASE
            WHEN util_known AND NOT idle_unknown THEN 'utilisation-modeled'
            WHEN measured_kwh IS NULL THEN 'modeled'
            WHEN energy_scope = 'gpu' THEN 'measured GPUs, modeled CPUs and memory'
            ELSE 'measured'
        END AS energy_source,
        CASE
            WHEN gpus = 0 OR (measured_kwh IS NOT NULL AND energy_scope = 'gpu') THEN 0.0
            WHEN util_known AND NOT idle_unknown THEN gpus * gpu_fraction
                * (gpu_idle_w + gpu_util_mean * (gpu_power_w - gpu_idle_w))
            ELSE gpus * gpu_fraction * gpu_power_w * gpu_use
        END AS gpu_power_modeled_w,
        cpus * cpu_power_w_per_core * cpu_use AS cpu_power_modeled_w,
        mem_gb * mem_w_per_gb AS mem_power_modeled_w,
        measured_kwh IS NULL AND active AND gpus > 0 AND gpu_power_unknown AS needs_gpu_power,
        measured_kwh IS NOT NULL AND energy_scope <> 'gpu' AS whole_measured,
        -- a whole-job measurement split by its log (codecarbon): each part's share
        measured_kwh IS NOT NULL AND energy_scope <> 'gpu' AND measured_parts IS NOT NULL
            AS measured_split
    FROM energy
),
parts AS (
    -- each term's IT energy, before PUE; a job that never ran used nothing
    SELECT
        *,
        gpu_power_modeled_w + cpu_power_modeled_w + mem_power_modeled_w AS modeled_power_w,
        CASE
            WHEN measured_split THEN measured_kwh * measured_parts[1] / list_sum(measured_parts)
            WHEN whole_measured THEN 0.0
            WHEN measured_kwh IS NOT NULL THEN measured_kwh
            WHEN hours = 0 THEN 0.0
            ELSE hours * gpu_power_modeled_w / 1000.0
        END AS energy_gpu_kwh,
        CASE
            WHEN measured_split THEN measured_kwh * measured_parts[2] / list_sum(measured_parts)
            WHEN whole_measured OR hours = 0 THEN 0.0
            ELSE hours * cpu_power_modeled_w / 1000.0
        END AS energy_cpu_kwh,
        CASE
            WHEN measured_split THEN measured_kwh * measured_parts[3] / list_sum(measured_parts)
            WHEN whole_measured OR hours = 0 THEN 0.0
            ELSE hours * mem_power_modeled_w / 1000.0
        END AS energy_mem_kwh,
        CASE WHEN whole_measured AND NOT measured_split THEN measured_kwh ELSE 0.0 END
            AS energy_measured_kwh
    FROM modeled
),
footprint AS (
    SELECT
        *,
        (pue - 1) * (energy_gpu_kwh + energy_cpu_kwh + energy_mem_kwh + energy_measured_kwh)
            AS energy_overhead_kwh,
        -- a job that never ran used nothing, whatever factors it lacks
        pue * CASE
            WHEN measured_kwh IS NOT NULL AND energy_scope = 'gpu'
                THEN measured_kwh + hours * modeled_power_w / 1000.0
            ELSE coalesce(
                measured_kwh, CASE WHEN hours = 0 THEN 0.0 ELSE hours * modeled_power_w / 1000.0 END)
        END AS energy_kwh,
        pue * coalesce(measured_kwh, 0.0) AS measured_energy_kwh
    FROM parts
)
SELECT
    uid, source, cluster, job_id, run, project, sweep, user_name, partition, state,
    submit_ts, start_ts, end_ts, running, job_year, logged_gpu_model, elapsed_s, hours, gpus,
    gpu_hours, gpu_equiv_hours, cpus, mem_gb, mem_basis, mem_basis_used,
    gpu_model, gpu_model_source, gpu_slice_of AS gpu_slice, gpu_fraction, gpu_power_gap,
    price_gap, energy_j, power_w, cpu_util, gpu_util,
    energy_scope, mlflow_runs, energy_from, src_file,
    pue, pue_source, pue_as_of, pue_year,
    gpu_power_w, gpu_power_source, gpu_power_as_of,
    gpu_idle_w, gpu_idle_source, gpu_idle_as_of, gpu_idle_gap,
    gpu_util_peak, gpu_util_from, gpu_peak_from, gpu_util_mean, idle_below,
    gpu_use, gpu_use_origin AS gpu_use_source,
    cpu_power_w_per_core, cpu_power_source, cpu_power_as_of,
    cpu_use, cpu_use_origin AS cpu_use_source,
    mem_w_per_gb, mem_source, mem_as_of,
    grid, grid_origin, grid_alias_of, grid_alias_source, grid_year, grid_value, grid_unit,
    carbon_g_per_kwh, carbon_source, carbon_as_of,
    series_zone, series_kind, series_basis, series_share, series_mean_g_per_kwh,
    series_covered_s, run_s, carbon_annual_g_per_kwh, carbon_annual_source, intensity_origin,
    cloud_prices, cloud_prices_source, cloud_gpu, cloud_gpu_source, price_usd_low,
    price_usd_high, price_low_source, price_high_source, price_as_of,
    electricity_usd_per_kwh, electricity_source, electricity_as_of, electricity_year,
    elec_unpriced_country, unknown_job_grid,
    energy_source, measured_kwh, modeled_power_w,
    energy_kwh, measured_energy_kwh,
    energy_gpu_kwh, energy_cpu_kwh, energy_mem_kwh, energy_overhead_kwh, energy_measured_kwh,
    CASE WHEN energy_kwh = 0 THEN 0.0 ELSE energy_kwh * carbon_g_per_kwh / 1000.0 END
        AS co2e_kg,
    CASE WHEN gpu_hours = 0 THEN 0.0 ELSE gpu_equiv_hours * price_usd_low END
        AS cloud_cost_usd_low,
    CASE WHEN gpu_hours = 0 THEN 0.0 ELSE gpu_equiv_hours * price_usd_high END
        AS cloud_cost_usd_high,
    energy_kwh * electricity_usd_per_kwh AS electricity_cost_usd,
    -- embodied emissions and water (the header says how); co2e_kg stays operational
    gpu_kg, gpu_kg_source,
    server_kg, gpus_per_server, lifetime_years, lifetime_use, cpu_server_kg, cores_per_server,
    embodied_sources,
    CASE
        WHEN hours = 0 THEN 0.0
        WHEN gpus > 0 THEN gpu_equiv_hours * (server_kg / gpus_per_server + gpu_kg)
            / (lifetime_years * 8760 * lifetime_use)
        ELSE cpus * hours * cpu_server_kg / cores_per_server
            / (lifetime_years * 8760 * lifetime_use)
    END AS embodied_kg,
    co2e_kg + embodied_kg AS co2e_total_kg,
    server_usd, cpu_server_usd,
    CASE
        WHEN hours = 0 THEN 0.0
        WHEN gpus > 0 THEN gpu_equiv_hours * server_usd / gpus_per_server
            / (lifetime_years * 8760 * lifetime_use)
        ELSE cpus * hours * cpu_server_usd / cores_per_server
            / (lifetime_years * 8760 * lifetime_use)
    END + electricity_cost_usd AS owned_cost_usd,
    hours > 0 AND CASE WHEN gpus > 0 THEN server_usd ELSE cpu_server_usd END IS NULL
        AS owned_missing,
    energy_gpu_kwh + energy_cpu_kwh + energy_mem_kwh + energy_measured_kwh AS it_energy_kwh,
    wue_l_per_kwh, wue_source, wue_as_of, ewif_l_per_kwh, ewif_source, ewif_as_of, water_country,
    CASE WHEN energy_kwh = 0 THEN 0.0
        ELSE it_energy_kwh * wue_l_per_kwh + energy_kwh * ewif_l_per_kwh END AS water_l,
    coalesce(energy_kwh > 0, active) AND ewif_l_per_kwh IS NULL AS water_missing,
    -- what the caller must report; none of it can hold in a class that is not may_lack
    may_lack,
    class_no,  -- of footprint_classes: a report's factor classes group by it
    needs_gpu_power AND gpu_power_w IS NULL AND gpu_model IS NULL AS gpu_model_missing,
    needs_gpu_power AND gpu_power_w IS NULL AND gpu_model IS NOT NULL AS gpu_power_missing,
    needs_gpu_power AND gpu_power_w IS NOT NULL AS gpu_power_defaulted,
    coalesce(energy_kwh > 0, active) AND carbon_g_per_kwh IS NULL AS carbon_missing,
    -- (not where a series covers the whole run: no annual factor was used)
    coalesce(energy_kwh > 0, active) AND carbon_unknown AND carbon_g_per_kwh IS NOT NULL
        AND carbon_annual_g_per_kwh IS NOT NULL
        AND coalesce(series_covered_s < run_s, TRUE) AS carbon_defaulted,
    gpu_hours > 0 AND price_usd_low IS NULL AS price_missing,
    gpus > 0 AND gpu_from_mig_table AS gpu_from_mig_table,
    -- a mean use known, no idle power: the board power times gpu_use, and a note
    util_known AND active AND idle_unknown AS util_without_idle,
    -- memory counted as allocated where the basis asked for lacks its figure
    mem_basis <> 'allocated' AND mem_basis_used = 'allocated' AS mem_basis_fallback,
    -- the arithmetic `explain` writes for each figure above, from the terms it multiplies:
    -- change a formula, change its text here (tests evaluate the text against the figure)
    {
        'gpu_hours': 'gpus x hours = ' || written(gpus) || ' x ' || written(hours),
        'gpu_equiv_hours': 'gpu_hours x gpu_fraction = '
            || written(gpu_hours) || ' x ' || written(gpu_fraction),
        'energy_kwh': CASE
            WHEN measured_kwh IS NOT NULL AND energy_scope = 'gpu' THEN
                'measured GPUs, modeled CPUs and memory: pue x ('
                || CASE WHEN energy_j IS NOT NULL THEN 'energy_j / 3,600,000 J per kWh'
                    ELSE 'power_w x hours / 1000' END
                || ' + hours x (cpus x cpu_power_w_per_core x cpu_use + mem_gb x mem_w_per_gb)'
                || ' / 1000) = ' || written(pue) || ' x ('
                || CASE WHEN energy_j IS NOT NULL THEN written(energy_j) || ' / 3600000'
                    ELSE written(power_w) || ' x ' || written(hours) || ' / 1000' END
                || ' + ' || written(hours) || ' x (' || written(cpus) || ' x '
                || written(cpu_power_w_per_core) || ' x ' || written(cpu_use) || ' + '
                || written(mem_gb) || ' x ' || written(mem_w_per_gb) || ') / 1000)'
            WHEN energy_source = 'utilisation-modeled' THEN
                'utilisation-modeled' || CASE WHEN gpu_util IS NULL THEN ', peak 0' ELSE '' END
                || ': pue x hours x (gpus'
                || CASE WHEN gpu_slice_of IS NOT NULL THEN ' x gpu_fraction' ELSE '' END
                || CASE WHEN gpu_util IS NULL THEN ' x gpu_idle_w'
                    ELSE ' x (gpu_idle_w + gpu_util x (gpu_power_w - gpu_idle_w))' END
                || ' + cpus x cpu_power_w_per_core x cpu_use + mem_gb x mem_w_per_gb) / 1000 = '
                || written(pue) || ' x ' || written(hours) || ' x (' || written(gpus)
                || CASE WHEN gpu_slice_of IS NOT NULL THEN ' x ' || written(gpu_fraction)
                    ELSE '' END
                || CASE WHEN gpu_util IS NULL THEN ' x ' || written(gpu_idle_w)
                    ELSE ' x (' || written(gpu_idle_w) || ' + ' || written(gpu_util_mean) || ' x ('
                        || written(gpu_power_w) || ' - ' || written(gpu_idle_w) || '))' END
                || ' + ' || written(cpus) || ' x ' || written(cpu_power_w_per_core) || ' x '
                || written(cpu_use) || ' + ' || written(mem_gb) || ' x ' || written(mem_w_per_gb)
                || ') / 1000'
            WHEN energy_j IS NOT NULL THEN
                'measured: pue x energy_j / 3,600,000 J per kWh = '
                || written(pue) || ' x ' || written(energy_j) || ' / 3600000'
            WHEN power_w IS NOT NULL THEN
                'measured: pue x hours x power_w / 1000 = '
                || written(pue) || ' x ' || written(hours) || ' x ' || written(power_w) || ' / 1000'
            ELSE
                'modeled: pue x hours x (gpus'
                || CASE WHEN gpu_slice_of IS NOT NULL THEN ' x gpu_fraction' ELSE '' END
                || ' x gpu_power_w x gpu_use + cpus x cpu_power_w_per_core x cpu_use'
                || ' + mem_gb x mem_w_per_gb) / 1000 = '
                || written(pue) || ' x ' || written(hours) || ' x ('
                || CASE WHEN gpus = 0 THEN '0' ELSE written(gpus)
                    || CASE WHEN gpu_slice_of IS NOT NULL THEN ' x ' || written(gpu_fraction)
                        ELSE '' END
                    || ' x ' || written(gpu_power_w) || ' x ' || written(gpu_use) END
                || ' + ' || written(cpus) || ' x ' || written(cpu_power_w_per_core) || ' x '
                || written(cpu_use) || ' + ' || written(mem_gb) || ' x ' || written(mem_w_per_gb)
                || ') / 1000'
        END,
        'energy_gpu_kwh': CASE
            WHEN measured_split THEN split_written('gpu_energy', 1, energy_j, measured_parts)
            WHEN whole_measured THEN 'measured for the whole job, not split = 0'
            WHEN measured_kwh IS NOT NULL THEN 'measured GPUs: ' || CASE
                WHEN energy_j IS NOT NULL THEN 'energy_j / 3,600,000 J per kWh = '
                    || written(energy_j) || ' / 3600000'
                ELSE 'power_w x hours / 1000 = ' || written(power_w) || ' x ' || written(hours)
                    || ' / 1000' END
            WHEN gpus = 0 THEN 'no GPUs = 0'
            ELSE 'hours x gpus'
                || CASE WHEN gpu_slice_of IS NOT NULL THEN ' x gpu_fraction' ELSE '' END
                || CASE
                    WHEN energy_source <> 'utilisation-modeled' THEN ' x gpu_power_w x gpu_use'
                    WHEN gpu_util IS NULL THEN ' x gpu_idle_w'
                    ELSE ' x (gpu_idle_w + gpu_util x (gpu_power_w - gpu_idle_w))' END
                || ' / 1000 = ' || written(hours) || ' x ' || written(gpus)
                || CASE WHEN gpu_slice_of IS NOT NULL THEN ' x ' || written(gpu_fraction)
                    ELSE '' END
                || CASE
                    WHEN energy_source <> 'utilisation-modeled'
                        THEN ' x ' || written(gpu_power_w) || ' x ' || written(gpu_use)
                    WHEN gpu_util IS NULL THEN ' x ' || written(gpu_idle_w)
                    ELSE ' x (' || written(gpu_idle_w) || ' + ' || written(gpu_util_mean) || ' x ('
                        || written(gpu_power_w) || ' - ' || written(gpu_idle_w) || '))' END
                || ' / 1000'
        END,
        'energy_cpu_kwh': CASE
            WHEN measured_split THEN split_written('cpu_energy', 2, energy_j, measured_parts)
            WHEN whole_measured THEN 'measured for the whole job, not split = 0'
            ELSE 'hours x cpus x cpu_power_w_per_core x cpu_use / 1000 = ' || written(hours)
                || ' x ' || written(cpus) || ' x ' || written(cpu_power_w_per_core) || ' x '
                || written(cpu_use) || ' / 1000' END,
        'energy_mem_kwh': CASE
            WHEN measured_split THEN split_written('ram_energy', 3, energy_j, measured_parts)
            WHEN whole_measured THEN 'measured for the whole job, not split = 0'
            ELSE 'hours x mem_gb x mem_w_per_gb / 1000 = ' || written(hours) || ' x '
                || written(mem_gb) || ' x ' || written(mem_w_per_gb) || ' / 1000' END,
        'energy_measured_kwh': CASE
            WHEN NOT whole_measured THEN 'no whole-job measurement = 0'
            WHEN measured_split THEN 'measured by part, in the parts above = 0'
            WHEN energy_j IS NOT NULL THEN 'energy_j / 3,600,000 J per kWh = '
                || written(energy_j) || ' / 3600000'
            ELSE 'power_w x hours / 1000 = ' || written(power_w) || ' x ' || written(hours)
                || ' / 1000'
        END,
        'energy_overhead_kwh': '(pue - 1) x (energy_gpu_kwh + energy_cpu_kwh + energy_mem_kwh'
            || ' + energy_measured_kwh) = (' || written(pue) || ' - 1) x (' || written(energy_gpu_kwh)
            || ' + ' || written(energy_cpu_kwh) || ' + ' || written(energy_mem_kwh) || ' + '
            || written(energy_measured_kwh) || ')',
        'co2e_kg': 'energy_kwh x carbon_g_per_kwh / 1000 = '
            || written(energy_kwh) || ' x ' || written(carbon_g_per_kwh) || ' / 1000',
        -- only where a series covers part of the run (else the factor is the annual one)
        'carbon_g_per_kwh': CASE
            WHEN series_covered_s > 0 AND series_covered_s < run_s THEN
                '(series_mean_g_per_kwh x covered_s + carbon_annual_g_per_kwh x (run_s - '
                || 'covered_s)) / run_s = (' || written(series_mean_g_per_kwh) || ' x '
                || written(series_covered_s) || ' + ' || written(carbon_annual_g_per_kwh)
                || ' x (' || written(run_s) || ' - ' || written(series_covered_s) || ')) / '
                || written(run_s)
            WHEN series_covered_s > 0 THEN 'series_mean_g_per_kwh over the whole run = '
                || written(series_mean_g_per_kwh)
        END,
        'cloud_cost_usd_low': CASE WHEN gpu_slice_of IS NOT NULL
                THEN 'gpu_equiv_hours x price_usd_low = ' || written(gpu_equiv_hours)
                ELSE 'gpu_hours x price_usd_low = ' || written(gpu_hours) END
            || ' x ' || coalesce(nullif(written(price_usd_low), ''), '(no price)'),
        'cloud_cost_usd_high': CASE WHEN gpu_slice_of IS NOT NULL
                THEN 'gpu_equiv_hours x price_usd_high = ' || written(gpu_equiv_hours)
                ELSE 'gpu_hours x price_usd_high = ' || written(gpu_hours) END
            || ' x ' || coalesce(nullif(written(price_usd_high), ''), '(no price)'),
        'electricity_cost_usd': 'energy_kwh x electricity_usd_per_kwh = '
            || written(energy_kwh) || ' x ' || written(electricity_usd_per_kwh),
        'embodied_kg': CASE
            WHEN hours = 0 THEN 'no run time = 0'
            WHEN gpus > 0 THEN 'gpu_equiv_hours x (server_kg / gpus_per_server + gpu_kg)'
                || ' / (lifetime_years x 8760 h a year x lifetime_use) = '
                || written(gpu_equiv_hours) || ' x (' || written(server_kg) || ' / '
                || written(gpus_per_server) || ' + ' || written(gpu_kg) || ') / ('
                || written(lifetime_years) || ' x 8760 x ' || written(lifetime_use) || ')'
            ELSE 'cpus x hours x cpu_server_kg / cores_per_server'
                || ' / (lifetime_years x 8760 h a year x lifetime_use) = '
                || written(cpus) || ' x ' || written(hours) || ' x ' || written(cpu_server_kg)
                || ' / ' || written(cores_per_server) || ' / (' || written(lifetime_years)
                || ' x 8760 x ' || written(lifetime_use) || ')'
        END,
        'co2e_total_kg': 'co2e_kg + embodied_kg = ' || written(co2e_kg) || ' + '
            || written(embodied_kg),
        'owned_cost_usd': CASE
            WHEN hours = 0 THEN 'no run time: electricity_cost_usd = '
                || written(electricity_cost_usd)
            WHEN gpus > 0 THEN 'gpu_equiv_hours x server_usd / gpus_per_server'
                || ' / (lifetime_years x 8760 h a year x lifetime_use) + electricity_cost_usd = '
                || written(gpu_equiv_hours) || ' x ' || written(server_usd) || ' / '
                || written(gpus_per_server) || ' / (' || written(lifetime_years) || ' x 8760 x '
                || written(lifetime_use) || ') + ' || written(electricity_cost_usd)
            ELSE 'cpus x hours x cpu_server_usd / cores_per_server'
                || ' / (lifetime_years x 8760 h a year x lifetime_use) + electricity_cost_usd = '
                || written(cpus) || ' x ' || written(hours) || ' x ' || written(cpu_server_usd)
                || ' / ' || written(cores_per_server) || ' / (' || written(lifetime_years)
                || ' x 8760 x ' || written(lifetime_use) || ') + '
                || written(electricity_cost_usd)
        END,
        'it_energy_kwh': 'energy_gpu_kwh + energy_cpu_kwh + energy_mem_kwh'
            || ' + energy_measured_kwh = ' || written(energy_gpu_kwh) || ' + '
            || written(energy_cpu_kwh) || ' + ' || written(energy_mem_kwh) || ' + '
            || written(energy_measured_kwh),
        'water_l': CASE WHEN energy_kwh = 0 THEN 'no energy = 0'
            ELSE 'it_energy_kwh x wue_l_per_kwh + energy_kwh x ewif_l_per_kwh = '
                || written(it_energy_kwh) || ' x ' || written(wue_l_per_kwh) || ' + '
                || written(energy_kwh) || ' x ' || written(ewif_l_per_kwh) END
    } AS explained
FROM footprint

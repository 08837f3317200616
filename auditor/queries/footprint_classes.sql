-- Creates the temp table `footprint_classes`: every factor of the footprint, with its source
-- and as_of, once per class of jobs that the same factors apply to. A class is a distinct
-- (cluster, partition, logged GPU model, job year, job grid) of the view `footprint_jobs`;
-- job_footprint.sql joins each job to its class. Thousands of jobs share a class, so the
-- factor lookups run once per class instead of once per job.
-- Factors come from the temp tables factor_* and settings_* (auditor.model.footprint). A factor
-- that cannot be found stays NULL and the *_unknown flags say so. A factor chosen by year takes
-- the newest year not after the job's year, else the oldest; undated rows apply when a key has
-- no dated ones (year_rank, footprint_macros.sql). A job grid the tables lack is filled by
-- [site] (unknown_job_grid says which, for a note); with no price set, the price zone is the
-- grid's own or its country's (elec_unpriced_country names a country with no price).
CREATE OR REPLACE TEMP TABLE footprint_classes AS
WITH keys AS (
    SELECT DISTINCT
        cluster, partition, gpu_model AS logged_gpu_model, job_year, grid AS job_grid
    FROM footprint_jobs
),
base AS (
    SELECT
        k.*,
        -- the log's model, else the partition's, else the cluster's or site's
        coalesce(k.logged_gpu_model, p.gpu_model, s.gpu_model) AS gpu_model,
        CASE
            WHEN k.logged_gpu_model IS NOT NULL THEN 'job log'
            WHEN p.gpu_model IS NOT NULL THEN p.origin
            ELSE s.gpu_model_origin
        END AS gpu_model_source,
        s.* EXCLUDE (cluster, gpu_model, gpu_model_origin)
    FROM keys k
    LEFT JOIN settings_partition p ON p.partition = k.partition
    LEFT JOIN (SELECT cluster FROM settings_scope WHERE cluster IS NOT NULL) c
        ON c.cluster = k.cluster
    JOIN settings_scope s ON s.cluster IS NOT DISTINCT FROM c.cluster
),
grid_known AS (  -- every grid key that has an intensity row, directly or through an alias
    SELECT lower(grid) AS grid_norm FROM factor_grid_intensity
    UNION
    SELECT lower(a.grid)
    FROM factor_grid_alias a JOIN factor_grid_intensity g ON lower(g.grid) = lower(a.value)
),
scoped AS (
    SELECT
        *,
        -- a job grid the tables do not know is filled by [site] (or a preset), and said so
        job_grid IS NOT NULL AND carbon_level = 'site'
            AND lower(trim(job_grid)) NOT IN (SELECT grid_norm FROM grid_known)
            AS job_grid_unknown
    FROM base
),
resolved AS (
    SELECT
        * EXCLUDE (job_grid_unknown),
        -- [clusters.NAME] beats the job's own grid region, which beats [site] and presets
        CASE WHEN carbon_level = 'cluster' OR job_grid IS NULL OR job_grid_unknown
            THEN carbon_value END AS set_carbon,
        CASE WHEN carbon_level = 'cluster' OR job_grid IS NULL OR job_grid_unknown
            THEN carbon_grid ELSE job_grid END AS grid,
        CASE
            WHEN job_grid_unknown THEN carbon_origin || ' (the job log''s grid region '''
                || job_grid || ''' is not in the tables)'
            WHEN carbon_level = 'cluster' OR job_grid IS NULL THEN carbon_origin
            ELSE 'job log'
        END AS grid_origin,
        CASE WHEN carbon_level = 'cluster' OR job_grid IS NULL OR job_grid_unknown
            THEN carbon_as_of END AS grid_origin_as_of,
        CASE WHEN job_grid_unknown THEN job_grid END AS unknown_job_grid
    FROM scoped
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
        ORDER BY year_rank(g.year, k.job_year)
    ) = 1
),
pue_pick AS (
    SELECT k.pue_key, k.job_year, f.year AS pue_year, f.value, f.source, f.as_of
    FROM (SELECT DISTINCT pue_key, job_year FROM resolved WHERE pue_value IS NULL) k
    JOIN factor_pue f ON lower(f.key) = lower(k.pue_key)
    QUALIFY row_number() OVER (
        PARTITION BY k.pue_key, k.job_year
        ORDER BY year_rank(f.year, k.job_year)
    ) = 1
),
grid_zone AS (
    -- the price zone of a grid region: its own (a country, a US state), else its country's
    SELECT
        g.grid_norm,
        coalesce(upper(c.value), upper(g.target)) AS grid_country,
        coalesce(z1.zone, z2.zone) AS zone
    FROM (
        SELECT DISTINCT grid_norm, lower(coalesce(grid_alias_of, grid_norm)) AS target
        FROM grid_pick
    ) g
    LEFT JOIN factor_grid_country c ON lower(c.grid) = g.target
    LEFT JOIN (SELECT DISTINCT zone FROM factor_electricity_price) z1
        ON lower(z1.zone) = g.target
    LEFT JOIN (SELECT DISTINCT zone FROM factor_electricity_price) z2
        ON lower(z2.zone) = lower(coalesce(c.value, g.target))
),
zoned AS (
    -- with no price set, the price of the job's grid country (or US state) beats the default
    SELECT
        r.* REPLACE (
            CASE WHEN r.elec_default AND gz.zone IS NOT NULL THEN gz.zone
                ELSE r.elec_zone END AS elec_zone,
            CASE
                WHEN r.elec_default AND gz.zone IS NOT NULL
                    THEN 'default: the price of the grid''s zone ' || gz.zone
                        || ', sector ' || r.elec_sector || ', of the job''s year'
                WHEN r.elec_default AND gz.grid_country IS NOT NULL
                    THEN 'default: US industrial price of the job''s year; no price for the '
                        || 'grid''s country ' || gz.grid_country
                ELSE r.elec_origin
            END AS elec_origin
        ),
        CASE WHEN r.elec_default AND gz.zone IS NULL THEN gz.grid_country END
            AS elec_unpriced_country
    FROM resolved r
    LEFT JOIN grid_zone gz ON gz.grid_norm = lower(trim(r.grid)) AND r.set_carbon IS NULL
),
elec_pick AS (
    SELECT k.elec_zone, k.elec_sector, k.job_year, f.year AS elec_year, f.value, f.source, f.as_of
    FROM (
        SELECT DISTINCT elec_zone, elec_sector, job_year FROM zoned WHERE elec_value IS NULL
    ) k
    JOIN factor_electricity_price f
        ON lower(f.zone) = lower(k.elec_zone) AND lower(f.sector) = lower(k.elec_sector)
    QUALIFY row_number() OVER (
        PARTITION BY k.elec_zone, k.elec_sector, k.job_year
        ORDER BY year_rank(f.year, k.job_year)
    ) = 1
),
factored AS (
    SELECT
        r.cluster, r.partition, r.logged_gpu_model, r.job_year, r.job_grid,
        r.gpu_model, r.gpu_model_source,
        -- PUE
        coalesce(r.pue_value, pp.value) AS pue,
        CASE WHEN r.pue_value IS NOT NULL THEN r.pue_origin
            ELSE pp.source || ' (' || r.pue_origin || ')' END AS pue_source,
        CASE WHEN r.pue_value IS NOT NULL THEN r.pue_as_of ELSE pp.as_of END AS pue_as_of,
        pp.pue_year,
        -- GPU power: config, then table, then --default-gpu-power
        coalesce(sg.power_w, fg.value, d.default_gpu_power_w) AS gpu_power_w,
        CASE
            WHEN sg.power_w IS NOT NULL THEN sg.power_origin
            WHEN fg.value IS NOT NULL THEN fg.source
            WHEN d.default_gpu_power_w IS NOT NULL THEN 'default: --default-gpu-power'
        END AS gpu_power_source,
        CASE WHEN sg.power_w IS NULL THEN fg.as_of END AS gpu_power_as_of,
        -- the share of their power GPUs and CPUs draw when the job log does not measure it
        r.gpu_use, r.gpu_use_origin, r.cpu_use, r.cpu_use_origin,
        -- CPU and memory
        coalesce(r.cpu_w_per_core, cp.value / cp.cores) AS cpu_power_w_per_core,
        CASE WHEN r.cpu_w_per_core IS NOT NULL THEN r.cpu_origin
            ELSE cp.cpu || ': ' || printf('%.15g', cp.value) || ' W / ' || cp.cores || ' cores; '
                || cp.source
                || ' (' || r.cpu_origin || ')' END AS cpu_power_source,
        CASE WHEN r.cpu_w_per_core IS NULL THEN cp.as_of END AS cpu_power_as_of,
        coalesce(r.mem_value, fm.value) AS mem_w_per_gb,
        CASE WHEN r.mem_value IS NOT NULL THEN r.mem_origin ELSE fm.source END AS mem_source,
        CASE WHEN r.mem_value IS NULL THEN fm.as_of END AS mem_as_of,
        -- grid intensity: explicit, then the grid table, then --default-carbon
        r.grid, r.grid_origin,
        gp.grid_alias_of, gp.grid_alias_source, gp.grid_year, gp.grid_value, gp.grid_unit,
        coalesce(r.set_carbon, gp.g_per_kwh, d.default_carbon_g_per_kwh) AS carbon_g_per_kwh,
        CASE
            WHEN r.set_carbon IS NOT NULL THEN r.grid_origin
            WHEN gp.g_per_kwh IS NOT NULL THEN gp.grid_source || ' (' || r.grid_origin || ')'
            WHEN d.default_carbon_g_per_kwh IS NOT NULL THEN 'default: --default-carbon'
        END AS carbon_source,
        CASE WHEN r.set_carbon IS NOT NULL THEN r.grid_origin_as_of
            ELSE gp.grid_as_of END AS carbon_as_of,
        -- cloud equivalent and its prices
        r.cloud_prices, r.prices_origin AS cloud_prices_source,
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
        ep.elec_year AS electricity_year,
        r.elec_unpriced_country,
        r.unknown_job_grid,
        sg.power_w IS NULL AND fg.value IS NULL AS gpu_power_unknown,
        r.set_carbon IS NULL AND gp.g_per_kwh IS NULL AS carbon_unknown
    FROM zoned r
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
)
SELECT
    *,
    -- no job of the class can lack or default a factor unless one of these holds
    gpu_power_unknown OR carbon_unknown OR price_usd_low IS NULL
        OR elec_unpriced_country IS NOT NULL OR unknown_job_grid IS NOT NULL AS may_lack
FROM factored

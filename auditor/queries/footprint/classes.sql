-- Creates the temp table `footprint_classes`: every factor of the footprint, with its source
-- and as_of, once per class of jobs that the same factors apply to. A class is a distinct
-- (cluster, partition, logged GPU model, job year, job grid) of the view `footprint_jobs`;
-- footprint/job.sql joins each job to its class. Thousands of jobs share a class, so the
-- factor lookups run once per class instead of once per job.
-- Factors come from the temp tables factor_* and settings_* (auditor.model.footprint). A factor
-- that cannot be found stays NULL and the *_unknown flags say so. A factor chosen by year takes
-- the newest year not after the job's year, else the oldest; undated rows apply when a key has
-- no dated ones (year_rank, footprint/macros.sql). A job grid the tables lack is filled by
-- [site] (unknown_job_grid says which, for a note); with no price set, the price zone is the
-- grid's own or its country's (elec_unpriced_country names a country with no price).
-- Embodied constants and the on-site WUE: [clusters.NAME], else [site], else their tables; a
-- GPU's [gpus."X"] embodied_kg replaces gpu_kg. The EWIF is the config's, else that of the
-- grid's country (water_country), else NULL: the job's water is left blank and said so.
-- The owned servers' prices (server_usd, cpu_server_usd) are the config's only, else NULL;
-- their sources join embodied_sources.
-- A GPU's idle power (config idle_power_w, else the power table's idle_w) is NULL where
-- neither gives one: its jobs get no utilisation model (idle_unknown says so, for a note).
-- A [scenario] (gpu_model_replaces, carbon_level 'scenario') replaces every job's GPU model,
-- a MIG slice staying the same share of the new GPU, and beats the job log's grid region.
CREATE OR REPLACE TEMP TABLE footprint_classes AS
WITH keys AS (
    SELECT DISTINCT
        cluster, partition, gpu_model AS logged_gpu_model, job_year, grid AS job_grid
    FROM footprint_jobs
),
base AS (
    SELECT
        k.*,
        -- the log's model, else the partition's, else the cluster's or site's; a MIG profile
        -- logged without its GPU ('1g.10gb') is a slice of the partition's GPU, else of the
        -- GPU the profile table names, else of the cluster's or site's
        CASE
            WHEN gpu_parent(k.logged_gpu_model) IS NOT NULL THEN k.logged_gpu_model
            WHEN k.logged_gpu_model IS NOT NULL THEN
                coalesce(gpu_parent(p.gpu_model), mp.value, gpu_parent(s.gpu_model))
                || ':' || k.logged_gpu_model
            ELSE coalesce(p.gpu_model, s.gpu_model)
        END AS gpu_model_key,
        CASE
            WHEN gpu_parent(k.logged_gpu_model) IS NOT NULL THEN 'job log'
            WHEN k.logged_gpu_model IS NOT NULL THEN 'job log (MIG ' || k.logged_gpu_model
                || '), its GPU from ' || CASE
                    WHEN gpu_parent(p.gpu_model) IS NOT NULL THEN p.origin
                    WHEN mp.value IS NOT NULL THEN 'the MIG profile table: ' || mp.source
                    ELSE s.gpu_model_origin END
            WHEN p.gpu_model IS NOT NULL THEN p.origin
            ELSE s.gpu_model_origin
        END AS gpu_model_source,
        -- the profile table chose the GPU: said in a note, since the A100 80GB and H100 80GB
        -- share profiles
        k.logged_gpu_model IS NOT NULL AND gpu_parent(k.logged_gpu_model) IS NULL
            AND gpu_parent(p.gpu_model) IS NULL AND mp.value IS NOT NULL AS gpu_from_mig_table,
        s.* EXCLUDE (cluster, gpu_model, gpu_model_origin),
        s.gpu_model AS scope_gpu_model,
        s.gpu_model_origin AS scope_gpu_model_origin,
        s.cluster AS scope_cluster  -- whose settings apply: the cluster's, NULL for [site]'s
    FROM keys k
    LEFT JOIN settings_partition p ON p.partition = k.partition
    LEFT JOIN factor_mig_profiles mp ON mp.profile = k.logged_gpu_model
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
replaced AS (
    SELECT
        * EXCLUDE (gpu_model_replaces, scope_gpu_model, scope_gpu_model_origin)
        REPLACE (
            CASE WHEN gpu_model_replaces THEN scope_gpu_model || CASE
                WHEN gpu_slices(gpu_model_key) IS NOT NULL
                    THEN ':' || regexp_extract(gpu_model_key, '[1-7]g\.\d+gb$') ELSE '' END
                ELSE gpu_model_key END AS gpu_model_key,
            CASE WHEN gpu_model_replaces THEN scope_gpu_model_origin || ' (in place of '
                || coalesce('the job log''s ' || logged_gpu_model, 'no model logged') || ')'
                ELSE gpu_model_source END AS gpu_model_source,
            gpu_from_mig_table AND NOT gpu_model_replaces AS gpu_from_mig_table
        )
    FROM base
),
scoped AS (
    SELECT
        *,
        -- a MIG slice counts as its share of its GPU (gpu_fraction, macros.sql)
        gpu_parent(gpu_model_key) AS gpu_model,
        CASE WHEN gpu_slices(gpu_model_key) IS NOT NULL
            THEN regexp_extract(gpu_model_key, '[1-7]g\.\d+gb$') END AS gpu_slice_of,
        gpu_fraction(gpu_model_key) AS gpu_fraction,
        -- a job grid the tables do not know is filled by [site] (or a preset), and said so
        job_grid IS NOT NULL AND carbon_level = 'site'
            AND lower(trim(job_grid)) NOT IN (SELECT grid_norm FROM grid_known)
            AS job_grid_unknown
    FROM replaced
),
resolved AS (
    SELECT
        * EXCLUDE (job_grid_unknown),
        -- [scenario] and [clusters.NAME] beat the job's own grid region, which beats [site] and presets
        CASE WHEN carbon_level IN ('cluster', 'scenario') OR job_grid IS NULL OR job_grid_unknown
            THEN carbon_value END AS set_carbon,
        CASE WHEN carbon_level IN ('cluster', 'scenario') OR job_grid IS NULL OR job_grid_unknown
            THEN carbon_grid ELSE job_grid END AS grid,
        CASE
            WHEN job_grid_unknown THEN carbon_origin || ' (the job log''s grid region '''
                || job_grid || ''' is not in the tables)'
            WHEN carbon_level IN ('cluster', 'scenario') OR job_grid IS NULL THEN carbon_origin
            ELSE 'job log'
        END AS grid_origin,
        CASE WHEN carbon_level IN ('cluster', 'scenario') OR job_grid IS NULL OR job_grid_unknown
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
            AS elec_unpriced_country,
        gz.grid_country AS water_country  -- whose ewif applies
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
-- each GPU model (several for a key like 'rtx3080ti+rtx4060') with its power, cloud
-- equivalent and prices; a key of several models draws the sum of their cards' powers and
-- costs the sum of their prices, so per device it is the mean weighted by the cards
gpu_cards AS (
    SELECT m.gpu_model, m.cloud_prices, c.n, c.key AS card
    FROM (SELECT DISTINCT gpu_model, cloud_prices FROM resolved WHERE gpu_model IS NOT NULL) m,
        unnest(coalesce(gpu_cards(m.gpu_model), [{'n': 1, 'key': m.gpu_model}])) AS u(c)
),
card_factors AS (
    SELECT
        c.*,
        coalesce(sg.power_w, fg.value, d.default_gpu_power_w) AS power_w,
        CASE
            WHEN sg.power_w IS NOT NULL THEN sg.power_origin
            WHEN fg.value IS NOT NULL THEN fg.source
            WHEN d.default_gpu_power_w IS NOT NULL THEN 'default: --default-gpu-power'
        END AS power_source,
        CASE WHEN sg.power_w IS NULL THEN fg.as_of END AS power_as_of,
        sg.power_w IS NULL AND fg.value IS NULL AS power_unknown,
        coalesce(sg.idle_power_w, fg.idle_w) AS idle_w,
        CASE WHEN sg.idle_power_w IS NOT NULL THEN sg.idle_origin ELSE fg.idle_source END
            AS idle_source,
        CASE WHEN sg.idle_power_w IS NULL THEN fg.idle_as_of END AS idle_as_of,
        coalesce(sg.cloud_equivalent, ce.value, c.card) AS cloud_gpu,
        CASE
            WHEN sg.cloud_equivalent IS NOT NULL THEN sg.equivalent_origin
            WHEN ce.value IS NOT NULL THEN ce.source
            ELSE 'the GPU itself'
        END AS cloud_gpu_source,
        pl.value AS low, ph.value AS high, pl.source AS low_source, ph.source AS high_source,
        coalesce(ph.as_of, pl.as_of) AS price_as_of,
        sg.embodied_kg AS card_embodied_kg, sg.embodied_origin AS card_embodied_origin
    FROM gpu_cards c
    CROSS JOIN settings_defaults d
    LEFT JOIN settings_gpu sg ON sg.gpu = c.card
    LEFT JOIN factor_gpu_power fg ON fg.gpu = c.card
    LEFT JOIN factor_cloud_equivalent ce ON ce.gpu = c.card
    LEFT JOIN factor_gpu_prices pl
        ON pl.prices = c.cloud_prices
        AND pl.gpu = coalesce(sg.cloud_equivalent, ce.value, c.card) AND pl.tier = 'low'
    LEFT JOIN factor_gpu_prices ph
        ON ph.prices = c.cloud_prices
        AND ph.gpu = coalesce(sg.cloud_equivalent, ce.value, c.card) AND ph.tier = 'high'
),
gpu_pick AS (
    SELECT
        gpu_model, cloud_prices,
        CASE WHEN bool_and(power_w IS NOT NULL)
            THEN sum(n * power_w) / sum(n) END AS gpu_power_w,
        CASE WHEN count(*) = 1 THEN any_value(power_source)
            ELSE 'mean of the cards: ' || string_agg(
                n || ' x ' || card || ' ' || printf('%.15g', power_w) || ' W (' || power_source
                || ')', '; ' ORDER BY card) END AS gpu_power_source,
        max(power_as_of) AS gpu_power_as_of,
        bool_or(power_unknown) AS gpu_power_unknown,
        min(card) FILTER (WHERE power_w IS NULL) AS gpu_power_gap,
        CASE WHEN bool_and(idle_w IS NOT NULL) THEN sum(n * idle_w) / sum(n) END AS gpu_idle_w,
        CASE WHEN count(*) = 1 THEN any_value(idle_source)
            ELSE 'mean of the cards: ' || string_agg(
                n || ' x ' || card || ' ' || printf('%.15g', idle_w) || ' W (' || idle_source
                || ')', '; ' ORDER BY card) END AS gpu_idle_source,
        max(idle_as_of) AS gpu_idle_as_of,
        min(card) FILTER (WHERE idle_w IS NULL) AS gpu_idle_gap,
        -- cards priced as one cloud GPU show that GPU and its prices' sources
        CASE WHEN count(DISTINCT cloud_gpu) = 1 THEN any_value(cloud_gpu)
            ELSE string_agg(DISTINCT cloud_gpu, '+' ORDER BY cloud_gpu) END AS cloud_gpu,
        CASE WHEN count(*) = 1 THEN any_value(cloud_gpu_source)
            ELSE string_agg(card || ' as ' || cloud_gpu || ': ' || cloud_gpu_source, '; '
                ORDER BY card) END AS cloud_gpu_source,
        CASE WHEN bool_and(low IS NOT NULL) THEN sum(n * low) / sum(n) END AS price_usd_low,
        CASE WHEN bool_and(high IS NOT NULL) THEN sum(n * high) / sum(n) END AS price_usd_high,
        CASE WHEN count(DISTINCT cloud_gpu) = 1 THEN any_value(low_source)
            ELSE 'mean of the cards: ' || string_agg(n || ' x ' || cloud_gpu || ' '
                || printf('%.15g', low) || ' (' || low_source || ')', '; ' ORDER BY card)
            END AS price_low_source,
        CASE WHEN count(DISTINCT cloud_gpu) = 1 THEN any_value(high_source)
            ELSE 'mean of the cards: ' || string_agg(n || ' x ' || cloud_gpu || ' '
                || printf('%.15g', high) || ' (' || high_source || ')', '; ' ORDER BY card)
            END AS price_high_source,
        max(price_as_of) AS price_as_of,
        min(cloud_gpu) FILTER (WHERE low IS NULL) AS price_gap,
        -- [gpus."X"] embodied_kg, where the config gives it for every card of the key
        CASE WHEN bool_and(card_embodied_kg IS NOT NULL)
            THEN sum(n * card_embodied_kg) / sum(n) END AS gpu_embodied_kg,
        CASE WHEN count(*) = 1 THEN any_value(card_embodied_origin)
            ELSE 'mean of the cards: ' || string_agg(n || ' x ' || card || ' '
                || printf('%.15g', card_embodied_kg) || ' kg (' || card_embodied_origin || ')',
                '; ' ORDER BY card) END AS gpu_embodied_source
    FROM card_factors
    GROUP BY gpu_model, cloud_prices
),
-- the embodied constants of each scope: [clusters.NAME] or [site], else the embodied table
embodied_long AS (
    SELECT
        sc.scope_cluster, f.key,
        coalesce(se.value, f.value) AS value,
        CASE WHEN se.value IS NOT NULL THEN se.origin ELSE f.source END AS source,
        CASE WHEN se.value IS NULL THEN f.as_of END AS as_of
    FROM (SELECT DISTINCT scope_cluster FROM zoned) sc
    CROSS JOIN factor_embodied f
    LEFT JOIN settings_embodied se
        ON se.cluster IS NOT DISTINCT FROM sc.scope_cluster AND se.key = f.key
    UNION ALL  -- the server prices of owned hardware: set, or absent (no table gives one)
    SELECT sc.scope_cluster, se.key, se.value, se.origin, se.as_of
    FROM (SELECT DISTINCT scope_cluster FROM zoned) sc
    JOIN settings_embodied se
        ON se.cluster IS NOT DISTINCT FROM sc.scope_cluster
        AND se.key IN ('server_usd', 'cpu_server_usd')
),
embodied_pick AS (
    SELECT
        scope_cluster,
        any_value(value) FILTER (WHERE key = 'gpu_kg') AS gpu_kg,
        any_value(value) FILTER (WHERE key = 'server_kg') AS server_kg,
        any_value(value) FILTER (WHERE key = 'gpus_per_server') AS gpus_per_server,
        any_value(value) FILTER (WHERE key = 'lifetime_years') AS lifetime_years,
        any_value(value) FILTER (WHERE key = 'lifetime_use') AS lifetime_use,
        any_value(value) FILTER (WHERE key = 'cpu_server_kg') AS cpu_server_kg,
        any_value(value) FILTER (WHERE key = 'cores_per_server') AS cores_per_server,
        any_value(value) FILTER (WHERE key = 'server_usd') AS server_usd,
        any_value(value) FILTER (WHERE key = 'cpu_server_usd') AS cpu_server_usd,
        list({'key': key, 'source': source, 'as_of': as_of} ORDER BY key) AS embodied_sources
    FROM embodied_long
    GROUP BY scope_cluster
),
factored AS (
    SELECT
        r.cluster, r.partition, r.logged_gpu_model, r.job_year, r.job_grid,
        r.gpu_model, r.gpu_model_source, r.gpu_from_mig_table,
        -- PUE
        coalesce(r.pue_value, pp.value) AS pue,
        CASE WHEN r.pue_value IS NOT NULL THEN r.pue_origin
            ELSE pp.source || ' (' || r.pue_origin || ')' END AS pue_source,
        CASE WHEN r.pue_value IS NOT NULL THEN r.pue_as_of ELSE pp.as_of END AS pue_as_of,
        pp.pue_year,
        -- GPU power: config, then table, then --default-gpu-power (gpu_pick)
        r.gpu_slice_of, r.gpu_fraction,
        coalesce(gk.gpu_power_w, d.default_gpu_power_w) AS gpu_power_w,
        coalesce(gk.gpu_power_source, CASE WHEN d.default_gpu_power_w IS NOT NULL
            THEN 'default: --default-gpu-power' END) AS gpu_power_source,
        gk.gpu_power_as_of, gk.gpu_power_gap,
        -- idle power, for the utilisation model; a mean use below idle_below is idle
        gk.gpu_idle_w, gk.gpu_idle_source, gk.gpu_idle_as_of,
        coalesce(gk.gpu_idle_gap, r.gpu_model) AS gpu_idle_gap, r.idle_below,
        -- the share of their power GPUs and CPUs draw when the job log does not measure it
        r.gpu_use, r.gpu_use_origin, r.cpu_use, r.cpu_use_origin, r.cpu_use_measured,
        -- which memory a job counts: allocated, requested or used
        r.mem_basis,
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
        gk.cloud_gpu, gk.cloud_gpu_source, gk.price_usd_low, gk.price_usd_high,
        gk.price_low_source, gk.price_high_source, gk.price_as_of, gk.price_gap,
        -- electricity price
        coalesce(r.elec_value, ep.value) AS electricity_usd_per_kwh,
        CASE WHEN r.elec_value IS NOT NULL THEN r.elec_origin
            ELSE ep.source || ' (' || r.elec_origin || ')' END AS electricity_source,
        CASE WHEN r.elec_value IS NOT NULL THEN r.elec_as_of ELSE ep.as_of END
            AS electricity_as_of,
        ep.elec_year AS electricity_year,
        r.elec_unpriced_country,
        r.unknown_job_grid,
        -- embodied: the scope's constants; a GPU's own embodied_kg replaces gpu_kg
        coalesce(gk.gpu_embodied_kg, em.gpu_kg) AS gpu_kg,
        -- the GPU's own source, else the scope's gpu_kg among its embodied_sources
        coalesce(gk.gpu_embodied_source,
            list_filter(em.embodied_sources, lambda e: e.key = 'gpu_kg')[1].source)
            AS gpu_kg_source,
        em.server_kg, em.gpus_per_server, em.lifetime_years, em.lifetime_use,
        em.cpu_server_kg, em.cores_per_server, em.embodied_sources,
        em.server_usd, em.cpu_server_usd,
        -- water: on-site WUE (config or the wue table), the grid country's EWIF
        coalesce(r.wue_value, fw.value) AS wue_l_per_kwh,
        CASE WHEN r.wue_value IS NOT NULL THEN r.wue_origin
            ELSE fw.source || ' (' || r.wue_origin || ')' END AS wue_source,
        CASE WHEN r.wue_value IS NULL THEN fw.as_of END AS wue_as_of,
        coalesce(r.ewif_value, fe.value) AS ewif_l_per_kwh,
        CASE
            WHEN r.ewif_value IS NOT NULL THEN r.ewif_origin
            WHEN fe.value IS NOT NULL THEN fe.source || ' (the grid''s country '
                || r.water_country || ')'
        END AS ewif_source,
        CASE WHEN r.ewif_value IS NULL THEN fe.as_of END AS ewif_as_of,
        r.water_country,
        coalesce(gk.gpu_power_unknown, TRUE) AS gpu_power_unknown,
        r.set_carbon IS NULL AND gp.g_per_kwh IS NULL AS carbon_unknown,
        -- the zone whose stored series may give the intensity over a job's run: the grid,
        -- unless a number set the intensity (footprint/series_classes.sql)
        CASE WHEN r.set_carbon IS NULL THEN lower(trim(r.grid)) END AS series_zone_norm,
        r.intensity, r.intensity_kind, r.intensity_basis, r.intensity_origin
    FROM zoned r
    CROSS JOIN settings_defaults d
    LEFT JOIN pue_pick pp
        ON pp.pue_key = r.pue_key AND pp.job_year IS NOT DISTINCT FROM r.job_year
    LEFT JOIN gpu_pick gk ON gk.gpu_model = r.gpu_model AND gk.cloud_prices = r.cloud_prices
    LEFT JOIN factor_cpu_power cp ON lower(cp.cpu) = lower(r.cpu_model)
    LEFT JOIN factor_memory_power fm ON lower(fm.key) = lower(r.mem_key)
    LEFT JOIN grid_pick gp
        ON gp.grid_norm = lower(trim(r.grid)) AND gp.job_year IS NOT DISTINCT FROM r.job_year
    LEFT JOIN elec_pick ep
        ON ep.elec_zone = r.elec_zone AND ep.elec_sector = r.elec_sector
        AND ep.job_year IS NOT DISTINCT FROM r.job_year
    LEFT JOIN embodied_pick em ON em.scope_cluster IS NOT DISTINCT FROM r.scope_cluster
    LEFT JOIN factor_wue fw ON lower(fw.key) = lower(r.wue_key)
    LEFT JOIN factor_ewif fe ON lower(fe.country) = lower(r.water_country)
)
SELECT
    *,
    -- the class's number: a report groups its jobs by it (report/factor_classes.sql)
    row_number() OVER () AS class_no,
    gpu_idle_w IS NULL AS idle_unknown,
    -- no job of the class can lack or default a factor unless one of these holds
    gpu_power_unknown OR carbon_unknown OR price_usd_low IS NULL OR gpu_from_mig_table
        OR elec_unpriced_country IS NOT NULL OR unknown_job_grid IS NOT NULL
        OR ewif_l_per_kwh IS NULL AS may_lack
FROM factored

-- Returns the rows of the factor tables in force (temp tables factor_* and settings_gpu),
-- [gpus."NAME"] config applied: (factor, key, year, value, unit, source, as_of), sorted by
-- factor (in table order), key and year. value is text: a number or a key. A GPU's idle
-- power, where the table or config gives one, is a gpu_power row keyed '<gpu> idle'; a GPU's
-- configured embodied_kg an embodied row keyed 'gpu_kg <gpu>'.
WITH gpu_power AS (
    SELECT
        coalesce(s.gpu, f.gpu) AS key,
        coalesce(s.power_w, f.value) AS value,
        CASE WHEN s.power_w IS NOT NULL THEN s.power_origin ELSE f.source END AS source,
        CASE WHEN s.power_w IS NULL THEN f.as_of END AS as_of
    FROM factor_gpu_power f
    FULL JOIN (SELECT * FROM settings_gpu WHERE power_w IS NOT NULL) s ON s.gpu = f.gpu
),
gpu_idle AS (
    SELECT
        coalesce(s.gpu, f.gpu) || ' idle' AS key,
        coalesce(s.idle_power_w, f.idle_w) AS value,
        CASE WHEN s.idle_power_w IS NOT NULL THEN s.idle_origin ELSE f.idle_source END
            AS source,
        CASE WHEN s.idle_power_w IS NULL THEN f.idle_as_of END AS as_of
    FROM (SELECT * FROM factor_gpu_power WHERE idle_w IS NOT NULL) f
    FULL JOIN (SELECT * FROM settings_gpu WHERE idle_power_w IS NOT NULL) s ON s.gpu = f.gpu
),
cloud_equivalent AS (
    SELECT
        coalesce(s.gpu, f.gpu) AS key,
        coalesce(s.cloud_equivalent, f.value) AS value,
        CASE WHEN s.cloud_equivalent IS NOT NULL THEN s.equivalent_origin ELSE f.source END
            AS source,
        CASE WHEN s.cloud_equivalent IS NULL THEN f.as_of END AS as_of
    FROM factor_cloud_equivalent f
    FULL JOIN (SELECT * FROM settings_gpu WHERE cloud_equivalent IS NOT NULL) s
        ON s.gpu = f.gpu
),
listed AS (
    SELECT 1 AS ord, 'gpu_power' AS factor, key, NULL::BIGINT AS year,
        printf('%.15g', value) AS value, 'W' AS unit, source, as_of
    FROM gpu_power
    UNION ALL
    SELECT 1, 'gpu_power', key, NULL, printf('%.15g', value), 'W', source, as_of FROM gpu_idle
    UNION ALL
    SELECT 2, 'cloud_equivalent', key, NULL, value, 'gpu', source, as_of FROM cloud_equivalent
    UNION ALL
    SELECT 2.5, 'mig_profiles', profile, NULL, value, unit, source, as_of FROM factor_mig_profiles
    UNION ALL
    SELECT 3, 'cpu_power', cpu, NULL, printf('%.15g', value) || ' W / ' || cores || ' cores',
        'W', source, as_of
    FROM factor_cpu_power
    UNION ALL
    SELECT 4, 'memory_power', key, NULL, printf('%.15g', value), unit, source, as_of
    FROM factor_memory_power
    UNION ALL
    SELECT 5, 'pue', key, year, printf('%.15g', value), unit, source, as_of FROM factor_pue
    UNION ALL
    SELECT 6, 'grid_intensity', grid, year, printf('%.15g', value), unit, source, as_of
    FROM factor_grid_intensity
    UNION ALL
    SELECT 7, 'grid_alias', grid, NULL, value, unit, source, as_of FROM factor_grid_alias
    UNION ALL
    SELECT 8, 'gpu_prices', prices || ' ' || gpu || ' ' || tier, NULL, printf('%.15g', value),
        unit, source, as_of
    FROM factor_gpu_prices
    UNION ALL
    SELECT 9, 'electricity_price', zone || ':' || sector, year, printf('%.15g', value), unit,
        source, as_of
    FROM factor_electricity_price
    UNION ALL
    SELECT 10, 'grid_country', grid, NULL, value, unit, source, as_of FROM factor_grid_country
    UNION ALL
    SELECT 11, 'embodied', key, NULL, printf('%.15g', value), unit, source, as_of
    FROM factor_embodied
    UNION ALL  -- [gpus."NAME"] embodied_kg, replacing gpu_kg for that GPU
    SELECT 11, 'embodied', 'gpu_kg ' || gpu, NULL, printf('%.15g', embodied_kg), 'kgCO2e',
        embodied_origin, NULL
    FROM settings_gpu WHERE embodied_kg IS NOT NULL
    UNION ALL
    SELECT 12, 'wue', key, NULL, printf('%.15g', value), unit, source, as_of FROM factor_wue
    UNION ALL
    SELECT 13, 'ewif', country, NULL, printf('%.15g', value), unit, source, as_of FROM factor_ewif
)
SELECT factor, key, year, value, unit, source, as_of
FROM listed
WHERE $factor IS NULL OR factor = $factor
ORDER BY ord, lower(key), key, year NULLS FIRST;

-- Creates the temp table `footprint_series_classes`: the classes of footprint/classes.sql
-- whose jobs take their intensity from a stored series (intensity_series), one row each: the
-- class's keys and its series: series_id (a number per series used), zone_norm, series_zone
-- (as stored), series_kind, series_basis. A class takes the series of its grid zone, else the
-- series of the zone its grid is an alias of (factor_grid_alias: 'gcp:europe-west1' is
-- 'BE'), of the kind and basis its settings name (intensity_kind, intensity_basis); zones
-- compare case-insensitively. A class with intensity 'annual', or whose intensity is a
-- number (carbon_g_per_kwh: no zone), takes none.
CREATE OR REPLACE TEMP TABLE footprint_series_classes AS
WITH stored AS (
    SELECT lower(trim(zone)) AS zone_norm, kind, basis, min(zone) AS zone
    FROM intensity_series
    GROUP BY ALL
),
wanted AS (
    SELECT
        c.cluster, c.partition, c.logged_gpu_model, c.job_year, c.job_grid,
        c.series_zone_norm, lower(trim(a.value)) AS alias_norm, c.intensity_kind,
        c.intensity_basis
    FROM footprint_classes c
    LEFT JOIN factor_grid_alias a ON lower(a.grid) = c.series_zone_norm
    WHERE c.intensity = 'series' AND c.series_zone_norm IS NOT NULL
),
picked AS (
    SELECT
        w.cluster, w.partition, w.logged_gpu_model, w.job_year, w.job_grid,
        s.zone_norm, s.zone AS series_zone, s.kind AS series_kind, s.basis AS series_basis
    FROM wanted w
    JOIN stored s
        ON s.kind = w.intensity_kind AND s.basis = w.intensity_basis
        AND (s.zone_norm = w.series_zone_norm OR s.zone_norm = w.alias_norm)
    -- the grid's own series wins over the series of the zone it is an alias of
    QUALIFY row_number() OVER (
        PARTITION BY w.cluster, w.partition, w.logged_gpu_model, w.job_year, w.job_grid
        ORDER BY s.zone_norm = w.series_zone_norm DESC
    ) = 1
)
SELECT *, dense_rank() OVER (ORDER BY zone_norm, series_kind, series_basis) AS series_id
FROM picked;

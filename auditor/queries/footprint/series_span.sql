-- Creates the temp table `footprint_series_span`: every class of footprint_classes (its
-- keys), with the series it takes from footprint_series_classes (series_id, series_zone,
-- series_kind, series_basis; NULL for none) and where that series' hours are in
-- footprint_series_hours: k_before, the key of the hour before its first (before_h), and
-- last_h, the hour past its last. A run's instant in hour h looks up key
-- k_before + (h clamped to before_h .. last_h) - before_h: before the series the hour of
-- nothing, after it the hour of its whole sums (footprint/with_series.sql). Classes that take
-- no series look up key 0, which holds nothing.
CREATE OR REPLACE TEMP TABLE footprint_series_span AS
SELECT
    c.cluster, c.partition, c.logged_gpu_model, c.job_year, c.job_grid,
    s.series_id, s.series_zone, s.series_kind, s.series_basis,
    h.k_before, h.before_h, h.last_h
FROM footprint_classes c
LEFT JOIN footprint_series_classes s
    ON s.cluster = c.cluster
    AND s.partition IS NOT DISTINCT FROM c.partition
    AND s.logged_gpu_model IS NOT DISTINCT FROM c.logged_gpu_model
    AND s.job_year IS NOT DISTINCT FROM c.job_year
    AND s.job_grid IS NOT DISTINCT FROM c.job_grid
LEFT JOIN (
    SELECT series_id, min(k) AS k_before, min(h) AS before_h, max(h) AS last_h
    FROM footprint_series_hours
    WHERE series_id IS NOT NULL
    GROUP BY series_id
) h ON h.series_id = s.series_id;

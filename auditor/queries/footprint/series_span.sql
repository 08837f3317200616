-- Creates the temp table `footprint_series_span`: the classes of footprint_series_classes
-- (their keys), each with its series (series_id, series_zone, series_kind, series_basis) and
-- last_h, the hour past the series' last in footprint_series_hours, which holds its whole
-- sums: a run's end after the series looks that hour up.
CREATE OR REPLACE TEMP TABLE footprint_series_span AS
SELECT
    c.cluster, c.partition, c.logged_gpu_model, c.job_year, c.job_grid,
    c.series_id, c.series_zone, c.series_kind, c.series_basis, h.last_h
FROM footprint_series_classes c
JOIN (SELECT DISTINCT series_id, last_h FROM footprint_series_hours) h USING (series_id);

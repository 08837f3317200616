-- Creates the temp table `footprint_series_span`: per series of footprint_series_hours, its
-- zone, kind and basis and last_h, the hour past its last, which holds its whole sums: a
-- run's end after the series looks that hour up.
CREATE OR REPLACE TEMP TABLE footprint_series_span AS
SELECT DISTINCT c.series_id, c.series_zone, c.series_kind, c.series_basis, h.last_h
FROM footprint_series_classes c
JOIN (SELECT DISTINCT series_id, last_h FROM footprint_series_hours) h USING (series_id);

-- Creates the temp view `footprint_series_jobs` that footprint/job.sql reads when no job takes
-- a stored intensity series: the view `footprint_jobs` with the series columns of
-- footprint/with_series.sql, all NULL.
CREATE OR REPLACE TEMP VIEW footprint_series_jobs AS
SELECT
    *,
    NULL::VARCHAR AS series_zone, NULL::VARCHAR AS series_kind,
    NULL::VARCHAR AS series_basis, NULL::DOUBLE AS series_g_s,
    NULL::BIGINT AS series_covered_us, NULL::BIGINT AS run_us
FROM footprint_jobs;

-- Creates the temp table `footprint_series`: the intervals of each series that
-- footprint_series_classes uses (series_id), start_us and end_us (epoch microseconds, UTC),
-- g_per_kwh, and what the series holds before each interval: cum_g_s, its integral over time
-- (g CO2e/kWh x seconds), and cum_us, the microseconds it covers. With one interval they give
-- the integral and the covered time from the series' start up to any instant
-- (footprint/series_jobs.sql), so no job is expanded into hours.
CREATE OR REPLACE TEMP TABLE footprint_series AS
WITH intervals AS (
    SELECT
        c.series_id, epoch_us(i.start_ts) AS start_us, epoch_us(i.end_ts) AS end_us,
        i.g_per_kwh
    FROM intensity_series i
    JOIN (
        SELECT DISTINCT series_id, zone_norm, series_kind, series_basis
        FROM footprint_series_classes
    ) c
        ON lower(trim(i.zone)) = c.zone_norm AND i.kind = c.series_kind
        AND i.basis = c.series_basis
)
SELECT
    series_id, start_us, end_us, g_per_kwh,
    coalesce(sum(g_per_kwh * (end_us - start_us) / 1e6) OVER before, 0) AS cum_g_s,
    CAST(coalesce(sum(end_us - start_us) OVER before, 0) AS BIGINT) AS cum_us
FROM intervals
WINDOW before AS (
    PARTITION BY series_id ORDER BY start_us ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
);

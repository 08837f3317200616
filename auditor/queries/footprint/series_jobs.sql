-- Creates the temp table `footprint_job_series`: each job of the view `footprint_jobs` whose
-- class takes a series (footprint_series_classes), with the series (series_zone,
-- series_kind, series_basis) and how it covers the run [start_ts, start_ts + elapsed_s):
-- series_g_s, the integral of the series over the covered part (g CO2e/kWh x seconds),
-- series_covered_us and run_us (microseconds). The run is timed by start_ts and elapsed_s,
-- as its hours are, so a running job's run ends where its log last saw it.
-- Two ASOF lookups per job, no expansion into hours: the integral up to an instant t is the
-- cum_g_s of the last interval that starts at or before t plus that interval's value times
-- its part before t (capped at its end, so a gap after it adds nothing), and the same for the
-- covered time; the run's figures are those at its end minus those at its start.
CREATE OR REPLACE TEMP TABLE footprint_job_series AS
WITH runs AS (
    SELECT
        j.uid, c.series_id, c.series_zone, c.series_kind, c.series_basis,
        epoch_us(j.start_ts) AS run_start_us,
        epoch_us(j.start_ts)
            + CAST(round(greatest(coalesce(j.elapsed_s, 0), 0) * 1e6) AS BIGINT) AS run_end_us
    FROM footprint_jobs j
    JOIN footprint_series_classes c
        ON c.cluster = j.cluster
        AND c.partition IS NOT DISTINCT FROM j.partition
        AND c.logged_gpu_model IS NOT DISTINCT FROM j.gpu_model
        AND c.job_year IS NOT DISTINCT FROM j.job_year
        AND c.job_grid IS NOT DISTINCT FROM j.grid
    WHERE j.start_ts IS NOT NULL
)
SELECT
    r.uid, r.series_zone, r.series_kind, r.series_basis,
    coalesce(e.cum_g_s + e.g_per_kwh * (least(r.run_end_us, e.end_us) - e.start_us) / 1e6, 0)
        - coalesce(s.cum_g_s + s.g_per_kwh * (least(r.run_start_us, s.end_us) - s.start_us)
            / 1e6, 0) AS series_g_s,
    coalesce(e.cum_us + least(r.run_end_us, e.end_us) - e.start_us, 0)
        - coalesce(s.cum_us + least(r.run_start_us, s.end_us) - s.start_us, 0)
        AS series_covered_us,
    r.run_end_us - r.run_start_us AS run_us
FROM runs r
ASOF LEFT JOIN footprint_series s
    ON s.series_id = r.series_id AND r.run_start_us >= s.start_us
ASOF LEFT JOIN footprint_series e
    ON e.series_id = r.series_id AND r.run_end_us >= e.start_us;

-- Creates the temp table `footprint_job_series`: each job of the view `footprint_jobs` whose
-- class takes a stored series (footprint_series_classes), with the series (series_zone,
-- series_kind, series_basis) and how it covers the run [start_ts, start_ts + elapsed_s):
-- series_g_s, the integral of the series over the covered part (g CO2e/kWh x seconds),
-- series_covered_us and run_us (microseconds). The run is timed by start_ts and elapsed_s, as
-- its hours are (footprint/series_runs.sql).
-- Two lookups per job, by equality on the hour of its start and of its end in
-- footprint_series_hours: the integral up to an instant t is that hour's cum_g_s plus each
-- piece's value times its part before t; the run's is the one at its end minus the one at
-- its start. An instant before the series has no hour (0); one after it takes the hour past
-- its end (the whole series). Covered time the same way.
CREATE OR REPLACE TEMP TABLE footprint_job_series AS
WITH looked AS (
    SELECT
        r.* EXCLUDE (series_id, last_h),
        coalesce(a.cum_g_s + coalesce(list_sum(list_transform(a.pieces,
            lambda x: x.g * greatest(0, least(r.run_start_us, x.e) - x.s))), 0) / 1e6, 0) AS g_s_start,
        coalesce(a.cum_us + coalesce(list_sum(list_transform(a.pieces,
            lambda x: greatest(0, least(r.run_start_us, x.e) - x.s))), 0), 0) AS us_start,
        coalesce(b.cum_g_s + coalesce(list_sum(list_transform(b.pieces,
            lambda x: x.g * greatest(0, least(r.run_end_us, x.e) - x.s))), 0) / 1e6, 0) AS g_s_end,
        coalesce(b.cum_us + coalesce(list_sum(list_transform(b.pieces,
            lambda x: greatest(0, least(r.run_end_us, x.e) - x.s))), 0), 0) AS us_end
    FROM footprint_job_runs r
    LEFT JOIN footprint_series_hours a
        ON a.series_id = r.series_id AND a.h = least(r.run_start_us // 3600000000, r.last_h)
    LEFT JOIN footprint_series_hours b
        ON b.series_id = r.series_id AND b.h = least(r.run_end_us // 3600000000, r.last_h)
)
SELECT
    uid, series_zone, series_kind, series_basis, g_s_end - g_s_start AS series_g_s,
    CAST(us_end - us_start AS BIGINT) AS series_covered_us, run_end_us - run_start_us AS run_us
FROM looked;

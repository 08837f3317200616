-- Creates the temp table `footprint_job_runs`: each job of the view `footprint_jobs` whose
-- class takes a stored series (footprint_series_classes), with its series (series_id,
-- series_zone, series_kind, series_basis, last_h of footprint_series_span) and its run
-- [run_start_us, run_end_us): start_ts and start_ts + elapsed_s in epoch microseconds, the
-- times its hours come from, so a running job's run ends where its log last saw it. A
-- table, so that footprint/series_jobs.sql's lookups are planned knowing how many jobs
-- there are.
CREATE OR REPLACE TEMP TABLE footprint_job_runs AS
    SELECT
        j.uid, p.series_id, p.series_zone, p.series_kind, p.series_basis, p.last_h,
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
    JOIN footprint_series_span p ON p.series_id = c.series_id
    WHERE j.start_ts IS NOT NULL;

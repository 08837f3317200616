-- Returns, per series the classes of footprint_series_span take (series_zone, series_kind,
-- series_basis), the columns of footprint/series_counts.sql (covered_jobs, outside_jobs,
-- covered_share) found without looking any job up, and sure: whether they hold. They hold
-- when the runs of every class taking the series lie inside a stretch it covers without a
-- gap (the earliest start and the latest end of its jobs' runs, as footprint/with_series.sql
-- times them): then each run of some time is covered whole. Else the caller counts job by
-- job. One pass over the jobs, grouped by class, for the footprint's notes.
WITH runs AS (
    SELECT
        cluster, partition, gpu_model, job_year, grid,
        epoch_us(start_ts) AS run_start_us,
        CAST(round(greatest(coalesce(elapsed_s, 0), 0) * 1e6) AS BIGINT) AS run_us
    FROM footprint_jobs
    WHERE start_ts IS NOT NULL
),
classes AS (
    SELECT
        cluster, partition, gpu_model, job_year, grid,
        count(*) FILTER (WHERE run_us > 0) AS active_jobs,
        min(run_start_us) FILTER (WHERE run_us > 0) AS first_us,
        max(run_start_us + run_us) FILTER (WHERE run_us > 0) AS last_us
    FROM runs
    GROUP BY ALL
),
-- each series' first and last covered instants, and whether it covers all between
stretch AS (
    SELECT
        series_id,
        min(coalesce(one_s, pieces[1].s)) FILTER (WHERE n > 0) AS start_us,
        max(coalesce(one_e, pieces[-1].e)) FILTER (WHERE n > 0) AS end_us,
        max(cum_us) AS covered_us
    FROM footprint_series_hours
    WHERE series_id IS NOT NULL
    GROUP BY series_id
)
SELECT
    p.series_zone, p.series_kind, p.series_basis,
    sum(c.active_jobs) AS covered_jobs,
    0 AS outside_jobs,
    CASE WHEN sum(c.active_jobs) > 0 THEN 1.0::DOUBLE END AS covered_share,
    bool_and(
        c.active_jobs = 0
        OR (s.covered_us = s.end_us - s.start_us
            AND c.first_us >= s.start_us AND c.last_us <= s.end_us)
    ) AS sure
FROM classes c
JOIN footprint_series_span p
    ON p.cluster = c.cluster
    AND p.partition IS NOT DISTINCT FROM c.partition
    AND p.logged_gpu_model IS NOT DISTINCT FROM c.gpu_model
    AND p.job_year IS NOT DISTINCT FROM c.job_year
    AND p.job_grid IS NOT DISTINCT FROM c.grid
JOIN stretch s ON s.series_id = p.series_id
GROUP BY ALL
ORDER BY ALL;

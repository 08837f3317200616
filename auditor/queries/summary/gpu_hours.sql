-- Creates the temp table `summary_grouped` for summary/named.sql: one row per group of the
-- temp view `summary_keyed` over counted_jobs (summary/keyed.sql) with jobs, gpu_hours,
-- gpu_equiv_hours, which counts a MIG slice as its share of its GPU (gpu_fraction,
-- store/macros.sql), and how the GPUs were used (gpu_util, util_coverage, idle_gpu_hours,
-- unused_gpu_hours; a job idle below $idle_below; the macros are in footprint/macros.sql).
-- Only the jobs of $project when given; jobs still running are left out unless
-- $include_running.
CREATE OR REPLACE TEMP TABLE summary_grouped AS
SELECT
    COLUMNS('^group_'),
    count(*) AS jobs,
    fsum(coalesce(gpus, 0) * elapsed_s) / 3600.0 AS gpu_hours,
    fsum(coalesce(gpus, 0) * elapsed_s * gpu_fraction(gpu_model)) / 3600.0 AS gpu_equiv_hours,
    use_mean(coalesce(gpus, 0) * elapsed_s, u) AS gpu_util,
    use_coverage(coalesce(gpus, 0) * elapsed_s, u) AS util_coverage,
    idle_hours(coalesce(gpus, 0) * elapsed_s, u, $idle_below) AS idle_gpu_hours,
    unused_hours(coalesce(gpus, 0) * elapsed_s, u) AS unused_gpu_hours
FROM (
    SELECT *, gpu_util_mean(gpus, gpu_util, gpu_util_peak) AS u
    FROM summary_keyed
    WHERE ($project IS NULL OR project = $project)
      AND ($include_running OR NOT running)
)
GROUP BY ALL;

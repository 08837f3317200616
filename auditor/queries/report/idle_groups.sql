-- Returns the users ($by = 'user') or projects ($by = 'project') of the temp table
-- `report_base` with the most idle GPU-hours, at most $limit, most first, then by key; groups
-- without idle GPU-hours are left out. Each: group_key ('(none)' for no name), jobs, gpu_hours,
-- idle_gpu_hours (every job whose mean use is below its idle_below, failed or not, as
-- summary counts them), idle_share of the group's GPU-hours, gpu_util (mean use weighted by
-- GPU-hours), util_coverage, and idle_co2e_kg (NULL without footprint settings). The macros
-- are footprint/macros.sql's.
SELECT *, idle_gpu_hours / nullif(gpu_hours, 0) AS idle_share
FROM (
    SELECT
        coalesce(CASE $by WHEN 'user' THEN user_name WHEN 'project' THEN project END, '(none)')
            AS group_key,
        count(*) AS jobs,
        coalesce(fsum(gpu_hours), 0.0) AS gpu_hours,
        idle_hours(gpu_hours * 3600.0, gpu_util_mean, idle_below) AS idle_gpu_hours,
        use_mean(gpu_hours * 3600.0, gpu_util_mean) AS gpu_util,
        use_coverage(gpu_hours * 3600.0, gpu_util_mean) AS util_coverage,
        CASE WHEN count(energy_kwh) > 0
            THEN idle_share(co2e_kg, gpu_util_mean, idle_below) END AS idle_co2e_kg
    FROM report_base
    GROUP BY ALL
)
WHERE idle_gpu_hours > 0
ORDER BY idle_gpu_hours DESC, group_key
LIMIT $limit;

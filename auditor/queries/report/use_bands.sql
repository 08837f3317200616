-- Returns the jobs of the temp table `report_base` that have GPU-hours, by band of their GPUs'
-- mean use (gpu_util_mean, footprint/macros.sql): one row per band in this order, empty bands
-- too: band, jobs, gpu_hours. Bands: 'none' (no log gives a mean), 'idle' (below the job's
-- idle_below; a peak of 0 counts as 0), then 'to_25', 'to_50', 'to_75', 'to_100': a mean
-- from the band's lower end (idle_below for to_25) up to, not including, its upper one
-- (0.25, 0.5, 0.75; to_100 holds 1).
WITH bands (ord, band) AS (
    VALUES (1, 'none'), (2, 'idle'), (3, 'to_25'), (4, 'to_50'), (5, 'to_75'), (6, 'to_100')
),
banded AS (
    SELECT
        CASE
            WHEN gpu_util_mean IS NULL THEN 'none'
            WHEN gpu_util_mean < idle_below THEN 'idle'
            WHEN gpu_util_mean < 0.25 THEN 'to_25'
            WHEN gpu_util_mean < 0.5 THEN 'to_50'
            WHEN gpu_util_mean < 0.75 THEN 'to_75'
            ELSE 'to_100'
        END AS band,
        gpu_hours
    FROM report_base
    WHERE gpu_hours > 0
)
SELECT b.band, count(j.band) AS jobs, coalesce(fsum(j.gpu_hours), 0.0) AS gpu_hours
FROM bands b
LEFT JOIN banded j USING (band)
GROUP BY b.ord, b.band
ORDER BY b.ord;

-- Creates the temp table `sens_curve`: the expected-best curve of each sweep of the temp
-- table `sens_trials` (one row per trial: sweep_key, score, gpu_hours, energy_kwh, co2e_kg,
-- cloud_cost_usd_low|high, NULL where the trial has no price): for n = 1..N (N = the
-- sweep's trials), the expected best score of n trials drawn with replacement (Dodge et al.
-- 2019, "Show Your Work"): with the scores sorted so that the best is last, v(1) <= ... <= v(N),
--   expected_best = sum_i v(i) * ((i/N)^n - ((i-1)/N)^n)
--   std = sqrt(E[best^2] - E[best]^2), the same weights, on the scores less their mean
-- and the expected cost of n trials, n x the mean trial. $sign is 1 when higher scores are
-- better, -1 when lower are: the scores are multiplied by it, so the best is the largest.
-- Ties need no care: the weight of a position is the chance that it is the highest drawn.
-- Columns: sweep_key, n, trials (N), expected_best, std, gpu_hours, energy_kwh, co2e_kg,
-- cloud_cost_usd_low, cloud_cost_usd_high.
CREATE OR REPLACE TEMP TABLE sens_curve AS
WITH ranked AS (
    SELECT
        sweep_key,
        $sign * score AS s,
        -- centred on the sweep's mean: the moments below then lose no digits to a large mean
        $sign * score - avg($sign * score) OVER (PARTITION BY sweep_key) AS c,
        row_number() OVER (PARTITION BY sweep_key ORDER BY $sign * score) AS i,
        count(*) OVER (PARTITION BY sweep_key) AS big_n
    FROM sens_trials
),
drawn AS (
    SELECT sweep_key, s, c, i, big_n, unnest(range(1, big_n + 1)) AS n
    FROM ranked
),
moments AS (
    SELECT
        sweep_key, n, any_value(big_n) AS big_n,
        any_value(s - c) AS centre,
        fsum(c * w) AS m1,
        fsum(c * c * w) AS m2
    FROM (
        SELECT *, pow(i / big_n, n) - pow((i - 1) / big_n, n) AS w FROM drawn
    )
    GROUP BY sweep_key, n
),
means AS (
    SELECT
        sweep_key,
        avg(gpu_hours) AS gpu_hours,
        avg(energy_kwh) AS energy_kwh,
        avg(co2e_kg) AS co2e_kg,
        -- a trial without a price leaves the mean unknown: a partial mean would mislead
        CASE WHEN count(cloud_cost_usd_low) = count(*) THEN avg(cloud_cost_usd_low) END
            AS cloud_cost_usd_low,
        CASE WHEN count(cloud_cost_usd_high) = count(*) THEN avg(cloud_cost_usd_high) END
            AS cloud_cost_usd_high
    FROM sens_trials
    GROUP BY sweep_key
)
SELECT
    m.sweep_key,
    CAST(m.n AS BIGINT) AS n,
    CAST(m.big_n AS BIGINT) AS trials,
    $sign * (m.centre + m.m1) AS expected_best,
    -- E[c^2] - E[c]^2 of the centred scores: a rounding error can take it just below 0
    sqrt(greatest(m.m2 - m.m1 * m.m1, 0.0)) AS std,
    m.n * c.gpu_hours AS gpu_hours,
    m.n * c.energy_kwh AS energy_kwh,
    m.n * c.co2e_kg AS co2e_kg,
    m.n * c.cloud_cost_usd_low AS cloud_cost_usd_low,
    m.n * c.cloud_cost_usd_high AS cloud_cost_usd_high
FROM moments m
JOIN means c ON c.sweep_key = m.sweep_key;

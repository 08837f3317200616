-- Returns one row per sweep of the temp table `sens_curve` with two or more trials: sweep,
-- runs (N), best (the best trial's score), n_95 and n_99, the smallest n whose expected best
-- reaches 95 % (99 %) of the sweep's best: expected_best >= 0.95 x best where higher is
-- better, best / expected_best >= 0.95 where lower is better (a loss). A ratio to the best
-- means nothing when a score is <= 0: such a sweep (rule 'range', else 'ratio') takes 95 %
-- (99 %) of the way from the worst trial's score to the best's instead, in the direction
-- $sign says is better. NULL when no n up to N reaches it: the sweep had not levelled off.
-- gpu_hours_95 and gpu_hours_99 are the expected GPU-hours of that many trials (n x the mean
-- trial), and what the trials beyond n_95 cost: remaining_gpu_hours, remaining_energy_kwh,
-- remaining_co2e_kg, remaining_cost_usd_low, remaining_cost_usd_high ((N - n_95) x the mean
-- trial); last, rule. A curve of equal scores reaches its best at n = 1: the comparison
-- allows a rounding error of 1e-12 of the range's larger end. Sorted by sweep.
WITH bounds AS (
    SELECT
        sweep_key,
        count(*) AS runs,
        $sign * max($sign * score) AS best,
        $sign * min($sign * score) AS worst,
        min(score) > 0 AS ratio
    FROM sens_trials
    GROUP BY sweep_key
    HAVING count(*) >= 2
),
goals AS (
    SELECT
        *,
        -- best x 0.95 (max) or best / 0.95 (min), times $sign like the expected best
        CASE
            WHEN ratio THEN $sign * best * power(0.95, $sign)
            ELSE $sign * worst + 0.95 * $sign * (best - worst)
        END - 1e-12 * greatest(abs(best), abs(worst)) AS goal_95,
        CASE
            WHEN ratio THEN $sign * best * power(0.99, $sign)
            ELSE $sign * worst + 0.99 * $sign * (best - worst)
        END - 1e-12 * greatest(abs(best), abs(worst)) AS goal_99
    FROM bounds
),
reached AS (
    SELECT
        c.sweep_key,
        min(c.n) FILTER (WHERE $sign * c.expected_best >= g.goal_95) AS n_95,
        min(c.n) FILTER (WHERE $sign * c.expected_best >= g.goal_99) AS n_99
    FROM sens_curve c
    JOIN goals g USING (sweep_key)
    GROUP BY c.sweep_key
),
one AS (
    SELECT * FROM sens_curve WHERE n = 1
)
SELECT
    g.sweep_key AS sweep,
    g.runs,
    g.best,
    r.n_95,
    r.n_99,
    r.n_95 * o.gpu_hours AS gpu_hours_95,
    r.n_99 * o.gpu_hours AS gpu_hours_99,
    (g.runs - r.n_95) * o.gpu_hours AS remaining_gpu_hours,
    (g.runs - r.n_95) * o.energy_kwh AS remaining_energy_kwh,
    (g.runs - r.n_95) * o.co2e_kg AS remaining_co2e_kg,
    (g.runs - r.n_95) * o.cloud_cost_usd_low AS remaining_cost_usd_low,
    (g.runs - r.n_95) * o.cloud_cost_usd_high AS remaining_cost_usd_high,
    CASE WHEN g.ratio THEN 'ratio' ELSE 'range' END AS rule
FROM goals g
JOIN reached r USING (sweep_key)
JOIN one o USING (sweep_key)
ORDER BY g.sweep_key;

-- Creates the temp table `sens_runs`: one row per run of the chosen sweeps of {{rows}} (the
-- temp view `footprint`, or sensitivity/unpriced.sql's), with its score and cost. A sweep is
-- the one $sweep_* name (as summary/group_names.sql names it), or with $sweep_name NULL every
-- sweep (of $project when given); its key (sweep_key) is as summaries show it, from the temp
-- table `group_names`. A run is one run as group_names.sql has it; a run of several jobs sums
-- their gpu_hours, energy_kwh, co2e_kg and cloud costs (NULL when a job has no price).
-- The score of a job: its row of the temp table `sens_scores` (the key is its job_id, or its
-- run with $key_is_run), else with $reduce 'last' the value job_text gives for $metric
-- (footprint/macros.sql: the tag, MLflow metric, param or tag of that name), with 'best' the
-- best value of the MLflow metric's history (tags metric_max.NAME / metric_min.NAME, by
-- $sign) or, for a value with no history (a CSV column, a param), that value. A run's score is
-- its jobs' best. Columns: sweep_key, run_name, ident, score (NULL: none, or not finite),
-- bad_text (a value that is not a number), no_history (an MLflow metric stored without its
-- history), gpu_hours, energy_kwh, co2e_kg, cloud_cost_usd_low, cloud_cost_usd_high.
CREATE OR REPLACE TEMP TABLE sens_runs AS
WITH picked AS (
    SELECT
        r.*,
        group_store(r.source, r.src_file, r.cluster) AS store,
        coalesce(r.project, '(none)') AS sweep_project,
        run_ident(r.source, r.job_id) AS ident,
        coalesce(r.run, r.job_id) AS run_name
    FROM {{rows}} r
    WHERE r.sweep IS NOT NULL
      AND ($project IS NULL OR r.project = $project)
      AND ($sweep_name IS NULL OR (
          r.source = $sweep_source
          AND group_store(r.source, r.src_file, r.cluster) = $sweep_store
          AND coalesce(r.project, '(none)') = $sweep_project
          AND r.sweep = $sweep_name))
),
valued AS (
    SELECT
        p.*,
        coalesce(g.group_key, p.sweep_project || '/' || p.sweep) AS sweep_key,
        coalesce(s.score_text, CASE
            WHEN $reduce = 'last' THEN job_text(j.tags, $metric)
            ELSE coalesce(
                j.tags[CASE WHEN $sign = 1 THEN 'metric_max.' ELSE 'metric_min.' END || $metric],
                CASE WHEN j.tags['metric.' || $metric] IS NULL
                    THEN job_text(j.tags, $metric) END)
        END) AS score_text,
        s.score_text IS NULL AND $reduce = 'best'
            AND lower(j.tags['metric.' || $metric]) <> 'nan'  -- a history of NaN has no best
            AND j.tags['metric_max.' || $metric] IS NULL AS no_history
    FROM picked p
    JOIN {{jobs}} j ON j.uid = p.uid
    LEFT JOIN group_names g
        ON g.source = p.source AND g.store = p.store AND g.project = p.sweep_project
        AND g.ident = '' AND g.name = p.sweep
    LEFT JOIN sens_scores s
        ON s.key = CASE WHEN $key_is_run THEN p.run_name ELSE p.job_id END
),
scored AS (
    SELECT
        *,
        CASE WHEN isfinite(try_cast(score_text AS DOUBLE))
            THEN try_cast(score_text AS DOUBLE) END AS score
    FROM valued
)
SELECT
    sweep_key,
    run_name,
    ident,
    $sign * max($sign * score) AS score,
    any_value(score_text) FILTER (WHERE try_cast(score_text AS DOUBLE) IS NULL) AS bad_text,
    bool_or(no_history) AS no_history,
    fsum(gpu_hours) AS gpu_hours,
    fsum(energy_kwh) AS energy_kwh,
    fsum(co2e_kg) AS co2e_kg,
    priced_sum(cloud_cost_usd_low, price_missing) AS cloud_cost_usd_low,
    priced_sum(cloud_cost_usd_high, price_missing) AS cloud_cost_usd_high
FROM scored
GROUP BY sweep_key, source, store, sweep_project, sweep, ident, run_name;

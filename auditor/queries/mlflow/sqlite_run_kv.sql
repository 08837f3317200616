-- SQLite, an MLflow tracking database: tags, params and the latest value of each metric that
-- is not a system metric (run id, 'tag'|'param'|'metric', key, value as text) of the runs of
-- the experiments in :ids (a JSON array of ids; NULL for all) and in :runs (run ids; NULL
-- for all). latest_metrics holds MLflow's own latest point: the highest step, then the
-- newest timestamp. Of those metrics also the smallest and largest value of the history
-- ('metric_min', 'metric_max'; NaN left out), the best a run reached (auditor sensitivity
-- --reduce best). A real is printed with 15 significant digits, as CAST(x AS TEXT) did
-- before SQLite 3.43 (it prints 17 since): the same text whichever SQLite reads the store;
-- any other value (NULL, an integer or text in a store MLflow did not write) is cast.
WITH chosen AS (
    SELECT run_uuid FROM runs
    WHERE (:ids IS NULL OR CAST(experiment_id AS TEXT) IN (SELECT value FROM json_each(:ids)))
      AND (:runs IS NULL OR run_uuid IN (SELECT value FROM json_each(:runs)))
),
extremes AS MATERIALIZED (
    -- one pass over the history for both
    SELECT run_uuid, key, min(value) AS low, max(value) AS high
    FROM metrics
    WHERE key NOT LIKE 'system/%' AND NOT is_nan AND run_uuid IN (SELECT run_uuid FROM chosen)
    GROUP BY run_uuid, key
)
SELECT run_uuid AS run_id, 'tag' AS kind, key, value
FROM tags WHERE run_uuid IN (SELECT run_uuid FROM chosen)
UNION ALL
SELECT run_uuid AS run_id, 'param' AS kind, key, value
FROM params WHERE run_uuid IN (SELECT run_uuid FROM chosen)
UNION ALL
SELECT run_uuid AS run_id, 'metric' AS kind, key,
    CASE WHEN is_nan THEN 'nan'
        WHEN typeof(value) = 'real' THEN printf('%!.15g', value)
        ELSE CAST(value AS TEXT) END AS value
FROM latest_metrics
WHERE key NOT LIKE 'system/%' AND run_uuid IN (SELECT run_uuid FROM chosen)
UNION ALL
SELECT run_uuid AS run_id, 'metric_min' AS kind, key,
    CASE WHEN typeof(low) = 'real' THEN printf('%!.15g', low) ELSE CAST(low AS TEXT) END
FROM extremes
UNION ALL
SELECT run_uuid AS run_id, 'metric_max' AS kind, key,
    CASE WHEN typeof(high) = 'real' THEN printf('%!.15g', high) ELSE CAST(high AS TEXT) END
FROM extremes;

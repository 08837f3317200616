-- Returns the MLflow metrics (tags metric.NAME of the jobs of {{jobs}}) that two runs or more
-- of a sweep of {{rows}} have (of $project when given): sweep_key (as summaries show it, from
-- the temp table `group_names`), metric, runs; sorted by sweep_key, metric. The report charts
-- them when no --metric is given. Only the jobs with a metric tag are joined: most have none,
-- and a join of every job's tags would cost more than the rest of this query.
WITH tagged AS (
    SELECT uid, tags
    FROM {{jobs}}
    WHERE len(list_filter(map_keys(tags), lambda k: starts_with(k, 'metric.'))) > 0
),
keyed AS (
    SELECT
        coalesce(g.group_key, coalesce(r.project, '(none)') || '/' || r.sweep) AS sweep_key,
        run_ident(r.source, r.job_id) AS ident,
        coalesce(r.run, r.job_id) AS run_name,
        j.tags
    FROM {{rows}} r
    JOIN tagged j ON j.uid = r.uid
    LEFT JOIN group_names g
        ON g.source = r.source
        AND g.store = group_store(r.source, r.src_file, r.cluster)
        AND g.project = coalesce(r.project, '(none)')
        AND g.ident = '' AND g.name = r.sweep
    WHERE r.sweep IS NOT NULL AND ($project IS NULL OR r.project = $project)
),
named AS (
    SELECT sweep_key, ident, run_name, unnest(map_keys(tags)) AS tag
    FROM keyed
)
SELECT sweep_key, substr(tag, length('metric.') + 1) AS metric,
    count(DISTINCT [ident, run_name]) AS runs
FROM named
WHERE starts_with(tag, 'metric.')
GROUP BY sweep_key, metric
HAVING count(DISTINCT [ident, run_name]) >= 2
ORDER BY sweep_key, metric;

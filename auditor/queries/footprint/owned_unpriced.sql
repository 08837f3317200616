-- Returns the jobs of {{rows}} (the temp view `footprint`, or a table of its rows already
-- priced) whose owned_cost_usd is blank because no server price is set, as
-- footprint/problems.sql's rows (each project's with $by_project): (project, kind
-- 'owned_unpriced', key: the missing key, server_usd for GPU jobs, cpu_server_usd for
-- CPU-only ones, detail, cluster, jobs, example_uid). Its own narrow pass, as
-- footprint/idle_unknown.sql's.
SELECT
    CASE WHEN $by_project THEN project END AS project,
    'owned_unpriced' AS kind,
    CASE WHEN gpus > 0 THEN 'server_usd' ELSE 'cpu_server_usd' END AS key,
    NULL AS detail, NULL AS cluster, count(*) AS jobs, min(uid) AS example_uid
FROM {{rows}}
WHERE owned_missing
GROUP BY ALL
ORDER BY project, key DESC;

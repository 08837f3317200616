-- Creates the temp table {{names}} (source, store, project, ident, name, group_key): the
-- sweeps ($by = 'sweep') or runs ($by = 'run') of the counted jobs whose key is not simply
-- `project/name`; no row for another $by.
-- A sweep is one of its store and project: an MLflow store is its URI (src_file; two
-- folders' mlflow.db share the short name that is their cluster), a Slurm or CSV store its
-- source and cluster. So two experiments' parent runs `lr-sweep`, or array job 7000 on two
-- clusters, are two sweeps. A run is one run: an MLflow run its run id (ident; two children
-- named `lr=0.1` are two runs), a Slurm job its cluster and JobID as printed (a requeued job
-- stays one run), a CSV row its job id; for the last two ident is '' and the name says it.
-- The key is `project/name`; only when several groups share it, '@' and what tells them
-- apart, chosen for all the groups of that name at once: the stores, by the first of
-- cluster, source:cluster, the store's last two path parts (`repoA/mlflow.db`), those and
-- `~` six hex digits of the URI's md5, that differs for each store (nothing for one store);
-- then, for runs one store holds several of, the first of their sweep, the first eight
-- characters of the run id, the run id, that differs for each run.
-- {{jobs}} is counted_jobs, or the jobs table when no MLflow run is linked to a Slurm job
-- (then the two hold the same rows). Every counted job counts (running ones too), so a key
-- does not change with a command's filters. Only the shared names are kept: they are few,
-- and a summary of a million groups joins them at no cost.
CREATE OR REPLACE TEMP TABLE {{names}} AS
WITH identified AS NOT MATERIALIZED (
    SELECT
        source,
        cluster,
        group_store(source, src_file, cluster) AS store,
        coalesce(project, '(none)') AS project,
        CASE $by WHEN 'sweep' THEN coalesce(sweep, '(none)') ELSE coalesce(run, job_id) END
            AS name,
        CASE WHEN $by = 'run' THEN run_ident(source, job_id) ELSE '' END AS ident,
        sweep
    FROM {{jobs}}
    WHERE $by IN ('sweep', 'run')
),
mixed AS (
    -- the projects of more than one store (or MLflow run): only there can two groups share
    -- a name; a grouping of few keys, where the next is one of a million names
    SELECT project
    FROM identified
    GROUP BY project
    HAVING min(hash(source, store, ident)) <> max(hash(source, store, ident))
),
shared AS (
    -- the smallest and largest hash of a group's identity differ: one cheap pass over the
    -- jobs, where a count of distinct tuples or min and max of strings take twice as long
    SELECT project, name
    FROM identified
    SEMI JOIN mixed USING (project)
    GROUP BY ALL
    HAVING min(hash(source, store, ident)) <> max(hash(source, store, ident))
),
groups AS (
    -- read again rather than kept: there are seldom any shared names, and then this pass
    -- stops at once
    SELECT
        n.source, n.store, n.project, n.name, n.ident,
        any_value(n.cluster) AS cluster,
        coalesce(min(n.sweep), '(none)') AS sweep
    FROM identified n
    SEMI JOIN shared s ON s.project = n.project AND s.name = n.name
    GROUP BY ALL
),
labelled AS (
    SELECT
        *,
        [
            cluster,
            source || ':' || cluster,
            CASE WHEN source = 'mlflow' THEN regexp_extract(store, '([^/]+/)?[^/]+$')
                ELSE source || ':' || cluster END,
            CASE WHEN source = 'mlflow'
                THEN regexp_extract(store, '([^/]+/)?[^/]+$') || '~' || left(md5(store), 6)
                ELSE source || ':' || cluster END
        ] AS wheres,
        [sweep, left(ident, 8), ident] AS withins
    FROM groups
),
counted AS (
    SELECT
        project, name,
        count(*) AS groups,
        count(DISTINCT {'source': source, 'store': store}) AS stores,
        count(DISTINCT wheres[1]) AS where_1,
        count(DISTINCT wheres[2]) AS where_2,
        count(DISTINCT wheres[3]) AS where_3,
        count(DISTINCT {'source': source, 'store': store, 'label': withins[1]}) AS within_1,
        count(DISTINCT {'source': source, 'store': store, 'label': withins[2]}) AS within_2
    FROM labelled
    GROUP BY ALL
),
levels AS (
    SELECT
        project, name,
        CASE
            WHEN stores = 1 THEN 0
            WHEN where_1 = stores THEN 1
            WHEN where_2 = stores THEN 2
            WHEN where_3 = stores THEN 3
            ELSE 4
        END AS where_level,
        CASE
            WHEN groups = stores THEN 0
            WHEN within_1 = groups THEN 1
            WHEN within_2 = groups THEN 2
            ELSE 3
        END AS within_level
    FROM counted
)
SELECT
    g.source, g.store, g.project, g.ident, g.name,
    g.project || '/' || g.name || '@' || concat_ws(
        '@',
        CASE WHEN l.where_level > 0 THEN nullif(g.wheres[l.where_level], '') END,
        CASE WHEN l.within_level > 0 THEN nullif(g.withins[l.within_level], '') END
    ) AS group_key
FROM labelled g
JOIN levels l ON l.project = g.project AND l.name = g.name;

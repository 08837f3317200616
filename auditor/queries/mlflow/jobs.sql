-- Returns one canonical job row (auditor.schema.JOB_SCHEMA) per MLflow run read, plus
-- is_parent (the run has children: its wall time overlaps theirs, so it is not emitted),
-- problem (why the run cannot be used, NULL when fine), origin (file to name in an error),
-- slurm_job (the Slurm job the run names) and gpus_unread (a GPU count that is no number).
-- Inputs: mlflow_runs, mlflow_experiments, mlflow_exp_tags, mlflow_run_kv, mlflow_gpu.
-- Params and tags named first in $gpus_keys / $gpu_model_keys / $slurm_*_keys win; a tag
-- wins over a param of the same name.
WITH RECURSIVE
kv AS (
    SELECT run_id, kind, key, nullif(trim(value), '') AS value,
        -- a metric has no rank: arg_min skips it, so a metric never names GPUs or a job
        CASE kind WHEN 'tag' THEN 0 WHEN 'param' THEN 1 END AS kind_rank
    FROM mlflow_run_kv
),
picked AS (
    SELECT
        run_id,
        arg_min(value, list_position($gpus_keys, key) * 2 + kind_rank)
            FILTER (WHERE list_contains($gpus_keys, key) AND value IS NOT NULL) AS gpus_text,
        arg_min(kind || '.' || key, list_position($gpus_keys, key) * 2 + kind_rank)
            FILTER (WHERE list_contains($gpus_keys, key) AND value IS NOT NULL) AS gpus_field,
        arg_min(value, list_position($gpu_model_keys, key) * 2 + kind_rank)
            FILTER (WHERE list_contains($gpu_model_keys, key) AND value IS NOT NULL) AS gpu_text,
        arg_min(value, list_position($slurm_job_keys, key) * 2 + kind_rank)
            FILTER (WHERE list_contains($slurm_job_keys, key) AND value IS NOT NULL) AS slurm_job,
        arg_min(value, list_position($slurm_cluster_keys, key) * 2 + kind_rank)
            FILTER (WHERE list_contains($slurm_cluster_keys, key) AND value IS NOT NULL)
            AS slurm_cluster,
        any_value(value) FILTER (WHERE kind = 'tag' AND key = $project_tag) AS project_tag,
        any_value(value) FILTER (WHERE kind = 'tag' AND key = 'mlflow.parentRunId') AS parent_id,
        any_value(value) FILTER (WHERE kind = 'tag' AND key = 'mlflow.runName') AS tag_name,
        any_value(value) FILTER (WHERE kind = 'tag' AND key = 'mlflow.user') AS tag_user,
        map_from_entries(list({'k': kind || '.' || key, 'v': coalesce(value, '')}
            ORDER BY kind, key)) AS kv_tags
    FROM kv
    GROUP BY run_id
),
parents AS (
    SELECT run_id, parent_id FROM picked WHERE parent_id IS NOT NULL AND parent_id <> run_id
),
chain AS (
    SELECT run_id, run_id AS ancestor, 0 AS depth FROM mlflow_runs
    UNION ALL
    SELECT c.run_id, p.parent_id, c.depth + 1
    FROM chain c
    JOIN parents p ON p.run_id = c.ancestor
    WHERE c.depth < 64  -- a cycle in broken data stops here
),
roots AS (
    SELECT run_id, arg_max(ancestor, depth) AS root_id FROM chain GROUP BY run_id
),
exp_project AS (
    SELECT experiment_id, any_value(nullif(trim(value), '')) AS project
    FROM mlflow_exp_tags
    WHERE key = $project_tag
    GROUP BY experiment_id
),
named AS (
    SELECT r.run_id, coalesce(nullif(r.run_name, ''), p.tag_name) AS run_name
    FROM mlflow_runs r
    LEFT JOIN picked p USING (run_id)
),
base AS (
    SELECT
        r.*,
        p.* EXCLUDE (run_id),
        n.run_name AS name_resolved,
        CASE upper(r.status)
            WHEN '1' THEN 'RUNNING' WHEN 'RUNNING' THEN 'RUNNING'
            WHEN '2' THEN 'SCHEDULED' WHEN 'SCHEDULED' THEN 'SCHEDULED'
            WHEN '3' THEN 'FINISHED' WHEN 'FINISHED' THEN 'FINISHED'
            WHEN '4' THEN 'FAILED' WHEN 'FAILED' THEN 'FAILED'
            WHEN '5' THEN 'KILLED' WHEN 'KILLED' THEN 'KILLED'
        END AS status_name,
        e.name AS experiment_name,
        ep.project AS exp_project,
        ro.root_id,
        coalesce(rn.run_name, ro.root_id) AS root_name,
        r.run_id IN (SELECT parent_id FROM parents) AS is_parent,
        g.gpus_seen, g.energy_j, g.power_w, g.covered_s, g.gpu_util, g.gpu_mem_gb,
        g.mem_aligned,
        CASE
            WHEN regexp_full_match(p.gpus_text, '\d+(\.\d+)?') THEN CAST(p.gpus_text AS DOUBLE)
            WHEN regexp_full_match(p.gpus_text, '\[?\s*\d+(\s*,\s*\d+)*\s*,?\s*\]?')
                THEN CAST(len(regexp_extract_all(p.gpus_text, '\d+')) AS DOUBLE)
        END AS gpus_declared
    FROM mlflow_runs r
    LEFT JOIN picked p USING (run_id)
    LEFT JOIN named n USING (run_id)
    LEFT JOIN mlflow_experiments e USING (experiment_id)
    LEFT JOIN exp_project ep USING (experiment_id)
    LEFT JOIN roots ro USING (run_id)
    LEFT JOIN named rn ON rn.run_id = ro.root_id
    LEFT JOIN mlflow_gpu g USING (run_id)
),
shaped AS (
    SELECT
        *,
        status_name IN ('RUNNING', 'SCHEDULED') AS is_running,
        CASE WHEN status_name IN ('RUNNING', 'SCHEDULED') THEN NULL ELSE end_ms END AS end_kept,
        CASE
            WHEN gpus_declared IS NOT NULL THEN gpus_declared
            ELSE CAST(gpus_seen AS DOUBLE)
        END AS gpus_resolved,
        CASE
            WHEN gpus_declared IS NOT NULL THEN gpus_field
            WHEN gpus_seen IS NOT NULL THEN 'system metrics'
        END AS gpus_from
    FROM base
)
SELECT
    'mlflow:' || run_id AS uid,
    'mlflow' AS source,
    $store_name AS cluster,
    run_id AS job_id,
    coalesce(name_resolved, run_id) AS run,
    name_resolved AS name,
    coalesce(tag_user, nullif(user_id, '')) AS user_name,
    NULL AS account,
    NULL AS partition,
    coalesce(project_tag, exp_project, nullif(experiment_name, ''), experiment_id) AS project,
    root_name AS sweep,
    CASE status_name WHEN 'FINISHED' THEN 'COMPLETED' WHEN 'SCHEDULED' THEN 'PENDING'
        ELSE status_name END AS state,
    CAST(NULL AS TIMESTAMP) AS submit_ts,
    epoch_ms(start_ms) AS start_ts,
    epoch_ms(end_kept) AS end_ts,
    CASE WHEN start_ms IS NULL THEN 0.0 ELSE greatest(
        0, coalesce(end_kept, CASE WHEN is_running THEN last_metric_ms END, start_ms) - start_ms
    ) / 1000.0 END AS elapsed_s,
    is_running AS running,
    gpus_resolved AS gpus,
    gpu_key(gpu_text) AS gpu_model,
    CAST(NULL AS DOUBLE) AS cpus,
    CAST(NULL AS DOUBLE) AS mem_gb,
    CAST(NULL AS DOUBLE) AS mem_req_gb,
    CAST(NULL AS BIGINT) AS nodes,
    energy_j,
    power_w,
    CAST(NULL AS DOUBLE) AS cpu_util,
    gpu_util,
    CAST(NULL AS DOUBLE) AS max_rss_gb,
    CAST(NULL AS DOUBLE) AS gpu_util_peak,
    gpu_mem_gb,
    CASE WHEN gpu_util IS NOT NULL THEN 'mlflow system metrics' END AS gpu_util_from,
    CAST(NULL AS VARCHAR) AS gpu_peak_from,
    CASE
        WHEN gpu_mem_gb IS NULL THEN NULL
        WHEN mem_aligned THEN 'mlflow system metrics'
        ELSE 'mlflow system metrics, sum of per-GPU peaks'
    END AS gpu_mem_from,
    CAST(NULL AS VARCHAR) AS grid,
    map_concat(
        map_from_entries(list_filter([
            {'k': 'experiment_id', 'v': experiment_id},
            {'k': 'lifecycle_stage', 'v': lifecycle_stage},
            {'k': 'mlflow_status', 'v': status_name},
            {'k': 'parent_run_id', 'v': parent_id},
            {'k': 'sweep_run_id', 'v': root_id},
            {'k': 'gpus_from', 'v': gpus_from},
            {'k': 'gpu_model_raw', 'v': gpu_text},
            {'k': 'energy_scope', 'v': CASE WHEN energy_j IS NOT NULL THEN 'gpu' END},
            {'k': 'energy_covered_s', 'v': CAST(round(covered_s, 3) AS VARCHAR)},
            {'k': 'slurm_job_id', 'v': slurm_job},
            {'k': 'slurm_cluster', 'v': slurm_cluster}
        ], lambda x: x.v IS NOT NULL)),
        coalesce(kv_tags, MAP {})
    ) AS tags,
    $store_uri AS src_file,
    CAST(NULL AS BIGINT) AS src_line,
    is_parent,
    CASE
        WHEN status_name IS NULL THEN 'status ''' || coalesce(status, '') || ''' is not known'
        WHEN end_kept < start_ms THEN 'end_time is before start_time'
    END AS problem,
    origin,
    slurm_job,
    CASE WHEN gpus_text IS NOT NULL AND gpus_declared IS NULL THEN gpus_text END AS gpus_unread
FROM shaped
ORDER BY project, sweep, start_ms NULLS LAST, run_id;

-- Returns canonical job rows (auditor.schema.JOB_SCHEMA columns) from `slurm_checked`
-- (see slurm_checked.sql), leaving out rows with a problem. One row per allocation (job,
-- array task, het component); steps only add utilisation (MaxRSS, TotalCPU) and energy
-- where the allocation row has none, from `slurm_step_stats`; GPU models come from
-- `slurm_gpu_keys`; `slurm_bad_allocs` holds the row_key of each allocation with a problem.
WITH allocs AS (
    SELECT
        *,
        regexp_extract(coalesce(jobid, ''), '^(\d+)', 1) AS base_id,
        nullif(regexp_extract(coalesce(jobid, ''), '^\d+_(\d+|\[[^\]]*\])', 1), '') AS array_task,
        contains(coalesce(jobid, ''), '_[') AS array_pending,
        nullif(regexp_extract(coalesce(jobid, ''), '^\d+(?:_\d+)?\+(\d+)', 1), '') AS het_offset,
        upper(split_part(trim(coalesce(state, '')), ' ', 1)) AS state_word,
        -- a dump without a Start column shows a start by a positive elapsed time
        (start_ts IS NOT NULL OR ("start" IS NULL AND coalesce(elapsed_in, 0) > 0))
            AND NOT array_pending AND coalesce(nodelist, '') <> 'None assigned' AS started
    FROM slurm_checked
    -- the first pass found the bad rows: problem is not computed again
    ANTI JOIN slurm_bad_allocs USING (row_key)
    WHERE NOT is_step
),
canonical AS (
    SELECT
        'slurm:' || cluster_name || ':' || raw_id || ':'
            || coalesce(CAST(epoch(submit_ts)::BIGINT AS VARCHAR), '0') AS uid,
        'slurm' AS source,
        cluster_name AS cluster,
        raw_id AS job_id,
        jobid AS run,
        nullif(jobname, '') AS name,
        nullif(trim("user"), '') AS user_name,
        nullif(trim(account), '') AS account,
        nullif(trim(partition), '') AS partition,
        coalesce(nullif(trim(account), ''), '(none)') AS project,
        base_id AS sweep,
        nullif(state_word, '') AS state,
        submit_ts,
        start_ts,
        end_ts,
        CASE WHEN started THEN coalesce(elapsed_in, epoch(end_ts) - epoch(start_ts), 0) ELSE 0 END
            AS elapsed_s,
        -- End=Unknown alone is not enough: sacct shows it for some ended (CANCELLED) jobs too
        started AND (state_word IN ('RUNNING', 'SUSPENDED', 'COMPLETING', 'CONFIGURING', 'RESIZING')
                     OR (state_word = '' AND "end" IS NOT NULL AND end_ts IS NULL)) AS running,
        gpus_in AS gpus,
        g.gpu_model,
        cpus_in AS cpus,
        coalesce(
            sacct_bytes(tres_value(tres, 'mem'), 'M'),
            CASE
                WHEN regexp_full_match(trim(coalesce(reqmem, '')), '0+[KMGTP]?[cn]?') THEN NULL
                WHEN ends_with(trim(reqmem), 'c') THEN sacct_bytes(reqmem, 'M') * cpus_in
                WHEN ends_with(trim(reqmem), 'n') THEN sacct_bytes(reqmem, 'M') * coalesce(nodes_in, 1)
                ELSE sacct_bytes(reqmem, 'M')
            END
        ) / pow(1024, 3) AS mem_gb,
        CASE WHEN started THEN nodes_in ELSE 0 END AS nodes,
        coalesce(nullif(energy_in, 0), st.steps_energy_j) AS energy_j,
        CAST(NULL AS DOUBLE) AS power_w,
        CASE
            WHEN started AND elapsed_s > 0 AND cpus_in > 0
            THEN coalesce(nullif(total_cpu_s, 0), st.steps_cpu_s) / (elapsed_s * cpus_in)
        END AS cpu_util,
        CAST(NULL AS DOUBLE) AS gpu_util,
        st.steps_max_rss_bytes / pow(1024, 3) AS max_rss_gb,
        CAST(NULL AS VARCHAR) AS grid,
        map_from_entries(list_filter([
            {'k': 'group', 'v': nullif(trim("group"), '')},
            {'k': 'qos', 'v': nullif(trim(qos), '')},
            {'k': 'wckey', 'v': nullif(ltrim(trim(wckey), '*'), '')},
            {'k': 'exit_code', 'v': nullif(trim(exitcode), '')},
            {'k': 'cancelled_by', 'v': nullif(regexp_extract(coalesce(state, ''), ' by (\d+)', 1), '')},
            {'k': 'node_list', 'v': nullif(trim(nodelist), '')},
            {'k': 'comment', 'v': nullif(comment, '')},
            {'k': 'alloc_tres', 'v': tres},
            {'k': 'req_tres', 'v': nullif(trim(reqtres), '')},
            {'k': 'gpu_model_raw', 'v': a.gpu_type},
            {'k': 'array_job', 'v': CASE WHEN array_task IS NOT NULL THEN base_id END},
            {'k': 'array_task', 'v': array_task},
            {'k': 'het_offset', 'v': het_offset},
            {'k': 'never_started', 'v': CASE WHEN NOT started THEN 'true' END}
        ], lambda e: e.v IS NOT NULL)) AS tags,
        file AS src_file,
        line AS src_line
    FROM allocs a
    LEFT JOIN slurm_step_stats st ON st.uid_key = a.row_key
    LEFT JOIN slurm_gpu_keys g ON g.gpu_type IS NOT DISTINCT FROM a.gpu_type
)
SELECT * FROM canonical

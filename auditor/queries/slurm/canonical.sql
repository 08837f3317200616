-- Creates the temp view `slurm_jobs`: canonical job rows (auditor.schema.JOB_SCHEMA columns), one per allocation (job,
-- array task, het component) of `slurm_alloc_facts`, which holds the allocations without a
-- problem with their values parsed by the first pass (slurm/checked.sql), their steps'
-- figures (steps only add utilisation, MaxRSS and TotalCPU, and energy where the allocation
-- row has none) and their GPU model, and their GPU use where they have any
-- (`slurm_gpu_facts`). Their raw text fields come from `sacct_alloc_rows`:
-- the stored rows (JSON dumps, many text dumps) and the text dumps' kept lines
-- (slurm/alloc_lines.sql), split again.
CREATE OR REPLACE TEMP VIEW slurm_jobs AS
WITH allocs AS (
    SELECT
        f.*,
        g.gpu_util, g.gpu_util_peak, g.gpu_mem_gb, g.gpu_util_from, g.gpu_peak_from,
        g.gpu_mem_from,
        r.file,
        r.jobid, r."user", r.account, r."group", r.partition, r.qos, r.wckey, r.state,
        r.exitcode, r."start", r."end", r.reqmem, r.reqtres, r.nodelist, r.jobname, r.comment,
        nullif(trim(r.alloctres), '') AS tres,
        regexp_extract(coalesce(r.jobid, ''), '^(\d+)', 1) AS base_id,
        nullif(regexp_extract(coalesce(r.jobid, ''), '^\d+_(\d+|\[[^\]]*\])', 1), '') AS array_task,
        contains(coalesce(r.jobid, ''), '_[') AS array_pending,
        nullif(regexp_extract(coalesce(r.jobid, ''), '^\d+(?:_\d+)?\+(\d+)', 1), '') AS het_offset,
        upper(split_part(trim(coalesce(r.state, '')), ' ', 1)) AS state_word,
        -- the sizes sacct_size reads, as columns: a macro pastes its argument's expression
        -- at each of its four uses (sacct_bytes is sacct_size of the value without c or n)
        rtrim(r.reqmem, 'cn') AS reqmem_size,
        rtrim(tres_value(nullif(trim(r.alloctres), ''), 'mem'), 'cn') AS tres_mem_size,
        rtrim(tres_value(nullif(trim(r.reqtres), ''), 'mem'), 'cn') AS reqtres_mem_size,
        -- a dump without a Start column shows a start by a positive elapsed time
        (f.start_ts IS NOT NULL OR (r."start" IS NULL AND coalesce(f.elapsed_in, 0) > 0))
            AND NOT array_pending AND coalesce(r.nodelist, '') <> 'None assigned' AS started
    FROM sacct_alloc_rows r
    JOIN slurm_alloc_facts f ON f.file_order = r.file_order AND f.line = r.line
    LEFT JOIN slurm_gpu_facts g ON g.file_order = f.file_order AND g.line = f.line
    -- a JSON job's steps share its line
    WHERE NOT contains(coalesce(r.jobid, ''), '.')
),
sized AS (
    SELECT
        *,
        -- ReqMem, per CPU (c) or per node (n) multiplied out; 0 means none asked
        CASE
            WHEN regexp_full_match(trim(coalesce(reqmem, '')), '0+[KMGTP]?[cn]?') THEN NULL
            WHEN ends_with(trim(reqmem), 'c') THEN sacct_size(reqmem_size, 'M') * cpus_in
            WHEN ends_with(trim(reqmem), 'n')
                THEN sacct_size(reqmem_size, 'M') * coalesce(nodes_in, 1)
            ELSE sacct_size(reqmem_size, 'M')
        END AS reqmem_bytes
    FROM allocs
),
canonical AS (
    SELECT
        -- one concat, not a chain of ||, which makes a string at each step (neither part
        -- is NULL: a row without an id has a problem)
        concat('slurm:', cluster_name, ':', raw_id, ':',
               coalesce(CAST(epoch(submit_ts)::BIGINT AS VARCHAR), '0')) AS uid,
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
        gpu_model,
        cpus_in AS cpus,
        coalesce(sacct_size(tres_mem_size, 'M'), reqmem_bytes) / pow(1024, 3) AS mem_gb,
        coalesce(reqmem_bytes, sacct_size(reqtres_mem_size, 'M')) / pow(1024, 3) AS mem_req_gb,
        CASE WHEN started THEN nodes_in ELSE 0 END AS nodes,
        coalesce(nullif(energy_in, 0), steps_energy_j) AS energy_j,
        CAST(NULL AS DOUBLE) AS power_w,
        CASE
            WHEN started AND elapsed_s > 0 AND cpus_in > 0
            THEN coalesce(nullif(total_cpu_s, 0), steps_cpu_s) / (elapsed_s * cpus_in)
        END AS cpu_util,
        gpu_util,
        steps_max_rss_bytes / pow(1024, 3) AS max_rss_gb,
        gpu_util_peak,
        gpu_mem_gb,
        gpu_util_from,
        gpu_peak_from,
        gpu_mem_from,
        CAST(NULL AS VARCHAR) AS grid,
        map_from_entries(list_filter([
            {'k': 'group', 'v': nullif(trim("group"), '')},
            {'k': 'qos', 'v': nullif(trim(qos), '')},
            {'k': 'wckey', 'v': nullif(ltrim(trim(wckey), '*'), '')},
            {'k': 'exit_code', 'v': nullif(trim(exitcode), '')},
            {'k': 'cancelled_by', 'v': CASE WHEN contains(state, ' by ')
                THEN nullif(regexp_extract(state, ' by (\d+)', 1), '') END},
            {'k': 'node_list', 'v': nullif(trim(nodelist), '')},
            {'k': 'comment', 'v': nullif(comment, '')},
            {'k': 'alloc_tres', 'v': tres},
            {'k': 'req_tres', 'v': nullif(trim(reqtres), '')},
            {'k': 'gpu_model_raw', 'v': gpu_type},
            {'k': 'array_job', 'v': CASE WHEN array_task IS NOT NULL THEN base_id END},
            {'k': 'array_task', 'v': array_task},
            {'k': 'het_offset', 'v': het_offset},
            {'k': 'never_started', 'v': CASE WHEN NOT started THEN 'true' END}
        ], lambda e: e.v IS NOT NULL)) AS tags,
        file AS src_file,
        line AS src_line
    FROM sized
)
SELECT * FROM canonical

-- Stores in `sacct_stored_rows` the jobs and steps of one `sacct --json` file (Slurm 21.08 to 25.x) as rows of
-- sacct field strings, the shape text dumps have: JobID '123_4', '123+1', '123.batch';
-- times as epoch seconds; TRES as "cpu=8,mem=64000M,gres/gpu:a100=2". Parameters: $path,
-- $file (name for reports), $file_order.
INSERT INTO sacct_stored_rows BY NAME
WITH doc AS (
    SELECT CAST(content AS JSON) AS d FROM read_text($path)
),
job_list AS (
    SELECT
        unnest(CAST(d -> '$.jobs' AS JSON[])) AS j,
        unnest(range(0, CAST(json_array_length(d, '$.jobs') AS BIGINT))) AS idx
    FROM doc
),
jobs AS (
    SELECT
        idx,
        j,
        CASE
            WHEN coalesce(try_cast(jnum(j -> '$.array.job_id') AS BIGINT), 0) > 0 THEN
                jnum(j -> '$.array.job_id') || '_' || coalesce(
                    jnum(j -> '$.array.task_id'),
                    '[' || coalesce(j ->> '$.array.task', '') || ']')
            WHEN coalesce(try_cast(jnum(j -> '$.het.job_id') AS BIGINT), 0) > 0
                 AND jnum(j -> '$.het.job_offset') IS NOT NULL THEN
                jnum(j -> '$.het.job_id') || '+' || jnum(j -> '$.het.job_offset')
            ELSE jnum(j -> '$.job_id')
        END AS jobid,
        jnum(j -> '$.job_id') AS jobidraw
    FROM job_list
),
tres_text AS (
    -- TRES lists as sacct prints them; mem counts are MB, energy -2 means not measured
    SELECT
        idx,
        array_to_string(list_transform(
            list_filter(jlist(j -> '$.tres.allocated'),
                lambda t: jnum(t -> '$.count') IS NOT NULL AND jnum(t -> '$.count') <> '-2'),
            lambda t: (t ->> '$.type') || coalesce('/' || nullif(t ->> '$.name', ''), '') || '='
                || jnum(t -> '$.count') || CASE WHEN t ->> '$.type' = 'mem' THEN 'M' ELSE '' END),
            ',') AS alloctres,
        array_to_string(list_transform(
            list_filter(jlist(j -> '$.tres.requested'),
                lambda t: jnum(t -> '$.count') IS NOT NULL AND jnum(t -> '$.count') <> '-2'),
            lambda t: (t ->> '$.type') || coalesce('/' || nullif(t ->> '$.name', ''), '') || '='
                || jnum(t -> '$.count') || CASE WHEN t ->> '$.type' = 'mem' THEN 'M' ELSE '' END),
            ',') AS reqtres
    FROM jobs
),
job_rows AS (
    SELECT
        jobs.idx,
        jobs.jobid,
        jobs.jobidraw,
        j ->> '$.cluster' AS "cluster",
        j ->> '$.user' AS "user",
        j ->> '$.account' AS account,
        j ->> '$.group' AS "group",
        j ->> '$.partition' AS partition,
        j ->> '$.qos' AS qos,
        CASE WHEN json_type(j -> '$.wckey') = 'OBJECT' THEN j ->> '$.wckey.wckey'
             ELSE j ->> '$.wckey' END AS wckey,
        CASE WHEN json_type(j -> '$.state.current') = 'ARRAY' THEN j ->> '$.state.current[0]'
             ELSE j ->> '$.state.current' END AS state,
        coalesce(jnum(j -> '$.exit_code.return_code'), '') || ':'
            || coalesce(jnum(j -> '$.exit_code.signal.id'), jnum(j -> '$.exit_code.signal.signal_id'), '0')
            AS exitcode,
        jnum(j -> '$.time.submission') AS "submit",
        jnum(j -> '$.time.start') AS "start",
        jnum(j -> '$.time.end') AS "end",
        jnum(j -> '$.time.elapsed') AS elapsedraw,
        coalesce(jnum(j -> '$.allocation_nodes'), tres_value(t.alloctres, 'node')) AS nnodes,
        coalesce(tres_value(t.alloctres, 'cpu'), jnum(j -> '$.required.CPUs')) AS ncpus,
        t.alloctres,
        t.reqtres,
        CAST(coalesce(try_cast(jnum(j -> '$.time.total.seconds') AS DOUBLE), 0)
             + coalesce(try_cast(jnum(j -> '$.time.total.microseconds') AS DOUBLE), 0) / 1e6
             AS VARCHAR) AS totalcpu,
        tres_value(t.alloctres, 'energy') AS consumedenergyraw,
        j ->> '$.nodes' AS nodelist,
        j ->> '$.name' AS jobname,
        j ->> '$.comment.job' AS comment,
        j ->> '$.comment.administrator' AS admincomment,
        'jobs[' || jobs.idx || ']' AS loc
    FROM jobs JOIN tres_text t USING (idx)
),
step_list AS (
    SELECT
        jobs.idx,
        jobs.jobid,
        jobs.jobidraw,
        j ->> '$.cluster' AS "cluster",
        j ->> '$.account' AS account,
        unnest(coalesce(jlist(j -> '$.steps'), [])) AS s,
        unnest(range(0, len(coalesce(jlist(j -> '$.steps'), [])))) AS sidx
    FROM jobs
),
step_rows AS (
    SELECT
        idx,
        -- step.id is "batch" (22.05), "123.batch" (23.02+) or a number
        regexp_replace(coalesce(s ->> '$.step.id', s ->> '$.step.name', ''), '^[^.]*\.', '') AS step_name,
        jobid || '.' || step_name AS jobid,
        jobidraw || '.' || step_name AS jobidraw,
        "cluster",
        account,
        CASE WHEN json_type(s -> '$.state') = 'ARRAY' THEN s ->> '$.state[0]'
             ELSE s ->> '$.state' END AS state,
        jnum(s -> '$.time.start') AS "start",
        jnum(s -> '$.time.end') AS "end",
        jnum(s -> '$.time.elapsed') AS elapsedraw,
        CAST(coalesce(try_cast(jnum(s -> '$.time.total.seconds') AS DOUBLE), 0)
             + coalesce(try_cast(jnum(s -> '$.time.total.microseconds') AS DOUBLE), 0) / 1e6
             AS VARCHAR) AS totalcpu,
        -- bytes in JSON; sacct text prints KiB
        CAST(list_filter(jlist(s -> '$.tres.requested.max'),
                lambda t: t ->> '$.type' = 'mem')[1] ->> '$.count' AS DOUBLE) / 1024 || 'K'
            AS maxrss,
        CASE WHEN try_cast(jnum(s -> '$.statistics.energy.consumed') AS DOUBLE) BETWEEN 0 AND 1e15
             THEN jnum(s -> '$.statistics.energy.consumed') END AS consumedenergyraw,
        -- TRESUsageInMax and InTot as text prints them, their GRES only (gpuutil, gpumem in
        -- bytes): all auditor reads of them
        json_gres_text(s -> '$.tres.requested.max') AS tresusageinmax,
        json_gres_text(s -> '$.tres.requested.total') AS tresusageintot,
        'jobs[' || idx || '].steps[' || sidx || ']' AS loc
    FROM step_list
)
SELECT
    $file AS file, $file_order AS file_order, idx + 1 AS line, loc,
    CAST(NULL AS VARCHAR) AS shape_problem,
    jobid, jobidraw, "cluster", "user", account, "group", partition, qos, wckey, state,
    exitcode, "submit", "start", "end", NULL AS elapsed, elapsedraw, nnodes, ncpus,
    NULL AS reqmem, reqtres, alloctres, NULL AS allocgres, totalcpu, NULL AS maxrss,
    consumedenergyraw, nodelist, jobname, comment, admincomment
FROM job_rows
UNION ALL BY NAME
SELECT
    $file AS file, $file_order AS file_order, idx + 1 AS line, loc,
    CAST(NULL AS VARCHAR) AS shape_problem,
    jobid, jobidraw, "cluster", account, state, "start", "end", elapsedraw, totalcpu, maxrss,
    consumedenergyraw, tresusageinmax, tresusageintot
FROM step_rows

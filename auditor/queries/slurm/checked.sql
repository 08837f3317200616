-- Creates the temp view `slurm_checked`: every row of `sacct_rows` (the sacct fields of text and JSON dumps, as strings)
-- with its values parsed and `problem` set to the first thing wrong with it, or NULL; of the
-- raw fields, only those slurm/canonical.sql reads. The importer makes it a view, read twice:
-- whole by slurm/row_keys.sql, then for its allocations by slurm/canonical.sql.
-- Parameters (put in as literals): $tz (zone of local times without offset), $cluster (name
-- when none is given), $usage and $admin (1 when a dump has TRESUsageIn*, AdminComment).
-- Steps only feed utilisation, so of their TRES only the GPU use is read.
-- What later columns use more than once is a column of `fields` first: an alias used in
-- its own SELECT list is pasted in at each use, and then computed each time.
CREATE OR REPLACE TEMP VIEW slurm_checked AS
WITH fields AS (
    SELECT
        *,
        contains(coalesce(jobid, ''), '.') AS is_step,
        CASE WHEN NOT is_step THEN nullif(trim(alloctres), '') END AS tres,
        -- counts only allocations: a step's are NULL
        CASE WHEN NOT is_step THEN ncpus END AS alloc_ncpus,
        CASE WHEN NOT is_step THEN nnodes END AS alloc_nnodes
    FROM sacct_rows
),
tres_parsed AS (
    -- tres is NULL on steps. The TRES macros hold lambdas, which cost two to three times
    -- as much inside a CASE as on their own: they are columns here, then chosen from
    SELECT *, tres_gpus(tres) AS tres_gpu_count, tres_gpu_type(tres) AS tres_gpu_model
    FROM fields
),
parsed AS (
    SELECT
        *,
        regexp_full_match(coalesce(jobid, ''),
            '\d+(_\d+|_\[[^\]]*\])?(\+\d+)?(\.(batch|extern|interactive|TBD|\d+)(\+\d+)?)?')
            AS id_ok,
        coalesce(nullif(trim(jobidraw), ''), jobid) AS raw_id,
        coalesce(nullif(trim("cluster"), ''), $cluster) AS cluster_name,
        sacct_ts("submit", $tz) AS submit_ts,
        sacct_ts("start", $tz) AS start_ts,
        CASE WHEN is_step THEN NULL ELSE sacct_ts("end", $tz) END AS end_ts,
        CASE
            WHEN NOT sacct_missing(elapsedraw) THEN try_cast(trim(elapsedraw) AS DOUBLE)
            ELSE sacct_dur(elapsed)
        END AS elapsed_in,
        -- TotalCPU, else a step's TRESUsageInTot cpu (the same CPU time); memory used, the
        -- larger of MaxRSS (the largest task's peak) and TRESUsageInTot mem (the sum of the
        -- tasks' peaks), both KiB when bare
        coalesce(sacct_dur(totalcpu),
            CASE WHEN $usage = 1 THEN sacct_dur(tres_value(tresusageintot, 'cpu')) END)
            AS total_cpu_s,
        CASE WHEN is_step THEN greatest(sacct_size(maxrss, 'K'),
            CASE WHEN $usage = 1 THEN sacct_size(tres_value(tresusageintot, 'mem'), 'K') END)
        END AS max_rss_bytes,
        try_cast(nullif(trim(consumedenergyraw), '') AS DOUBLE) AS energy_in,
        CASE WHEN NOT is_step THEN coalesce(tres_gpu_count, gres_gpus(allocgres), 0) END
            AS gpus_in,
        CASE WHEN NOT is_step THEN coalesce(tres_gpu_model, gres_gpu_type(allocgres)) END
            AS gpu_type,
        try_cast(nullif(trim(alloc_ncpus), '') AS DOUBLE) AS cpus_in,
        try_cast(nullif(trim(alloc_nnodes), '') AS BIGINT) AS nodes_in,
        -- a step's GPU use (an allocation's TRESUsage fields are empty), when some dump has
        -- the fields ($usage = 1). The test is on a literal: a CASE on a column would make
        -- DuckDB compute a macro's argument at each of its uses
        CASE WHEN $usage = 1 THEN sacct_gpu_util(tres_value(tresusageintot, 'gres/gpuutil')) END
            AS gpu_util_tot,
        CASE WHEN $usage = 1 THEN sacct_gpu_util(tres_value(tresusageinmax, 'gres/gpuutil')) END
            AS gpu_util_max,
        CASE WHEN $usage = 1 THEN sacct_gpu_mem(tres_value(tresusageintot, 'gres/gpumem')) END
            AS gpu_mem_tot,
        CASE WHEN $usage = 1 THEN sacct_gpu_mem(tres_value(tresusageinmax, 'gres/gpumem')) END
            AS gpu_mem_max,
        -- a Princeton jobstats summary; 'JS1:Short' and 'JS1:None' say there is none
        CASE WHEN $admin = 1 AND NOT is_step AND starts_with(admincomment, 'JS1:')
                  AND trim(admincomment) NOT IN ('JS1:Short', 'JS1:None')
             THEN trim(admincomment) END AS jobstats,
        file_order::BIGINT * 1099511627776 + line AS row_key
    FROM tres_parsed
)
SELECT
    file, file_order, line, loc, is_step, raw_id, cluster_name, row_key,
    submit_ts, start_ts, end_ts, elapsed_in, total_cpu_s, max_rss_bytes, energy_in,
    gpus_in, gpu_type, cpus_in, nodes_in, tres, jobstats,
    gpu_util_tot, gpu_util_max, gpu_mem_tot, gpu_mem_max,
    -- the raw fields canonical rows keep (it reads those of allocations only)
    jobid, "user", account, "group", partition, qos, wckey, state, exitcode,
    "start", "end", reqmem, reqtres, allocgres, nodelist, jobname, comment,
    CASE
        -- the common case first, as one cheap conjunction; the messages only for the rest
        WHEN shape_problem IS NULL AND id_ok
             AND (submit_ts IS NOT NULL OR "submit" IS NULL)
             AND (start_ts IS NOT NULL OR "start" IS NULL OR "start" = 'Unknown')
             AND elapsed_in >= 0 AND isfinite(elapsed_in)
             AND (is_step OR (
                 (end_ts IS NOT NULL OR "end" IS NULL OR "end" = 'Unknown')
                 AND gpus_in >= 0 AND NOT isnan(gpus_in)  -- NaN sorts above every number
                 AND (cpus_in >= 0 OR ncpus IS NULL)
                 AND (nodes_in >= 0 OR nnodes IS NULL)
                 AND (end_ts >= start_ts OR end_ts IS NULL OR start_ts IS NULL)))
            THEN NULL
        WHEN shape_problem IS NOT NULL THEN shape_problem
        WHEN NOT id_ok THEN 'JobID ''' || coalesce(jobid, '') || ''' is not a Slurm job id'
        WHEN sacct_ts_bad("submit", submit_ts) THEN 'Submit ''' || "submit" || ''' is not a time'
        WHEN sacct_ts_bad("start", start_ts) THEN 'Start ''' || "start" || ''' is not a time'
        WHEN NOT sacct_missing(elapsedraw) AND (elapsed_in IS NULL OR NOT isfinite(elapsed_in) OR elapsed_in < 0)
            THEN 'ElapsedRaw ''' || elapsedraw || ''' is not a number of seconds'
        WHEN sacct_missing(elapsedraw) AND NOT sacct_missing(elapsed)
             AND (elapsed_in IS NULL OR NOT isfinite(elapsed_in) OR elapsed_in < 0)
            THEN 'Elapsed ''' || elapsed || ''' is not a duration'
        WHEN is_step THEN NULL
        WHEN sacct_ts_bad("end", end_ts) THEN 'End ''' || "end" || ''' is not a time'
        WHEN isnan(gpus_in) OR gpus_in < 0
            THEN 'AllocTRES ''' || tres || ''' has a GPU count that is not a number'
        WHEN nullif(trim(ncpus), '') IS NOT NULL AND (cpus_in IS NULL OR cpus_in < 0)
            THEN 'NCPUS ''' || ncpus || ''' is not a count'
        WHEN nullif(trim(nnodes), '') IS NOT NULL AND (nodes_in IS NULL OR nodes_in < 0)
            THEN 'NNodes ''' || nnodes || ''' is not a count'
        WHEN start_ts IS NOT NULL AND end_ts IS NOT NULL AND end_ts < start_ts
            THEN 'End ' || "end" || ' is before Start ' || "start"
    END AS problem
FROM parsed

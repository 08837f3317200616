-- Creates `slurm_row_keys`: what the first pass over `slurm_checked` keeps of every row,
-- narrow, so that the dump's lines are the only large thing held (a dump of 10M jobs has
-- 30M rows: each column costs 240 MB): each row's problem (with where it is in its file,
-- for problem rows only; the file is the one at file_order, the high bits of row_key), what
-- slurm/step_stats.sql needs to give each step's figures to its allocation (the raw id of
-- the allocation, the step's parent, and the time that orders them), and the parsed
-- figures of steps and allocations, so that the second pass (slurm/canonical.sql) never
-- parses them again.
CREATE TEMP TABLE slurm_row_keys AS
SELECT
    row_key,
    problem,
    -- a jobstats summary may still be found bad (slurm/jobstats.sql)
    CASE WHEN problem IS NOT NULL OR jobstats IS NOT NULL THEN loc END AS loc,
    is_step,
    cluster_name,
    CASE WHEN is_step THEN split_part(raw_id, '.', 1) ELSE raw_id END AS owner_raw,
    -- a step starts after its allocation's Submit (a missing time sorts it last); an
    -- allocation's is its Submit
    CASE
        WHEN is_step THEN coalesce(start_ts, submit_ts, TIMESTAMPTZ '9999-12-31 00:00:00+00')
        ELSE submit_ts
    END AS key_ts,
    total_cpu_s,
    max_rss_bytes,
    energy_in,
    gpu_type,
    -- the allocations' other parsed values (NULL on steps)
    CASE WHEN NOT is_step THEN start_ts END AS start_ts,
    end_ts,
    CASE WHEN NOT is_step THEN elapsed_in END AS elapsed_in,
    gpus_in,
    -- NCPUS and NNodes, else AllocTRES cpu and node (a dump may have AllocTRES alone)
    CASE WHEN NOT is_step THEN coalesce(cpus_in, try_cast(tres_value(tres, 'cpu') AS DOUBLE)) END
        AS cpus_in,
    CASE WHEN NOT is_step THEN coalesce(nodes_in, try_cast(tres_value(tres, 'node') AS BIGINT)) END
        AS nodes_in,
    -- GPU use: the steps' gpuutil and gpumem, the allocation's jobstats summary
    gpu_util_tot,
    gpu_util_max,
    gpu_mem_tot,
    gpu_mem_max,
    jobstats
FROM slurm_checked

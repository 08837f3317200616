-- Creates `slurm_row_keys`: what the first pass over `slurm_checked` keeps of every row,
-- narrow, so that the dump's lines are the only large thing held: each row's problem (with
-- where it is, for problem rows only), and what slurm_step_stats.sql needs to give each
-- step's figures to its allocation: the raw id of the allocation (the step's parent), the
-- time that orders them, and the steps' figures; and the allocations' GPU types.
CREATE TEMP TABLE slurm_row_keys AS
SELECT
    row_key,
    problem,
    CASE WHEN problem IS NOT NULL THEN file END AS file,
    CASE WHEN problem IS NOT NULL THEN loc END AS loc,
    is_step,
    cluster_name,
    CASE WHEN is_step THEN split_part(raw_id, '.', 1) ELSE raw_id END AS owner_raw,
    -- a step starts after its allocation's Submit; a missing time sorts it last (a step) or
    -- first (an allocation)
    CASE
        WHEN is_step THEN coalesce(start_ts, submit_ts, TIMESTAMPTZ '9999-12-31 00:00:00+00')
        ELSE coalesce(submit_ts, TIMESTAMPTZ '1970-01-01 00:00:00+00')
    END AS key_ts,
    CASE WHEN is_step THEN total_cpu_s END AS total_cpu_s,
    max_rss_bytes,
    CASE WHEN is_step THEN energy_in END AS energy_in,
    gpu_type
FROM slurm_checked

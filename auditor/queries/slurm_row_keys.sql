-- Creates `slurm_row_keys`: what the first pass over `slurm_checked` keeps of every row,
-- narrow, so that the dump's lines are the only large thing held: each row's problem (with
-- where it is, for problem rows only), and the keys and figures slurm_step_stats.sql needs to
-- give each step's figures to its allocation, and the allocations' GPU types.
CREATE TEMP TABLE slurm_row_keys AS
SELECT
    row_key,
    problem,
    CASE WHEN problem IS NOT NULL THEN file END AS file,
    CASE WHEN problem IS NOT NULL THEN loc END AS loc,
    is_step,
    cluster_name,
    raw_id,
    submit_ts,
    CASE WHEN is_step THEN start_ts END AS start_ts,
    CASE WHEN is_step THEN total_cpu_s END AS total_cpu_s,
    max_rss_bytes,
    CASE WHEN is_step THEN energy_in END AS energy_in,
    gpu_type
FROM slurm_checked

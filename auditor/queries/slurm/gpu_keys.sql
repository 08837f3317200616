-- Creates `slurm_gpu_keys`: the GPU model key of every GPU type the allocations in
-- `slurm_row_keys` name, and whether it is a MIG slice (a profile such as 3g.20gb in its
-- name). gpu_key is costly: once per distinct spelling, not once per row.
CREATE TEMP TABLE slurm_gpu_keys AS
SELECT
    gpu_type,
    gpu_key(gpu_type) AS gpu_model,
    coalesce(regexp_matches(gpu_type, '(^|[^0-9])[1-7]g\.\d+gb'), false) AS gpu_mig
FROM (SELECT DISTINCT gpu_type FROM slurm_row_keys WHERE NOT is_step AND problem IS NULL)
